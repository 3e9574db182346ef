"""A Jekyll site with 12 MP photos referenced in every form, one post per theme stylesheet.

Shared by the layout tests: the same post body rendered under three kinds of theme CSS, so a
box or block that the rewrite changes shows up in Chromium and in the built HTML.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

# img { max-width: 100% } with and without height: auto (Mediumish and many older Jekyll
# themes lack it), and a theme that sets its own width on images
THEMES = {
    "auto": "img { max-width: 100%; height: auto; }",
    "noauto": "img { max-width: 100%; }",
    "own": "img { width: 100%; max-width: 600px; }",
}
COLUMN = ".content { max-width: 730px; margin: 0 auto; padding: 0 15px; font: 16px/1.5 serif; }"
PHOTO = "/assets/img/photos/jenson/{n}.jpg"
_IMAGE_URL = re.compile(r"\.(?:jpe?g|png|webp|avif)\Z", re.IGNORECASE)

BODY = """
An opening paragraph of text.

<img src="{p1}" alt="raw alone">

Text before <img src="{p2}" alt="raw mid-line" width="300"> and text after.

<img src="{p3}" alt="raw with a width" width="400">

![markdown alone]({p4})

![markdown at thirty percent]({p5}){{: width="30%"}}

![markdown with a class]({p6}){{: .shadow}}

{{:refdef: style="text-align: center;"}}
![a]({p1}){{: width="30%"}} ![b]({p2}){{: width="30%"}} ![c]({p3}){{: width="30%"}}
{{: refdef}}

<center><img src="{p7}" alt="centred" width=400></center>

Some text with ![an inline image]({p4}){{: width="200"}} inside it.

- ![in a list]({p5})
- a second item
"""
IMAGES_PER_POST = 12

LAYOUT = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ page.title }}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/css/{{ page.css }}.css"></head>
<body><main class="content">
{{ content }}
</main></body></html>
"""


def post_url(theme: str) -> str:
    """Return the URL path of the post styled by `theme`."""
    return f"/{theme}/"


def make_layout_site(root: Path, photos: dict[str, bytes]) -> None:
    """Write the site: _config.yml, a layout, one CSS file and one post per theme, photos."""
    (root / "_layouts").mkdir(parents=True)
    (root / "_layouts" / "default.html").write_text(LAYOUT, encoding="utf-8")
    (root / "_config.yml").write_text("title: Layout\nmarkdown: kramdown\n", encoding="utf-8")
    css = root / "assets" / "css"
    css.mkdir(parents=True)
    body = BODY.format(**{f"p{n}": PHOTO.format(n=n) for n in range(1, 8)})
    for theme, rules in THEMES.items():
        (css / f"{theme}.css").write_text(f"{COLUMN}\n{rules}\n", encoding="utf-8")
        front = f"---\nlayout: default\ntitle: {theme}\ncss: {theme}\npermalink: /{theme}/\n---\n"
        (root / f"{theme}.md").write_text(front + body, encoding="utf-8")
    for rel, blob in photos.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)


def jekyll_build(root: Path) -> Path:
    """Build `root` with the real jekyll (kramdown) into root/_site."""
    dest = root / "_site"
    subprocess.run(
        ["jekyll", "build", "--quiet", "--source", str(root), "--destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dest


class _Structure(HTMLParser):
    """Tokens of a page's block structure, every img/picture reduced to one IMAGE token."""

    VOID = frozenset({"img", "source", "br", "hr", "meta", "link", "input", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []
        self.in_picture = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "picture":
            self.in_picture += 1
            self.tokens.append("IMAGE")
        elif tag == "img":
            if not self.in_picture:
                self.tokens.append("IMAGE")
        elif not self.in_picture and tag != "source":
            # a lightbox link is meant to move from the original to a variant
            kept = [
                (k, "IMAGE" if k == "href" and _IMAGE_URL.search(v or "") else v) for k, v in attrs
            ]
            self.tokens.append(f"<{tag} {sorted(kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "picture":
            self.in_picture -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self.in_picture -= 1
        elif not self.in_picture and tag not in self.VOID:
            self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data).strip()
        if text and not self.in_picture:
            self.tokens.append(text)


def structure(html: str) -> list[str]:
    """Return the block structure of `html` with each image as one token."""
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.tokens
