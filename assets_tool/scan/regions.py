"""Where references are left alone: code, comments, raw-text elements, Liquid blocks."""

from __future__ import annotations

import bisect
import re

from ..models import SkipReason

# Comments, raw-text elements and the Liquid blocks Jekyll posts use for code and comments.
_SKIPPED = re.compile(
    r"<!--|<(script|style|pre|code|template|textarea)(?=[\s/>])|\{%-?\s*(highlight|comment)\b",
    re.IGNORECASE,
)


class Regions:
    """Sorted, merged character ranges, each with the reason its contents are skipped."""

    def __init__(self, spans: list[tuple[int, int, SkipReason]]) -> None:
        merged: list[tuple[int, int, SkipReason]] = []
        for start, end, reason in sorted(spans, key=lambda s: (s[0], -s[1])):
            if merged and start < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), last[2])
            elif end > start:
                merged.append((start, end, reason))
        self.spans = merged
        self._starts = [s[0] for s in merged]

    def at(self, pos: int) -> tuple[int, int, SkipReason] | None:
        """Return the region that contains `pos`, if any."""
        index = bisect.bisect_right(self._starts, pos) - 1
        if index >= 0 and pos < self.spans[index][1]:
            return self.spans[index]
        return None

    def plus(self, other: Regions) -> Regions:
        """Return the union of two region sets (earlier reasons win on overlap)."""
        return Regions(self.spans + other.spans)


def skipped_regions(text: str, start: int, code: Regions) -> Regions:
    """Find comments, raw-text elements (script, pre, code...) and Liquid highlight blocks."""
    spans: list[tuple[int, int, SkipReason]] = []
    unclosed: set[str] = set()  # elements with no closing tag further on: never search again
    pos = start
    while match := _SKIPPED.search(text, pos):
        inside = code.at(match.start())
        if inside is not None:
            pos = inside[1]
            continue
        if match.group() == "<!--":
            close = text.find("-->", match.end())
            end = len(text) if close < 0 else close + 3  # an unclosed comment runs to the end
            spans.append((match.start(), end, SkipReason.COMMENT))
        else:
            name = (match.group(1) or match.group(2)).lower()
            closer = None
            if name not in unclosed:
                closer = _closer(name).search(text, match.end())
            if closer is None:
                unclosed.add(name)
            end = closer.end() if closer else match.end()
            reason = SkipReason.COMMENT if name == "comment" else SkipReason.CODE
            spans.append((match.start(), end, reason))
        pos = end
    return Regions(spans)


def _closer(name: str) -> re.Pattern[str]:
    if name in ("highlight", "comment"):
        return re.compile(rf"\{{%-?\s*end{name}\s*-?%\}}", re.IGNORECASE)
    return re.compile(rf"</{name}\s*>", re.IGNORECASE)
