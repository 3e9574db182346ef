"""Hugo sources: the config file, the content and static folders, and each page's URL.

Hugo publishes `static/` at the site root and a page bundle's resources beside its page
(`content/posts/x/index.md` and `content/posts/x/a.jpg` -> `/posts/x/` and `/posts/x/a.jpg`);
`content/posts/y.md` is published at `/posts/y/`, so a relative src in it is relative to that
URL, not to the file's folder.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..errors import ConfigError
from .layout import POST_SUFFIXES

HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
OLD_CONFIGS = ("config.toml", "config.yaml", "config.yml", "config.json")
# the image render hook, where a site (or its theme) turns Markdown images into HTML
RENDER_HOOK = "layouts/_default/_markup/render-image.html"


def hugo_config_path(root: Path) -> Path | None:
    """Return the Hugo config file of the site at `root`, or None when it is not a Hugo site."""
    for folder in (root, root / "config" / "_default"):
        for name in HUGO_CONFIGS:
            if (folder / name).is_file():
                return folder / name
    for folder in (root, root / "config" / "_default"):
        for name in OLD_CONFIGS:
            path = folder / name
            if path.is_file() and _lower_keys(read_hugo_config(path)).get("baseurl") is not None:
                return path
    return None


def read_hugo_config(path: Path) -> dict[str, Any]:
    """Parse a Hugo config file (TOML, YAML or JSON) into a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(path, f"cannot read the Hugo config ({exc})", "fix the file") from exc
    return data if isinstance(data, dict) else {}


def hugo_settings(path: Path) -> dict[str, str]:
    """Return what assets-tool needs of a Hugo config: baseURL, folders and theme."""
    data = _lower_keys(read_hugo_config(path))
    theme = data.get("theme")
    if isinstance(theme, list):
        theme = theme[0] if theme else ""
    return {
        "baseurl": str(data.get("baseurl") or ""),
        "content": str(data.get("contentdir") or "content").strip("/"),
        "static": str(data.get("staticdir") or "static").strip("/"),
        "theme": str(theme or ""),
    }


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    # Hugo's config keys are case-insensitive (baseURL, baseurl, contentDir)
    return {str(key).lower(): value for key, value in data.items()}


def hugo_page_url(content_rel: str) -> str:
    """Return the URL folder of a content file (relative to the content folder), with "/"s."""
    path = PurePosixPath(content_rel)
    if path.suffix.lower() not in POST_SUFFIXES:
        return "/" + (str(path.parent) + "/" if str(path.parent) != "." else "")
    folder = path.parent if path.stem in ("index", "_index") else path.with_suffix("")
    return "/" if str(folder) == "." else f"/{folder.as_posix().lower()}/"
