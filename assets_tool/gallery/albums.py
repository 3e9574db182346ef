"""Folders become albums, nested to any depth; photos in an album are sorted (pure but for reads).

An album's optional `index.yml` may give its `title`, its `cover` (a file name), an `order`
(file names that come first, in that order: it wins over dates) and per-photo `captions`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

PHOTO_SUFFIXES = frozenset(
    [
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".webp",
        ".gif",
        ".tif",
        ".tiff",
        ".avif",
        ".heic",
        ".heif",
    ]
)
ALBUM_FILE = "index.yml"
SKIP_PREFIXES = (".", "_")


@dataclass
class Album:
    """One folder of photos and the folders inside it."""

    folder: Path
    rel: tuple[str, ...]  # folder names from the photos root; () for the root
    title: str
    photos: list[Path] = field(default_factory=list)
    children: list[Album] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # what index.yml says

    def walk(self) -> list[Album]:
        """Return this album and every album inside it, parents first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting "IMG_2" before "IMG_10" (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", name.casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def find_albums(root: Path, title: str) -> Album:
    """Walk `root` into an album tree; empty folders (no photos anywhere inside) are left out."""
    album = _album(root, (), title)
    assert album is not None  # the root is kept even when empty
    return album


def _album(folder: Path, rel: tuple[str, ...], title: str) -> Album | None:
    meta = _album_meta(folder / ALBUM_FILE)
    album = Album(folder, rel, str(meta.get("title") or title), meta=meta)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: natural_key(e.name))
    except OSError as exc:
        raise ConfigError(folder, f"cannot list the folder ({exc.strerror})", "check it") from exc
    for entry in entries:
        if entry.name.startswith(SKIP_PREFIXES):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            child = _album(path, (*rel, entry.name), entry.name)
            if child is not None:
                album.children.append(child)
        elif entry.is_file() and path.suffix.lower() in PHOTO_SUFFIXES:
            album.photos.append(path)
    if not rel or album.photos or album.children:
        return album
    return None


def _album_meta(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"not valid YAML ({exc})".splitlines()[0], "fix it") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, "top level is not a mapping", "write `key: value` lines")
    unknown = set(data) - {"title", "cover", "order", "captions"}
    if unknown:
        fix = "use title, cover, order or captions"
        raise ConfigError(path, f"unknown key `{sorted(unknown)[0]}`", fix)
    return data


def sort_photos(
    photos: list[Path],
    dates: dict[Path, datetime | None],
    by: str,
    reverse: bool,
    order: list[str] | None = None,
) -> list[Path]:
    """Sort by capture date (undated last), then natural file name; `order` names come first."""

    def key(path: Path) -> tuple[Any, ...]:
        when = dates.get(path) if by == "date" else None
        stamp = when.astimezone(UTC).timestamp() if when else 0.0
        return (when is None, stamp, natural_key(path.name))

    ranked = sorted(photos, key=key, reverse=reverse)
    if reverse and by == "date":  # undated photos stay last either way
        ranked = [p for p in ranked if dates.get(p)] + [p for p in ranked if not dates.get(p)]
    if not order:
        return ranked
    position = {name: i for i, name in enumerate(order)}
    first = sorted((p for p in ranked if p.name in position), key=lambda p: position[p.name])
    return first + [p for p in ranked if p.name not in position]
