"""What a site publishes, by the generator's rules: the size GitHub Pages counts."""

from __future__ import annotations

import os
from fnmatch import fnmatch
from pathlib import Path

from .layout import SKIPPED_DIRS, Site

# what Jekyll leaves out of _site besides `_name` and `.name` (its default `exclude:` list)
_JEKYLL_DEFAULTS = ("Gemfile", "Gemfile.lock", "node_modules", "vendor", "package.json")


def published_bytes(site: Site) -> int:
    """Return the bytes of every file the site publishes (all of a built site's files).

    Hugo publishes its static and content folders' files, Eleventy what its input folder
    passes through; both are counted whole (an upper bound), Jekyll by its own rules.
    """
    if site.built or site.generator not in ("hugo", "eleventy"):
        return _walked_bytes(site, site.root)
    folders = {site.content_dir, site.static_dir} - {""} or {""}
    return sum(_walked_bytes(site, site.root / name) for name in sorted(folders))


def _walked_bytes(site: Site, top: Path) -> int:
    total = 0
    patterns = (*site.exclude, *_JEKYLL_DEFAULTS)
    for folder, dirs, files in os.walk(top):
        rel = Path(folder).relative_to(top).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if not site.built:
            dirs[:] = [d for d in dirs if _published(prefix + d, d, patterns)]
            files = [f for f in files if _published(prefix + f, f, patterns)]
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue  # gone or unreadable: the build itself reports what matters
    return total


def _published(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    if name.startswith(("_", ".", "#")) or name.endswith("~") or name in SKIPPED_DIRS:
        return False
    return not any(fnmatch(rel, p.strip().strip("/")) for p in patterns if p.strip().strip("/"))
