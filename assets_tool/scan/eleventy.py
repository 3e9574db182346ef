"""Eleventy sources: the input folder, and each page's published URL.

Eleventy reads its input folder (`dir.input` in `.eleventy.js`/`eleventy.config.*`, else
`src/` when there is one, else the project root) and publishes `x.md` at `/x/`, `index.md` at
its folder's URL, or at the page's `permalink:`. A relative src in a page is relative to that
URL; passthrough-copied files are published at their path inside the input folder.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path, PurePosixPath

import yaml

from .layout import POST_SUFFIXES

ELEVENTY_CONFIGS = (
    ".eleventy.js",
    "eleventy.config.js",
    "eleventy.config.cjs",
    "eleventy.config.mjs",
)
PAGE_SUFFIXES = (*POST_SUFFIXES, ".njk", ".liquid")
_INPUT = re.compile(r"""\binput\s*:\s*(["'`])([^"'`]*)\1""")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*$", re.S | re.M)


def eleventy_config_path(root: Path) -> Path | None:
    """Return the Eleventy config file of the project at `root`, or None."""
    return next((root / n for n in ELEVENTY_CONFIGS if (root / n).is_file()), None)


def eleventy_input(root: Path, config_path: Path | None) -> str:
    """Return the input folder relative to `root` ("" for the root itself)."""
    if config_path is not None:
        try:
            found = _INPUT.search(config_path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            found = None
        if found is not None:
            folder = found.group(2).strip().strip("/").removeprefix("./")
            return "" if folder in ("", ".") else folder
    return "src" if (root / "src").is_dir() else ""


def eleventy_page_url(page: Path, input_rel: str) -> str:
    """Return the URL folder a page is published under (its permalink's folder, or its own)."""
    permalink = _permalink(page)
    if permalink is not None:
        if permalink.endswith("/"):
            return "/" + permalink.strip("/") + ("/" if permalink.strip("/") else "")
        parent = PurePosixPath("/" + permalink.lstrip("/")).parent.as_posix()
        return parent if parent == "/" else parent + "/"
    path = PurePosixPath(input_rel)
    folder = path.parent if path.stem == "index" else path.with_suffix("")
    return "/" if str(folder) == "." else f"/{folder.as_posix()}/"


@functools.lru_cache(maxsize=1024)
def _permalink(page: Path) -> str | None:
    """Return a page's static `permalink:` (None when unset, false or templated)."""
    try:
        match = _FRONT.match(page.read_text(encoding="utf-8"))
        data = yaml.safe_load(match.group(1)) if match else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # the scan of the page reports what is wrong with it
    value = data.get("permalink") if isinstance(data, dict) else None
    if not isinstance(value, str) or "{{" in value or "{%" in value or not value.strip():
        return None
    return value.strip()
