"""The main job's flow: scan -> resolve -> strip -> render (in a pool) -> rewrite.

One place, used by the CLI and the hook alike: the image half lives in `images`, the text
half in `posts`; this module runs them in order and handles what spans both.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from ..config import JEKYLL_CONFIG, TOML_NAME, Config
from ..config import load as load_config
from ..errors import AssetsToolError
from ..privacy import audit_paths
from ..report import BuildMode, BuildReport
from ..scan import VARIANT_NOTE, Collection, collect
from .images import Progress, render_all
from .manifest import Manifest, load_manifest, remove_stale_temps
from .posts import SERVED_MIMES, markup_style, rewrite_posts


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
    collection = collect(root, config)
    report = BuildReport(errors=list(collection.errors))
    report.skipped = [
        f"{r.post}:{r.line}: {r.src}: {r.skip.value}" for r in collection.skipped if r.skip
    ] + [f"{i.ref.post}:{i.ref.line}: {i.ref.src}: {VARIANT_NOTE}" for i in collection.variant_refs]
    if mode.revert:
        rewrite_posts(collection, {}, config, mode, report, revert=True)
        return report
    folder = collection.site.root / config.output_dir
    if mode.writes:
        _sweep(collection, folder)
    manifest = load_manifest(folder, mode.shard)
    # a variant a post names directly must outlive the photo it was made from
    manifest.use([_name_in(folder, item.source.path) for item in collection.variant_refs])
    served = SERVED_MIMES[markup_style(collection, config)]
    variant_sets = render_all(
        collection, config, mode, manifest, report, executor, on_progress, served, slots
    )
    if mode.shard is None:  # a slice cannot tell which of the other slices' variants are stale
        _prune(manifest, folder, mode, report)
    if mode.writes:
        try:
            manifest.save()
        except OSError as exc:
            report.errors.append(
                AssetsToolError(manifest.path, f"cannot write ({exc.strerror})", "check the folder")
            )
    if mode.shard is not None:
        return report
    rewrite_posts(collection, variant_sets, config, mode, report, revert=False)
    if config.strip_location:
        _audit_published(collection.site.root, report)
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


def _audit_published(root: Path, report: BuildReport) -> None:
    """List every other image under the site that still carries location (it is published)."""
    handled = {path.resolve() for path in report.files_written}
    for found in audit_paths([root]):
        if isinstance(found, AssetsToolError) or found.path.resolve() in handled:
            continue
        where = ", ".join(f.where for f in found.findings) or found.unchecked
        report.location_left.append(
            f"{found.path}: not referenced by any post but published with location ({where}); "
            f"run `assets-tool strip {found.path}`"
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
    if (sources / JEKYLL_CONFIG).is_file():
        # the sources' post globs and excludes name source files, not built pages
        config = load_config(sources).replace(posts=(), exclude=())
    # without the baseurl a project site's variant URLs would miss it
    return config.replace(baseurl=base_path) if base_path else config


def _built_from(root: Path) -> tuple[Path, str] | None:
    """Return the Jekyll sources a built site came from, and the base path its folder names.

    `jekyll build` writes `_site/` next to `_config.yml`; the Chirpy deploy workflow writes
    `_site/<base path>/`, a folder named after the path it is served under.
    """
    if root.name == "_site":
        return root.parent, ""
    if root.parent.name == "_site":
        return root.parent.parent, root.name
    return None


def check_posts(root: Path, config: Config | None = None) -> list[str]:
    """Return one `path: reason` line per thing a build of `root` would still change."""
    config = config or load_site_config(root)
    report = build_site(root, config, BuildMode(check=True))
    variants = (root / config.output_dir).resolve()
    fix = f"run `assets-tool build {root}`"
    lines = [f"{p}: post not rewritten; {fix}" for p in report.posts_changed]
    for path in report.files_written:
        missing = path.resolve().is_relative_to(variants)
        lines.append(f"{path}: {'variant missing' if missing else 'location data'}; {fix}")
    return lines + report.location_left + [error.message for error in report.errors]
