"""Which files a site publishes: every file a reader can download once the site is deployed.

A built site publishes every file under it. A Jekyll source tree publishes what Jekyll copies
to `_site/`: everything but `_`/`.`-prefixed files and folders (unless `include:` names them),
its default excludes and the site's own `exclude:` globs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from ..config import JEKYLL_CONFIG, read_jekyll_config
from .site import Site

# Jekyll 4 adds these to every site's `exclude:` (Jekyll::Configuration#add_default_excludes)
JEKYLL_DEFAULT_EXCLUDES = (
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle",
    "vendor/cache",
    "vendor/gems",
    "vendor/ruby",
)
# never published by any layout: version control and the output of the sources' own build
_NEVER = frozenset({".git", "_site"})
_Skip = Callable[[str], bool]


def published_files(site: Site) -> Iterator[Path]:
    """Yield every file the site publishes, in sorted order."""
    if site.built:
        yield from _files(site.root, lambda rel: False)
        return
    include = _include(site.root)
    patterns = (*JEKYLL_DEFAULT_EXCLUDES, *site.exclude)

    def skipped(rel: str) -> bool:
        name = rel.rpartition("/")[2]
        hidden = name[:1] in "_.#" or name.endswith("~")
        if hidden and name not in include:
            return True
        return _matches(rel, patterns)

    yield from _files(site.root, skipped)


def _include(root: Path) -> frozenset[str]:
    path = root / JEKYLL_CONFIG
    if not path.is_file():
        return frozenset()
    value = read_jekyll_config(path).get("include")
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return frozenset(str(item).strip("/") for item in items)


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    """Tell whether `rel`, or a folder above it, matches one of Jekyll's exclude globs."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        pattern = raw.strip().strip("/")
        if pattern and any(fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def _files(root: Path, skipped: _Skip) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if d not in _NEVER and not skipped(prefix + d))
        for name in sorted(names):
            if not skipped(prefix + name):
                yield Path(folder) / name
