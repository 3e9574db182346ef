"""What a build did (or would do), for the one-line summary and the --json report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Shard
from .errors import AssetsToolError


@dataclass(frozen=True)
class BuildMode:
    """What a run may touch: everything, nothing (dry run, check), or posts only (revert)."""

    dry_run: bool = False  # compute everything, write nothing, collect diffs
    check: bool = False  # write nothing, skip encoding; only tell whether anything would change
    revert: bool = False  # put the authors' original references back; touch no image
    # render and publish only this slice's variants; touch no post and no original
    shard: Shard | None = None

    @property
    def writes(self) -> bool:
        """Tell whether this run writes files."""
        return not (self.dry_run or self.check)

    @property
    def edits_site(self) -> bool:
        """Tell whether this run may change posts and originals (not a shard's render-only run)."""
        return self.writes and self.shard is None


@dataclass
class BuildReport:
    """Counts and lists gathered while a build runs; `--json` prints `to_json()`."""

    images: int = 0  # distinct source images processed
    variants_written: int = 0  # variant files written (or that would be, in dry-run/check)
    bytes_before: int = 0  # bytes of the referenced originals
    bytes_after: int = 0  # bytes a reader downloads instead: best format at the shown width
    locations_removed: int = 0  # originals whose location data was (or would be) removed
    # disk the variants folder's recorded variants use (or would use) once the run is done
    variants_bytes: int = 0
    estimated: int = 0  # variants planned but not encoded (dry-run, check): sizes are guesses
    errors: list[AssetsToolError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # references left alone, with the reason
    notes: list[str] = field(default_factory=list)  # images left as they are (animated, ...)
    warnings: list[str] = field(default_factory=list)  # problems that did not stop the run
    posts_changed: list[Path] = field(default_factory=list)
    files_written: list[Path] = field(default_factory=list)  # variants and stripped originals
    files_removed: list[Path] = field(default_factory=list)  # variants no reference needs now
    diffs: list[str] = field(default_factory=list)  # unified diffs, filled in dry-run
    # published images the posts do not reference that still carry location (`path: where`)
    location_left: list[str] = field(default_factory=list)
    # published images no post references whose location was removed (`path (fields)`)
    stripped: list[str] = field(default_factory=list)
    # sources published without their AVIF variants this run: the AVIF budget was spent
    avif_deferred: list[Path] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Tell whether the run changed (or would change) anything on disk."""
        return bool(self.posts_changed or self.files_written or self.files_removed)

    def summary(self, mode: BuildMode | None = None) -> str:
        """Return the one-line summary every run ends with (future tense if nothing was written)."""
        done = mode is None or mode.writes
        written, removed, rewritten = (
            ("written", "removed", "rewritten") if done else ("to write", "to remove", "to rewrite")
        )
        # a run that writes nothing encodes nothing: sizes of variants not yet made are guesses
        guess = "~" if self.estimated else ""
        disk = f"{guess}{human_bytes(self.variants_bytes)}"
        # a slice of a sharded build says so: its counts are its slice's only
        shard = f"shard {mode.shard}: " if mode is not None and mode.shard else ""
        return (
            f"{shard}{self.images} images, {self.variants_written} variants {written}, "
            f"{human_bytes(self.bytes_before)} -> {guess}{human_bytes(self.bytes_after)}, "
            f"variants use {disk}{' (estimated: not encoded)' if guess else ''}, "
            f"{self.locations_removed} locations {removed}, {len(self.posts_changed)} posts "
            f"{rewritten}, {len(self.files_removed)} old variants {removed}, "
            f"{len(self.errors)} errors"
        )

    def to_json(self) -> dict[str, Any]:
        """Return the machine-readable report (documented in the README)."""
        return {
            "images": self.images,
            "variants_written": self.variants_written,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "variants_bytes": self.variants_bytes,
            "estimated_variants": self.estimated,
            "locations_removed": self.locations_removed,
            "posts_changed": [str(p) for p in self.posts_changed],
            "files_written": [str(p) for p in self.files_written],
            "files_removed": [str(p) for p in self.files_removed],
            "skipped": self.skipped,
            "notes": self.notes,
            "warnings": self.warnings,
            "location_left": self.location_left,
            "locations_stripped": self.stripped,
            "avif_deferred": [str(p) for p in self.avif_deferred],
            "errors": [e.message for e in self.errors],
        }


def human_bytes(count: int) -> str:
    """Format a byte count the way people read it (3.4 MB)."""
    size = float(count)
    for unit in ("B", "kB", "MB"):
        if abs(size) < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
