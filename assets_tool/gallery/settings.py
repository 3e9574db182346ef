"""Gallery settings: defaults, then PHOTOS_DIR/gallery.toml, then command-line overrides."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..config import EncoderChoices, check_encoder_settings, with_environment
from ..errors import ConfigError

SETTINGS_NAME = "gallery.toml"
ORIGINALS = ("none", "clean")
SORTS = ("date", "name")


@dataclass(frozen=True)
class GallerySettings(EncoderChoices):
    """Every gallery option, with the default a user gets when they set nothing.

    The encoder options (formats, AVIF encoder, qualities, speed, max_pixels) are `build`'s.
    """

    title: str = "Photos"
    # photos per album page; an album of 5,000 photos stays light
    page_size: int = 60
    # "date": capture date (EXIF DateTimeOriginal with its offset), then file name
    sort: str = "date"
    reverse: bool = False
    # variant widths: thumbnails pick the small ones, photo pages and the lightbox the large
    widths: tuple[int, ...] = (360, 540, 720, 1080, 1600, 2400)
    # widths up to this are the grid's thumbnails, seen at 2x density or more (sizes caps
    # them there); they can be encoded at lower qualities, which that density hides
    thumbnail_max: int = 540
    # 0: the photos' own quality (avif_quality, webp_quality)
    thumbnail_avif_quality: int = 0
    thumbnail_webp_quality: int = 0
    # "none" publishes no original; "clean" publishes each with its location removed losslessly
    originals: str = "none"
    # a folder whose templates/ and static/ override the default theme's files
    theme: str = ""
    # encoding processes; 0 = one per core
    workers: int = 0
    # a language for <html lang>
    lang: str = "en"

    def replace(self, **changes: Any) -> GallerySettings:
        """Return a copy with some options changed (command-line overrides)."""
        return _validated(dataclasses.replace(self, **changes), None)


def load_settings(photos: Path) -> GallerySettings:
    """Read PHOTOS_DIR/gallery.toml and ASSETS_TOOL_<NAME> variables over the defaults."""
    return with_environment(_file_settings(photos))


def _file_settings(photos: Path) -> GallerySettings:
    path = photos / SETTINGS_NAME
    if not path.is_file():
        return GallerySettings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"not valid TOML ({exc})", "fix the syntax") from exc
    settings = from_mapping(raw, path)
    if settings.theme and not Path(settings.theme).expanduser().is_absolute():
        # a theme named in gallery.toml lives beside it, wherever the command runs from
        settings = dataclasses.replace(settings, theme=str(photos / settings.theme))
    return settings


def from_mapping(raw: dict[str, Any], source: Path | None) -> GallerySettings:
    """Build settings from a mapping, naming any unknown or mistyped key."""
    known = {f.name for f in fields(GallerySettings)}
    defaults = GallerySettings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            fix = f"use one of: {', '.join(sorted(known))}"
            raise ConfigError(source, f"unknown setting `{key}`", fix)
        values[name] = _coerce(name, value, getattr(defaults, name), source)
    return _validated(GallerySettings(**values), source)


def _coerce(name: str, value: Any, default: Any, source: Path | None) -> Any:
    if isinstance(default, bool) and isinstance(value, bool):
        return value
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, int) and not isinstance(default, bool) and is_int:
        return value
    if isinstance(default, str) and isinstance(value, str):
        return value
    if isinstance(default, tuple) and isinstance(value, list):
        item_type = type(default[0])
        if all(isinstance(v, item_type) and not isinstance(v, bool) for v in value):
            return tuple(value)
    kind = "list" if isinstance(default, tuple) else type(default).__name__
    raise ConfigError(source, f"setting `{name}` must be a {kind}, got {value!r}", "correct it")


def _validated(settings: GallerySettings, source: Path | None) -> GallerySettings:
    def bad(what: str, fix: str) -> ConfigError:
        return ConfigError(source, what, fix)

    if settings.page_size < 1:
        raise bad("`page_size` must be 1 or more", "set e.g. page_size = 60")
    if settings.originals not in ORIGINALS:
        raise bad(f"originals `{settings.originals}` is unknown", "use `none` or `clean`")
    if settings.sort not in SORTS:
        raise bad(f"sort `{settings.sort}` is unknown", "use `date` or `name`")
    if not settings.widths or any(w <= 0 for w in settings.widths):
        raise bad("`widths` must be positive numbers", "e.g. widths = [360, 720, 1600]")
    for fmt in settings.formats:
        if fmt not in ("avif", "webp"):
            raise bad(f"format `{fmt}` is unknown", "use any of: avif, webp")
    check_encoder_settings(settings, bad)
    for name in ("thumbnail_avif_quality", "thumbnail_webp_quality"):
        if not 0 <= getattr(settings, name) <= 100:
            raise bad(f"`{name}` must be between 1 and 100 (0: the photos')", "pick e.g. 40")
    if settings.workers < 0:
        raise bad("`workers` must be 0 (one per core) or more", "set e.g. 2")
    return settings
