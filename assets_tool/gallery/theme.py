"""The Jinja2 environment and static files of a theme: the default one, overridden by --theme.

A theme folder may hold `templates/` and `static/`; any file there replaces the default
theme's file of the same name, and new files are added. Autoescape is on and an undefined
variable fails the page loudly instead of printing nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from ..errors import ConfigError

PACKAGE = Path(__file__).resolve().parent
STATIC_DIR = "static"


class Theme:
    """Templates and static files, the user's theme over the default."""

    def __init__(self, folder: Path | None) -> None:
        if folder is not None and not folder.is_dir():
            raise ConfigError(folder, "theme folder not found", "pass a folder with templates/")
        self.folders = [f for f in (folder, PACKAGE) if f is not None]
        loader = jinja2.FileSystemLoader([str(f / "templates") for f in self.folders])
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, template: str, context: dict[str, Any]) -> str:
        """Render one page; a template error names the template and its line."""
        try:
            return self.env.get_template(template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(
                exc.filename or template, exc.message or "", "fix the template", exc.lineno
            ) from exc
        except jinja2.UndefinedError as exc:
            raise ConfigError(self._where(template), f"{exc.message}", "fix the template") from exc
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(
                template, f"template not found ({exc})", "add it to the theme"
            ) from exc

    def _where(self, template: str) -> Path:
        for folder in self.folders:
            if (folder / "templates" / template).is_file():
                return folder / "templates" / template
        return Path(template)

    def static_files(self) -> Iterator[tuple[str, Path]]:
        """Yield (name under static/, file) for every static file, the user's first."""
        seen: set[str] = set()
        for folder in self.folders:
            base = folder / STATIC_DIR
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*")):
                name = path.relative_to(base).as_posix()
                if path.is_file() and name not in seen and "__pycache__" not in name:
                    seen.add(name)
                    yield name, path
