"""What the last build of a gallery wrote, so a rebuild reuses variants and removes leftovers.

Kept in OUT/.assets-tool-gallery.json. Only files named there are ever deleted: a gallery
written into a folder that holds other files leaves those alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..models import Variant
from ..render import Plan

STATE_NAME = ".assets-tool-gallery.json"
VERSION = 1


class State:
    """The files a build produced and, per source digest, the variants it kept."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_NAME
        raw = self._load()
        self.previous: set[str] = set(raw.get("files", []))
        self.photos: dict[str, dict[str, Any]] = dict(raw.get("photos", {}))
        self.files: set[str] = set()
        self.used: set[str] = set()
        self.encoded = 0  # photos encoded in this run (the others were reused)

    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no state (first build) or damaged: everything is made again
        return raw if isinstance(raw, dict) and raw.get("version") == VERSION else {}

    def reuse(self, digest: str, plan: Plan, media: Path) -> tuple[tuple[Variant, ...], str] | None:
        """Return the kept variants and colour of an earlier encode, if all are still on disk."""
        entry = self.photos.get(digest)
        if not entry or entry.get("planned") != [v.name for v in plan.variants]:
            return None
        kept = tuple(Variant(*row) for row in entry["kept"])
        if not all((media / v.name).is_file() for v in kept):
            return None
        self._use(digest, kept)
        return kept, str(entry["colour"])

    def remember(self, digest: str, plan: Plan, kept: tuple[Variant, ...], colour: str) -> None:
        """Record what one photo's encode kept."""
        self.photos[digest] = {
            "planned": [v.name for v in plan.variants],
            "kept": [[v.width, v.height, v.mime, v.name, v.size] for v in kept],
            "colour": colour,
        }
        self.encoded += 1
        self._use(digest, kept)

    def _use(self, digest: str, kept: tuple[Variant, ...]) -> None:
        self.used.add(digest)
        for v in kept:
            self.produced(f"media/{v.name}")

    def produced(self, rel: str) -> None:
        """Record a file (relative to the output folder, with /) written by this build."""
        self.files.add(rel)

    def stale(self) -> list[str]:
        """Return files the previous build wrote that this one did not."""
        return sorted(self.previous - self.files)

    def save(self) -> None:
        """Write the state file (photos no longer in the gallery are forgotten)."""
        data = {
            "version": VERSION,
            "files": sorted(self.files),
            "photos": {d: e for d, e in sorted(self.photos.items()) if d in self.used},
        }
        write_atomic(self.path, json.dumps(data, indent=1).encode())
