"""The `gallery` command: a standalone static gallery from a folder of photos."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import ConfigError
from ..gallery import (
    GalleryReport,
    GallerySettings,
    build_gallery,
    build_post_gallery,
    load_settings,
)
from .common import EXIT_FAILED, EXIT_OK, guarded, print_error


@click.command()
@click.argument(
    "photos",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="PHOTOS_DIR",
)
@click.option(
    "--from-site",
    "from_site",
    nargs=2,
    type=click.Path(exists=True, path_type=Path),
    metavar="SITE POST",
    help="Instead of PHOTOS_DIR: the photos one post of SITE references, in its order.",
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the gallery into (created if missing).",
)
@click.option("--title", help="Title of the gallery (the top album).")
@click.option("--page-size", type=click.IntRange(min=1), help="Photos per album page (60).")
@click.option(
    "--originals",
    type=click.Choice(["clean", "none"]),
    help="Publish each original with its location removed (clean), or none (default).",
)
@click.option(
    "--theme",
    type=click.Path(exists=True, file_okay=False),
    help="Folder whose templates/ and static/ override the default theme.",
)
@click.option("--workers", type=click.IntRange(min=0), help="Encoding processes (0: one per core).")
def gallery(
    photos: Path | None, from_site: tuple[Path, Path] | None, out: Path, **options: Any
) -> None:
    """Build a static photo gallery of PHOTOS_DIR in OUT_DIR, then audit it for location.

    With --from-site SITE POST, the gallery is of the photos POST references, titled after it.
    """
    if (photos is None) == (from_site is None):
        raise click.UsageError("give either PHOTOS_DIR or --from-site SITE POST")
    with guarded():
        settings = load_settings(photos) if photos else GallerySettings()
        given = {k: v for k, v in options.items() if v is not None}
        try:
            settings = settings.replace(**given)
        except ConfigError as error:
            raise click.UsageError(error.message) from error
        if from_site:
            site, post = from_site
            report = build_post_gallery(site, post, out, settings, options.get("title"))
        else:
            assert photos is not None
            report = build_gallery(photos, out, settings)
    _print(report)
    sys.exit(EXIT_FAILED if report.errors or report.privacy else EXIT_OK)


def _print(report: GalleryReport) -> None:
    for error in report.errors:
        print_error(error)
    for leak in report.privacy:
        print_error(leak)
    click.echo(report.summary(), err=True)
    if report.index is not None and not report.privacy:
        click.echo(f"gallery: {report.index}")


COMMANDS: list[click.Command] = [gallery]
