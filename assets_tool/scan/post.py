"""Find every image reference in a post, with the exact characters it occupies.

The facade of the scan stage: front matter, skip rules and generated markup live here; the
Markdown and HTML syntaxes in `markdown` and `html`.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import ScanError
from ..models import ImageRef, RefKind, SkipReason
from .html import find_img_refs
from .markdown import (
    Definition,
    code_regions,
    definitions,
    find_markdown_refs,
    undefined_reference,
)
from .regions import Regions, skipped_regions

__all__ = [
    "ScanError",
    "ScannedPost",
    "decode_original",
    "encode_original",
    "expand_liquid",
    "same_site",
    "scan_text",
    "skip_reason",
]

_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M
)
_EMPTY_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
_LIQUID_SITE = re.compile(r"\{\{-?\s*site\.(baseurl|url)\s*-?\}\}")
_LIQUID_FILTER = re.compile(
    r"""\{\{-?\s*(["'])(.*?)\1\s*\|\s*(relative_url|absolute_url)\s*-?\}\}"""
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_CANDIDATE = re.compile(r"<img(?=[\s/>])|!\[", re.IGNORECASE)


@dataclass(frozen=True)
class ScannedPost:
    """Everything the scan found in one post."""

    refs: tuple[ImageRef, ...]  # every reference incl. skipped ones, ordered by start offset
    media_subpath: str | None  # Chirpy front matter `media_subpath` (prefix for relative srcs)


def encode_original(text: str) -> str:
    """Encode an author's reference for the `data-assets-tool` attribute (base64url, no pad)."""
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_original(value: str) -> str:
    """Decode a `data-assets-tool` attribute value; ValueError when it is damaged."""
    if not _BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        raise ValueError("not base64url text")
    padded = value + "=" * (-len(value) % 4)
    try:
        return base64.urlsafe_b64decode(padded).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc


def expand_liquid(src: str, url: str = "", baseurl: str = "") -> str | None:
    """Expand `{{ site.baseurl }}` and `| relative_url`/`| absolute_url`; None if Liquid remains."""

    def site_var(match: re.Match[str]) -> str:
        return baseurl if match.group(1) == "baseurl" else url

    def url_filter(match: re.Match[str]) -> str:
        path = match.group(2)
        if not _SCHEME.match(path) and not path.startswith("/"):
            path = "/" + path
        if _SCHEME.match(path) or path.startswith("//"):
            return path
        return (url if match.group(3) == "absolute_url" else "") + baseurl + path

    expanded = _LIQUID_SITE.sub(site_var, _LIQUID_FILTER.sub(url_filter, src))
    return None if "{{" in expanded or "{%" in expanded else expanded


def same_site(src: str, site_url: str) -> bool:
    """Tell whether an absolute URL (http, https or //host) points at the site itself."""
    if not site_url:
        return False
    ours, theirs = urlsplit(site_url), urlsplit(src)
    if theirs.scheme.lower() not in ("http", "https", ""):
        return False
    return bool(ours.netloc) and theirs.netloc.lower() == ours.netloc.lower()


def skip_reason(src: str, site_url: str = "") -> SkipReason | None:
    """Tell why a src is left alone (external, data:, SVG, dynamic Liquid), or None."""
    expanded = expand_liquid(src.strip())
    if expanded is None:
        return SkipReason.LIQUID
    if expanded[:5].lower() == "data:":
        return SkipReason.DATA_URI
    if (expanded.startswith("//") or _SCHEME.match(expanded)) and not same_site(expanded, site_url):
        return SkipReason.EXTERNAL
    path = re.split(r"[?#]", expanded, maxsplit=1)[0].lower()
    if path.endswith((".svg", ".svgz")):
        return SkipReason.SVG
    return None


def scan_text(text: str, post: Path, *, markdown: bool, site_url: str = "") -> ScannedPost:
    """Find every image reference in a post's text (markdown=False for .html files)."""
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    body_start, front = _front_matter(text, post, line_starts, site_url)
    code = Regions([])
    if markdown and _CANDIDATE.search(text, body_start):  # spare the Markdown parse otherwise
        code = code_regions(text, body_start, line_starts)
    skipped = code.plus(skipped_regions(text, body_start, code))
    defs = definitions(text, body_start, skipped) if markdown else {}
    found = find_img_refs(text, post, body_start)
    if markdown:
        found += find_markdown_refs(text, post, defs, body_start)
    refs: list[ImageRef] = []
    if front.ref is not None:
        refs.append(front.ref)
    last_end = body_start
    for ref in sorted(found, key=lambda r: (r.start, -r.end)):
        if ref.start < last_end:
            continue  # e.g. `![x](y)` inside an <img alt="..."> already taken
        last_end = ref.end
        line = bisect.bisect_right(line_starts, ref.start)
        region = skipped.at(ref.start)
        if ref.kind is RefKind.GENERATED:
            try:
                ref = _generated(ref, line, defs, markdown)
            except ScanError:
                if region is None:
                    raise
                ref = dataclasses.replace(ref, original=None)  # commented out: leave it be
        reason = region[2] if region else skip_reason(ref.src, site_url)
        refs.append(dataclasses.replace(ref, line=line, skip=reason))
    return ScannedPost(refs=tuple(refs), media_subpath=front.media_subpath)


def _generated(ref: ImageRef, line: int, defs: dict[str, Definition], markdown: bool) -> ImageRef:
    """Fill a GENERATED ref's fields from the author's original reference it replaced."""
    marker = ref.original or ""
    try:
        original = decode_original(marker)
    except ValueError as exc:
        raise ScanError(
            ref.post,
            f"damaged data-assets-tool attribute ({exc})",
            "restore the markup from version control, or replace it with the original image",
            line=line,
        ) from exc
    parsed = _parse_original(original, ref.post, defs, markdown)
    if parsed is None:
        raise ScanError(
            ref.post,
            f"data-assets-tool attribute holds no image reference ({original!r})",
            "replace the generated markup with the original image reference",
            line=line,
        )
    return dataclasses.replace(
        parsed,
        start=ref.start,
        end=ref.end,
        kind=RefKind.GENERATED,
        original=original,
        attrs=parsed.attrs + ref.attrs,  # ref.attrs: only the source hint, if any
        link_attrs=parsed.link_attrs if parsed.link_attrs is not None else ref.link_attrs,
    )


def _parse_original(
    original: str, post: Path, defs: dict[str, Definition], markdown: bool
) -> ImageRef | None:
    # a built page holds markup made from a Markdown source: its original is Markdown too,
    # and the definition a reference-style image used is no longer there
    found = find_img_refs(original, post) + find_markdown_refs(original, post, defs)
    found = [r for r in found if r.kind is not RefKind.GENERATED]
    if found:
        return min(found, key=lambda r: r.start)
    return None if markdown else undefined_reference(original, post)


@dataclass(frozen=True)
class _Front:
    ref: ImageRef | None = None
    media_subpath: str | None = None


def _front_matter(
    text: str, post: Path, line_starts: list[int], site_url: str
) -> tuple[int, _Front]:
    """Return where the body starts and what the front matter says about images."""
    empty = _EMPTY_FRONT_MATTER.match(text)
    if empty is not None:
        return empty.end(), _Front()
    match = _FRONT_MATTER.match(text)
    if match is None:
        return (1 if text.startswith("\ufeff") else 0), _Front()
    first_line = bisect.bisect_right(line_starts, match.start(1))
    try:
        node, data = _parse_yaml(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line - 1
        raise ScanError(
            post, f"front matter is not valid YAML ({exc})", "fix the syntax", line=line
        ) from exc
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return match.end(), _Front()
    subpath = data.get("media_subpath", data.get("img_path"))
    media_subpath = subpath if isinstance(subpath, str) and subpath else None
    ref = _front_image(node, data.get("image"), post, match.start(1), line_starts, site_url)
    return match.end(), _Front(ref, media_subpath)


# libyaml's parser when PyYAML has it: ten times faster, the same nodes and marks
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for exact character spans) and the values built from it."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _front_image(
    node: yaml.MappingNode,
    value: Any,
    post: Path,
    offset: int,
    line_starts: list[int],
    site_url: str,
) -> ImageRef | None:
    """Build the FRONT_MATTER ref of Chirpy's `image:` (a string or {path, alt, lqip})."""
    image_node = _child(node, "image")
    path_node: yaml.Node | None = image_node
    alt = lqip = None
    if isinstance(image_node, yaml.MappingNode) and isinstance(value, dict):
        path_key = "path" if "path" in value else "src"
        path_node = _child(image_node, path_key)
        alt = value.get("alt") if isinstance(value.get("alt"), str) else None
        lqip = value.get("lqip") if isinstance(value.get("lqip"), str) else None
    if not isinstance(path_node, yaml.ScalarNode) or not path_node.value:
        return None
    if path_node.tag != "tag:yaml.org,2002:str":
        return None
    start = offset + path_node.start_mark.index
    end = offset + path_node.end_mark.index
    if path_node.style in ("'", '"'):
        start, end = start + 1, end - 1
    return ImageRef(
        post=post,
        line=bisect.bisect_right(line_starts, start),
        start=start,
        end=end,
        kind=RefKind.FRONT_MATTER,
        src=path_node.value,
        alt=alt,
        attrs=(("lqip", lqip),) if lqip else (),
        skip=skip_reason(path_node.value, site_url),
    )


def _child(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node if isinstance(value_node, yaml.Node) else None
    return None
