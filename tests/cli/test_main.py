"""The command line's own contract: exit codes, one-line errors, --debug, --version."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assets_tool import __version__
from assets_tool.cli import build as cli_build
from assets_tool.cli import main


def _explode(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom")


def test_a_bug_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_build, "build_site", _explode)
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 1
    assert "internal error (RuntimeError: boom)" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_build, "build_site", _explode)
    result = CliRunner().invoke(main, ["--debug", "build", str(tmp_path)])
    assert isinstance(result.exception, RuntimeError)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--widths", "a,b"])
    assert result.exit_code == 2
    assert "--widths" in result.output or "'a,b'" in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_help_lists_every_command_of_every_command_module() -> None:
    # the group imports a command's module only when the command runs: its table of names
    # must name every command the modules define, and only those
    from assets_tool import cli
    from assets_tool.cli import build, gallery, hook, privacy

    defined = {
        c.name: m.__name__.rpartition(".")[2]
        for m in (build, privacy, hook, gallery)
        for c in m.COMMANDS
    }
    assert defined == cli.COMMAND_MODULES
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = {
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()
    }
    assert listed == set(defined)
