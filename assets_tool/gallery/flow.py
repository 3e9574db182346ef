"""The gallery build, start to end: albums, metadata, images, pages, static, clean-up, gate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..errors import AssetsToolError, ConfigError
from .albums import Album, find_albums, sort_photos
from .captions import PhotoMeta, compose_meta
from .gate import PrivacyError, audit_output
from .layout import PlacedAlbum, place, relative
from .media import Rendered, render_photos
from .pages import Photo, album_pages, make_photo
from .settings import GallerySettings
from .state import STATE_NAME, State
from .theme import STATIC_DIR, Theme


@dataclass
class GalleryReport:
    """What a gallery build did; errors are one line each."""

    photos: int = 0  # photos published
    albums: int = 0
    pages: int = 0  # HTML pages in the output
    encoded: int = 0  # photos whose variants were encoded in this run
    removed: list[str] = field(default_factory=list)  # leftovers of an earlier build
    errors: list[AssetsToolError] = field(default_factory=list)  # bad photos, bad settings
    privacy: list[PrivacyError] = field(default_factory=list)  # the gate's findings
    index: Path | None = None

    def summary(self) -> str:
        """Return the one-line summary a command prints at the end."""
        gate = f"privacy gate: {len(self.privacy)} leaks" if self.privacy else "privacy gate: clean"
        return (
            f"{self.photos} photos in {self.albums} albums, {self.pages} pages, "
            f"{self.encoded} photos encoded, {len(self.removed)} old files removed, "
            f"{len(self.errors)} errors; {gate}"
        )


def build_gallery(
    photos_dir: Path,
    out: Path,
    settings: GallerySettings,
    on_done: Callable[[Path], None] | None = None,
) -> GalleryReport:
    """Build (or update) the gallery of `photos_dir` in `out`, then audit it for location."""
    photos_dir, out = photos_dir.resolve(), out.resolve()
    if out == photos_dir or photos_dir in out.parents:
        raise ConfigError(out, "the output folder is inside the photos folder", "pick another")
    return build_album(find_albums(photos_dir, settings.title), out, settings, on_done)


def build_album(
    root: Album,
    out: Path,
    settings: GallerySettings,
    on_done: Callable[[Path], None] | None = None,
    chosen: Chosen | None = None,
) -> GalleryReport:
    """Build the gallery of an album tree in `out`; `chosen` gives photos order and defaults."""
    out = out.resolve()
    theme = Theme(Path(settings.theme).expanduser() if settings.theme else None)
    report = GalleryReport()
    albums = root.walk()
    sources = [p for a in albums for p in a.photos]
    out.mkdir(parents=True, exist_ok=True)
    state = State(out)
    rendered = render_photos(sources, out, settings, state, report.errors, on_done)
    report.encoded = state.encoded
    metas = _metas(albums, rendered, state, report, chosen)
    order = {
        a.folder: [p for p in a.photos if p in metas]
        if chosen
        else sort_photos(
            [p for p in a.photos if p in metas],
            {p: metas[p].taken for p in a.photos if p in metas},
            settings.sort,
            settings.reverse,
            [str(n) for n in a.meta.get("order") or []],
        )
        for a in albums
    }
    placed = place(root, order, settings.page_size)
    album_of = {p: a.title for a in albums for p in a.photos}
    gallery = {
        p.source: make_photo(p, rendered[p.source], metas[p.source], album_of[p.source])
        for p in placed.all_photos()
    }
    report.photos, report.albums = len(gallery), len(albums)
    _write_pages(placed, gallery, theme, settings, out, state, report)
    _copy_static(theme, out, state)
    report.removed = _remove_stale(out, state)
    state.save()
    report.index = out / "index.html"
    report.privacy = audit_output(out, state.located.values())
    return report


@dataclass(frozen=True)
class Chosen:
    """Photos picked by someone else (a post): kept in their order, with default text."""

    # photo -> (caption, alt) to use where neither a sidecar nor the photo has its own
    defaults: dict[Path, tuple[str, str]] = field(default_factory=dict)


def _metas(
    albums: list[Album],
    rendered: dict[Path, Rendered],
    state: State,
    report: GalleryReport,
    chosen: Chosen | None,
) -> dict[Path, PhotoMeta]:
    """Join each rendered photo's remembered metadata with its sidecar and album captions."""
    metas: dict[Path, PhotoMeta] = {}
    defaults = chosen.defaults if chosen else {}
    for album in albums:
        captions = album.meta.get("captions") or {}
        captions = captions if isinstance(captions, dict) else {}
        for path in album.photos:
            facts = state.seen.get(path)
            if facts is None or path not in rendered:
                continue  # the image half has reported it
            try:
                metas[path] = compose_meta(
                    facts.embedded, path, captions, defaults.get(path, ("", ""))
                )
            except AssetsToolError as error:
                report.errors.append(error)
            except (OSError, UnicodeError) as exc:
                bad = ConfigError(path, f"cannot read its sidecar ({exc})", "fix it")
                report.errors.append(bad)
    return metas


def _write_pages(
    placed: PlacedAlbum,
    gallery: dict[Path, Photo],
    theme: Theme,
    settings: GallerySettings,
    out: Path,
    state: State,
    report: GalleryReport,
) -> None:
    for path, template, context in album_pages(placed, gallery, [], settings.page_size):
        page = {
            **context,
            "site_title": settings.title,
            "lang": settings.lang,
            "static": relative(path, STATIC_DIR) + "/",
            "home": relative(path, "index.html"),
        }
        html = theme.render(template, page)
        _write_if_changed(out / path, html.encode())
        state.produced(path)
        report.pages += 1


def _copy_static(theme: Theme, out: Path, state: State) -> None:
    for name, path in theme.static_files():
        rel = f"{STATIC_DIR}/{name}"
        _write_if_changed(out / rel, path.read_bytes())
        state.produced(rel)


def _write_if_changed(target: Path, data: bytes) -> None:
    """Write a file only when its bytes change, so a rebuild leaves unchanged files alone."""
    try:
        if target.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(target, data)


def _remove_stale(out: Path, state: State) -> list[str]:
    removed = []
    for rel in state.stale():
        target = out / rel
        if rel == STATE_NAME:
            continue
        if target.is_file():
            target.unlink()
            removed.append(rel)
            _prune(target.parent, out)
    return removed


def _prune(folder: Path, out: Path) -> None:
    """Remove folders emptied by the clean-up, up to the output folder."""
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
