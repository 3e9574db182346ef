"""The main job's flow: scan -> resolve -> strip -> render (in a pool) -> rewrite.

One place, used by the CLI and the hook alike: the image half lives in `images`, the text
half in `posts`; this module runs them in order and handles what spans both.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor
from pathlib import Path

from ..config import JEKYLL_CONFIG, TOML_NAME, Config
from ..config import load as load_config
from ..errors import AssetsToolError
from ..report import BuildMode, BuildReport, human_bytes
from ..scan import (
    VARIANT_NOTE,
    Collection,
    collect,
    open_site,
    published_bytes,
    published_files,
    read_post,
    variants_dir,
)
from .hugo import DATA_FILE, hugo_sources, publish_hugo, revert_hugo
from .images import Progress, render_all
from .lock import locked
from .manifest import Manifest, load_manifest, remove_stale_temps
from .posts import SERVED_MIMES, markup_style, rewrite_posts
from .published import clean_published
from .relocate import folder_name, remove_old_folders
from .revert import revert_site
from .scans import load_posts
from .sources import load_sources

# GitHub Pages refuses sites over 1 GB; warn while there is still room to act
PAGES_WARN_BYTES = 900_000_000


@locked  # a second run on the same site waits, then stops with the pid of the first
def build_site(
    root: Path,
    config: Config,
    mode: BuildMode,
    executor: Executor | None = None,
    on_progress: Progress | None = None,
    slots: int | None = None,
) -> BuildReport:
    """Run the main job on the site at `root` and report what changed.

    Variants are encoded on `executor` (a local process pool when None; any
    `concurrent.futures.Executor`, such as a Dask cluster's, which runs `slots` encodes at
    once). A `mode.shard` run renders only its slice and leaves posts and originals alone.
    """
    scans = load_posts(root)
    collection = collect(root, config, scans)
    report = _build(collection, config, mode, executor, on_progress, slots)
    if mode.writes:
        # the next run reads the posts as rewritten: scanned now, it need not parse them
        for path in report.posts_changed:
            with contextlib.suppress(AssetsToolError):
                read_post(path, collection.site.url, scans)
    scans.save()  # a cache, not part of the site: written by every run, --check included
    return report


def _build(
    collection: Collection,
    config: Config,
    mode: BuildMode,
    executor: Executor | None,
    on_progress: Progress | None,
    slots: int | None,
) -> BuildReport:
    report = BuildReport(errors=list(collection.errors))
    report.skipped = [
        f"{r.post}:{r.line}: {r.src}: {r.skip.value}" for r in collection.skipped if r.skip
    ] + [f"{i.ref.post}:{i.ref.line}: {i.ref.src}: {VARIANT_NOTE}" for i in collection.variant_refs]
    if mode.revert:
        revert_site(collection, variants_dir(collection.site, config.output_dir), mode, report)
        if hugo_sources(collection.site):
            revert_hugo(collection.site, mode, report)
        return report
    folder = variants_dir(collection.site, config.output_dir)
    if mode.writes:
        _sweep(collection, folder)
    manifest = load_manifest(folder, folder_name(collection.site.root, folder), mode.shard)
    # a variant a post names directly must outlive the photo it was made from
    manifest.use([_name_in(folder, item.source.path) for item in collection.variant_refs])
    if collection.site.built:
        manifest.use(_named_in_pages(collection, manifest))
    served = SERVED_MIMES[markup_style(collection, config)]
    sources = load_sources(collection.site.root)
    variant_sets = render_all(
        collection, config, mode, manifest, report, sources, executor, on_progress, served, slots
    )
    if mode.shard is None:  # a slice cannot tell which of the other slices' variants are stale
        _remove_unused(collection, manifest, folder, mode, report)
    pending = report.variants_bytes  # estimates of variants a run that writes nothing skipped
    report.variants_bytes += _recorded_bytes(manifest, folder, report)
    if mode.writes:
        try:
            manifest.save()
        except OSError as exc:
            report.errors.append(
                AssetsToolError(manifest.path, f"cannot write ({exc.strerror})", "check the folder")
            )
    if mode.shard is not None:
        sources.save()
        return report
    if hugo_sources(collection.site):
        # Markdown images reach the page through the render hook: their text stays as written
        by_hook = publish_hugo(collection, variant_sets, config, mode, report)
        variant_sets = {ref: v for ref, v in variant_sets.items() if ref not in by_hook}
    rewrite_posts(collection, variant_sets, config, mode, report, revert=False)
    published = list(published_files(collection.site))
    if config.strips_referenced:
        # the variants this tool wrote carry no metadata: no need to read them again
        real = folder.resolve()
        ours = frozenset(real / name for name in manifest.entries)
        clean_published(collection, config, mode, report, sources, ours, published)
    sources.save()
    _warn_if_large(collection, pending, report, published)
    return report


def _sweep(collection: Collection, folder: Path) -> None:
    """Remove the temp files a killed run left beside the files this run may write."""
    names: dict[Path, set[str]] = {}
    paths = [post.path for post in collection.posts] + list(collection.by_source())
    for path in paths:
        names.setdefault(path.parent, set()).add(path.name)
    for parent, found in names.items():
        remove_stale_temps(parent, found)
    remove_stale_temps(folder)


def _remove_unused(
    collection: Collection, manifest: Manifest, folder: Path, mode: BuildMode, report: BuildReport
) -> None:
    """Remove the variants no reference needs, here and in a former `output_dir`."""
    _prune(manifest, folder, mode, report)
    if report.errors:  # a reference an error hid may still use the old folder's variants
        return
    keep = set(collection.by_source())  # resolved already (scan's resolve)
    keep |= {item.source.path for item in collection.variant_refs}
    remove_old_folders(collection.site.root, manifest.folder, keep, mode, report)


def _named_in_pages(collection: Collection, manifest: Manifest) -> list[str]:
    """Return the variants a built page names anywhere, e.g. in the `<source>`s of markup that
    a generator rendered (Hugo's render hook): they are in use even where no `<img>` names them."""
    texts = [post.text for post in collection.posts]
    return [name for name in manifest.entries if any(name in text for text in texts)]


def _name_in(folder: Path, path: Path) -> str:
    return path.relative_to(folder.resolve()).as_posix()


def _prune(manifest: Manifest, folder: Path, mode: BuildMode, report: BuildReport) -> None:
    """Remove variants no reference needs any more, unless an error hid some references."""
    if report.errors:
        return
    if not mode.writes:
        report.files_removed = [folder / name for name in manifest.stale()]
        return
    try:
        report.files_removed = manifest.prune(folder)
    except OSError as exc:
        report.errors.append(
            AssetsToolError(folder, f"cannot remove an old variant ({exc})", "check the folder")
        )


def _recorded_bytes(manifest: Manifest, folder: Path, report: BuildReport) -> int:
    """Return the bytes of the variants the manifest records, less those the run removes."""
    removed = {path.name for path in report.files_removed if path.parent == folder}
    return sum(size or 0 for name, size in manifest.entries.items() if name not in removed)


def _warn_if_large(
    collection: Collection, pending: int, report: BuildReport, published: list[Path]
) -> None:
    """Warn when the published site nears the 1 GB GitHub Pages allows (variants count too)."""
    size = published_bytes(collection.site, published) + pending
    if size > PAGES_WARN_BYTES:
        report.warnings.append(
            f"{collection.site.root}: the published site is {human_bytes(size)}, near the 1 GB "
            "GitHub Pages allows a site; publish fewer widths (`widths`) or formats, or host "
            "the photos elsewhere"
        )


def load_site_config(root: Path) -> Config:
    """Load a site's settings; a built site without its own takes its sources' settings."""
    if any((root / name).is_file() for name in (JEKYLL_CONFIG, TOML_NAME)):
        return load_config(root)
    found = _built_from(root.resolve())
    if found is None:
        return load_config(root)
    sources, base_path = found
    config = Config()
    if any((sources / name).is_file() for name in (JEKYLL_CONFIG, TOML_NAME)):
        # the sources' post globs and excludes name source files, not built pages
        config = load_config(sources).replace(posts=(), exclude=())
    # without the baseurl a project site's variant URLs would miss it
    return config.replace(baseurl=base_path) if base_path else config


def _built_from(root: Path) -> tuple[Path, str] | None:
    """Return the Jekyll sources a built site came from, and the base path its folder names.

    `jekyll build` writes `_site/` next to `_config.yml`; the Chirpy deploy workflow writes
    `_site/<base path>/`, a folder named after the path it is served under. `hugo` writes
    `public/` next to its config, served under the path of its `baseURL`.
    """
    if root.name == "public" and hugo_sources(sources := open_site(root.parent, Config())):
        return root.parent, sources.baseurl.strip("/")
    if root.name == "_site":
        return root.parent, ""
    if root.parent.name == "_site":
        return root.parent.parent, root.name
    return None


def check_posts(root: Path, config: Config | None = None) -> list[str]:
    """Return one `path: reason` line per thing a build of `root` would still change."""
    config = config or load_site_config(root)
    report = build_site(root, config, BuildMode(check=True))
    site = open_site(root, config)
    variants = variants_dir(site, config.output_dir).resolve()
    fix = f"run `assets-tool build {root}`"
    lines = [f"{p}: post not rewritten; {fix}" for p in report.posts_changed]
    for path in report.files_written:
        if path.resolve().is_relative_to(variants):
            what = "variant missing"
        elif path.suffix in (".json", ".html"):  # Hugo's render hook data, or the hook
            what = "Hugo image data stale" if path == site.root / DATA_FILE else "render hook stale"
        else:
            what = "location data"
        lines.append(f"{path}: {what}; {fix}")
    return lines + report.location_left + [error.message for error in report.errors]
