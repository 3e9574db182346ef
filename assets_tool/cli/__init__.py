"""The `assets-tool` command line: one group, commands defined per front end.

Each command's module is imported only when that command runs (or help lists them all): a
warm `build` must not pay for the gallery's Jinja2 or the hook's Git plumbing at start-up.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

# command name -> the module of this package that defines it (in its COMMANDS list)
COMMAND_MODULES = {
    "build": "build",
    "scan": "build",
    "strip": "privacy",
    "audit": "privacy",
    "hook": "hook",
    "gallery": "gallery",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command name, in order."""
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command called `cmd_name`, importing its module if needed."""
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(f"{__name__}.{COMMAND_MODULES[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="assets-tool")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Make the photos on a static blog fast and safe to publish."""
    ctx.obj = {"debug": debug}
