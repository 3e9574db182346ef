"""Jekyll sources: which files Jekyll renders into pages, read from `_config.yml`.

Jekyll skips names that start with `_`, `.` or `#` or end with `~` unless `include:` names
them, reads `_posts/` and `_drafts/` (at any depth), and the folders of collections whose
`output:` is true. Elsewhere a file is rendered only when it starts with front matter; a
Markdown file without it is copied as it is (a README, say), so it is not a post. An HTML
file is published either way, so its images are scanned either way.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

from ..errors import AssetsToolError
from .layout import POST_SUFFIXES, Site, has_front_matter, walk

POSTS_DIRS = ("_posts", "_drafts")
# Jekyll's own default `exclude:` (a site's list replaces it, so these are added back here)
DEFAULT_EXCLUDE = ("gemfiles", "Gemfile", "Gemfile.lock", "vendor/bundle", "vendor/cache")


def rendered_collections(value: Any) -> tuple[str, ...]:
    """Return the names of the collections Jekyll writes pages for (`output: true`)."""
    if isinstance(value, dict):
        return tuple(
            str(name)
            for name, settings in value.items()
            if isinstance(settings, dict) and settings.get("output")
        )
    return ()


def jekyll_pages(
    site: Site, patterns: tuple[str, ...], errors: list[AssetsToolError] | None
) -> list[str]:
    """List the root-relative files Jekyll renders (or publishes, for HTML), sorted."""
    rendered = {*POSTS_DIRS, *(f"_{name}" for name in site.collections)}

    def hidden(rel: str) -> bool:
        name = rel.rsplit("/", 1)[-1]
        if not (name.startswith(("_", ".", "#")) or name.endswith("~")):
            return False
        if name in rendered and (name in POSTS_DIRS or "/" not in rel):
            return False
        return not any(fnmatch(name, p) or fnmatch(rel, p.strip("/")) for p in site.include)

    chosen = []
    found = walk(site.root, (*patterns, *DEFAULT_EXCLUDE), POST_SUFFIXES, "", errors, hidden)
    for rel in found:
        parts = rel.split("/")
        in_posts = any(part in POSTS_DIRS for part in parts[:-1])
        html = rel.lower().endswith(".html")
        if in_posts or html or has_front_matter(site.root / rel):
            chosen.append(rel)
    return sorted(chosen)
