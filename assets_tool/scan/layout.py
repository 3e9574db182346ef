"""What every site layout shares: the Site record and walking its folders with exclusions."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path

from ..errors import AssetsToolError, ResolveError

SKIPPED_DIRS = (
    "_site",
    ".git",
    "node_modules",
    "vendor",
    ".jekyll-cache",
    ".sass-cache",
    "_includes",
    "_layouts",
)
POST_SUFFIXES = (".md", ".markdown", ".html")


@dataclass(frozen=True)
class Site:
    """A site folder and what its configuration says about URLs and layout."""

    root: Path  # resolved absolute root
    built: bool  # True for an already built site (no generator config, has .html files) e.g. _site/
    url: str  # site url (from config/_config.yml), "" when unknown
    baseurl: str  # "" or "/blog"
    # "chirpy" for a Chirpy site (theme, remote_theme or Gemfile); "minima" or "mediumish" when
    # `theme`/`remote_theme` names one of those; None otherwise
    theme: str | None
    exclude: tuple[str, ...]  # the site's own `exclude:` globs from _config.yml
    collections: tuple[str, ...] = ()  # Jekyll collections rendered to pages (`output: true`)
    # "jekyll", "hugo", "eleventy" or "html" (a folder of pages published as they are);
    # "" when no known layout was found. A built folder names the generator that made it
    # where that can be told, else "html".
    generator: str = "jekyll"
    # where pages and their files live, relative to root: Hugo's content and static folders,
    # Eleventy's input folder ("" for the root itself)
    content_dir: str = ""
    static_dir: str = ""
    include: tuple[str, ...] = ()  # Jekyll `include:`: `_`/`.` names that are rendered anyway


def excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    """Tell whether a root-relative posix path, or a folder above it, is to be skipped."""
    parts = rel.split("/")
    if any(part in SKIPPED_DIRS for part in parts):
        return True
    globs = glob_pattern(patterns)
    return any(globs.match("/".join(parts[: i + 1])) for i in range(len(parts)))


@functools.lru_cache(maxsize=64)
def glob_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """Compile exclude globs (`/` trimmed) into one pattern that matches as `fnmatch` would."""
    # a site lists dozens of globs and a walk tests thousands of paths: translate them once
    globs = [pattern.strip().strip("/") for pattern in patterns]
    return re.compile("|".join(translate(glob) for glob in globs if glob) or r"(?!)")


def walk(
    root: Path,
    patterns: tuple[str, ...],
    suffixes: tuple[str, ...],
    under: str = "",
    errors: list[AssetsToolError] | None = None,
    skip: Callable[[str], bool] | None = None,
) -> Iterator[str]:
    """Yield root-relative posix paths of files with `suffixes`, pruning excluded folders.

    `skip`, when given, also drops a root-relative folder or file the layout does not publish.
    """

    def dropped(rel: str) -> bool:
        return excluded(rel, patterns) or (skip is not None and skip(rel))

    def unlisted(exc: OSError) -> None:  # never skip a folder in silence: report or raise
        error = ResolveError(exc.filename, f"cannot list ({exc.strerror})", "check permissions")
        if errors is None:
            raise error
        errors.append(error)

    for folder, dirs, files in os.walk(root / under, onerror=unlisted):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if not dropped(prefix + d))
        yield from (
            prefix + name
            for name in sorted(files)
            if name.lower().endswith(suffixes) and not dropped(prefix + name)
        )


def has_front_matter(path: Path) -> bool:
    """Tell whether a file starts with a `---` front matter line (what makes it a page)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return True  # let the read report the problem instead of hiding the file
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def join_url(folder: str, src: str) -> str:
    """Resolve a relative `src` against a page's folder URL (ending in "/"), as a browser does."""
    parts: list[str] = [p for p in folder.split("/") if p]
    for part in src.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    tail = "/" if src.endswith(("/", "/.", "/..")) else ""
    return "/" + "/".join(parts) + tail
