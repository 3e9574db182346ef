"""Markdown for the scanner: code regions, image syntax, reference definitions, kramdown IALs.

markdown-it-py finds the block structure (fenced and indented code, paragraphs); code spans
are then found in each paragraph's raw text following CommonMark's rules, so every offset
stays an index into the author's text.
"""

from __future__ import annotations

import bisect
import dataclasses
import html
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import ImageRef, RefKind, SkipReason
from .html import LIQUID, Attrs, pixels
from .regions import Regions

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ALT = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
# Jekyll expands Liquid before Markdown, so `({{ site.baseurl }}/a.png)` is one destination.
_DEST = rf"<(?:[^<>\n\\]|\\.)*>|(?:{LIQUID}|[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+"
_TITLE = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)"""
_INLINE_IMAGE = re.compile(
    rf"!\[({_ALT})\]\([ \t]*\r?\n?[ \t]*({_DEST})?(?:\s+({_TITLE}))?\s*\)", re.S
)
_REF_IMAGE = re.compile(rf"!\[({_ALT})\](?:\[((?:[^\[\]\\]|\\.)*)\])?", re.S)
_DEFINITION = re.compile(
    rf"^ {{0,3}}\[((?:[^\[\]\\]|\\.)+)\]:[ \t]*\r?\n?[ \t]*({_DEST})"
    rf"(?:[ \t]*\r?\n?[ \t]*({_TITLE}))?[ \t]*\r?$",
    re.M,
)
_IAL = re.compile(r"""\{:\s*((?:[^}"']|"[^"]*"|'[^']*')*)\}""")
_IAL_TOKEN = re.compile(
    r"""([A-Za-z_:][\w.:-]*)=("[^"]*"|'[^']*'|[^\s"'}]+)|\.([\w-]+)|#([\w-]+)|\S+"""
)
_LINK_TAIL = re.compile(rf"\]\([ \t]*({_DEST})(?:[ \t]+({_TITLE}))?[ \t]*\)")
_IMAGE_START = re.compile(r"!\[")
_INLINE_TOKEN = re.compile(r"\\.|`+|<!--|<", re.S)
_INLINE_TAG = re.compile(
    r"""</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*"""
    r"""\s*/?>"""
)

Definition = tuple[str, str | None]  # (destination, title)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # imported late: a run whose posts are all answered from the scan cache never parses one
    from markdown_it import MarkdownIt

    # Only block structure is needed; inline parsing is the slow part and is done here instead.
    return MarkdownIt("commonmark").enable("table").disable("inline")


def unescape(text: str) -> str:
    """Remove Markdown backslash escapes and decode HTML character references."""
    return html.unescape(_ESCAPE.sub(r"\1", text))


def code_regions(text: str, body_start: int, line_starts: list[int]) -> Regions:
    """Find fenced/indented code blocks and inline code spans in the Markdown body."""
    first_line = bisect.bisect_right(line_starts, body_start) - 1
    body = re.sub(r"\r(?!\n)", " ", text[body_start:])  # markdown-it counts a lone CR as a line

    def offset(line: int) -> int:
        index = first_line + line
        return line_starts[index] if index < len(line_starts) else len(text)

    spans: list[tuple[int, int, SkipReason]] = []
    inline_lines: set[tuple[int, int]] = set()
    for token in _markdown().parse(body):
        if token.map is None:
            continue
        if token.type in ("fence", "code_block"):
            spans.append((offset(token.map[0]), offset(token.map[1]), SkipReason.CODE))
        elif token.type in ("inline", "html_block"):
            # kramdown reads a line starting with a span tag such as <img> as a paragraph, so
            # code spans count there too (CommonMark would take it as literal HTML instead)
            inline_lines.add((token.map[0], token.map[1]))
    for first, last in sorted(inline_lines):
        spans.extend(_code_spans(text, offset(first), offset(last)))
    return Regions(spans)


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int, SkipReason]]:
    """Find CommonMark code spans in text[start:end] (a paragraph, heading or table row)."""
    spans: list[tuple[int, int, SkipReason]] = []
    unclosed: set[int] = set()  # backtick run lengths with no closer further on
    pos = start
    while match := _INLINE_TOKEN.search(text, pos, end):
        token = match.group()
        pos = match.end()
        if token == "<!--":
            close = text.find("-->", pos, end)
            pos = close + 3 if close >= 0 else pos
        elif token == "<":
            tag = _INLINE_TAG.match(text, match.start(), end)
            pos = tag.end() if tag else pos
        elif token[0] == "`" and len(token) not in unclosed:
            closer = re.compile(rf"(?<!`)`{{{len(token)}}}(?!`)").search(text, pos, end)
            if closer is None:
                unclosed.add(len(token))
            else:
                spans.append((match.start(), closer.end(), SkipReason.CODE))
                pos = closer.end()
    return spans


def label_key(label: str) -> str:
    """Normalize a reference label the way CommonMark matches them."""
    return " ".join(label.split()).casefold()


def definitions(text: str, body_start: int, skipped: Regions) -> dict[str, Definition]:
    """Collect `[id]: src "title"` definitions outside code and comments (first one wins)."""
    found: dict[str, Definition] = {}
    for match in _DEFINITION.finditer(text, body_start):
        if skipped.at(match.start()) is not None:
            continue
        found.setdefault(label_key(match.group(1)), (_dest(match.group(2)), _title(match.group(3))))
    return found


def _dest(raw: str | None) -> str:
    if raw is None:
        return ""
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    return unescape(raw)


def _title(raw: str | None) -> str | None:
    return unescape(raw[1:-1]) if raw else None


def find_markdown_refs(
    text: str, post: Path, defs: dict[str, Definition], start: int = 0
) -> list[ImageRef]:
    """Find `![alt](src)` and `![alt][id]` images (with a trailing kramdown IAL) from `start`."""
    refs: list[ImageRef] = []
    for candidate in _IMAGE_START.finditer(text, start):
        pos = candidate.start()
        if _escaped(text, pos):
            continue
        ref = _inline_ref(text, post, pos) or _reference_ref(text, post, pos, defs)
        if ref is not None:
            refs.append(_linked(text, ref))
    return refs


def _linked(text: str, ref: ImageRef) -> ImageRef:
    """Take in a Markdown link around the image that opens the image itself (a lightbox).

    Left outside the span, the link would keep sending readers to the full-size original.
    """
    if ref.start == 0 or text[ref.start - 1] != "[" or _escaped(text, ref.start - 1):
        return ref
    tail = _LINK_TAIL.match(text, ref.end)
    if tail is None or _dest(tail.group(1)) != ref.src:
        return ref
    title = _title(tail.group(2))
    return dataclasses.replace(
        ref,
        start=ref.start - 1,
        end=tail.end(),
        link_attrs=(("title", title),) if title is not None else (),
    )


def _escaped(text: str, pos: int) -> bool:
    count = 0
    while pos - count > 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _inline_ref(text: str, post: Path, pos: int) -> ImageRef | None:
    match = _INLINE_IMAGE.match(text, pos)
    if match is None or not match.group(2):
        return None
    return _with_ial(
        text,
        post,
        pos,
        match.end(),
        RefKind.MARKDOWN,
        src=_dest(match.group(2)),
        alt=unescape(match.group(1)),
        title=_title(match.group(3)),
    )


def undefined_reference(text: str, post: Path) -> ImageRef | None:
    """Parse a reference-style image whose definition is not at hand (its src left empty)."""
    start = 1 if text.startswith("[![") else 0
    match = _REF_IMAGE.match(text, start)
    if match is None or text.startswith("(", match.end()):
        return None
    ref = _with_ial(
        text,
        post,
        start,
        match.end(),
        RefKind.MARKDOWN_REF,
        src="",
        alt=unescape(match.group(1)),
        title=None,
    )
    return _linked(text, ref)


def _reference_ref(text: str, post: Path, pos: int, defs: dict[str, Definition]) -> ImageRef | None:
    match = _REF_IMAGE.match(text, pos)
    if match is None:
        return None
    label = match.group(2) or match.group(1)  # `![alt][]` and `![alt]` use the alt as label
    found = defs.get(label_key(label))
    if found is None or not found[0]:
        return None
    return _with_ial(
        text,
        post,
        pos,
        match.end(),
        RefKind.MARKDOWN_REF,
        src=found[0],
        alt=unescape(match.group(1)),
        title=found[1],
    )


def _with_ial(
    text: str,
    post: Path,
    start: int,
    end: int,
    kind: RefKind,
    *,
    src: str,
    alt: str,
    title: str | None,
) -> ImageRef:
    attrs: Attrs = ()
    width = height = None
    ial = _IAL.match(text, end)
    if ial is not None:
        end = ial.end()
        fields, attrs = parse_ial(ial.group(1))
        width, height = pixels(fields.get("width")), pixels(fields.get("height"))
        alt = fields.get("alt", alt) or alt
        title = fields.get("title", title) or title
    return ImageRef(
        post=post,
        line=0,
        start=start,
        end=end,
        kind=kind,
        src=src,
        alt=alt,
        title=title,
        width=width,
        height=height,
        attrs=attrs,
    )


def parse_ial(body: str) -> tuple[dict[str, str], Attrs]:
    """Split a kramdown IAL body into ImageRef fields and other attributes (classes merged)."""
    fields: dict[str, str] = {}
    attrs: list[tuple[str, str | None]] = []
    classes: list[str] = []
    class_index: int | None = None
    for token in _IAL_TOKEN.finditer(body):
        name, value, cls, ident = token.group(1), token.group(2), token.group(3), token.group(4)
        if name is not None and value is not None:
            if value[:1] in "\"'" and len(value) >= 2 and value[-1] == value[0]:
                value = value[1:-1]
            value = html.unescape(value)
            if name == "class":
                cls = value
            elif name in ("alt", "title") or (name in ("width", "height") and pixels(value)):
                fields.setdefault(name, value)
                continue
            else:
                attrs.append((name, value))
                continue
        if cls is not None:
            if class_index is None:
                class_index = len(attrs)
                attrs.append(("class", None))
            classes.extend(cls.split())
        elif ident is not None:
            attrs.append(("id", ident))
    if class_index is not None:
        attrs[class_index] = ("class", " ".join(classes))
    return fields, tuple(attrs)
