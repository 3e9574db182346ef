"""A changed `output_dir`: remove what the tool wrote in the variants folder it used before.

Each manifest records the folder it was written for, so one found where it says it lives is
the tool's own record (a copy, such as Jekyll's in `_site/`, lies elsewhere). Only the
variants that record names are removed, then the record, then the folder if nothing else is
left in it: files the tool did not write stay.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..report import BuildMode, BuildReport
from .manifest import MANIFEST_NAME, read_body

# folders no variants folder lives in: generator output, caches, version control
_NOT_SEARCHED = frozenset({"_site", "node_modules", "vendor"})


def folder_name(root: Path, folder: Path) -> str:
    """Return the variants folder as a site-relative POSIX path, however it was spelt."""
    return folder.resolve().relative_to(root.resolve()).as_posix()


def remove_old_folders(
    root: Path, current: str, keep: set[Path], mode: BuildMode, report: BuildReport
) -> None:
    """Remove the variants recorded in manifests of folders other than `current`.

    `keep` holds files this run reads as sources (a post may name an old variant directly).
    """
    for folder, names in _old_folders(root.resolve(), current):
        doomed = [folder / n for n in names if (folder / n).resolve() not in keep]
        doomed = [path for path in doomed if path.is_file()]
        report.files_removed.extend(doomed)
        if not mode.writes:
            continue
        try:
            for path in doomed:
                path.unlink(missing_ok=True)
            if len(doomed) == len(names):  # the record goes once all it names has gone
                (folder / MANIFEST_NAME).unlink(missing_ok=True)
                if not any(folder.iterdir()):
                    folder.rmdir()
        except OSError as exc:
            report.warnings.append(
                f"{folder}: cannot remove the old variants folder's files ({exc.strerror}); "
                "remove them by hand"
            )


def _old_folders(root: Path, current: str) -> Iterator[tuple[Path, list[str]]]:
    """Yield each other variants folder the tool recorded, with the variants it published."""
    for parent, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_SEARCHED)
        if MANIFEST_NAME not in files:
            continue
        folder = Path(parent)
        name = folder.relative_to(root).as_posix()
        body = read_body(folder / MANIFEST_NAME)
        if name == current or body is None or body.get("folder") != name:
            continue
        variants = body.get("variants", {})
        if isinstance(variants, dict):
            # a plain file name only: a damaged record must never reach outside its folder
            yield (
                folder,
                sorted(
                    str(n)
                    for n, size in variants.items()
                    if isinstance(size, int) and _plain(str(n))
                ),
            )


def _plain(name: str) -> bool:
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name
