"""Settings: defaults, the site's own config file, the environment, then the command line.

A Jekyll site keeps them in an ``assets_tool:`` section of ``_config.yml`` (as
jekyll_picture_tag keeps ``picture:``); any other site in ``assets-tool.toml`` at its root.
Any setting can also be given as an ``ASSETS_TOOL_<NAME>`` environment variable (a CI job
that picks a faster encoder without editing the site's files).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol, Self, TypeVar

import yaml

from .errors import ConfigError

TOML_NAME = "assets-tool.toml"
JEKYLL_CONFIG = "_config.yml"


@dataclass(frozen=True)
class EncoderChoices:
    """The encoder options `build` (Config) and `gallery` (GallerySettings) both offer."""

    # modern formats offered before the fallback, in order of preference
    formats: tuple[str, ...] = ("avif", "webp")
    # AVIF encoder: "aom" (libaom 4:4:4, sharp's bytes per quality) or "svt" (SVT-AV1 4:2:0,
    # about a fifth of the CPU for about 1.5 times the bytes); benchmarks/ENCODERS.md
    avif_encoder: str = "aom"
    # encoder qualities (1-100); graphics (PNG with alpha or few colours) use lossless WebP;
    # avif_quality 0 means the encoder's measured default (aom 48, svt 60)
    avif_quality: int = 0
    webp_quality: int = 80
    jpeg_quality: int = 82
    # AVIF encoder speed (1 slowest/smallest .. 10 fastest) for every width; 0 means the
    # encoder's measured defaults (aom 6, and 8 above 2000 px; svt 7)
    avif_speed: int = 0
    # refuse sources with more pixels than this (decompression-bomb guard)
    max_pixels: int = 200_000_000


@dataclass(frozen=True)
class Config(EncoderChoices):
    """Every option of `build`, with the default a user gets when they set nothing."""

    # glob patterns (relative to the site root) of the posts and pages to scan; empty means the
    # pages the site's generator publishes (Jekyll, Hugo, Eleventy), or every *.html of an
    # already built site
    posts: tuple[str, ...] = ()
    # extra glob patterns to skip, on top of _site, .git, node_modules, vendor, .jekyll-cache
    # and the site's own `exclude:`
    exclude: tuple[str, ...] = ()
    # folder inside the site that receives variants; must be published (no leading `_` or `.`)
    output_dir: str = "assets/img/variants"
    # widths (px) of the variants of an image whose reference states no display width; empty
    # means the content column's width times each density (800 -> 800, 1600, 2400 px), the
    # only widths a browser picks for an image that fills the column
    widths: tuple[int, ...] = ()
    # pixel densities rendered for an image's displayed width (width=400 -> 400, 800, 1200 px)
    densities: tuple[int, ...] = (1, 2, 3)
    # width (CSS px) of the theme's content column: what `width="30%"` and an unsized image
    # are measured against in `sizes`; 0 means the known theme's value, else 800
    content_width: int = 0
    # seconds of a run in which AVIF encodes may start; 0: no limit. Images reached later get
    # their WebP and fallback now and their AVIF in the next runs, which rewrite the markup
    avif_budget: int = 0
    # `sizes` attribute for images whose reference states no display width; empty means the
    # content column: `(max-width: 800px) 100vw, 800px`
    sizes: str = ""
    # markup to write: "picture", "img" (theme-safe <img srcset> in WebP, for themes that
    # rewrite every <img>, like Chirpy), or "auto" (img in a Chirpy site's sources, picture
    # everywhere else)
    markup: str = "auto"
    # which originals lose their location data, losslessly: "published" (every image the site
    # publishes, referenced or not), "referenced" (only those the posts reference; the others
    # are listed) or "false" (none)
    strip_location: str = "published"
    # processes that encode variants; 0 means one per core
    workers: int = 0
    # site URL and base path, for recognising absolute links to the site itself; read from
    # _config.yml `url`/`baseurl` when not set here
    url: str = ""
    baseurl: str = ""
    # Dask scheduler that renders the variants (tcp://host:8786); "" renders in a local process
    # pool, or on the scheduler DASK_SCHEDULER_ADDRESS names
    scheduler: str = ""
    # "K/N": render only the K-th of N slices of the sources (a CI matrix job), rewrite nothing
    shard: str = ""

    @property
    def strips_referenced(self) -> bool:
        """Tell whether the originals the posts reference lose their location."""
        return self.strip_location != "false"

    @property
    def strips_published(self) -> bool:
        """Tell whether every image the site publishes loses its location."""
        return self.strip_location == "published"

    def replace(self, **changes: Any) -> Config:
        """Return a copy with some options changed (command-line overrides)."""
        return _validated(dataclasses.replace(self, **changes), source=None)


@dataclass(frozen=True)
class Shard:
    """The K-th of N slices of a site's sources, partitioned by content hash."""

    index: int  # 1-based, as CI matrices count
    count: int

    def owns(self, digest: str) -> bool:
        """Tell whether the source whose SHA-256 hex digest is `digest` belongs to this slice."""
        return int(digest[:16], 16) % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard | None:
    """Read a `shard` setting ("K/N", 1 <= K <= N); "" means no sharding."""
    if not text:
        return None
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ConfigError(None, f"shard `{text}` is not K/N with 1 <= K <= N", "use e.g. 2/8")
    return Shard(int(index), int(count))


MARKUPS = ("auto", "picture", "img")
STRIP_SCOPES = ("published", "referenced", "false")
EMPTY_DEFAULT_ITEMS: dict[str, type] = {"widths": int}
FORMATS = ("avif", "webp")
AVIF_ENCODERS = ("aom", "svt")
ENVIRONMENT_PREFIX = "ASSETS_TOOL_"
SettingsT = TypeVar("SettingsT", bound="Settings")
BOOLEAN_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def load(site: Path) -> Config:
    """Load the settings of the site at `site`, or the defaults when it has none."""
    toml_path = site / TOML_NAME
    jekyll_path = site / JEKYLL_CONFIG
    raw: dict[str, Any] = {}
    source: Path | None = None
    jekyll = read_jekyll_config(jekyll_path) if jekyll_path.is_file() else {}
    if toml_path.is_file():
        source = toml_path
        try:
            raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(toml_path, f"not valid TOML ({exc})", "fix the syntax") from exc
        raw = raw.get("assets_tool", raw)
    elif isinstance(jekyll.get("assets_tool"), dict):
        source = jekyll_path
        raw = dict(jekyll["assets_tool"])
    raw.setdefault("url", str(jekyll.get("url") or ""))
    raw.setdefault("baseurl", str(jekyll.get("baseurl") or ""))
    return with_environment(from_mapping(raw, source))


class Settings(Protocol):
    """A frozen dataclass of settings that validates its own changed copies."""

    def replace(self, **changes: Any) -> Self: ...


def with_environment(settings: SettingsT) -> SettingsT:
    """Return `settings` with the ones given as ASSETS_TOOL_<NAME> variables replaced."""
    overrides = _environment_values(settings)
    if not overrides:
        return settings
    try:
        return settings.replace(**overrides)
    except ConfigError as error:
        variables = ", ".join(ENVIRONMENT_PREFIX + name.upper() for name in overrides)
        raise ConfigError(None, f"{error.what} (set by {variables})", error.fix) from error


def _environment_values(settings: object) -> dict[str, Any]:
    assert dataclasses.is_dataclass(settings)
    values: dict[str, Any] = {}
    for field in fields(settings):
        variable = ENVIRONMENT_PREFIX + field.name.upper()
        if variable in os.environ:
            default = getattr(settings, field.name)
            values[field.name] = _typed_text(field.name, os.environ[variable], default, variable)
    return values


def _typed_text(name: str, text: str, default: Any, variable: str) -> Any:
    """Read an environment variable's text as a value of its setting's type."""
    try:
        if isinstance(default, bool):
            return BOOLEAN_WORDS[text.strip().lower()]
        if isinstance(default, int):
            return int(text)
        if isinstance(default, tuple):
            item_type = type(default[0]) if default else EMPTY_DEFAULT_ITEMS.get(name, str)
            return tuple(item_type(part.strip()) for part in text.split(",") if part.strip())
    except (KeyError, ValueError):
        kind = "yes or no" if isinstance(default, bool) else "a whole number"
        kind = "a comma-separated list of whole numbers" if isinstance(default, tuple) else kind
        what = f"environment variable {variable}: `{text}` is not {kind}"
        raise ConfigError(None, what, "correct or unset it") from None
    return text


def read_jekyll_config(path: Path) -> dict[str, Any]:
    """Parse a Jekyll `_config.yml` into a mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "not UTF-8 text", "save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"not valid YAML ({_yaml_problem(exc)})", "fix the syntax") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, "top level is not a mapping", "write `key: value` lines")
    return data


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Say what is wrong in one line, with the line number, as a user reads it."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}: {problem}" if mark is not None else problem


def from_mapping(raw: dict[str, Any], source: Path | None) -> Config:
    """Build a Config from a mapping, naming any unknown or mistyped key."""
    known = {f.name: f for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(
                source,
                f"unknown setting `{key}`",
                f"use one of: {', '.join(sorted(known))}",
            )
        if name == "strip_location" and isinstance(value, bool):
            # the setting was a yes/no before it could be narrowed to the referenced images
            value = "published" if value else "false"
        default = getattr(Config(), name)
        values[name] = _coerce(name, value, default, source)
    return _validated(Config(**values), source)


def _coerce(name: str, value: Any, default: Any, source: Path | None) -> Any:
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(default, str):
        if isinstance(value, str):
            return value
    elif isinstance(default, tuple):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            # an empty default says nothing of its items' type
            item_type = type(default[0]) if default else EMPTY_DEFAULT_ITEMS.get(name, str)
            try:
                return tuple(item_type(v) for v in value)
            except (TypeError, ValueError):
                pass
    kind = type(default).__name__
    raise ConfigError(source, f"setting `{name}` must be a {kind}, got {value!r}", "correct it")


def check_encoder_settings(
    settings: EncoderChoices, bad: Callable[[str, str], ConfigError]
) -> None:
    """Raise `bad(what, fix)` for an unknown AVIF encoder or a quality or speed out of range."""
    if settings.avif_encoder not in AVIF_ENCODERS:
        raise bad(
            f"avif_encoder `{settings.avif_encoder}` is unknown",
            f"use one of: {', '.join(AVIF_ENCODERS)}",
        )
    if not 0 <= settings.avif_quality <= 100:
        raise bad("`avif_quality` must be between 1 and 100 (0: the encoder's)", "pick e.g. 48")
    for name in ("webp_quality", "jpeg_quality"):
        if not 1 <= getattr(settings, name) <= 100:
            raise bad(f"`{name}` must be between 1 and 100", "pick e.g. 80")
    if not 0 <= settings.avif_speed <= 10:
        raise bad("`avif_speed` must be between 1 and 10 (0: the encoder's)", "pick e.g. 6")


def _validated(config: Config, source: Path | None) -> Config:
    def bad(what: str, fix: str) -> ConfigError:
        return ConfigError(source, what, fix)

    if config.strip_location not in STRIP_SCOPES:
        raise bad(
            f"strip_location `{config.strip_location}` is unknown",
            f"use one of: {', '.join(STRIP_SCOPES)}",
        )
    if config.markup not in MARKUPS:
        raise bad(f"markup `{config.markup}` is unknown", f"use one of: {', '.join(MARKUPS)}")
    for fmt in config.formats:
        if fmt not in FORMATS:
            raise bad(f"format `{fmt}` is unknown", f"use any of: {', '.join(FORMATS)}")
    if any(w <= 0 for w in config.widths):
        raise bad("`widths` must be positive numbers", "e.g. widths: [480, 800, 1200]")
    if not config.densities or any(d <= 0 for d in config.densities):
        raise bad("`densities` must be positive numbers", "e.g. densities: [1, 2, 3]")
    check_encoder_settings(config, bad)
    if not 0 <= config.content_width <= 10_000:
        raise bad(
            "`content_width` must be 0 (the theme's) or a width in CSS px up to 10000",
            "set e.g. 740",
        )
    if config.workers < 0:
        raise bad("`workers` must be 0 (one per core) or more", "set e.g. 2")
    if config.avif_budget < 0:
        raise bad("`avif_budget` must be 0 (no limit) or a number of seconds", "set e.g. 600")
    try:
        parse_shard(config.shard)
    except ConfigError as error:
        raise bad(error.what, error.fix) from error
    first = Path(config.output_dir).parts[:1]
    if (
        Path(config.output_dir).is_absolute()
        or ".." in Path(config.output_dir).parts
        or (first and first[0][:1] in "_.")
    ):
        raise bad(
            f"output_dir `{config.output_dir}` would not be published",
            "use a relative folder that does not start with `_` or `.`, e.g. assets/img/variants",
        )
    return config
