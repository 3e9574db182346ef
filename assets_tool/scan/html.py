"""Raw HTML for the scanner: <img> tags and the <a>/<picture> markup wrapped around them.

Candidate tags are found with regexes (fast on megabyte posts); each candidate tag is then
parsed by the standard library's html.parser, which handles every attribute quoting style
and character reference.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..models import ImageRef, RefKind

Attrs = tuple[tuple[str, str | None], ...]

GENERATED_ATTR = "data-assets-tool"
SOURCE_ATTR = "data-assets-tool-from"  # the original's site-root URL (see rewrite.SOURCE_ATTR)

# Jekyll runs Liquid before the HTML is read, so `src="{{ "/a.png" | relative_url }}"` is
# one attribute value even though it nests the quotes.
LIQUID = r"\{\{(?:[^}]|\}(?!\}))*\}\}|\{%(?:[^%]|%(?!\}))*%\}"
_LIQUID_RE = re.compile(LIQUID)
# One attribute as HTML allows it: bare, unquoted, single- or double-quoted.
_ATTR = (
    rf"""(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"(?:{LIQUID}|[^"])*"|'(?:{LIQUID}|[^'])*'"""
    r"""|[^\s"'=<>`]+))?)"""
)
_OPEN_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*){_ATTR}*\s*/?\s*>")
_LOOSE_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_IMG_START = re.compile(r"<img(?=[\s/>])", re.IGNORECASE)
_A_CLOSE = re.compile(r"\s*</a\s*>", re.IGNORECASE)
_PICTURE_CLOSE = re.compile(r"\s*</picture\s*>", re.IGNORECASE)
_PIXELS = re.compile(r"\s*(\d{1,6})\s*(?:px)?\s*", re.IGNORECASE)
_TAG_NAME = {
    name: re.compile(rf"<{name}(?=[\s/>])", re.IGNORECASE) for name in ("a", "picture", "source")
}
_BACKWARD_WINDOW = 4096  # how far back an opening <a>/<picture> tag is looked for


class _TagParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, list[tuple[str, str | None]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is None:
            self.found = (tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def parse_tag(tag_text: str) -> tuple[str, Attrs] | None:
    """Parse one start tag into its lower-case name and attributes, in order."""
    liquid: list[str] = []

    def hide(match: re.Match[str]) -> str:
        liquid.append(match.group())
        return f"\ue000{len(liquid) - 1}\ue001"

    def show(value: str | None) -> str | None:
        if value is None or not liquid:
            return value
        return re.sub("\ue000(\\d+)\ue001", lambda m: liquid[int(m.group(1))], value)

    parser = _TagParser()
    parser.feed(_LIQUID_RE.sub(hide, tag_text))
    parser.close()
    if parser.found is None:
        return None
    return parser.found[0], tuple((name, show(value)) for name, value in parser.found[1])


def pixels(value: str | None) -> int | None:
    """Return a width/height attribute as an int when it is plain `400` or `400px`."""
    if value is None:
        return None
    match = _PIXELS.fullmatch(value)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ImgFields:
    """The fields of an ImageRef that an <img>'s attributes fill."""

    src: str | None
    alt: str | None = None
    title: str | None = None
    width: int | None = None
    height: int | None = None
    attrs: Attrs = ()


def img_fields(attrs: Attrs) -> ImgFields:
    """Split <img> attributes into ImageRef fields and the remaining attributes."""
    fields: dict[str, str | None] = {}
    rest: list[tuple[str, str | None]] = []
    for name, value in attrs:
        if name in ("src", "alt", "title"):
            fields.setdefault(name, value)
        elif name in ("width", "height") and name not in fields and pixels(value) is not None:
            fields[name] = value
        elif name in ("width", "height") and name in fields:
            continue  # a browser ignores a repeated attribute too
        else:
            rest.append((name, value))
    return ImgFields(
        src=fields.get("src"),
        alt=fields.get("alt"),
        title=fields.get("title"),
        width=pixels(fields.get("width")),
        height=pixels(fields.get("height")),
        attrs=tuple(rest),
    )


def _open_tag_before(text: str, pos: int, name: str) -> tuple[int, Attrs] | None:
    """Find an opening `<name ...>` that ends right before `pos` (whitespace between)."""
    end = pos
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == 0 or text[end - 1] != ">":
        return None
    lo = max(0, end - _BACKWARD_WINDOW)
    starts = [m.start() + lo for m in _TAG_NAME[name].finditer(text[lo:end])]
    for start in reversed(starts):
        match = _OPEN_TAG.match(text, start)
        if match and match.end() == end:
            parsed = parse_tag(match.group())
            return (start, parsed[1]) if parsed else None
    return None


def _wrap(
    text: str, start: int, end: int, name: str, closer: re.Pattern[str]
) -> tuple[int, int, Attrs] | None:
    """Return the span and attributes of a `<name>` directly wrapping text[start:end]."""
    close = closer.match(text, end)
    if close is None:
        return None
    opening = _open_tag_before(text, start, name)
    if opening is None:
        return None
    return opening[0], close.end(), opening[1]


def _picture_start(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Extend an <img> to its <picture> when the img is the last child after <source>s."""
    if _PICTURE_CLOSE.match(text, end) is None:
        return None
    pos = start
    while (source := _open_tag_before(text, pos, "source")) is not None:
        pos = source[0]
    wrapped = _wrap(text, pos, end, "picture", _PICTURE_CLOSE)
    return (wrapped[0], wrapped[1]) if wrapped else None


def find_img_refs(text: str, post: Path, start: int = 0) -> list[ImageRef]:
    """Find every <img> from `start` on, as HTML refs or (with their wrappers) GENERATED refs."""
    refs: list[ImageRef] = []
    for candidate in _IMG_START.finditer(text, start):
        match = _OPEN_TAG.match(text, candidate.start()) or _LOOSE_IMG.match(
            text, candidate.start()
        )
        parsed = parse_tag(match.group()) if match else None
        if match is None or parsed is None:
            continue
        ref = _img_ref(text, post, match.start(), match.end(), parsed[1])
        if ref is not None:
            refs.append(ref)
    return refs


def _img_ref(text: str, post: Path, start: int, end: int, attrs: Attrs) -> ImageRef | None:
    fields = img_fields(attrs)
    marker = dict(attrs).get(GENERATED_ATTR)
    if marker is not None:
        ref = _generated_ref(text, post, start, end, marker, fields.src)
        hint = dict(attrs).get(SOURCE_ATTR)
        return dataclasses.replace(ref, attrs=((SOURCE_ATTR, hint),)) if hint else ref
    if fields.src is None:
        return None
    # an author's own <picture> is replaced as a whole, so the new one never nests inside it;
    # its lightbox link may sit inside it (after Chirpy) or around it
    start, end, link = _grow(text, start, end, lambda a: a.get("href") == fields.src)
    return ImageRef(
        post=post,
        line=0,
        start=start,
        end=end,
        kind=RefKind.HTML,
        src=fields.src,
        alt=fields.alt,
        title=fields.title,
        width=fields.width,
        height=fields.height,
        attrs=fields.attrs,
        link_attrs=link,
    )


def _grow(
    text: str, start: int, end: int, is_link: Callable[[dict[str, str | None]], bool]
) -> tuple[int, int, Attrs | None]:
    """Widen an img's span to a link inside a <picture>, the <picture>, and a link around it."""

    def linked(start: int, end: int) -> tuple[int, int, Attrs] | None:
        wrapped = _wrap(text, start, end, "a", _A_CLOSE)
        return wrapped if wrapped is not None and is_link(dict(wrapped[2])) else None

    inner = linked(start, end)
    if inner is not None:
        start, end = inner[:2]
    picture = _picture_start(text, start, end)
    if picture is not None:
        start, end = picture
    outer = None if inner is not None else linked(start, end)
    if outer is not None:
        start, end = outer[:2]
    found = inner or outer
    return start, end, found[2] if found else None


def _generated_ref(
    text: str, post: Path, start: int, end: int, marker: str, src: str | None
) -> ImageRef:
    """Build a GENERATED ref; `original` holds the marker until the facade decodes it.

    The span grows to a generated <a> around the img (a theme such as Chirpy may put its
    popup link inside the <picture>), to the <picture>, then to a generated <a> around that.
    """
    start, end, link = _grow(text, start, end, lambda a: _generated_link(a, src))
    return ImageRef(
        post=post,
        line=0,
        start=start,
        end=end,
        kind=RefKind.GENERATED,
        src="",
        link_attrs=link,
        original=marker,
    )


def _generated_link(link: dict[str, str | None], src: str | None) -> bool:
    """Tell whether an <a> around generated markup is generated too (not the author's own).

    The tool's lightbox link and Chirpy's popup link both point at a variant, next to the
    img's own src; an author's link to a page must stay outside the span, or reverting the
    markup would drop it and rewriting it would point it at the image.
    """
    if GENERATED_ATTR in link:
        return True
    href = link.get("href")
    if not href or not src:
        return False
    return _folder(href) == _folder(src)


def _folder(url: str) -> str:
    return posixpath.dirname(re.split(r"[?#]", url, maxsplit=1)[0])
