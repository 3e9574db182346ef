"""Build responsive image markup as data, render it escaped, and splice it into a post by span.

Two markup styles exist because themes post-process the rendered page. Chirpy splits the HTML
on ``<img ``, wraps each tag that is not already followed by ``</a>`` in a popup link, and
removes every `` /`` inside it. A ``<picture>`` written into a post's source therefore ends up
as ``<picture><source ...><a ...><img ...></a></picture>``, and browsers ignore sources whose
``<img>`` is not a direct child. Style ``"img"`` is a single ``<img srcset>`` in WebP that
survives that pass; style ``"picture"`` is for sites (or built pages) nothing rewrites later.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from ..errors import AssetsToolError
from ..models import ImageRef, Variant, VariantSet

Attrs = tuple[tuple[str, str | None], ...]

STYLES = ("picture", "img")
FALLBACK_MIMES = ("image/jpeg", "image/png")
MODERN_MIMES = ("image/avif", "image/webp")
MARKER_ATTR = "data-assets-tool"
# the site-root URL of the original, next to a marker whose src is relative: a built page no
# longer knows the front matter (media_subpath) or folder that src was relative to (the name
# does not end in "src": themes such as Chirpy look for the text `src="` in img tags)
SOURCE_ATTR = "data-assets-tool-from"
# src of an image whose reference states no display width: the smallest variant at least this
# wide (or the largest one), a size that looks right in a typical content column and lightbox
UNSIZED_SRC_WIDTH = 1200
# attributes whose values this module computes; an author's own copies are replaced
OWNED = frozenset(
    {"src", "srcset", "sizes", "width", "height", "loading", "decoding", MARKER_ATTR, SOURCE_ATTR}
)
# characters kept as they are in variant URLs; "," is left out because srcset uses it as a
# separator, "%" because prefixes and names are raw paths, not already-encoded ones
URL_SAFE = "/:@!$&'()*+;="
# an attribute name as the HTML tokenizer reads one: anything but whitespace, quotes, ">", "/",
# "=" and control characters, so Alpine.js `@click.away`, Vue `:src` and `v-bind:` names pass
ATTR_NAME = re.compile(r"[^\t\n\f\r \"'>/=\x00-\x1f\x7f]+\Z")
# a height (or ratio) the author's own style sets: theirs wins, no height:auto beside it
_OWN_HEIGHT = re.compile(r"(?:^|[;\s])(?:height|block-size|aspect-ratio)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Picture:
    """Responsive image markup as data, before escaping."""

    sources: tuple[tuple[str, str], ...]  # (mime, srcset) of each <source>, preferred first
    img: Attrs  # attributes of the <img>, in order
    link: Attrs | None  # attributes of a wrapping <a>, or None


def build_picture(
    ref: ImageRef,
    variants: VariantSet,
    *,
    style: str,
    sizes: str,
    marker: str,
    source_hint: bool = False,
) -> Picture:
    """Describe the markup that replaces `ref`, pointing at `variants`."""
    if style not in STYLES:
        raise ValueError(f"unknown markup style {style!r}; expected one of {STYLES}")
    fallback = _fallback(ref, variants)
    display = _display_width(ref, variants)
    if display is None:
        width, height = variants.width, variants.height
    else:
        width, height = display, round(display * variants.height / variants.width)
    # the author knows the layout (and which image is above the fold) better than a default
    sizes = _attr(ref.attrs, "sizes") or sizes
    dimensions, added_height = _dimensions(ref, width, height)
    modern = _webp_or_fallback(variants, fallback)
    if style == "picture":
        shown = fallback
        sources = tuple(
            (mime, _srcset(variants, found))
            for mime in MODERN_MIMES
            if (found := variants.of_type(mime))
        )
    else:
        shown = modern
        sources = ()
    img: list[tuple[str, str | None]] = [
        ("src", _url(variants, _pick(shown, display))),
        ("srcset", _srcset(variants, shown)),
        ("sizes", sizes),
        *dimensions,
        ("alt", ref.alt if ref.alt is not None else _attr(ref.attrs, "alt") or ""),
    ]
    if ref.title is not None:
        img.append(("title", ref.title))
    img += [
        ("loading", _attr(ref.attrs, "loading") or "lazy"),
        ("decoding", _attr(ref.attrs, "decoding") or "async"),
    ]
    skip = OWNED | {"alt"} | ({"title"} if ref.title is not None else set())
    own_style = _attr(ref.attrs, "style")
    style_attr = _style(own_style, added_height, variants)
    img += [
        (name, style_attr if name.lower() == "style" else value)
        for name, value in ref.attrs
        if name.lower() not in skip
    ]
    if own_style is None and style_attr is not None:
        img.append(("style", style_attr))
    img.append((MARKER_ATTR, marker))
    if source_hint:
        img.append((SOURCE_ATTR, variants.source_url))
    link = None
    if ref.link_attrs is not None:
        # the largest file every browser in use decodes (WebP, or the fallback where smaller)
        href = ("href", _url(variants, modern[-1]))
        link = (href, *((n, v) for n, v in ref.link_attrs if n.lower() != "href"))
    picture = Picture(sources=sources, img=tuple(img), link=link)
    _check_names(ref, picture)
    return picture


def render_picture(picture: Picture) -> str:
    """Render `picture` as one line of escaped HTML."""
    if picture.sources:
        sizes = _attr(picture.img, "sizes")
        body = "".join(
            _tag("source", (("type", mime), ("srcset", srcset), ("sizes", sizes)))
            for mime, srcset in picture.sources
        )
        body = f"<picture>{body}{_tag('img', picture.img)}</picture>"
    else:
        body = _tag("img", picture.img)
    if picture.link is None:
        return body
    return f"{_tag('a', picture.link)}{body}</a>"


def splice(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """Replace each [start, end) span of `text` with its new text, keeping every other character."""
    ordered = sorted(edits, key=lambda edit: (edit[0], edit[1]))
    pieces: list[str] = []
    done = 0
    for start, end, new in ordered:
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span [{start}, {end}) is outside the text (length {len(text)})")
        if start < done:
            raise ValueError(f"span [{start}, {end}) overlaps a span ending at {done}")
        pieces += [text[done:start], new]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _fallback(ref: ImageRef, variants: VariantSet) -> tuple[Variant, ...]:
    for mime in FALLBACK_MIMES:
        if found := variants.of_type(mime):
            return found
    raise AssetsToolError(
        ref.post,
        f"no JPEG or PNG variant of {ref.src} to fall back on",
        "delete the variants folder's entries for this image and build again",
        line=ref.line,
    )


def _display_width(ref: ImageRef, variants: VariantSet) -> int | None:
    # 0 is treated as unstated, as a browser would ignore width="0" for layout
    if ref.width:
        return ref.width
    if ref.height:
        return round(ref.height * variants.width / variants.height)
    return None


def _dimensions(ref: ImageRef, width: int, height: int) -> tuple[Attrs, bool]:
    """Return the width/height attributes, and whether a height the author did not write is one.

    The attributes give the browser the aspect ratio before the image loads (no layout shift).
    """
    stated = {name: _attr(ref.attrs, name) for name in ("width", "height")}
    if all(value is None for value in stated.values()):
        return (("width", str(width)), ("height", str(height))), True
    if ref.width and stated["height"] is None:
        # a pixel width alone: its height follows from the aspect ratio
        return (("width", stated["width"] or str(ref.width)), ("height", str(height))), True
    # a width="50%" is the author's layout: keep it, and add no computed pixel size beside
    # it (a browser would apply both and distort the image); a pixel value stays as stated
    pixels = {"width": ref.width, "height": ref.height}
    kept = {
        name: value or (str(pixels[name]) if pixels[name] else None)
        for name, value in stated.items()
    }
    return tuple((name, value) for name, value in kept.items() if value is not None), False


def _style(own: str | None, added_height: bool, variants: VariantSet) -> str | None:
    """Merge `height:auto` (where the markup added the height) and the aspect ratio into a style.

    Themes with `img { max-width: 100% }` but no `height: auto` would otherwise keep the
    height attribute while the width shrinks to the column, stretching the image. The ratio is
    the original's: a variant's rounded height would move the box by a fraction of a pixel,
    adding up over a page.
    """
    rules = [] if own is None else [own.strip().rstrip(";").rstrip()]
    if own is None or not _OWN_HEIGHT.search(own):
        if added_height:
            rules.append("height:auto")
        rules.append(f"aspect-ratio:{variants.width}/{variants.height}")
    rules = [rule for rule in rules if rule]
    return "; ".join(rules) if rules else own


def _webp_or_fallback(variants: VariantSet, fallback: tuple[Variant, ...]) -> tuple[Variant, ...]:
    """Return one variant per width, WebP where there is one, narrowest first."""
    # a WebP is missing at a width where it came out larger than the fallback: the fallback
    # then is the smaller file, and every browser decodes both formats, so they can share one srcset
    chosen = {v.width: v for v in fallback}
    chosen.update({v.width: v for v in variants.of_type("image/webp")})
    return tuple(chosen[width] for width in sorted(chosen))


def _pick(choices: tuple[Variant, ...], display: int | None) -> Variant:
    wanted = UNSIZED_SRC_WIDTH if display is None else display
    return next((v for v in choices if v.width >= wanted), choices[-1])


def _url(variants: VariantSet, variant: Variant) -> str:
    return quote(variants.url_prefix + variant.name, safe=URL_SAFE)


def _srcset(variants: VariantSet, choices: tuple[Variant, ...]) -> str:
    # no space after ",": Chirpy deletes " /" inside <img>, which would turn ", /x.webp" relative
    # (_attribute also escapes " /"; either alone keeps the URLs site-root-absolute)
    return ",".join(f"{_url(variants, v)} {v.width}w" for v in choices)


def _attr(attrs: Attrs, name: str) -> str | None:
    return next((value for key, value in attrs if key.lower() == name), None)


def _check_names(ref: ImageRef, picture: Picture) -> None:
    for name, _ in picture.img + (picture.link or ()):
        if not ATTR_NAME.match(name):
            raise AssetsToolError(
                ref.post,
                f"cannot keep the attribute {name!r} of {ref.src} (not a valid attribute name)",
                "fix or remove that attribute in the post",
                line=ref.line,
            )


def _tag(name: str, attrs: Attrs) -> str:
    return f"<{name}{''.join(_attribute(key, value) for key, value in attrs)}>"


def _attribute(name: str, value: str | None) -> str:
    if value is None:
        return f" {name}"
    escaped = html.escape(value, quote=True)
    # keep the markup on one line, and keep " /" out of it: Chirpy deletes that pair inside <img>
    escaped = escaped.replace("\r", "&#13;").replace("\n", "&#10;").replace(" /", " &#47;")
    return f' {name}="{escaped}"'
