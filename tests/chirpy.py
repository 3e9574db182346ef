"""An emulation of the Chirpy theme's HTML post-processing of every rendered page.

Written from a description of the theme's ``_includes/refactor-content.html``, not from its
code. It is a test helper: markup this tool writes into a Chirpy site's posts must come out of
this pass still working. The rules, as described:

- the page is split on the exact string ``<img `` (with a space; ``<img\\n`` or ``<IMG `` is
  not seen) and each piece is handled up to its first ``>`` (the tag);
- a tag that does not contain ``src=`` (a plain substring test, so ``data-src=`` counts and
  ``srcset=`` does not) silently ends the page: that ``<img `` and everything after it are lost;
- every `` /`` (space, slash) inside the tag is removed, wherever it occurs (in values too);
- ``loading="lazy"`` is appended to the tag; the description says "appends", and this
  emulation does so only when the tag has no ``loading`` attribute yet (a duplicate would be
  ignored by browsers anyway, the first one wins);
- a tag not directly followed by ``</a>`` is wrapped in
  ``<a href="SRC" class="popup img-link">...</a>``, SRC being its src value as written.

A piece with no ``>`` at all (an unterminated tag at the end of the page) is left as it is:
the description does not say.
"""

from __future__ import annotations

import re

SPLIT = "<img "
SRC = re.compile(r"""(?:^|\s)src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
LOADING = re.compile(r"(?:^|\s)loading\s*=", re.IGNORECASE)


def refactor_content(html: str) -> str:
    """Post-process a rendered page the way Chirpy does."""
    head, *pieces = html.split(SPLIT)
    out = [head]
    for piece in pieces:
        close = piece.find(">")
        if close < 0:
            out.append(SPLIT + piece)
            continue
        tag, rest = piece[:close], piece[close + 1 :]
        if "src=" not in tag:
            break
        tag = tag.replace(" /", "")
        if not LOADING.search(tag):
            tag += ' loading="lazy"'
        img = f"{SPLIT}{tag}>"
        if rest.startswith("</a>"):
            out.append(img + rest)
        else:
            out.append(f'<a href="{src_of(tag)}" class="popup img-link">{img}</a>{rest}')
    return "".join(out)


def src_of(tag: str) -> str:
    """Return the src value of an <img> tag's inside, as written (still HTML-escaped)."""
    found = SRC.search(tag)
    if found is None:
        return ""
    return next(group for group in found.groups() if group is not None)
