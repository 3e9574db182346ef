"""The `assets-tool` command line: one group, commands defined per front end."""

from __future__ import annotations

import click

from .. import __version__
from . import build, gallery, hook, privacy


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="assets-tool")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Make the photos on a static blog fast and safe to publish."""
    ctx.obj = {"debug": debug}


for _module in (build, privacy, hook, gallery):
    for _command in _module.COMMANDS:
        main.add_command(_command)
