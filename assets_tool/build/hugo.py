"""The build's Hugo half: the render hook's data file, and the hook itself where none exists.

On Hugo sources the Markdown stays as the author wrote it: `build` writes the variants into
`static/` (published at the site root), the data each Markdown image needs into
`data/assets_tool/images.json`, and, when neither the site nor its theme has an image render
hook, installs one that renders `<picture>` from that data. Raw `<img>` tags are rewritten
in place as on any site (Hugo shows them only when `unsafe` is on).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..config import Config
from ..errors import AssetsToolError
from ..models import ImageRef, RefKind, VariantSet
from ..report import BuildMode, BuildReport
from ..rewrite import HOOK_MARKER, HOOK_TEMPLATE, build_picture, hook_entry, render_hook_data
from ..scan import RENDER_HOOK, Collection, Site, page_relative
from .display import content_width, display_of

DATA_FILE = "data/assets_tool/images.json"
HOOK_KINDS = (RefKind.MARKDOWN, RefKind.MARKDOWN_REF)
OWN_HOOK_NOTE = (
    "{hook}: the site has its own image render hook, left as it is; to serve the variants, "
    "look each image up in site.Data.assets_tool.images (see README, Hugo)"
)


def hugo_sources(site: Site) -> bool:
    """Tell whether `site` is a Hugo site's sources (where the render hook serves images)."""
    return site.generator == "hugo" and not site.built


def publish_hugo(
    collection: Collection,
    sets: Mapping[ImageRef, VariantSet],
    config: Config,
    mode: BuildMode,
    report: BuildReport,
) -> set[ImageRef]:
    """Write the render hook's data (and the hook); return the references it now serves."""
    site = collection.site
    column = content_width(site.theme, config)
    shared: dict[str, dict[str, Any]] = {}
    pages: dict[str, dict[str, dict[str, Any]]] = {}
    served: set[ImageRef] = set()
    for item in collection.resolved:
        ref, variants = item.ref, sets.get(item.ref)
        if ref.kind not in HOOK_KINDS or variants is None or not variants.variants:
            continue
        display = display_of(ref, variants.width, variants.height, column, config)
        picture = build_picture(ref, variants, style="picture", sizes=display.sizes, marker="")
        entry = hook_entry(picture)
        if page_relative(ref) or shared.get(ref.src, entry) != entry:
            pages.setdefault(_page_key(site, ref.post), {})[ref.src] = entry
        else:
            shared[ref.src] = entry
        served.add(ref)
    data_path = site.root / DATA_FILE
    if served or data_path.exists():
        _update(data_path, render_hook_data(shared, pages), mode, report)
    if served:
        _install_hook(site, mode, report)
    return served


def revert_hugo(site: Site, mode: BuildMode, report: BuildReport) -> None:
    """Remove what `publish_hugo` added: the data file, and the hook if assets-tool installed it."""
    hook = site.root / RENDER_HOOK
    paths = [site.root / DATA_FILE] + ([hook] if _ours(hook) else [])
    for path in paths:
        if not path.is_file():
            continue
        if mode.writes:
            try:
                path.unlink()
                _remove_empty(path.parent, site.root)
            except OSError as exc:
                report.errors.append(AssetsToolError(path, f"cannot remove ({exc})", "remove it"))
                continue
        report.files_removed.append(path)
        report.notes.append(f"{path}: removed (added by assets-tool for Hugo's render hook)")


def _page_key(site: Site, post: Path) -> str:
    # the page as Hugo's .Page.File.Path names it: relative to the content folder
    return post.resolve().relative_to(site.root / site.content_dir).as_posix()


def _install_hook(site: Site, mode: BuildMode, report: BuildReport) -> None:
    hook = site.root / RENDER_HOOK
    theme_hook = site.root / "themes" / (site.theme or "") / RENDER_HOOK
    candidates = [hook, theme_hook] if site.theme else [hook]
    own = next((path for path in candidates if path.is_file()), None)
    if own is not None and not _ours(own):
        report.notes.append(OWN_HOOK_NOTE.format(hook=own))
        return
    _update(hook, HOOK_TEMPLATE, mode, report)


def _ours(path: Path) -> bool:
    try:
        return path.read_text(encoding="utf-8").startswith(HOOK_MARKER)
    except (OSError, UnicodeDecodeError):
        return False


def _update(path: Path, text: str, mode: BuildMode, report: BuildReport) -> None:
    """Write `path` when its content differs; a stale file shows as one to write (--check)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    if mode.writes:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            fix = "check the folder's permissions"
            report.errors.append(AssetsToolError(path, f"cannot write ({exc.strerror})", fix))
            return
    report.files_written.append(path)


def _remove_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
