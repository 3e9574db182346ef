"""Turn placed albums and rendered photos into template contexts, one per output page (pure).

Every URL in a context is relative to the page it is rendered into. The variables each
template receives are documented in docs/gallery.md.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from .captions import PhotoMeta, fallback_alt
from .layout import PlacedAlbum, PlacedPhoto, relative
from .media import MEDIA_DIR, Rendered

# The grid's real layout (static/gallery.css): columns per breakpoint, 8 px side padding,
# 4 px gaps, content at most 1600 px wide. `sizes` says the same, so browsers pick the
# variant that fills a cell at the screen's pixel density, with one exception: on screens
# denser than 2.5 dppx (phones and tablets) the cell is stated 2/3 or 4/5 as wide, which caps
# thumbnails at about 2x (a 3x thumbnail is not visibly sharper on a phone, and costs twice
# the bytes). `sizes` accepts any media condition, `resolution` included; a browser that
# ignores one falls through to the plain entry.
GRID_COLUMNS = ((1440, 5, 32), (1024, 4, 28), (640, 3, 24), (0, 2, 20))  # min-width, cols, pad
DENSE = ((3.0, 1.5), (2.5, 1.25))  # min dppx, how much narrower the cell is stated


def grid_sizes() -> str:
    """Return the grid's `sizes`: each breakpoint's cell, density-capped below 1024 px."""
    entries = []
    for min_width, cols, pad in GRID_COLUMNS:
        width = f"(min-width: {min_width}px)" if min_width else ""
        wide = "min(100vw, 1600px)" if min_width >= 1440 else "100vw"
        cell = f"calc(({wide} - {pad}px) / {{}})"
        if min_width < 1024:
            for dppx, narrower in DENSE:
                condition = " and ".join(c for c in (f"(min-resolution: {dppx:g}dppx)", width) if c)
                entries.append(f"{condition} {cell.format(f'{cols * narrower:g}')}")
        entries.append(f"{width} {cell.format(cols)}".strip())
    return ", ".join(entries)


GRID_SIZES = grid_sizes()
# photo pages show the photo at most the viewport's width and 85% of its height
# (static/gallery.css .photo img.large): the narrower of the two decides


def large_sizes(width: int, height: int) -> str:
    """Return `sizes` for a photo shown whole: the viewport's width or 85vh of height."""
    return f"min(100vw, {85 * width / height:.2f}vh)"


FALLBACK_MIMES = ("image/jpeg", "image/png")


@dataclass(frozen=True)
class Photo:
    """A placed photo with what it became and what it says."""

    placed: PlacedPhoto
    rendered: Rendered
    meta: PhotoMeta
    alt: str


def make_photo(placed: PlacedPhoto, rendered: Rendered, meta: PhotoMeta, album: str) -> Photo:
    """Join a photo's place, variants and text; alt falls back to album and date."""
    alt = meta.alt or meta.caption.text or fallback_alt(album, meta.taken)
    return Photo(placed, rendered, meta, alt)


def picture(photo: Photo, page: str) -> dict[str, Any]:
    """Return the <picture> data of a photo as seen from `page`."""
    rendered = photo.rendered

    def srcset(variants: list[Any]) -> str:
        return ", ".join(f"{relative(page, f'{MEDIA_DIR}/{v.name}')} {v.width}w" for v in variants)

    by_mime: dict[str, list[Any]] = {}
    for v in sorted(rendered.variants, key=lambda v: v.width):
        by_mime.setdefault(v.mime, []).append(v)
    fallback = next(m for m in by_mime if m in FALLBACK_MIMES)
    modern = [{"type": m, "srcset": srcset(vs)} for m, vs in by_mime.items() if m != fallback]
    fall = by_mime[fallback]
    middle = next((v for v in fall if v.width >= 1080), fall[-1])
    return {
        "sources": modern,
        "src": relative(page, f"{MEDIA_DIR}/{middle.name}"),
        "srcset": srcset(fall),
        "width": rendered.width,
        "height": rendered.height,
        "colour": rendered.colour,
        "alt": photo.alt,
    }


def album_pages(
    placed: PlacedAlbum,
    photos: dict[Path, Photo],
    crumbs: list[tuple[str, str]],
    page_size: int,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (output path, template, context) for every page of an album and its photos."""
    title = placed.album.title
    shown = [photos[p.source] for p in placed.photos if p.source in photos]
    pages = max(1, -(-len(shown) // page_size))
    trail = [*crumbs, (title, placed.page_path(1))]
    for number in range(1, pages + 1):
        path = placed.page_path(number)
        chunk = shown[(number - 1) * page_size : number * page_size]
        yield (
            path,
            "album.html",
            {
                "title": title if number == 1 else f"{title} (page {number} of {pages})",
                "breadcrumbs": _crumbs(trail, path),
                "albums": [_album_card(c, photos, path) for c in placed.children]
                if number == 1
                else [],
                "photos": [_thumb(p, path, len(shown)) for p in chunk],
                "pagination": _pagination(placed, number, pages, path),
                "beyond": {
                    "prev": _on_page(placed, shown, number - 1, -1, page_size, path),
                    "next": _on_page(placed, shown, number + 1, 0, page_size, path),
                },
                "grid_sizes": GRID_SIZES,
            },
        )
    for i, photo in enumerate(shown):
        yield photo.placed.page, "photo.html", _photo_context(photo, shown, i, trail)
    for child in placed.children:
        yield from album_pages(child, photos, trail, page_size)


def _on_page(
    placed: PlacedAlbum, shown: list[Photo], number: int, at: int, page_size: int, page: str
) -> str | None:
    """Return the URL that opens the lightbox on photo `at` of album page `number`, if any.

    The lightbox goes on there past the first or last photo of a page: each page carries
    only its own photos' data (inline, so it works from file://).
    """
    chunk = shown[(number - 1) * page_size : number * page_size] if number >= 1 else []
    if not chunk:
        return None
    name = posixpath.basename(chunk[at].placed.page).removesuffix(".html")
    return f"{relative(page, placed.page_path(number))}#photo={quote(name, safe='')}"


def _crumbs(trail: list[tuple[str, str]], page: str) -> list[dict[str, Any]]:
    return [
        {"title": t, "url": None if i == len(trail) - 1 else relative(page, target)}
        for i, (t, target) in enumerate(trail)
    ]


def _album_card(child: PlacedAlbum, photos: dict[Path, Photo], page: str) -> dict[str, Any]:
    inside = [photos[p.source] for p in child.all_photos() if p.source in photos]
    named = child.album.meta.get("cover")
    cover = next((p for p in inside if p.placed.source.name == named), None)
    cover = cover or (inside[0] if inside else None)
    return {
        "title": child.album.title,
        "url": relative(page, child.page_path(1)),
        "count": len(inside),
        "cover": picture(cover, page) if cover else None,
    }


def _thumb(photo: Photo, page: str, count: int) -> dict[str, Any]:
    return {
        "url": relative(page, photo.placed.page),
        "picture": picture(photo, page),
        "caption": Markup(photo.meta.caption.html),
        "caption_text": photo.meta.caption.text,
        "index": photo.placed.index,
        "position": f"Photo {photo.placed.index} of {count}",
    }


def _pagination(placed: PlacedAlbum, number: int, pages: int, page: str) -> dict[str, Any]:
    def link(n: int) -> str | None:
        return relative(page, placed.page_path(n)) if 1 <= n <= pages else None

    return {
        "page": number,
        "pages": pages,
        "prev": link(number - 1),
        "next": link(number + 1),
        "links": [
            {"number": n, "url": link(n), "current": n == number} for n in range(1, pages + 1)
        ],
    }


def _photo_context(
    photo: Photo, shown: list[Photo], i: int, trail: list[tuple[str, str]]
) -> dict[str, Any]:
    page = photo.placed.page
    prev = shown[i - 1] if i > 0 else None
    after = shown[i + 1] if i + 1 < len(shown) else None
    position = f"Photo {i + 1} of {len(shown)}"
    title = photo.meta.caption.text or position
    taken = photo.meta.taken
    original = photo.rendered.original
    return {
        "title": title,
        "breadcrumbs": [*_crumbs([*trail, (position, page)], page)],
        "photo": {
            "picture": picture(photo, page),
            "caption": Markup(photo.meta.caption.html),
            "caption_text": photo.meta.caption.text,
            "position": position,
            "camera": [{"label": k, "value": v} for k, v in photo.meta.camera],
            "taken": taken.strftime("%-d %B %Y, %H:%M") if taken else None,
            "original": relative(page, original) if original else None,
        },
        "prev": relative(page, prev.placed.page) if prev else None,
        "next": relative(page, after.placed.page) if after else None,
        "back": relative(page, photo.placed.album_page),
        "sizes": large_sizes(photo.rendered.width, photo.rendered.height),
    }
