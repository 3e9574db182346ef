"""What earlier runs learnt about each original, so a warm run need not read it again.

A source whose file still has the size, modification and change times and inode recorded
here is the same file: its content hash (which names its variants), its header facts and
whether it is free of location are taken from the record, and the file is neither read,
hashed, parsed nor decoded. Any write to the file changes its change time (which no tool can
set), so a stale record is never used. The records are about this machine's files (inodes),
so they live in the user's cache folder, not in the site or its repository.

With the record of a file goes its plan (the widths each reference shows, the name of every
variant), keyed by everything planning depends on, the tool's code included: a warm run with
nothing to do then never imports the render stage and its codecs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..atomic import write_atomic
from ..cache import cache_folder, read_records, stat_signature
from ..models import ImageInfo
from .fingerprint import code_fingerprint

VERSION = 1


class PlannedFile(NamedTuple):
    """One variant a plan names: what `render.plan` says of it, without the render stage."""

    width: int
    height: int
    mime: str
    name: str


@dataclass(frozen=True)
class Planned:
    """A source's plan as the build uses it: the widths each reference shows, every file."""

    widths: tuple[tuple[int, ...], ...]  # one entry per reference, in the order of the key
    files: tuple[PlannedFile, ...]


@dataclass(frozen=True)
class Known:
    """One source as a run left it on disk."""

    digest: str  # SHA-256 of the bytes its variants are made from
    info: ImageInfo
    clean: bool  # the file itself holds no location (stripped, or never had any)
    size: int


@dataclass
class SourceCache:
    """Stat signature -> what is known of that file, for one site on this machine."""

    path: Path
    records: dict[str, dict[str, object]] = field(default_factory=dict)
    # published files no post references, found free of location: path -> `_clean_mark`
    clean: dict[str, list[object]] = field(default_factory=dict)
    changed: bool = False

    def lookup(self, source: Path, strip: bool) -> Known | None:
        """Return what is known of `source`, if the file is unchanged and the record applies.

        A record of a file that still holds location was made with stripping off; its digest
        is of the file as it is, so it applies only while stripping stays off.
        """
        record = self.records.get(str(source))
        if record is None or record.get("stat") != stat_signature(source):
            return None
        try:
            known = Known(
                str(record["digest"]),
                ImageInfo(**record["info"]),  # type: ignore[arg-type]
                bool(record["clean"]),
                int(record["size"]),  # type: ignore[call-overload]
            )
        except (KeyError, TypeError, ValueError):
            return None
        return known if known.clean or not strip else None

    def remember(self, source: Path, known: Known) -> None:
        """Record `known` against the file's current stat signature."""
        signature = stat_signature(source)
        if signature is None:
            return
        record: dict[str, object] = {**asdict(known), "stat": signature}
        old = self.records.get(str(source), {})
        if {k: v for k, v in old.items() if k != "plan"} != record:
            self.records[str(source)] = record
            self.changed = True

    def planned(self, source: Path, key: str) -> Planned | None:
        """Return the plan recorded for `source` under `key` (see `plan_key`), if any."""
        record = self.records.get(str(source))
        entry = record.get("plan") if record is not None else None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            widths = tuple(tuple(int(w) for w in ws) for ws in entry["widths"])
            files = tuple(
                PlannedFile(int(w), int(h), str(m), str(n)) for w, h, m, n in entry["files"]
            )
        except (KeyError, TypeError, ValueError):
            return None
        return Planned(widths, files)

    def remember_plan(self, source: Path, key: str, planned: Planned) -> None:
        """Record the plan of a file already recorded, while the file is still as recorded."""
        record = self.records.get(str(source))
        old = record.get("plan") if record is not None else None
        if isinstance(old, dict) and old.get("key") == key:
            return  # the same facts and code: the same plan
        if record is None or record.get("stat") != stat_signature(source):
            return
        # as JSON gives it back (lists), so that an unchanged plan compares equal
        entry = json.loads(json.dumps({"key": key, **asdict(planned)}))
        if record.get("plan") != entry:
            record["plan"] = entry
            self.changed = True

    def seen_clean(self, path: Path) -> bool:
        """Tell whether a published file was found free of location (or no image) as it is."""
        return self.clean.get(str(path)) == _clean_mark(path)

    def remember_clean(self, paths: list[Path], clean: set[Path]) -> None:
        """Record which of the published `paths` are `clean`, forgetting every other file."""
        marks = {str(p): mark for p in paths if p in clean and (mark := _clean_mark(p))}
        if marks != self.clean:
            self.clean = marks
            self.changed = True

    def save(self) -> None:
        """Write the records if any changed; a cache that cannot be written is only slower."""
        if not self.changed:
            return
        body = {"version": VERSION, "sources": self.records, "clean": self.clean}
        try:
            write_atomic(self.path, json.dumps(body).encode())
        except OSError:
            return
        self.changed = False


def site_key(site_root: Path) -> str:
    """Return the name that tells one site's cache files from another's on this machine."""
    return hashlib.sha256(str(site_root.resolve()).encode()).hexdigest()[:24]


def load_sources(site_root: Path) -> SourceCache:
    """Read the records of the site at `site_root`; missing or unreadable means none."""
    path = cache_folder() / f"sources-{site_key(site_root)}.json"
    records, clean = read_records(path, VERSION, "sources", "clean")
    return SourceCache(path, records, clean)


def _clean_mark(path: Path) -> list[object] | None:
    """Return what makes a clean verdict still true: the file as it is, the code that read it."""
    signature = stat_signature(path)
    return None if signature is None else [*signature, code_fingerprint()]


def plan_key(fingerprint: str, settings: dict[str, Any], facts: list[Any]) -> str:
    """Return the key of a plan: the code, the settings and the facts it was made from."""
    text = json.dumps([fingerprint, settings, facts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
