"""What earlier runs learnt about each original, so a warm run need not read it again.

A source whose file still has the size, modification and change times and inode recorded
here is the same file: its content hash (which names its variants), its header facts and
whether it is free of location are taken from the record, and the file is neither read,
hashed, parsed nor decoded. Any write to the file changes its change time (which no tool can
set), so a stale record is never used. The records are about this machine's files (inodes),
so they live in the user's cache folder, not in the site or its repository.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..models import ImageInfo

VERSION = 1


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
    changed: bool = False

    def lookup(self, source: Path, strip: bool) -> Known | None:
        """Return what is known of `source`, if the file is unchanged and the record applies.

        A record of a file that still holds location was made with stripping off; its digest
        is of the file as it is, so it applies only while stripping stays off.
        """
        record = self.records.get(str(source))
        if record is None or record.get("stat") != _signature(source):
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
        signature = _signature(source)
        if signature is None:
            return
        record = {**asdict(known), "stat": signature}
        if self.records.get(str(source)) != record:
            self.records[str(source)] = record
            self.changed = True

    def save(self) -> None:
        """Write the records if any changed; a cache that cannot be written is only slower."""
        if not self.changed:
            return
        body = {"version": VERSION, "sources": self.records}
        try:
            write_atomic(self.path, json.dumps(body).encode())
        except OSError:
            return
        self.changed = False


def cache_folder() -> Path:
    """Return the user's cache folder for assets-tool (XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assets-tool"


def load_sources(site_root: Path) -> SourceCache:
    """Read the records of the site at `site_root`; missing or unreadable means none."""
    name = hashlib.sha256(str(site_root.resolve()).encode()).hexdigest()[:24]
    path = cache_folder() / f"sources-{name}.json"
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SourceCache(path)
    if not isinstance(body, dict) or body.get("version") != VERSION:
        return SourceCache(path)
    records = body.get("sources")
    return SourceCache(path, records if isinstance(records, dict) else {})


def _signature(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
