"""An album of the photos one post references, in the order the post shows them.

The scan stage finds the post's references and resolves each to a file inside the site, as
`build` does (the same safety boundary: nothing outside the site is ever read); this module
only picks that post's and turns them into an album. The album is titled after the post's
front matter `title`; a photo without a caption or alt text of its own takes the reference's
alt text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from ..build import load_site_config
from ..errors import AssetsToolError, ConfigError
from ..scan import Post, collect
from .albums import Album
from .flow import Chosen, GalleryReport, build_album
from .settings import GallerySettings

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def post_album(
    site: Path, post: Path, title: str | None
) -> tuple[Album, Chosen, list[AssetsToolError]]:
    """Return the album of `post`'s photos, their default text, and one error per bad reference.

    Raises ConfigError when `post` is not a page of the site.
    """
    root = site.resolve()
    collection = collect(root, load_site_config(root))
    wanted = post.resolve()
    found = next((p for p in collection.posts if p.path.resolve() == wanted), None)
    if found is None:
        raise ConfigError(post, f"not a post or page of the site {site}", "name a post's file")
    errors = [e for e in collection.errors if e.path is not None and e.path.resolve() == wanted]
    photos: list[Path] = []
    defaults: dict[Path, tuple[str, str]] = {}
    refs = [r for r in collection.resolved if r.post is found]
    for item in sorted(refs, key=lambda r: r.ref.start):
        path = item.source.path
        if path in defaults:
            continue  # shown twice: once in the album, where the post first shows it
        photos.append(path)
        alt = " ".join((item.ref.alt or "").split())
        defaults[path] = (alt, alt)
    album = Album(root, (), title or _title(found) or found.path.stem, photos=photos)
    return album, Chosen(defaults), errors


def _title(post: Post) -> str:
    """Return the front matter's `title`, or "" when there is none."""
    match = _FRONT.match(post.text)
    if match is None:
        return ""
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return ""  # the scan has reported the front matter already
    value = data.get("title") if isinstance(data, dict) else None
    return " ".join(str(value).split()) if value else ""


def build_post_gallery(
    site: Path,
    post: Path,
    out: Path,
    settings: GallerySettings,
    title: str | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> GalleryReport:
    """Build the gallery of the photos `post` references; a bad reference is one error."""
    album, chosen, errors = post_album(site, post, title)
    report = build_album(album, out, settings, on_done, chosen)
    report.errors[:0] = errors
    return report
