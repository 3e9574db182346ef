"""Published files no post references: strip their location, or list them.

Jekyll copies every such file to the output, so a reader can download it like any other. A
file an earlier run found clean, and unchanged since, is not read again (`sources`), and the
privacy stage is imported only when some file has to be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import AssetsToolError, MetadataError
from ..report import BuildMode, BuildReport
from ..scan import Collection, published_files
from .sources import SourceCache

if TYPE_CHECKING:
    from ..privacy import LocationReport


def clean_published(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    report: BuildReport,
    sources: SourceCache,
    skip: frozenset[Path] = frozenset(),  # files known clean (our own variants)
    published: list[Path] | None = None,  # published_files(collection.site), if listed already
) -> None:
    """Strip location from every published image no post references (or list them, narrowed).

    Jekyll copies every such file to the output, so a reader can download it like any other.
    A file an earlier run found clean, and unchanged since, is not read again.
    """
    handled = set(collection.by_source()) | skip  # resolved paths, as `resolve` gives them
    listed = published_files(collection.site) if published is None else published
    # the site's root is resolved and the walk enters no linked folder: only a link itself
    # needs resolving to be compared
    published = [
        path
        for path in listed
        if path not in handled and not (path.is_symlink() and path.resolve() in handled)
    ]
    flagged: set[Path] = set()  # files with something to report: checked again next time
    for found in _audit([path for path in published if not sources.seen_clean(path)]):
        if found.path is not None:
            flagged.add(found.path)
        if isinstance(found, AssetsToolError):
            report.errors.append(found)
        elif not config.strips_published:
            where = found.kinds() or found.unchecked
            report.notes.append(
                f"{found.path}: not referenced by any post but published with location "
                f"({where}); `strip_location: referenced` leaves it: run "
                f"`assets-tool strip {found.path}`"
            )
        elif found.unchecked:
            what, _, fix = found.unchecked.partition("; ")
            fix = fix or "convert it to a supported format, or move it out of the site"
            report.errors.append(MetadataError(found.path, f"published, but {what}", fix))
        elif mode.writes:
            _strip_published(found, report)
        else:
            report.locations_removed += 1
            report.location_left.append(
                f"{found.path}: published with location ({found.kinds()}) though no post "
                f"references it; run `assets-tool build {collection.site.root}` "
                f"(or `assets-tool strip {found.path}`)"
            )
    sources.remember_clean(published, set(published) - flagged)


def _audit(paths: list[Path]) -> Iterator[LocationReport | AssetsToolError]:
    """Audit the images among `paths`; the privacy stage is imported only if there are any."""
    if not paths:
        return iter(())
    from ..privacy import audit_paths, looks_like_image

    return audit_paths(path for path in paths if looks_like_image(path))


def _strip_published(found: LocationReport, report: BuildReport) -> None:
    from ..privacy import strip_file_report

    try:
        stripped = strip_file_report(found.path)
    except AssetsToolError as error:
        report.errors.append(error)
        return
    if stripped is not None:
        report.locations_removed += 1
        report.files_written.append(found.path)
        report.stripped.append(f"{found.path} ({stripped.kinds()}; referenced by no post)")
