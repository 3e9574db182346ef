"""The `scan` command's flow: every reference, what it resolves to, and what that file holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import AssetsToolError
from ..models import ImageRef
from ..scan import VARIANT_NOTE, collect


@dataclass(frozen=True)
class Row:
    """One reference as the `scan` command lists it."""

    post: Path
    line: int
    src: str
    kind: str
    status: str  # "ok", "generated", "skipped: <reason>" or "error"
    file: Path | None = None
    width: int | None = None  # upright pixel size of the file
    height: int | None = None
    location: str | None = None  # where location data sits in the file, if anywhere

    def text(self) -> str:
        """Return the row as one human-readable line."""
        size = f" {self.width}x{self.height}" if self.width else ""
        where = f" -> {self.file}{size}" if self.file else ""
        gps = f" [location: {self.location}]" if self.location else ""
        return f"{self.post}:{self.line}: {self.src}{where}: {self.status}{gps}"

    def to_json(self) -> dict[str, Any]:
        """Return the row for the `--json` report."""
        return {
            "post": str(self.post),
            "line": self.line,
            "src": self.src,
            "kind": self.kind,
            "status": self.status,
            "file": str(self.file) if self.file else None,
            "width": self.width,
            "height": self.height,
            "has_location": self.location is not None,
            "location": self.location,
        }


def inventory(root: Path, config: Config) -> tuple[list[Row], list[AssetsToolError]]:
    """Scan and resolve every reference of a site and describe each one."""
    collection = collect(root, config)
    errors = list(collection.errors)
    rows = [_skipped_row(ref) for ref in collection.skipped]
    rows += [
        _base_row(item.ref, f"skipped: {VARIANT_NOTE}", item.source.path)
        for item in collection.variant_refs
    ]
    rows += [_base_row(ref, "error") for ref in collection.unresolved]
    for item in collection.resolved:
        try:
            rows.append(_row(item.ref, item.source.path, config))
        except AssetsToolError as error:
            errors.append(error)
            rows.append(_base_row(item.ref, "error", item.source.path))
    rows.sort(key=lambda r: (str(r.post), r.line))
    return rows, errors


def _row(ref: ImageRef, path: Path, config: Config) -> Row:
    # imported late: `build` imports this module, and a warm build needs neither stage
    from ..privacy import read_location
    from ..render import probe

    data = path.read_bytes()
    info = probe(data, path, config.max_pixels)
    report = read_location(data, path)
    location = ", ".join(f.where for f in report.findings) or report.unchecked
    status = "generated" if ref.original is not None else "ok"
    return Row(
        ref.post, ref.line, ref.src, ref.kind.value, status, path, info.width, info.height, location
    )


def _base_row(ref: ImageRef, status: str, path: Path | None = None) -> Row:
    return Row(ref.post, ref.line, ref.src, ref.kind.value, status, path)


def _skipped_row(ref: ImageRef) -> Row:
    reason = ref.skip.value if ref.skip else "skipped"
    return _base_row(ref, f"skipped: {reason}")
