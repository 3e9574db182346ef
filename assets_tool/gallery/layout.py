"""Where every album page and photo page goes in the output, and who links to whom (pure).

Album folder `Trip/Day 1` becomes `trip/day-1/index.html` (more pages: `page-2.html`...);
each photo gets `trip/day-1/<slug>.html`. Every link in the output is relative, so the
gallery works from a USB stick (file://) as from any web host.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from ..render import slug
from .albums import Album

ROOT_RESERVED = frozenset({"media", "static", "originals"})


@dataclass
class PlacedPhoto:
    """One photo's place in the gallery."""

    source: Path
    page: str  # output path of its own page
    album_page: str  # output path of the album page that shows it
    index: int  # 1-based position in its album
    count: int  # photos in its album


@dataclass
class PlacedAlbum:
    """One album's place: its pages, its photos in order, its sub-albums."""

    album: Album
    folder: str  # output folder ("" for the root)
    photos: list[PlacedPhoto] = field(default_factory=list)
    children: list[PlacedAlbum] = field(default_factory=list)
    pages: int = 1

    def page_path(self, number: int) -> str:
        """Return the output path of page `number` (1-based) of this album."""
        name = "index.html" if number == 1 else f"page-{number}.html"
        return posixpath.join(self.folder, name)

    def all_photos(self) -> list[PlacedPhoto]:
        """Return this album's photos, then those of its sub-albums, depth first."""
        out = list(self.photos)
        for child in self.children:
            out.extend(child.all_photos())
        return out


def place(
    album: Album, order: dict[Path, list[Path]], page_size: int, folder: str = ""
) -> PlacedAlbum:
    """Place an album tree: folders for albums, pages for photos, pagination."""
    placed = PlacedAlbum(album, folder)
    photos = order[album.folder]
    placed.pages = max(1, -(-len(photos) // page_size))
    taken = {"index"} | {f"page-{n}" for n in range(2, placed.pages + 1)}
    for index, source in enumerate(photos, start=1):
        name = _unique(slug(source.stem), taken)
        album_page = placed.page_path((index - 1) // page_size + 1)
        page = posixpath.join(folder, f"{name}.html")
        placed.photos.append(PlacedPhoto(source, page, album_page, index, len(photos)))
    used = set(ROOT_RESERVED) if not folder else set()
    for child in album.children:
        name = _unique(slug(child.folder.name), used)
        placed.children.append(place(child, order, page_size, posixpath.join(folder, name)))
    return placed


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def relative(from_page: str, target: str) -> str:
    """Return the relative URL from one output file to another (both relative to the root)."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(target, start)
