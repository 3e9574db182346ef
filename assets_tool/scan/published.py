"""Which files a site publishes: every file a reader can download once the site is deployed.

A built site publishes every file under it. A Jekyll source tree publishes what Jekyll copies
to `_site/`: everything but `_`/`.`-prefixed files and folders (unless `include:` names them),
its default excludes and the site's own `exclude:` globs. Hugo publishes its static and
content folders (and `assets/` through Hugo Pipes), Eleventy what its input folder passes
through: all of those folders count, since a file that may be published must be clean.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .layout import Site, glob_pattern

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
_NEVER = frozenset({".git", "_site", "node_modules"})
_Skip = Callable[[str], bool]


def published_files(site: Site) -> Iterator[Path]:
    """Yield every file the site publishes, in sorted order."""
    if site.built:
        yield from _files(site.root, lambda rel: False)
        return
    if site.generator in ("hugo", "eleventy"):
        folders = {site.content_dir, site.static_dir} - {""}
        if site.generator == "hugo":
            folders.add("assets")
        for name in sorted(folders or {""}):
            if (site.root / name).is_dir():
                yield from _files(site.root / name, _hidden)
        return
    include = frozenset(item.strip("/") for item in site.include)
    excluded = glob_pattern((*JEKYLL_DEFAULT_EXCLUDES, *site.exclude))

    def skipped(rel: str) -> bool:
        # the walk never enters a skipped folder: only `rel` itself is left to match
        name = rel.rpartition("/")[2]
        if _hidden(name) and name not in include:
            return True
        return excluded.match(rel) is not None

    yield from _files(site.root, skipped)


def published_bytes(site: Site, files: Iterable[Path] | None = None) -> int:
    """Return the bytes of every file the site publishes (the size GitHub Pages counts).

    `files` is `published_files(site)`, when the caller has listed them already.
    """
    total = 0
    for path in published_files(site) if files is None else files:
        try:
            total += os.lstat(path).st_size
        except OSError:
            continue  # gone or unreadable: the build itself reports what matters
    return total


def _hidden(rel: str) -> bool:
    name = rel.rpartition("/")[2]
    return name[:1] in "_.#" or name.endswith("~")


def _files(root: Path, skipped: _Skip) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if d not in _NEVER and not skipped(prefix + d))
        for name in sorted(names):
            if not skipped(prefix + name):
                yield Path(folder) / name
