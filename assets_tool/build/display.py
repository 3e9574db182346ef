"""How wide each reference is shown: the `sizes` it gets and the width its variants start at.

Pure: a reference's stated width (CSS px, a percentage of the content column, `vw`), or none,
and the column's width give one `Display`. The widths rendered (`render.target_widths`) and the
`sizes` written (`rewrite.build_picture`) both follow it, so a browser picks a variant near the
pixels it shows instead of one for the whole viewport.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Config
from ..models import ImageInfo, ImageRef

# content column (CSS px) of known themes at desktop widths, from their stylesheets:
# minima's `$content-width: 800px` less 2 x 30 px padding; Mediumish's `.article-post` in a
# Bootstrap `col-md-8` of a 1140 px container (730 px measured); Chirpy's post column at
# 1200-1400 px viewports is about 800 px
THEME_CONTENT_WIDTH = {"chirpy": 800, "minima": 740, "mediumish": 730}
DEFAULT_CONTENT_WIDTH = 800
# the viewport a `vw` width is measured against when choosing widths to render (a laptop)
DESKTOP_VIEWPORT = 1280
# a phone's viewport (CSS px): an image that fills the column fills this at 2x-3x density
PHONE_VIEWPORT = 400
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(px|%|vw)?\s*\Z", re.IGNORECASE)
_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([^;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Display:
    """How one reference is laid out: its width in a desktop layout and its `sizes`."""

    width: int  # CSS px the image occupies at a desktop viewport (at most its intrinsic width)
    sizes: str
    stated: bool  # the author stated a width (or height); False: the image fills the column


def content_width(theme: str | None, config: Config) -> int:
    """Return the content column's width: the setting, else the known theme's, else 800."""
    return config.content_width or THEME_CONTENT_WIDTH.get(theme or "", DEFAULT_CONTENT_WIDTH)


def display_of(ref: ImageRef, width: int, height: int, column: int, config: Config) -> Display:
    """Return how `ref`, whose source is `width` x `height`, is laid out in a `column` px column."""
    own = _attr(ref, "sizes")
    if ref.width or ref.height:
        shown = ref.width or max(1, round((ref.height or 0) * width / max(1, height)))
        sizes = f"(max-width: {shown}px) 100vw, {shown}px"
        return Display(shown, own or sizes, stated=True)
    stated = _stated_length(ref)
    if stated is not None:
        number, unit = stated
        if unit == "%":
            shown = max(1, round(number * column / 100))
            sizes = f"(max-width: {column}px) {_number(number)}vw, {shown}px"
        elif unit == "vw":
            shown = max(1, round(number * DESKTOP_VIEWPORT / 100))
            sizes = f"{_number(number)}vw"
        else:
            shown = max(1, round(number))
            sizes = f"(max-width: {shown}px) 100vw, {shown}px"
        return Display(shown, own or sizes, stated=True)
    # a theme's `max-width: 100%` shows an unsized image at the column's width, or narrower
    # when the image itself is
    shown = min(column, width) if width else column
    sizes = config.sizes or f"(max-width: {shown}px) 100vw, {shown}px"
    return Display(shown, own or sizes, stated=False)


def rendered_widths(display: Display, info: ImageInfo, config: Config) -> tuple[int, ...]:
    """Return the widths to render for an image laid out as `display`, narrowest first."""
    from ..render import target_widths  # imported late: a warm run takes widths from its cache

    if not display.stated and config.widths:
        return target_widths(info, None, config)  # the user's own ladder for unsized images
    widths = target_widths(info, display.width, config)
    if display.stated:
        return widths
    # on a phone the column is the viewport: about 400 CSS px at 2-3x density
    phone = target_widths(info, min(PHONE_VIEWPORT, display.width), config)
    return tuple(sorted({*widths, *phone}))


def _stated_length(ref: ImageRef) -> tuple[float, str] | None:
    """Return a width the author wrote as `30%`, `50vw` or `400px` (attribute or style)."""
    # an inline style's width wins over the attribute in CSS, and its last declaration counts
    style = _attr(ref, "style") or ""
    candidates = [*[m.group(1) for m in _STYLE_WIDTH.finditer(style)][-1:], _attr(ref, "width")]
    for value in candidates:
        match = _LENGTH.match(value or "")
        if match and float(match.group(1)) > 0:
            return float(match.group(1)), (match.group(2) or "px").lower()
    return None


def _attr(ref: ImageRef, name: str) -> str | None:
    return next((value for key, value in ref.attrs if key.lower() == name), None)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
