"""The site: which generator made it, what its config says, and which pages it publishes.

The common part of the layouts: generator detection happens here, in one place; what each
generator does differently lives in `jekyll`, `hugo` and `eleventy`, and resolving a src to
a file in `resolve`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import JEKYLL_CONFIG, Config, read_jekyll_config
from ..errors import AssetsToolError, ConfigError
from .eleventy import PAGE_SUFFIXES, eleventy_config_path, eleventy_input
from .hugo import hugo_config_path, hugo_settings
from .jekyll import jekyll_pages, rendered_collections
from .layout import POST_SUFFIXES, Site, excluded, walk
from .resolve import page_relative, published_folder, resolve, source_hint, variant_prefix

LAYOUTS_LOOKED_FOR = (
    "a Jekyll site (_config.yml or _posts/), a Hugo site (hugo.toml|yaml|json, or config.* "
    "with baseURL, and content/), an Eleventy site (.eleventy.js or eleventy.config.*), "
    "or built HTML pages (.html files, e.g. _site/ or public/)"
)
# themes whose layout the build knows (Chirpy's post-processing, the content column's width)
KNOWN_THEMES = ("chirpy", "minima", "mediumish")


def open_site(root: Path, config: Config) -> Site:
    """Open the site at `root`, telling its generator and reading its configuration."""
    if not root.is_dir():
        raise ConfigError(root, "site folder not found", "pass the folder that holds the site")
    root = root.resolve()
    jekyll_path = root / JEKYLL_CONFIG
    jekyll = read_jekyll_config(jekyll_path) if jekyll_path.is_file() else {}
    generator, built = detect(root)
    url, baseurl = _text(jekyll.get("url")), _text(jekyll.get("baseurl"))
    content = static = theme = ""
    if generator == "hugo" and not built:
        hugo = hugo_settings(hugo_config_path(root) or root)
        url, baseurl = _split_base(hugo["baseurl"])
        content, static, theme = hugo["content"], hugo["static"], hugo["theme"]
    elif generator == "eleventy" and not built:
        content = eleventy_input(root, eleventy_config_path(root))
    url = (config.url or url).rstrip("/")
    baseurl = (config.baseurl or baseurl).strip("/")
    return Site(
        root=root,
        built=built,
        url=url,
        baseurl="/" + baseurl if baseurl else "",
        theme=_theme(root, jekyll) or theme or None,
        exclude=_strings(jekyll.get("exclude")),
        collections=rendered_collections(jekyll.get("collections")),
        generator=generator,
        content_dir=content,
        static_dir=static,
        include=_strings(jekyll.get("include")),
    )


def detect(root: Path) -> tuple[str, bool]:
    """Tell which generator a folder belongs to, and whether it is already built."""
    if hugo_config_path(root) is not None:
        return "hugo", False
    if eleventy_config_path(root) is not None:
        return "eleventy", False
    if (root / JEKYLL_CONFIG).is_file() or (root / "_posts").is_dir():
        return "jekyll", False
    if not _has_html(root):
        return "", False
    parent = root.parent
    if root.name == "public" and hugo_config_path(parent) is not None:
        return "hugo", True
    if eleventy_config_path(parent) is not None:
        return "eleventy", True
    if (parent / JEKYLL_CONFIG).is_file() or (parent.parent / JEKYLL_CONFIG).is_file():
        return "jekyll", True
    return "html", True


def _split_base(base_url: str) -> tuple[str, str]:
    """Split Hugo's baseURL into the site URL and its path (the base every URL carries)."""
    parts = urlsplit(base_url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}", parts.path
    return "", parts.path if base_url.startswith("/") else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str | int))
    return ()


def _has_html(root: Path) -> bool:
    return any(walk(root, (), suffixes=(".html",)))


def _theme(root: Path, jekyll: dict[str, Any]) -> str | None:
    named = f"{jekyll.get('theme') or ''} {jekyll.get('remote_theme') or ''}"
    found = next((known for known in KNOWN_THEMES if known in named.lower()), None)
    if found is not None:
        return found
    gemfile = root / "Gemfile"
    if gemfile.is_file():
        try:
            if "jekyll-theme-chirpy" in gemfile.read_text(encoding="utf-8", errors="replace"):
                return "chirpy"
        except OSError:
            return None
    return None


def variants_dir(site: Site, output_dir: str) -> Path:
    """Return the folder variants are written to, where the generator publishes them.

    Hugo publishes `static/` at the site root; Eleventy publishes what its input folder
    passes through; Jekyll and built sites publish the folder as it is.
    """
    if site.built:
        return site.root / output_dir
    if site.generator == "hugo":
        return site.root / site.static_dir / output_dir
    return site.root / site.content_dir / output_dir


def _skip_patterns(site: Site, config: Config) -> tuple[str, ...]:
    variants = variants_dir(site, config.output_dir).relative_to(site.root).as_posix()
    return (variants, *site.exclude, *config.exclude)


def find_posts(
    site: Site, config: Config, errors: list[AssetsToolError] | None = None
) -> list[Path]:
    """List the posts and pages to scan, sorted; unlistable folders go to `errors`."""
    patterns = _skip_patterns(site, config)
    if config.posts:
        matches = {
            path.relative_to(site.root).as_posix()
            for glob in config.posts
            for path in site.root.glob(glob)
            if path.is_file()
        }
        chosen = [rel for rel in matches if not excluded(rel, patterns)]
    elif site.built:
        chosen = list(walk(site.root, patterns, (".html",), errors=errors))
    elif site.generator == "hugo":
        under = site.content_dir
        chosen = list(walk(site.root, patterns, POST_SUFFIXES, under, errors)) if under else []
    elif site.generator == "eleventy":
        patterns = (*patterns, "_site", "_data")
        chosen = list(walk(site.root, patterns, PAGE_SUFFIXES, site.content_dir, errors))
    elif site.generator == "jekyll":
        chosen = jekyll_pages(site, patterns, errors)
    else:
        chosen = []
    return sorted(site.root / rel for rel in set(chosen))


def no_layout_error(site: Site) -> ConfigError:
    """Return the error for a folder where no known layout and no `posts` setting found pages."""
    return ConfigError(
        site.root,
        f"no posts or pages found: looked for {LAYOUTS_LOOKED_FOR}",
        "pass the site's folder, or list the pages to scan in a `posts` setting "
        '(e.g. posts = ["pages/**/*.md"] in assets-tool.toml; see README, Settings)',
    )


__all__ = [
    "Site",
    "detect",
    "find_posts",
    "no_layout_error",
    "open_site",
    "page_relative",
    "published_folder",
    "resolve",
    "source_hint",
    "variant_prefix",
    "variants_dir",
]
