"""Captions written beside a photo: `photo.jpg.md` (Markdown) or `photo.jpg.txt` (plain text).

A sidecar's text is the caption; a YAML front matter block may set `caption:` and `alt:`.
Markdown is rendered inline (emphasis, links, code) with raw HTML off, so a sidecar cannot
put a script or any other element of its own into a page; links open with `rel="noopener"`.
Alt text and page titles are always the plain text, markup stripped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..errors import ConfigError

SIDECAR_SUFFIXES = (".md", ".txt")
_FRONT = re.compile(r"---\s*\n(.*?)\n---\s*\n?(.*)", re.DOTALL)


@dataclass(frozen=True)
class Caption:
    """A caption as plain text and as the HTML a page shows (already escaped)."""

    text: str
    html: str

    @classmethod
    def plain(cls, text: str) -> Caption:
        """Return a caption of plain text (from a .txt sidecar, index.yml or XMP/IPTC)."""
        clean = " ".join(text.split())
        return cls(clean, html.escape(clean, quote=False))

    @classmethod
    def markdown(cls, source: str) -> Caption:
        """Return a caption written in Markdown: inline HTML, and its text without markup."""
        flat = " ".join(source.split())
        tokens = _MD.parseInline(flat)
        rendered = _MD.renderer.render(tokens, _MD.options, {})
        return cls(" ".join(plain_text(tokens).split()), rendered.strip())


def _link_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # a caption's link leaves the gallery: the page it opens gets no handle on this one
    tokens[idx].attrSet("rel", "noopener")
    return renderer.renderToken(tokens, idx, options, env)


# commonmark with raw HTML off: `<script>` in a sidecar is shown as text, never run
_MD = MarkdownIt("commonmark", {"html": False})
_MD.add_render_rule("link_open", _link_open)


def plain_text(tokens: list[Token]) -> str:
    """Return the text of parsed inline Markdown, markup stripped."""
    out: list[str] = []
    for token in tokens:
        if token.children:
            out.append(plain_text(token.children))
        elif token.type in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "image":
            out.append(plain_text(token.children or []))
    return "".join(out)


def read_sidecar(path: Path) -> dict[str, Caption | str]:
    """Read a photo's sidecar, if any: {"caption": Caption, "alt": plain text} (either may lack)."""
    for suffix in SIDECAR_SUFFIXES:
        side = path.with_name(path.name + suffix)
        if not side.is_file():
            continue
        text = side.read_text(encoding="utf-8", errors="replace")
        make = Caption.markdown if suffix == ".md" else Caption.plain
        match = _FRONT.match(text)
        try:
            front: Any = (yaml.safe_load(match.group(1)) or {}) if match else {}
        except yaml.YAMLError as exc:
            raise ConfigError(side, "front matter is not valid YAML", "fix its syntax") from exc
        front = front if isinstance(front, dict) else {}
        body = match.group(2) if match else text
        found: dict[str, Caption | str] = {}
        caption = str(front.get("caption") or body).strip()
        if caption:
            found["caption"] = make(caption)
        alt = str(front.get("alt") or "").strip()
        if alt:
            found["alt"] = make(alt).text  # alt text is plain, whatever the sidecar's syntax
        return found
    return {}
