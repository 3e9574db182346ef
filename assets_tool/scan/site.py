"""The site: where its posts are, what its _config.yml says, and where an image src points.

Resolution is the safety boundary of the tool: every src is turned into a real file inside
the site folder or refused, so nothing outside the site is ever read, stripped or published.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from ..config import JEKYLL_CONFIG, Config, read_jekyll_config
from ..errors import AssetsToolError, ConfigError, ResolveError
from ..models import ImageRef, Source
from .html import SOURCE_ATTR
from .post import expand_liquid, same_site

SKIPPED_DIRS = ("_site", ".git", "node_modules", "vendor", ".jekyll-cache", "_includes", "_layouts")
POST_SUFFIXES = (".md", ".markdown", ".html")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# themes whose layout the build knows (Chirpy's post-processing, the content column's width)
KNOWN_THEMES = ("chirpy", "minima", "mediumish")
_OUTSIDE_FIX = "keep images inside the site folder"


@dataclass(frozen=True)
class Site:
    """A site folder and what its configuration says about URLs and layout."""

    root: Path  # resolved absolute root
    built: bool  # True for an already built site (no _config.yml, has .html files) e.g. _site/
    url: str  # site url (from config/_config.yml), "" when unknown
    baseurl: str  # "" or "/blog"
    # "chirpy" for a Chirpy site (theme, remote_theme or Gemfile); "minima" or "mediumish" when
    # `theme`/`remote_theme` names one of those; None otherwise
    theme: str | None
    exclude: tuple[str, ...]  # the site's own `exclude:` globs from _config.yml
    collections: tuple[str, ...] = ()  # names of `collections:` in _config.yml (folders _<name>/)


def open_site(root: Path, config: Config) -> Site:
    """Open the site at `root`, reading its _config.yml when it has one."""
    if not root.is_dir():
        raise ConfigError(root, "site folder not found", "pass the folder that holds the site")
    root = root.resolve()
    jekyll_path = root / JEKYLL_CONFIG
    jekyll = read_jekyll_config(jekyll_path) if jekyll_path.is_file() else {}
    built = not jekyll_path.is_file() and _has_html(root)
    url = (config.url or _text(jekyll.get("url"))).rstrip("/")
    baseurl = (config.baseurl or _text(jekyll.get("baseurl"))).strip("/")
    return Site(
        root=root,
        built=built,
        url=url,
        baseurl="/" + baseurl if baseurl else "",
        theme=_theme(root, jekyll),
        exclude=_strings(jekyll.get("exclude")),
        collections=_collections(jekyll.get("collections")),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str | int))
    return ()


def _collections(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(str(name) for name in value)
    return _strings(value)


def _has_html(root: Path) -> bool:
    return any(_walk(root, SKIPPED_DIRS, suffixes=(".html",)))


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


def _skip_patterns(site: Site, config: Config) -> tuple[str, ...]:
    return (config.output_dir, *site.exclude, *config.exclude)


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    """Tell whether a root-relative posix path, or a folder above it, is to be skipped."""
    parts = rel.split("/")
    if any(part in SKIPPED_DIRS for part in parts):
        return True
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        pattern = raw.strip().strip("/")
        if pattern and any(fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def _walk(
    root: Path,
    patterns: tuple[str, ...],
    suffixes: tuple[str, ...],
    under: str = "",
    errors: list[AssetsToolError] | None = None,
) -> Iterator[str]:
    """Yield root-relative posix paths of files with `suffixes`, pruning excluded folders."""

    def unlisted(exc: OSError) -> None:  # never skip a folder in silence: report or raise
        error = ResolveError(exc.filename, f"cannot list ({exc.strerror})", "check permissions")
        if errors is None:
            raise error
        errors.append(error)

    for folder, dirs, files in os.walk(root / under, onerror=unlisted):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(d for d in dirs if not _excluded(prefix + d, patterns))
        yield from (
            prefix + name
            for name in sorted(files)
            if name.lower().endswith(suffixes) and not _excluded(prefix + name, patterns)
        )


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
        chosen = [rel for rel in matches if not _excluded(rel, patterns)]
    elif site.built:
        chosen = list(_walk(site.root, patterns, (".html",), errors=errors))
    else:
        chosen = [
            entry.name
            for entry in os.scandir(site.root)
            if entry.is_file()
            and entry.name.lower().endswith(POST_SUFFIXES)
            and not _excluded(entry.name, patterns)
        ]
        folders = ("_posts", "_drafts", "_tabs", *(f"_{name}" for name in site.collections))
        for folder in dict.fromkeys(folders):
            if (site.root / folder).is_dir() and not _excluded(folder, patterns):
                chosen.extend(
                    _walk(site.root, patterns, POST_SUFFIXES, under=folder, errors=errors)
                )
    return sorted(site.root / rel for rel in set(chosen))


def page_relative(ref: ImageRef) -> bool:
    """Tell whether a src is relative to its page (or front matter), not to the site root."""
    src = expand_liquid(ref.src.strip()) or ""
    return not (src.startswith(("/", "{{", "{%")) or _SCHEME.match(src))


def source_hint(ref: ImageRef) -> str | None:
    """Return the site-root URL generated markup recorded for its original, if any."""
    return next((value for name, value in ref.attrs if name == SOURCE_ATTR), None)


def variant_prefix(site: Site, output_dir: str, ref: ImageRef) -> str:
    """Return the URL of the variants folder as `ref`'s page should name it, ending in "/".

    A built page that names an image relative to itself (plain HTML, served under any path)
    gets relative variant URLs too; every other page gets site-root-absolute ones.
    """
    folder = output_dir.strip("/")
    if site.built and page_relative(ref) and source_hint(ref) is None:
        rel = os.path.relpath(site.root / folder, ref.post.resolve().parent)
        return Path(rel).as_posix() + "/"
    return f"{site.baseurl}/{folder}/"


def resolve(site: Site, ref: ImageRef, media_subpath: str | None) -> Source:
    """Turn a reference's src into a file inside the site, or explain why it cannot."""
    try:
        return _resolve(site, ref, media_subpath)
    except ResolveError:
        hint = source_hint(ref)
        if hint is None or not hint.startswith("/"):
            raise
        # a built page: the front matter or folder its relative src needs is gone
        return _find(site, ref, [site.root / part for part in _decoded(hint.lstrip("/"))])


def _resolve(site: Site, ref: ImageRef, media_subpath: str | None) -> Source:
    src = expand_liquid(ref.src.strip(), site.url, site.baseurl)
    if src is None:
        raise _error(
            ref, f"cannot resolve the Liquid expression in `{ref.src}`", "use a plain path"
        )
    src = re.split(r"[?#]", src, maxsplit=1)[0]
    if not src:
        raise _error(ref, "empty image path", "write the image's path")
    url_path = _site_path(site, ref, src)
    if url_path is None:
        if media_subpath:
            url_path = _site_path(site, ref, media_subpath.rstrip("/") + "/" + src)
        if url_path is None:
            return _find(site, ref, _relative_candidates(site, ref, src))
    return _find(site, ref, [site.root / part for part in _decoded(url_path.lstrip("/"))])


def _site_path(site: Site, ref: ImageRef, src: str) -> str | None:
    """Return the root-absolute URL path of `src`, or None when `src` is relative."""
    if src.startswith("//") or _SCHEME.match(src):
        if not same_site(src, site.url):
            raise _error(ref, f"`{src}` is not on this site", "only local images are processed")
        src = urlsplit(src).path or "/"
    if not src.startswith("/"):
        return None
    if site.baseurl and (src == site.baseurl or src.startswith(site.baseurl + "/")):
        src = src[len(site.baseurl) :]
    return src


def _decoded(path: str) -> list[str]:
    """Return the percent-decoded path, then the raw one (some files have a literal %20)."""
    return list(dict.fromkeys([unquote(path), path]))


def _relative_candidates(site: Site, ref: ImageRef, src: str) -> list[Path]:
    # A built page's relative src is relative to its own folder; a Jekyll source's permalink
    # is unknown, so the site root is tried first, then the post's folder.
    post_dir = ref.post.resolve().parent
    bases = [post_dir] if site.built else [site.root, post_dir]
    return [base / part for base in bases for part in _decoded(src)]


def _find(site: Site, ref: ImageRef, candidates: list[Path]) -> Source:
    outside: Path | None = None
    for candidate in candidates:
        try:
            real = candidate.resolve()
            inside = real.is_relative_to(site.root)
            if inside and real.is_dir():
                raise _error(ref, f"`{ref.src}` is a folder, not an image", "name the image file")
            if not inside:
                outside = outside or candidate
            elif real.is_file():
                return Source(path=real, url=_url(site, candidate, real))
        except (OSError, ValueError) as exc:
            raise _error(ref, f"cannot read `{ref.src}` ({exc})", "check the path") from exc
    if outside is not None:
        raise _error(
            ref,
            f"`{ref.src}` resolves outside the site ({os.path.normpath(outside)})",
            _OUTSIDE_FIX,
        )
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    hint = "check the path; file names are case-sensitive"
    first = ref.src.strip().lstrip("/").split("/", 1)[0]
    if ref.src.strip().startswith("/") and not site.baseurl and first == site.root.name:
        hint += f" (if the site is served under /{first}, set `baseurl: /{first}`)"
    for candidate in candidates:
        match = _case_insensitive(site.root, candidate)
        if match is not None:
            hint += f" (did you mean `/{match}`?)"
            break
    raise _error(ref, f"image not found: `{ref.src}` (looked for {tried})", hint)


def _url(site: Site, candidate: Path, real: Path) -> str:
    """Return the URL path of a file as the post names it (symlinks inside the site kept)."""
    lexical = Path(os.path.normpath(candidate))
    chosen = lexical if lexical.is_relative_to(site.root) else real
    return "/" + chosen.relative_to(site.root).as_posix()


def _case_insensitive(root: Path, candidate: Path) -> str | None:
    """Find the file a path names when letter case is ignored (as macOS/Windows would)."""
    try:
        rel = Path(os.path.normpath(candidate)).relative_to(root)
    except ValueError:
        return None
    current = root
    for part in rel.parts:
        try:
            names = {entry.name.casefold(): entry.name for entry in os.scandir(current)}
        except OSError:
            return None
        name = names.get(part.casefold())
        if name is None:
            return None
        current = current / name
    return PurePosixPath(*current.relative_to(root).parts).as_posix() if current.is_file() else None


def _error(ref: ImageRef, what: str, fix: str) -> ResolveError:
    return ResolveError(ref.post, what, fix, line=ref.line)
