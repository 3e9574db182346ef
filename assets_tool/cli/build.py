"""Commands of the build front end: `build` and `scan`."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import click

from .. import config as config_module
from ..build import BuildMode, build_site, inventory, load_site_config, open_encoders
from ..config import Config, parse_shard
from ..errors import AssetsToolError, ConfigError
from ..report import BuildReport
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    emit_json,
    guarded,
    print_error,
)

SITE = click.argument(
    "site", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="SITE"
)


def _overrides(**options: Any) -> dict[str, Any]:
    """Keep the command-line options the user actually gave."""
    return {k: v for k, v in options.items() if v not in (None, ())}


def _load(site: Path, **options: Any) -> Config:
    config = load_site_config(site)
    try:
        return config.replace(**_overrides(**options))
    except ConfigError as error:
        # the site's own settings passed; a bad value came from the command line
        raise click.UsageError(error.message) from error


@click.command()
@SITE
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the diff of every post and the files it would write; change nothing.",
)
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 if anything would change (for CI)."
)
@click.option(
    "--revert", is_flag=True, help="Put the original image references back into the posts."
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.option("--workers", type=click.IntRange(min=0), help="Encoding processes (0: one per core).")
@click.option("--markup", type=click.Choice(config_module.MARKUPS), help="Markup to write.")
@click.option("--output-dir", help="Folder inside the site that receives the variants.")
@click.option("--widths", help="Comma-separated widths for images shown at no stated width.")
@click.option("--formats", help="Comma-separated modern formats: avif,webp.")
@click.option(
    "--content-width",
    type=click.IntRange(min=0),
    help="Width (CSS px) of the theme's content column (0: the known theme's, else 800).",
)
@click.option("--no-strip", "no_strip", is_flag=True, help="Leave location data in the originals.")
@click.option(
    "--avif-budget",
    type=click.IntRange(min=0),
    metavar="SECONDS",
    help="Start AVIF encodes only this long; the rest get theirs in the next runs (0: no limit).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Render on this Dask scheduler's workers (tcp://host:8786; needs the dask extra).",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Render only slice K of N (a CI matrix job); posts and originals are left alone.",
)
def build(
    site: Path,
    dry_run: bool,
    check: bool,
    revert: bool,
    as_json: bool,
    workers: int | None,
    markup: str | None,
    output_dir: str | None,
    widths: str | None,
    formats: str | None,
    content_width: int | None,
    no_strip: bool,
    avif_budget: int | None,
    scheduler: str | None,
    shard: str | None,
) -> None:
    """Render variants, strip location and rewrite the posts of SITE."""
    mode = BuildMode(dry_run=dry_run, check=check, revert=revert)
    with guarded():
        try:
            config = _load(
                site,
                workers=workers,
                markup=markup,
                output_dir=output_dir,
                widths=_csv(widths, int),
                formats=_csv(formats, str),
                content_width=content_width,
                strip_location="false" if no_strip else None,
                avif_budget=avif_budget,
                scheduler=scheduler,
                shard=shard,
            )
            mode = BuildMode(
                dry_run=dry_run, check=check, revert=revert, shard=parse_shard(config.shard)
            )
            report = _run_with_progress(site, config, mode)
        except AssetsToolError as error:
            if not as_json:
                raise
            report = BuildReport(errors=[error])  # --json callers always get a report to read
        except KeyboardInterrupt:
            # every write is atomic: what was written is whole, and a new run picks up from there
            click.echo(
                "interrupted; every file written so far is complete: run the build again to finish",
                err=True,
            )
            sys.exit(EXIT_INTERRUPTED)
    _print_report(report, mode, as_json)
    failed = bool(report.errors) or (check and (report.changed or bool(report.location_left)))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _csv(value: str | None, kind: type) -> tuple[Any, ...] | None:
    if value is None:
        return None
    try:
        return tuple(kind(part.strip()) for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {exc}") from exc


def _run_with_progress(site: Path, config: Config, mode: BuildMode) -> BuildReport:
    with open_encoders(config) as encoders:
        run = functools.partial(
            build_site, site, config, mode, encoders.executor, slots=encoders.slots
        )
        if not sys.stderr.isatty():
            return run()
        with click.progressbar(length=1, label="images", file=sys.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            return run(on_progress=advance)


def _print_report(report: BuildReport, mode: BuildMode, as_json: bool) -> None:
    for error in report.errors:
        print_error(error)
    if as_json:
        emit_json(report.to_json())
        click.echo(report.summary(mode), err=True)
        return
    for diff in report.diffs:
        click.echo(diff, nl=False)
    verb = "would write" if not mode.writes else "wrote"
    if mode.dry_run or mode.check:
        for path in report.files_written:
            click.echo(f"{verb}: {path}")
        for path in report.posts_changed:
            click.echo(f"would rewrite: {path}")
        for path in report.files_removed:
            click.echo(f"would remove: {path}")
    for line in report.stripped:
        click.echo(f"stripped location: {line}")
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for line in report.warnings + report.location_left:
        click.echo(f"warning: {line}", err=True)
    click.echo(report.summary(mode), err=True)


@click.command()
@SITE
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
def scan(site: Path, as_json: bool) -> None:
    """List every image reference in the posts of SITE and its status."""
    with guarded():
        try:
            rows, errors = inventory(site, load_site_config(site))
        except AssetsToolError as failure:
            if not as_json:
                raise
            rows, errors = [], [failure]
    if as_json:
        emit_json(
            {"references": [row.to_json() for row in rows], "errors": [e.message for e in errors]}
        )
    else:
        for row in rows:
            click.echo(row.text())
        for error in errors:
            print_error(error)
        click.echo(f"{len(rows)} references, {len(errors)} errors", err=True)
    sys.exit(EXIT_FAILED if errors else EXIT_OK)


COMMANDS: list[click.Command] = [build, scan]
