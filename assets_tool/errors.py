"""The one exception tree. Library code raises these; only front ends print or exit.

Every message has the shape ``path[:line]: what went wrong (cause); how to fix``.
"""

from __future__ import annotations

from pathlib import Path


class AssetsToolError(Exception):
    """Base of every error this package raises on purpose."""

    def __init__(self, path: Path | str | None, what: str, fix: str = "", line: int | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.what = what
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        fix = f"; {self.fix}" if self.fix else ""
        return f"{where}{self.what}{fix}"


class ConfigError(AssetsToolError):
    """A setting is unknown, mistyped or out of range."""


class ScanError(AssetsToolError):
    """A post cannot be scanned reliably (bad front matter, damaged generated markup)."""


class ResolveError(AssetsToolError):
    """A reference points to a missing file or outside the site."""


class ImageError(AssetsToolError):
    """An image cannot be decoded or encoded (corrupt, truncated, too large, unsupported)."""


class MetadataError(AssetsToolError):
    """An image's metadata cannot be parsed safely, so it is left untouched."""


class HookError(AssetsToolError):
    """Git or a hook file is not in the state the hook commands need."""
