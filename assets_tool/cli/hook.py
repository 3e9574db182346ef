"""Commands of the hook front end: `assets-tool hook strip-location|check-images|install`."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from .. import hook
from .common import EXIT_FAILED, guarded

_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3}


def parse_size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """Parse a byte count with an optional decimal unit: 500000, 500k, 500kB, 2M, 2MB."""
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[bB]?\s*", str(value))
    if match is None:
        raise click.BadParameter(f"{value!r} is not a size; write e.g. 500000, 500k or 2M")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


@click.group("hook")
def hook_group() -> None:
    """Commit-time guard: keep location data and large non-LFS images out of Git."""


@hook_group.command("strip-location")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, readable=False))
def strip_location_command(files: tuple[str, ...]) -> None:
    """Strip location data from images in place; fail if any file changed.

    With FILES (the pre-commit framework passes them) those files are cleaned; without, the
    images staged for the next commit are.
    """
    with guarded():
        candidates = _candidates(files)
        result = hook.strip_location(candidates)
    for name in result.changed:
        kinds = result.removed.get(name)
        click.echo(f"{name}: location data removed" + (f" ({kinds})" if kinds else ""))
    for problem in result.problems:
        click.echo(str(problem))
    if result.changed:
        count = len(result.changed)
        click.echo(f"location removed from {count} file(s): `git add` them and commit again")
    if not result.ok:
        sys.exit(EXIT_FAILED)


@hook_group.command("check-images")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, readable=False))
@click.option(
    "--max-untracked-size",
    default=str(hook.DEFAULT_MAX_UNTRACKED),
    callback=parse_size,
    show_default=True,
    help="Fail for images larger than this that Git LFS does not track (0: never).",
)
@click.option(
    "--site",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Also check that this site's posts are rewritten and variants up to date.",
)
def check_images_command(
    files: tuple[str, ...], max_untracked_size: int, site: Path | None
) -> None:
    """Check images for location data, unfetched LFS content and size without LFS.

    Prints one `path: reason` line per problem and fails if there is any. With FILES those
    files are checked; without, the images staged for the next commit are.
    """
    with guarded():
        candidates = _candidates(files)
        repo = _repo_for(files)
        result = hook.check_images(
            repo,
            candidates,
            max_untracked_size,
            site_check=_site_check,
            site=site,
            pushed=_pushed_range(),
        )
    for problem in result.problems:
        click.echo(str(problem))
    if not result.ok:
        sys.exit(EXIT_FAILED)


@hook_group.command("install")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    help="Repository to install into (default: the current one).",
)
@click.option(
    "--force", is_flag=True, help="Chain to a pre-commit framework hook instead of refusing."
)
def install_command(repo: Path, force: bool) -> None:
    """Write a Git pre-commit hook that runs strip-location, then check-images.

    An existing pre-commit hook is kept: it is renamed to pre-commit.assets-tool-chained and
    runs first; if it fails, the commit is blocked as before.
    """
    with guarded():
        result = hook.install(repo, force=force)
    click.echo(f"{result.hook}: {result.action}")
    if result.chained is not None:
        click.echo(f"  runs {result.chained} first")


@hook_group.command("uninstall")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    help="Repository to remove the hook from (default: the current one).",
)
def uninstall_command(repo: Path) -> None:
    """Remove the hook `install` wrote and put back the hook it chained to."""
    with guarded():
        result = hook.uninstall(repo)
    click.echo(f"{result.hook}: {result.action}")
    if result.chained is not None:
        click.echo(f"  restored from {result.chained}")


def _candidates(files: tuple[str, ...]) -> list[hook.Candidate]:
    if files:
        return hook.given_candidates(files, Path.cwd())
    return hook.staged_candidates(_repo_for(files))


def _repo_for(files: tuple[str, ...]) -> Path:
    """Return where git runs: the current folder for given files, else the work tree's top."""
    if files:
        return Path.cwd()
    return Path(hook.git(Path.cwd(), "rev-parse", "--show-toplevel").decode().strip())


def _pushed_range() -> tuple[str, str] | None:
    """Return the commits being pushed, as the pre-commit framework names them at push time."""
    start, end = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    return (start, end) if start and end else None


def _site_check(site: Path) -> list[str]:
    """Return the main build's complaints about `site` (posts not rewritten, stale variants)."""
    from ..build import check_posts  # imported late: the build pulls in every stage

    return check_posts(site.resolve())


COMMANDS: list[click.Command] = [hook_group]
