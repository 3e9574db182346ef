"""Scan every post of a site and resolve its references: the first half of every flow."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..config import Config
from ..errors import AssetsToolError
from ..models import ImageRef, RefKind, Source
from .post import ScannedPost, scan_text
from .site import Site, find_posts, no_layout_error, open_site, resolve, variants_dir

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mkdn"}
# how render names a variant: {slug}-{width}-{hash}.{ext}, the slug made of lower-case letters
# and digits of any script, combining marks and "-" (see _is_slug)
VARIANT_NAME = re.compile(r"(?P<slug>.+)-\d+-[0-9a-f]{10}\.(?:avif|webp|jpg|png)")


class ScanMemo(Protocol):
    """What earlier runs found in posts: a scan is a pure function of the text and `inputs`."""

    def lookup(self, post: Path, data: bytes, inputs: tuple[object, ...]) -> ScannedPost | None:
        """Return what scanning `data` with `inputs` found, if it is known."""

    def remember(
        self, post: Path, data: bytes, inputs: tuple[object, ...], scanned: ScannedPost
    ) -> None:
        """Record what scanning `data` with `inputs` found."""


@dataclass
class Post:
    """One post's text as read (exact characters, CRLF kept) and what the scan found in it."""

    path: Path
    text: str
    scanned: ScannedPost


@dataclass(frozen=True)
class Resolved:
    """A reference that is to be processed, with the file it names."""

    post: Post
    ref: ImageRef
    source: Source


@dataclass
class Collection:
    """Everything the scan and resolve steps produced for a site."""

    site: Site
    posts: list[Post] = field(default_factory=list)
    resolved: list[Resolved] = field(default_factory=list)
    skipped: list[ImageRef] = field(default_factory=list)
    errors: list[AssetsToolError] = field(default_factory=list)
    unresolved: list[ImageRef] = field(default_factory=list)  # refs whose file was not found
    # references to a variant this tool made (a file in the variants folder): left as written
    variant_refs: list[Resolved] = field(default_factory=list)

    def by_source(self) -> dict[Path, list[Resolved]]:
        """Group the resolved references by the file they name, in a stable order."""
        groups: dict[Path, list[Resolved]] = {}
        for item in self.resolved:
            groups.setdefault(item.source.path, []).append(item)
        return dict(sorted(groups.items()))


def collect(root: Path, config: Config, memo: ScanMemo | None = None) -> Collection:
    """Scan the site's posts and resolve each reference; errors are collected, not raised.

    A post `memo` already knows is not parsed again.
    """
    site = open_site(root, config)
    collection = Collection(site)
    variants = variants_dir(site, config.output_dir).resolve()
    paths = find_posts(site, config, collection.errors)
    if not paths and not site.generator and not config.posts:
        raise no_layout_error(site)
    folders: dict[str, str] = {}  # real path of each folder resolved: see resolve
    for path in paths:
        try:
            post = read_post(path, site.url, memo)
        except AssetsToolError as error:
            collection.errors.append(error)
            continue
        collection.posts.append(post)
        for ref in post.scanned.refs:
            if ref.skip is not None:
                collection.skipped.append(ref)
                continue
            try:
                source = resolve(site, ref, post.scanned.media_subpath, folders)
            except AssetsToolError as error:
                collection.errors.append(error)
                collection.unresolved.append(ref)
                continue
            if _is_variant(source.path, variants):
                collection.variant_refs.append(Resolved(post, ref, source))
            else:
                collection.resolved.append(Resolved(post, ref, source))
    return collection


def _is_variant(path: Path, variants: Path) -> bool:
    # by folder and by name: an output_dir set to the photos' own folder keeps them originals
    match = VARIANT_NAME.fullmatch(path.name)
    return path.parent == variants and match is not None and _is_slug(match.group("slug"))


def _is_slug(text: str) -> bool:
    """Tell whether `text` could be a variant name's slug (what render's `slug` returns)."""
    return text == unicodedata.normalize("NFC", text) and all(
        c == "-" or (c.isalnum() and c == c.lower()) or unicodedata.category(c)[0] == "M"
        for c in text
    )


def read_post(path: Path, site_url: str = "", memo: ScanMemo | None = None) -> Post:
    """Read and scan one post, keeping its characters exactly (no newline translation)."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        raise AssetsToolError(path, f"cannot read ({exc.strerror})", "check permissions") from exc
    except UnicodeDecodeError as exc:
        raise AssetsToolError(
            path, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8"
        ) from exc
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    inputs = (markdown, site_url)
    scanned = memo.lookup(path, data, inputs) if memo is not None else None
    if scanned is None:
        scanned = scan_text(text, path, markdown=markdown, site_url=site_url)
        if memo is not None:
            memo.remember(path, data, inputs, scanned)
    return Post(path, text, scanned)


VARIANT_NOTE = "already a variant made by assets-tool; left as it is"


def rewritable(ref: ImageRef) -> bool:
    """Tell whether a reference becomes markup (front matter images are only cleaned)."""
    return ref.kind is not RefKind.FRONT_MATTER
