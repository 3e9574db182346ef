"""What every command shares: error reporting, exit codes, progress, JSON output."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from ..errors import AssetsToolError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

T = TypeVar("T")


def debug_enabled() -> bool:
    """Tell whether the user asked for tracebacks with `--debug`."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool(root and isinstance(root.obj, dict) and root.obj.get("debug"))


def print_error(error: BaseException) -> None:
    """Print one failure as a single line on stderr (with a traceback under --debug)."""
    if debug_enabled():
        traceback.print_exception(error)
    message = error.message if isinstance(error, AssetsToolError) else f"{error}"
    click.echo(f"error: {message}", err=True)


@contextmanager
def guarded() -> Iterator[None]:
    """Turn errors into a one-line message and exit code 1, Ctrl-C into 130."""
    try:
        yield
    except AssetsToolError as error:
        print_error(error)
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException:
        raise  # usage errors: click prints them and exits 2
    except Exception as error:  # a bug, not bad input: one line, the traceback under --debug
        if debug_enabled():
            raise
        click.echo(
            f"error: internal error ({type(error).__name__}: {error}); "
            "run again with --debug and report the traceback",
            err=True,
        )
        sys.exit(EXIT_FAILED)


def emit_json(report: dict[str, Any]) -> None:
    """Print a machine-readable report on stdout."""
    click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))


def progress(items: Iterable[T], length: int, label: str) -> Iterator[T]:
    """Yield `items`, drawing a progress bar only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, length=length, label=label, file=sys.stderr) as bar:
        yield from bar
