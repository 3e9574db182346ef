"""Resolve an image src to a file inside the site, and its URL as the page names it.

Resolution is the safety boundary of the tool: every src is turned into a real file inside
the site folder or refused, so nothing outside the site is ever read, stripped or published.
A relative src is resolved as a browser resolves it: against the page's published URL, which
each generator decides (`hugo`, `eleventy`); a Jekyll source's permalink is not computed, so
the site root is tried first, then the post's folder.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import ResolveError
from ..models import ImageRef, Source
from .eleventy import eleventy_page_url
from .html import SOURCE_ATTR
from .hugo import hugo_page_url
from .layout import Site, join_url
from .post import expand_liquid, same_site

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_OUTSIDE_FIX = "keep images inside the site folder"


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


def resolve(
    site: Site, ref: ImageRef, media_subpath: str | None, folders: dict[str, str] | None = None
) -> Source:
    """Turn a reference's src into a file inside the site, or explain why it cannot.

    `folders` holds the real paths of the folders resolved so far, for one scan of a site.
    """
    folders = {} if folders is None else folders
    try:
        return _resolve(site, ref, media_subpath, folders)
    except ResolveError:
        hint = source_hint(ref)
        if hint is None or not hint.startswith("/"):
            raise
        # a built page: the front matter or folder its relative src needs is gone
        return _find(site, ref, _root_candidates(site, hint), folders)


def _resolve(
    site: Site, ref: ImageRef, media_subpath: str | None, folders: dict[str, str]
) -> Source:
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
            return _find(site, ref, _relative_candidates(site, ref, src), folders)
    return _find(site, ref, _root_candidates(site, url_path), folders)


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


def _mounts(site: Site) -> list[str]:
    """Return the folders (relative to root) a site-root URL path may name a file in."""
    if site.built:
        return [""]
    if site.generator == "hugo":
        return [site.static_dir, site.content_dir]
    return list(dict.fromkeys([site.content_dir, ""]))


def _root_candidates(site: Site, url_path: str) -> list[Path]:
    rel = url_path.lstrip("/")
    return [site.root / mount / part for mount in _mounts(site) for part in _decoded(rel)]


def _relative_candidates(site: Site, ref: ImageRef, src: str) -> list[Path]:
    post_dir = ref.post.resolve().parent
    if site.built:  # a built page's relative src is relative to its own folder
        return [post_dir / part for part in _decoded(src)]
    page_url = published_folder(site, ref.post)
    if page_url is None:
        return [base / part for base in (site.root, post_dir) for part in _decoded(src)]
    own = []
    if site.generator == "hugo" and ref.post.stem in ("index", "_index"):
        own = [post_dir / part for part in _decoded(src)]  # a page bundle's own resources
    joined = [c for part in _decoded(src) for c in _root_candidates(site, join_url(page_url, part))]
    return list(dict.fromkeys(own + joined))


def published_folder(site: Site, post: Path) -> str | None:
    """Return the URL folder (ending in "/") a source page is published under, when known."""
    if site.built or site.generator not in ("hugo", "eleventy"):
        return None
    content = site.root / site.content_dir
    try:
        rel = post.resolve().relative_to(content).as_posix()
    except ValueError:
        return None
    if site.generator == "hugo":
        return hugo_page_url(rel)
    return eleventy_page_url(post.resolve(), rel)


def _find(site: Site, ref: ImageRef, candidates: list[Path], folders: dict[str, str]) -> Source:
    outside: Path | None = None
    for candidate in candidates:
        try:
            real = _real(candidate, folders)
            inside = real.is_relative_to(site.root)
            mode = _mode(real)
            if inside and stat.S_ISDIR(mode):
                raise _error(ref, f"`{ref.src}` is a folder, not an image", "name the image file")
            if not inside:
                outside = outside or candidate
            elif stat.S_ISREG(mode):
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


def _real(path: Path, folders: dict[str, str]) -> Path:
    """Return `path.resolve()`, resolving each folder once: 2,000 images share few folders."""
    if path.name in ("", ".", ".."):
        return path.resolve()
    return Path(_real_name(str(path), folders))


def _real_name(path: str, folders: dict[str, str]) -> str:
    """Return os.path.realpath(path), from the real path of its folder (found once)."""
    parent, name = os.path.split(path)
    if name in ("", ".", "..") or not parent or parent == path:
        return os.path.realpath(path)
    real = folders.get(parent)
    if real is None:
        real = folders[parent] = _real_name(parent, folders)
    joined = os.path.join(real, name)
    # in a real folder, only a link in the last place is left to resolve
    return os.path.realpath(joined) if os.path.islink(joined) else joined


def _mode(path: Path) -> int:
    """Return the file type bits of what `path` names (0 when nothing is there)."""
    try:
        return os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return 0


def _url(site: Site, candidate: Path, real: Path) -> str:
    """Return the URL path of a file as the post names it (symlinks inside the site kept)."""
    lexical = Path(os.path.normpath(candidate))
    chosen = lexical if lexical.is_relative_to(site.root) else real
    rel = chosen.relative_to(site.root)
    for mount in _mounts(site):
        if mount and rel.is_relative_to(mount):
            return "/" + rel.relative_to(mount).as_posix()
    return "/" + rel.as_posix()


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
