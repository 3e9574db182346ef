"""What the last build of a gallery wrote and read, so a rebuild reuses variants, removes
leftovers and opens no photo that did not change.

Kept in OUT/.assets-tool-gallery.json. Only files named there are ever deleted: a gallery
written into a folder that holds other files leaves those alone. Per source photo it keeps
what was read from it (`Facts`: content hash, header facts, caption/alt/date/camera, GPS for
the privacy gate) against the file's stat signature (size, modification and change times,
inode, device): a photo whose signature is unchanged is neither opened, hashed nor parsed.
Any write to a file changes its change time, which no tool can set back, so a replaced photo
with the same size and modification time is still read again. A photo's coordinates are never
written into the output (the gate would rightly fail it, and it is published): they are kept
in the user's cache folder, by content hash; a photo with GPS whose coordinates are missing
there is read again. `build` keeps the same kind of
record (build/sources.py) in the user's cache folder; the gallery's lives with the output it
describes and holds more (the page text and coordinates), so it is its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..cache import cache_folder, stat_signature
from ..models import ImageInfo, Variant
from ..render import Plan
from .captions import Embedded

STATE_NAME = ".assets-tool-gallery.json"
VERSION = 2
# version 1 had no `sources`: its variants are still reused, its photos read once more
READABLE = (1, VERSION)


@dataclass(frozen=True)
class Facts:
    """Everything a build reads from one source photo."""

    digest: str  # SHA-256 of its bytes: names its variants
    info: ImageInfo
    embedded: Embedded
    coordinates: tuple[float, float] | None  # its GPS position, for the privacy gate only

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-able form of these facts, without the coordinates (only whether any)."""
        return {
            "digest": self.digest,
            "info": asdict(self.info),
            "embedded": self.embedded.to_json(),
            "located": self.coordinates is not None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any], located: dict[str, list[float]]) -> Facts | None:
        """Rebuild what `to_json` wrote; None when its coordinates are not in `located`."""
        where = located.get(str(raw["digest"])) if raw["located"] else None
        if raw["located"] and not where:
            return None
        return cls(
            str(raw["digest"]),
            ImageInfo(**raw["info"]),
            Embedded.from_json(raw["embedded"]),
            (float(where[0]), float(where[1])) if where else None,
        )


class State:
    """The files a build produced and, per source digest, the variants it kept."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_NAME
        raw = self._load()
        self.previous: set[str] = set(raw.get("files", []))
        self.photos: dict[str, dict[str, Any]] = dict(raw.get("photos", {}))
        self.sources: dict[str, dict[str, Any]] = dict(raw.get("sources", {}))
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:24]
        self.private = cache_folder() / f"gallery-{name}.json"
        self.coordinates = self._load_private()  # digest -> [lat, lon], outside the output
        self.seen: dict[Path, Facts] = {}  # this build's sources and what is known of them
        self.located: dict[Path, tuple[float, float]] = {}  # sources with GPS, for the gate
        self.files: set[str] = set()
        self.used: set[str] = set()
        self.encoded = 0  # photos encoded in this run (the others were reused)

    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no state (first build) or damaged: everything is made again
        return raw if isinstance(raw, dict) and raw.get("version") in READABLE else {}

    def _load_private(self) -> dict[str, list[float]]:
        try:
            raw = json.loads(self.private.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return raw if isinstance(raw, dict) else {}

    def known(self, path: Path) -> Facts | None:
        """Return the facts of a source whose file is unchanged since they were read."""
        record = self.sources.get(str(path))
        if record is None or record.get("stat") != stat_signature(path):
            return None
        try:
            facts = Facts.from_json(record["facts"], self.coordinates)
        except (KeyError, TypeError, ValueError, IndexError):
            return None  # a damaged record only costs a read
        if facts is not None:
            self.see(path, facts)
        return facts

    def learn(self, path: Path, facts: Facts, stat: list[int] | None) -> None:
        """Record what was read from a source, against the signature it had before the read."""
        if stat is not None:
            self.sources[str(path)] = {"stat": stat, "facts": facts.to_json()}
        self.see(path, facts)

    def see(self, path: Path, facts: Facts) -> None:
        """Note a source of this build (its record is kept, its coordinates audited for)."""
        self.seen[path] = facts
        if facts.coordinates:
            self.located[path] = facts.coordinates
            self.coordinates[facts.digest] = list(facts.coordinates)

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
            "sources": {p: e for p, e in sorted(self.sources.items()) if Path(p) in self.seen},
        }
        write_atomic(self.path, json.dumps(data, indent=1).encode())
        digests = {f.digest for f in self.seen.values() if f.coordinates}
        kept = {d: c for d, c in sorted(self.coordinates.items()) if d in digests}
        # without this file, photos with GPS are only read again next time
        with contextlib.suppress(OSError):
            write_atomic(self.private, json.dumps(kept).encode())
