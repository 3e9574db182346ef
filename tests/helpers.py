"""Helpers shared by the end-to-end tests: run the CLI, read generated markup, hash trees."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "assets_tool"]


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `assets-tool ARGS` in a subprocess, as a user would, and capture its output."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def run_cli_without_root_privileges(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI as root would run without its override of file permissions."""
    env = {**os.environ, "COLUMNS": "200"}
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    command = [*(drop if os.geteuid() == 0 else []), *CLI, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free loopback port, quietly; yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def tree_digest(root: Path) -> dict[str, str]:
    """Return relative path -> sha256 of every file under `root` (to compare whole trees)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@dataclass
class Element:
    """One start tag found in a page."""

    tag: str
    attrs: dict[str, str | None]
    parent: str | None  # tag of the enclosing element, if any


class _Collector(HTMLParser):
    VOID = frozenset({"img", "source", "br", "hr", "meta", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1] if self.stack else None
        self.elements.append(Element(tag, dict(attrs), parent))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), self.stack[-1] if self.stack else None))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


def elements(html: str) -> list[Element]:
    """Parse `html` and return its start tags with their parents."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def srcset_urls(value: str | None) -> list[str]:
    """Return the URLs of a srcset attribute."""
    if not value:
        return []
    return [entry.strip().split()[0] for entry in value.split(",") if entry.strip()]


def image_urls(html: str) -> list[str]:
    """Return every image URL a page offers: img src/srcset, source srcset, lightbox hrefs."""
    urls: list[str] = []
    for el in elements(html):
        if el.tag == "img":
            urls += [el.attrs["src"] or "", *srcset_urls(el.attrs.get("srcset"))]
        elif el.tag == "source":
            urls += srcset_urls(el.attrs.get("srcset"))
        elif el.tag == "a" and "popup" in (el.attrs.get("class") or ""):
            urls.append(el.attrs["href"] or "")
    return urls
