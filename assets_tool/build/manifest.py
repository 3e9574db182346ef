"""Content-addressed manifest: which variants exist and which were dropped as too large.

Variant names already change with the source bytes and the encode settings, so a file that
exists under its name is up to date. The manifest adds what the file system cannot say: that a
variant was encoded and dropped (it came out larger than the fallback), so it is not encoded
again on every run. It lives inside the published variants folder, so a copy of the folder
(Jekyll copies it into _site) carries it along.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..config import Shard

MANIFEST_NAME = "assets-tool-manifest.json"
# what a `--shard K/N` run records; the next unsharded build merges them into MANIFEST_NAME
SHARD_MANIFESTS = "assets-tool-manifest.shard-*.json"
# what atomic.write_atomic names its temp files (tempfile.mkstemp: 8 random characters)
_TEMP = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp\Z")
VERSION = 1


@dataclass
class Manifest:
    """Variant name -> byte size of the published file, or None when it was dropped."""

    path: Path
    entries: dict[str, int | None] = field(default_factory=dict)
    # the folder as set in output_dir (site-relative), so a later run with another output_dir
    # can tell this manifest, where it lies, from a copy of it (in _site) and clean it up
    folder: str = ""
    changed: bool = False
    used: set[str] = field(default_factory=set)  # names this run's images need
    merged: list[Path] = field(default_factory=list)  # shard manifests read into this one

    def use(self, names: list[str]) -> None:
        """Note that this run's images need these variants (they survive `prune`)."""
        self.used.update(names)

    def stale(self) -> list[str]:
        """Return the published variants no image of this run needs (old photos, settings)."""
        return sorted(n for n, size in self.entries.items() if n not in self.used and size)

    def prune(self, folder: Path) -> list[Path]:
        """Delete the stale variants this manifest recorded (never any other file)."""
        removed = []
        for name in self.stale():
            (folder / name).unlink(missing_ok=True)
            removed.append(folder / name)
        for name in [n for n in self.entries if n not in self.used]:
            del self.entries[name]
            self.changed = True
        return removed

    def is_done(self, folder: Path, names: list[str]) -> bool:
        """Tell whether every named variant is already published or known to be dropped."""
        for name in names:
            if name not in self.entries:
                return False
            size = self.entries[name]
            if size is not None and not _has_size(folder / name, size):
                return False
        return True

    def kept(self, names: list[str]) -> dict[str, int]:
        """Return name -> size for the variants among `names` that are published."""
        return {n: s for n in names if (s := self.entries.get(n)) is not None}

    def record(self, name: str, size: int | None) -> None:
        """Remember a variant as published with `size` bytes, or as dropped (None)."""
        if self.entries.get(name, -1) != size:
            self.entries[name] = size
            self.changed = True

    def save(self) -> None:
        """Write the manifest if anything was recorded."""
        if not self.changed:
            return
        body = {
            "version": VERSION,
            "folder": self.folder,
            "variants": dict(sorted(self.entries.items())),
        }
        write_atomic(self.path, (json.dumps(body, indent=1) + "\n").encode())
        self.changed = False
        if self.path.name == MANIFEST_NAME:
            # their entries are in this one now
            for path in self.merged:
                path.unlink(missing_ok=True)
            self.merged = []


def load_manifest(folder: Path, name: str = "", shard: Shard | None = None) -> Manifest:
    """Read the manifest in a variants folder, with what shard runs recorded beside it.

    A missing or unreadable file counts as empty. `name` is the folder as output_dir names
    it; a manifest that does not record it yet is marked changed, so the next build that
    writes records it. A shard run records into its own file
    (`assets-tool-manifest.shard-K-of-N.json`), so jobs that share one folder never write the
    same file; an unsharded run merges them all into the main manifest.
    """
    main = folder / MANIFEST_NAME
    shards = sorted(folder.glob(SHARD_MANIFESTS)) if folder.is_dir() else []
    body = read_body(main)
    entries = _entries(body)
    for path in shards:
        entries.update(_entries(read_body(path)))
    if shard is not None:
        own = f"assets-tool-manifest.shard-{shard.index}-of-{shard.count}.json"
        return Manifest(folder / own, entries, folder=name)
    recorded = body.get("folder") if body is not None else None
    changed = bool(shards) or (body is not None and recorded != name)
    return Manifest(main, entries, changed=changed, folder=name, merged=shards)


def _entries(body: dict[str, Any] | None) -> dict[str, int | None]:
    variants = body.get("variants", {}) if body is not None else {}
    if not isinstance(variants, dict):
        return {}
    return {
        str(k): (v if isinstance(v, int) else None)
        for k, v in variants.items()
        if v is None or isinstance(v, int)
    }


def read_body(path: Path) -> dict[str, Any] | None:
    """Return a manifest file's JSON object, or None when it is missing, unreadable or old."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("version") != VERSION:
        return None
    return body


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def remove_stale_temps(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Delete the temp files a killed run left in `folder`: all, or only those of `names`."""
    wanted = None if names is None else set(names)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match and (wanted is None or match.group(1) in wanted) and entry.is_file():
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed
