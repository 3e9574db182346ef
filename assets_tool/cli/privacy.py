"""Commands of the privacy front end: `strip` and `audit`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import AssetsToolError
from ..privacy import (
    audit_paths,
    image_files,
    strip_file_report,
)
from .common import EXIT_FAILED, EXIT_OK, emit_json, guarded, print_error

# readable=False: click would abort the whole run over one unreadable file; each file's
# problem is reported on its own line instead, and the others are still processed
_PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)


def _hard_links(path: Path) -> int:
    """Count the names of a file: a cleaned copy replaces only this one."""
    try:
        return path.stat().st_nlink
    except OSError:
        return 1  # the strip itself reports why the file cannot be read


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.command("strip")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Remove all metadata except the colour profile and orientation.",
)
@_PATHS
def strip_command(paths: tuple[Path, ...], everything: bool) -> None:
    """Remove location data from images in place, losslessly.

    Prints each file it changed and exits 1 when it changed any (the pre-commit fixer
    convention), or when a file could not be checked; 0 when every file was clean.
    A symbolic link is followed: the file it points to is cleaned (the link stays a link),
    since that file is what gets published; the output names it.
    """
    with guarded():
        _strip(paths, everything)


def _strip(paths: tuple[Path, ...], everything: bool) -> None:
    changed = failed = clean = 0
    for path in image_files(paths):
        try:
            links = _hard_links(path)
            report = strip_file_report(path, everything=everything)
            if report is not None:
                changed += 1
                what = "metadata" if everything else "location"
                kinds = report.kinds()
                shown = f"{path} -> {path.resolve()}" if path.is_symlink() else str(path)
                click.echo(f"stripped {what}: {shown}" + (f" ({kinds})" if kinds else ""))
                if links > 1:
                    click.echo(
                        f"warning: {path}: its {links - 1} other hard link(s) keep the old "
                        f"content, location included; strip them too (`find / -samefile {path}` "
                        "lists them)",
                        err=True,
                    )
            else:
                clean += 1
        except AssetsToolError as error:
            failed += 1
            print_error(error)
    click.echo(f"{_plural(changed, 'file')} stripped, {clean} already clean, {failed} failed")
    sys.exit(EXIT_FAILED if changed or failed else EXIT_OK)


@click.command("audit")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@_PATHS
def audit_command(paths: tuple[Path, ...], as_json: bool) -> None:
    """List every image under SITE or PATHs that still carries location data.

    Directories are walked (skipping .git, node_modules, .jekyll-cache, vendor); files are
    recognised by content, not name. Exits 1 when any file carries location, could not be
    checked, or could not be read.

    --json prints {"files": [{"path", "coordinates": [lat, lon] | null, "findings":
    [{"where", "detail"}]}], "unchecked": [{"path", "reason"}], "errors": [{"path",
    "message"}], "totals": {"checked", "with_location", "unchecked", "errors"}}.
    """
    with guarded():
        _audit(paths, as_json)


def _audit(paths: tuple[Path, ...], as_json: bool) -> None:
    checked: list[Path] = []
    files: list[dict[str, Any]] = []
    unchecked: list[dict[str, str]] = []
    errors: list[dict[str, str | None]] = []
    for item in audit_paths(paths, checked):
        if isinstance(item, AssetsToolError):
            errors.append({"path": str(item.path) if item.path else None, "message": item.message})
            if not as_json:
                print_error(item)
        elif item.unchecked:
            unchecked.append({"path": str(item.path), "reason": item.unchecked})
            if not as_json:
                click.echo(f"{item.path}: not checked: {item.unchecked}")
        else:
            coords = item.coordinates
            files.append(
                {
                    "path": str(item.path),
                    "coordinates": list(coords) if coords else None,
                    "findings": [{"where": f.where, "detail": f.detail} for f in item.findings],
                }
            )
            if not as_json:
                at = f"{coords[0]:.6f}, {coords[1]:.6f}" if coords else "no coordinates"
                click.echo(f"{item.path}: {at} ({item.kinds()})")
    totals = {
        "checked": len(checked),
        "with_location": len(files),
        "unchecked": len(unchecked),
        "errors": len(errors),
    }
    if as_json:
        emit_json({"files": files, "unchecked": unchecked, "errors": errors, "totals": totals})
    else:
        click.echo(
            f"{_plural(len(checked), 'image')} checked: {len(files)} with location, "
            f"{len(unchecked)} not checked, {len(errors)} failed"
        )
    sys.exit(EXIT_FAILED if files or unchecked or errors else EXIT_OK)


COMMANDS: list[click.Command] = [strip_command, audit_command]
