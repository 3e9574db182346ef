"""Data that flows between the pipeline stages, one way, as frozen dataclasses.

Site --scan--> ImageRef* --resolve--> Source --render--> VariantSet --rewrite--> post text
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class RefKind(enum.Enum):
    """Which syntax a reference was written in; the rewriter needs it to keep author intent."""

    HTML = "html"  # <img ...> in Markdown or HTML
    MARKDOWN = "markdown"  # ![alt](src "title"){: ial}
    MARKDOWN_REF = "markdown-ref"  # ![alt][id] (+ its [id]: src definition elsewhere)
    FRONT_MATTER = "front-matter"  # Chirpy `image:` (never rewritten into markup)
    GENERATED = "generated"  # markup this tool wrote earlier; `original` holds what it replaced


class SkipReason(enum.Enum):
    """Why a reference is reported but left alone."""

    EXTERNAL = "external URL"
    DATA_URI = "data: URI"
    SVG = "SVG (vector, nothing to resize)"
    CODE = "inside code"
    COMMENT = "inside an HTML comment"
    LIQUID = "Liquid expression that cannot be resolved statically"


@dataclass(frozen=True)
class ImageRef:
    """One image reference in one post, with the exact characters it occupies."""

    post: Path  # the file the reference is written in
    line: int  # 1-based line of `start`
    start: int  # character offset (str index) of the first character of the reference
    end: int  # offset one past its last character (includes a kramdown IAL, an <a> wrapper)
    kind: RefKind
    src: str  # the image URL as written (before Liquid/percent decoding)
    alt: str | None = None
    title: str | None = None
    width: int | None = None  # displayed width the author stated (CSS px), if any
    height: int | None = None
    # every other attribute the author wrote (class, style, id, kramdown .classes merged into
    # class), in order; value None for a bare boolean attribute
    attrs: tuple[tuple[str, str | None], ...] = ()
    # attributes of a directly enclosing <a> whose href is the image itself (a lightbox link);
    # None when there is none. The span then covers the whole <a>...</a>.
    link_attrs: tuple[tuple[str, str | None], ...] | None = None
    original: str | None = None  # for GENERATED: the author's reference text this markup replaced
    skip: SkipReason | None = None


@dataclass(frozen=True)
class Source:
    """A reference resolved to a file inside the site."""

    path: Path  # absolute path of the original image file
    url: str  # site-root-absolute URL path of the original, e.g. /assets/img/a.jpg


@dataclass(frozen=True)
class ImageInfo:
    """What a header read tells about a source, before any pixel is decoded."""

    format: str  # Pillow format name: JPEG, PNG, WEBP, GIF, TIFF, AVIF, ...
    width: int  # upright (after EXIF orientation) width in pixels
    height: int
    has_alpha: bool
    animated: bool
    graphic: bool  # screenshot/graphic (PNG, alpha, few colours): needs lossless-ish encoding


@dataclass(frozen=True)
class Variant:
    """One encoded file of a VariantSet."""

    width: int
    height: int
    mime: str  # image/avif, image/webp, image/jpeg, image/png
    name: str  # file name (content-addressed), relative to the variants folder
    size: int  # bytes


@dataclass(frozen=True)
class VariantSet:
    """Every variant made from one source, and what the markup needs to know about it."""

    source_url: str
    width: int  # upright intrinsic size of the source
    height: int
    url_prefix: str  # URL path of the variants folder, ending in "/"
    variants: tuple[Variant, ...] = field(default_factory=tuple)

    def of_type(self, mime: str) -> tuple[Variant, ...]:
        """Return the variants of one MIME type, narrowest first."""
        return tuple(sorted((v for v in self.variants if v.mime == mime), key=lambda v: v.width))
