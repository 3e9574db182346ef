"""Markup building, escaping, splicing, and how the markup fares through Markdown and Chirpy."""

from __future__ import annotations

import dataclasses
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assets_tool.build.display import display_of
from assets_tool.config import Config
from assets_tool.errors import AssetsToolError
from assets_tool.models import ImageRef, RefKind, Variant, VariantSet
from assets_tool.rewrite import Picture, build_picture, render_picture, splice
from tests.chirpy import refactor_content

ORIGINAL = '<img src="/assets/img/photos/jenson/1.jpg" alt="Jenson" width=400>'
POST = f"---\ntitle: Jenson\n---\n\n<center>{ORIGINAL}</center>\n\nAfter the photo.\n"
MARKER = "PGltZyBzcmM9Ii9hc3NldHMvaW1nL3Bob3Rvcy9qZW5zb24vMS5qcGciPg"
PREFIX = "/assets/img/variants/"


def variant(width: int, ext: str) -> Variant:
    """Return a variant of the 3000x4000 upright photo."""
    mime = {"jpg": "image/jpeg", "png": "image/png"}.get(ext, f"image/{ext}")
    return Variant(width, round(width * 4000 / 3000), mime, f"1-3f9a2c01-{width}.{ext}", width * 50)


# widths for width=400 at 1x/2x/3x; the 1200 px AVIF came out larger than the JPEG and was dropped
VARIANTS = VariantSet(
    source_url="/assets/img/photos/jenson/1.jpg",
    width=3000,
    height=4000,
    url_prefix=PREFIX,
    variants=tuple(variant(w, "avif") for w in (400, 800))
    + tuple(variant(w, ext) for ext in ("webp", "jpg") for w in (400, 800, 1200)),
)
VARIANT_URLS = {PREFIX + v.name for v in VARIANTS.variants}
REF = ImageRef(
    post=Path("_posts/2024-05-01-jenson.md"),
    line=5,
    start=POST.index(ORIGINAL),
    end=POST.index(ORIGINAL) + len(ORIGINAL),
    kind=RefKind.HTML,
    src="/assets/img/photos/jenson/1.jpg",
    alt="Jenson",
    width=400,
)


def build(ref: ImageRef = REF, variants: VariantSet = VARIANTS, style: str = "picture") -> Picture:
    """Build with the defaults of the running example (`sizes` as the build decides it)."""
    display = display_of(ref, variants.width, variants.height, 800, Config())
    return build_picture(ref, variants, style=style, sizes=display.sizes, marker=MARKER)


def markup(ref: ImageRef = REF, variants: VariantSet = VARIANTS, style: str = "picture") -> str:
    """Build and render."""
    return render_picture(build(ref, variants, style))


@dataclasses.dataclass
class Node:
    """An element of a parsed fragment."""

    tag: str
    attrs: dict[str, str | None]
    parent: Node | None
    children: list[Node] = dataclasses.field(default_factory=list)


class Tree(HTMLParser):
    """Parse a fragment into Nodes, knowing which elements have no end tag."""

    VOID = frozenset({"img", "source", "br", "hr", "meta", "link", "input"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.open = self.root
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.open)
        assert len(node.attrs) == len(attrs), f"duplicate attribute in <{tag}>"
        self.open.children.append(node)
        if tag not in self.VOID:
            self.open = node

    def handle_endtag(self, tag: str) -> None:
        assert self.open.tag == tag, f"</{tag}> closes <{self.open.tag}>"
        assert self.open.parent is not None
        self.open = self.open.parent

    def find(self, tag: str) -> list[Node]:
        """Return every element named `tag`, in document order."""
        return _in_order(self.root, tag)


def _in_order(node: Node, tag: str) -> list[Node]:
    found: list[Node] = []
    for child in node.children:
        if child.tag == tag:
            found.append(child)
        found += _in_order(child, tag)
    return found


def srcset_urls(value: str | None) -> list[str]:
    """Return the URLs of a srcset value."""
    assert value is not None
    return [entry.strip().split(" ")[0] for entry in value.split(",")]


# -- build_picture ------------------------------------------------------------------------


def test_picture_style_offers_avif_then_webp_then_the_jpeg() -> None:
    picture = build()
    assert [mime for mime, _ in picture.sources] == ["image/avif", "image/webp"]
    avif, webp = (srcset for _, srcset in picture.sources)
    # the dropped 1200 px AVIF is simply missing; no space after the commas
    assert avif == f"{PREFIX}1-3f9a2c01-400.avif 400w,{PREFIX}1-3f9a2c01-800.avif 800w"
    assert srcset_urls(webp) == [f"{PREFIX}1-3f9a2c01-{w}.webp" for w in (400, 800, 1200)]
    img = dict(picture.img)
    assert img["src"] == f"{PREFIX}1-3f9a2c01-400.jpg"
    assert srcset_urls(img["srcset"]) == [f"{PREFIX}1-3f9a2c01-{w}.jpg" for w in (400, 800, 1200)]
    assert img["sizes"] == "(max-width: 400px) 100vw, 400px"
    assert (img["width"], img["height"]) == ("400", "533")
    assert (img["alt"], img["loading"], img["decoding"]) == ("Jenson", "lazy", "async")
    assert picture.img[-1] == ("data-assets-tool", MARKER)
    assert [name for name, _ in picture.img[:5]] == ["src", "srcset", "sizes", "width", "height"]
    assert picture.link is None


def test_picture_style_renders_one_picture_element() -> None:
    text = markup()
    assert "\n" not in text and " /" not in text
    tree = Tree(text)
    (picture,) = tree.find("picture")
    assert [child.tag for child in picture.children] == ["source", "source", "img"]
    for source in picture.children[:2]:
        assert source.attrs["sizes"] == "(max-width: 400px) 100vw, 400px"
    assert picture.children[0].attrs["type"] == "image/avif"


def test_img_style_is_one_webp_img() -> None:
    picture = build(style="img")
    assert picture.sources == ()
    img = dict(picture.img)
    assert img["src"] == f"{PREFIX}1-3f9a2c01-400.webp"
    assert srcset_urls(img["srcset"]) == [f"{PREFIX}1-3f9a2c01-{w}.webp" for w in (400, 800, 1200)]
    text = render_picture(picture)
    assert text.startswith("<img ") and "<picture" not in text and "<source" not in text


def test_img_style_uses_the_fallback_where_a_webp_was_dropped() -> None:
    no_big_webp = dataclasses.replace(
        VARIANTS, variants=tuple(v for v in VARIANTS.variants if v.name != "1-3f9a2c01-800.webp")
    )
    img = dict(build(variants=no_big_webp, style="img").img)
    assert srcset_urls(img["srcset"]) == [
        f"{PREFIX}1-3f9a2c01-400.webp",
        f"{PREFIX}1-3f9a2c01-800.jpg",
        f"{PREFIX}1-3f9a2c01-1200.webp",
    ]


def test_img_style_without_any_webp_falls_back_entirely() -> None:
    jpeg_only = dataclasses.replace(VARIANTS, variants=VARIANTS.of_type("image/jpeg"))
    img = dict(build(variants=jpeg_only, style="img").img)
    assert img["src"] == f"{PREFIX}1-3f9a2c01-400.jpg"
    assert picture_sources(build(variants=jpeg_only)) == []


def picture_sources(picture: Picture) -> list[str]:
    """Return the MIME types offered by <source> elements."""
    return [mime for mime, _ in picture.sources]


def test_src_is_the_smallest_variant_at_least_as_wide_as_the_display() -> None:
    assert (
        dict(build(dataclasses.replace(REF, width=401)).img)["src"] == f"{PREFIX}1-3f9a2c01-800.jpg"
    )
    assert (
        dict(build(dataclasses.replace(REF, width=5000)).img)["src"]
        == f"{PREFIX}1-3f9a2c01-1200.jpg"
    )


def test_display_width_derived_from_height_keeps_the_true_aspect_ratio() -> None:
    img = dict(build(dataclasses.replace(REF, width=None, height=800)).img)
    assert (img["width"], img["height"]) == ("600", "800")
    assert img["sizes"] == "(max-width: 600px) 100vw, 600px"
    assert img["src"] == f"{PREFIX}1-3f9a2c01-800.jpg"


def test_zero_size_counts_as_unstated() -> None:
    img = dict(build(dataclasses.replace(REF, width=0, height=0)).img)
    assert (img["width"], img["height"], img["sizes"]) == (
        "3000",
        "4000",
        "(max-width: 800px) 100vw, 800px",
    )


def test_author_height_is_replaced_by_the_sources_aspect_ratio() -> None:
    img = dict(build(dataclasses.replace(REF, width=400, height=100)).img)
    assert (img["width"], img["height"]) == ("400", "533")


def test_unsized_reference_uses_intrinsic_size_and_the_column_sizes() -> None:
    wide = VariantSet(
        "/a.png",
        2400,
        1200,
        PREFIX,
        tuple(Variant(w, w // 2, "image/png", f"a-{w}.png", w) for w in (480, 800, 1200, 1600)),
    )
    ref = dataclasses.replace(REF, width=None, alt=None)
    img = dict(build(ref, wide).img)
    assert (img["width"], img["height"], img["sizes"]) == (
        "2400",
        "1200",
        "(max-width: 800px) 100vw, 800px",
    )
    assert img["src"] == f"{PREFIX}a-1200.png"
    assert img["alt"] == ""
    small = dataclasses.replace(wide, variants=wide.variants[:2])
    assert dict(build(ref, small).img)["src"] == f"{PREFIX}a-800.png"


def test_author_attributes_are_kept_and_owned_ones_replaced() -> None:
    ref = dataclasses.replace(
        REF,
        title="A title",
        attrs=(
            ("class", "shadow rounded"),
            ("SRCSET", "/old.jpg 2x"),
            ("style", "border: 1px"),
            ("loading", "eager"),
            ("data-zoom", "1"),
            ("data-assets-tool", "stale"),
            ("hidden", None),
            ("sizes", "50vw"),
            ("id", "jenson"),
        ),
    )
    img = build(ref).img
    names = [name for name, _ in img]
    assert names == [
        "src",
        "srcset",
        "sizes",
        "width",
        "height",
        "alt",
        "title",
        "loading",
        "decoding",
        "class",
        "style",
        "data-zoom",
        "hidden",
        "id",
        "data-assets-tool",
    ]
    assert dict(img)["title"] == "A title"
    # the author's loading and sizes win over the defaults (a hero image is not lazy)
    assert (dict(img)["loading"], dict(img)["sizes"]) == ("eager", "50vw")
    assert dict(img)["decoding"] == "async"
    assert dict(img)["data-assets-tool"] == MARKER
    assert ' hidden id="jenson"' in render_picture(build(ref))


def test_alt_and_title_written_as_attributes_are_used_when_fields_are_empty() -> None:
    ref = dataclasses.replace(REF, alt=None, attrs=(("alt", "from attrs"), ("title", "t")))
    img = build(ref).img
    assert [(n, v) for n, v in img if n in ("alt", "title")] == [
        ("alt", "from attrs"),
        ("title", "t"),
    ]


def test_link_points_at_the_largest_webp_and_keeps_author_attributes() -> None:
    ref = dataclasses.replace(
        REF, link_attrs=(("href", "/assets/img/photos/jenson/1.jpg"), ("class", "popup"))
    )
    picture = build(ref)
    assert picture.link == (("href", f"{PREFIX}1-3f9a2c01-1200.webp"), ("class", "popup"))
    tree = Tree(render_picture(picture))
    (link,) = tree.find("a")
    assert link.parent is tree.root and link.children[0].tag == "picture"


def test_missing_fallback_is_an_error_naming_the_post_and_line() -> None:
    modern_only = dataclasses.replace(
        VARIANTS, variants=tuple(v for v in VARIANTS.variants if v.mime != "image/jpeg")
    )
    with pytest.raises(AssetsToolError, match=r"^_posts/2024-05-01-jenson\.md:5: no JPEG or PNG"):
        build(variants=modern_only)


def test_invalid_attribute_name_is_an_error_not_an_injection() -> None:
    ref = dataclasses.replace(REF, attrs=(('"><script>', "x"),))
    with pytest.raises(AssetsToolError, match="not a valid attribute name"):
        build(ref)


def test_unknown_style_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown markup style"):
        build(style="figure")


def test_build_and_render_are_deterministic() -> None:
    for style in ("picture", "img"):
        first = markup(style=style)
        assert markup(dataclasses.replace(REF), VARIANTS, style) == first
        assert build(style=style) == build(style=style)


# -- escaping -------------------------------------------------------------------------------


NASTY = "He said \"hi\" & 'bye' <img src=x> AC / DC </a> 사진 📷 {{ x }}\r\nline two"


@pytest.mark.parametrize("style", ["picture", "img"])
def test_attribute_values_round_trip_through_html_parser(style: str) -> None:
    ref = dataclasses.replace(
        REF, alt=NASTY, title='제목 "q"', attrs=(("class", "a&b"), ("data-note", "<>"))
    )
    text = markup(ref, style=style)
    assert "\n" not in text and "\r" not in text
    assert text.count("<img ") == 1 and " /" not in text
    (img,) = Tree(text).find("img")
    assert img.attrs["alt"] == NASTY
    assert img.attrs["title"] == '제목 "q"'
    assert img.attrs["class"] == "a&b" and img.attrs["data-note"] == "<>"


def test_urls_are_percent_encoded() -> None:
    odd = dataclasses.replace(
        VARIANTS,
        url_prefix="/assets/img/변형 사진/",
        variants=(Variant(400, 533, "image/jpeg", "a,b 50%.jpg", 1),),
    )
    img = dict(build(variants=odd).img)
    assert img["src"] == "/assets/img/%EB%B3%80%ED%98%95%20%EC%82%AC%EC%A7%84/a%2Cb%2050%25.jpg"
    assert unquote(img["src"]) == "/assets/img/변형 사진/a,b 50%.jpg"
    assert img["srcset"] == f"{img['src']} 400w"
    cdn = dataclasses.replace(odd, url_prefix="https://cdn.example.com/v/")
    assert dict(build(variants=cdn).img)["src"] == "https://cdn.example.com/v/a%2Cb%2050%25.jpg"


# -- through Markdown and Chirpy -------------------------------------------------------------


def to_site(post_body: str) -> str:
    """Render Markdown with raw HTML passed through, then apply Chirpy's pass."""
    return refactor_content(MarkdownIt("commonmark", {"html": True}).render(post_body))


def test_picture_style_is_broken_by_chirpy() -> None:
    html = refactor_content(markup())
    # Chirpy put an <a> between <picture> and <img>: browsers only consider <source> siblings
    # of the <picture>'s own <img> child, so AVIF and WebP are never chosen
    assert '<picture><source type="image/avif"' in html
    assert '<a href="/assets/img/variants/1-3f9a2c01-400.jpg" class="popup img-link"><img ' in html
    (picture,) = Tree(html).find("picture")
    assert [child.tag for child in picture.children] == ["source", "source", "a"]
    (img,) = Tree(html).find("img")
    assert img.parent is not None and img.parent.tag == "a"


@pytest.mark.parametrize(
    "template",
    [
        "<center>{}</center>\n",  # the running example: an HTML block
        "Text before {} and after.\n",  # inline in a paragraph
        "- first\n- {}\n- third\n",  # in a list item
    ],
)
def test_img_style_survives_markdown_and_chirpy(template: str) -> None:
    ref = dataclasses.replace(REF, alt='Jenson "the cat" & 사진 / 📷')
    body = template.format(markup(ref, style="img")) + "\nThe end.\n"
    html = to_site(body)
    tree = Tree(html)
    (img,) = tree.find("img")
    for url in srcset_urls(img.attrs["srcset"]):
        assert url.startswith("/") and url in VARIANT_URLS
    assert img.attrs["src"] in VARIANT_URLS
    assert img.attrs["alt"] == 'Jenson "the cat" & 사진 / 📷'
    assert img.attrs["loading"] == "lazy" and html.count("loading=") == 1
    assert (img.attrs["width"], img.attrs["height"]) == ("400", "533")
    assert img.attrs["data-assets-tool"] == MARKER
    link = img.parent
    assert link is not None and link.tag == "a" and link.attrs["class"] == "popup img-link"
    assert link.attrs["href"] in VARIANT_URLS and link.attrs["href"] != REF.src
    assert "The end." in html  # Chirpy did not cut the page


KRAMDOWN = 'print Kramdown::Document.new($stdin.read, input: "GFM", hard_wrap: false).to_html'
NASTY_ALT = 'Jenson "the cat" & 사진 / 📷 <b>'


def kramdown(body: str) -> str:
    """Render Markdown with kramdown (GFM input, as Jekyll does), from the jekyll package."""
    return subprocess.run(
        ["ruby", "-E", "UTF-8:UTF-8", "-rkramdown", "-rkramdown-parser-gfm", "-e", KRAMDOWN],
        input=body,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def kramdown_site() -> list[str]:
    """Return the Chirpy-processed kramdown output of the img markup in three positions."""
    tag = markup(dataclasses.replace(REF, alt=NASTY_ALT), style="img")
    forms = [f"<center>{tag}</center>", f"Text before {tag} and after.", f"- first\n- {tag}"]
    page = kramdown("\n\n<hr>\n\n".join([*forms, "The end."]))
    return refactor_content(page).split("<hr")


@pytest.mark.parametrize("position", [0, 1, 2])
def test_img_style_survives_real_kramdown_and_chirpy(
    kramdown_site: list[str], position: int
) -> None:
    # kramdown re-serialises void tags as "<img ... />"; Chirpy's " /" removal undoes that,
    # and the "&#47;" written for the alt's " / " keeps that removal away from the text
    html = kramdown_site[position]
    (img,) = Tree(html).find("img")
    assert img.attrs["alt"] == NASTY_ALT
    for url in [img.attrs["src"], *srcset_urls(img.attrs["srcset"])]:
        assert url in VARIANT_URLS
    assert img.parent is not None and img.parent.tag == "a"
    assert img.parent.attrs["href"] == f"{PREFIX}1-3f9a2c01-400.webp"
    assert img.attrs["data-assets-tool"] == MARKER and img.attrs["loading"] == "lazy"
    assert "The end." in kramdown_site[-1]


def test_img_style_with_a_link_is_left_unwrapped_by_chirpy() -> None:
    ref = dataclasses.replace(REF, link_attrs=(("href", REF.src), ("class", "popup img-link")))
    html = refactor_content(markup(ref, style="img"))
    (link,) = Tree(html).find("a")
    assert link.attrs["href"] == f"{PREFIX}1-3f9a2c01-1200.webp"
    assert [child.tag for child in link.children] == ["img"]


def test_picture_style_inside_a_link_is_still_rewrapped_by_chirpy() -> None:
    # the <img> is followed by </picture>, not </a>, so Chirpy wraps it anyway and the page
    # gets an <a> inside an <a>: <picture> markup is only safe where Chirpy will not run again,
    # i.e. written into the built _site, never into a Chirpy site's sources
    ref = dataclasses.replace(REF, link_attrs=(("href", REF.src), ("class", "popup img-link")))
    html = refactor_content(markup(ref))
    assert html.count("<a ") == 2
    outer, inner = Tree(html).find("a")
    assert outer.attrs["href"] == f"{PREFIX}1-3f9a2c01-1200.webp"
    assert inner.attrs["href"] == f"{PREFIX}1-3f9a2c01-400.jpg"
    assert inner.parent is not None and inner.parent.tag == "picture"


def test_splicing_into_the_post_changes_only_the_reference() -> None:
    new = markup(style="img")
    out = splice(POST, [(REF.start, REF.end, new)])
    assert out == POST.replace(ORIGINAL, new)
    assert out.count("<img ") == 1


# -- splice ---------------------------------------------------------------------------------


def test_splice_keeps_every_other_character() -> None:
    text = "첫 줄 \r\n<img src=a.jpg>  \r\n\t사진 ![x](b.png)   \n"
    a, b = text.index("<img"), text.index("![x]")
    edits = [(b, b + len("![x](b.png)"), "<B>"), (a, a + len("<img src=a.jpg>"), "<A>")]
    assert splice(text, edits) == "첫 줄 \r\n<A>  \r\n\t사진 <B>   \n"


def test_splice_with_no_edits_returns_the_text() -> None:
    assert splice("a\r\nb", []) == "a\r\nb"


@pytest.mark.parametrize(
    "edits",
    [
        [(0, 3, "x"), (2, 4, "y")],
        [(1, 4, "x"), (2, 3, "y")],
        [(0, 5, "x"), (0, 1, "y")],
    ],
)
def test_splice_rejects_overlapping_spans(edits: list[tuple[int, int, str]]) -> None:
    with pytest.raises(ValueError, match="overlaps"):
        splice("abcdefgh", edits)


@pytest.mark.parametrize("span", [(-1, 2), (3, 2), (0, 9)])
def test_splice_rejects_spans_outside_the_text(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="outside"):
        splice("abcdefgh", [(*span, "x")])


def test_adjacent_spans_and_insertions_are_not_overlaps() -> None:
    assert splice("abcdef", [(2, 4, "X"), (0, 2, "Y"), (4, 4, "!")]) == "YX!ef"


@st.composite
def texts_and_edits(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    """Draw a text and non-overlapping edits of it, in random order."""
    text = draw(st.text(st.characters(codec="utf-8"), max_size=60))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    spans = list(zip(cuts[::2], cuts[1::2], strict=False))
    edits = [(start, end, draw(st.text(max_size=8))) for start, end in spans]
    return text, draw(st.permutations(edits))


@given(texts_and_edits())
def test_splice_matches_replacing_from_the_end(
    case: tuple[str, list[tuple[int, int, str]]],
) -> None:
    text, edits = case
    ordered = sorted(edits, key=lambda edit: edit[:2])  # stable: equal insertions keep their order
    expected = text
    for start, end, new in reversed(ordered):
        expected = expected[:start] + new + expected[end:]
    assert splice(text, edits) == expected
    # the characters between spans are untouched and in place
    out, done, shift = splice(text, edits), 0, 0
    for start, end, new in ordered:
        assert out[done + shift : start + shift] == text[done:start]
        shift += len(new) - (end - start)
        done = end
    assert out[done + shift :] == text[done:]


@given(st.text(min_size=2, max_size=30), st.data())
def test_splice_detects_any_overlap(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    inner = data.draw(st.integers(start + 1, end - 1))
    other = data.draw(st.sampled_from([(inner, end), (start, inner), (inner, inner + 1)]))
    with pytest.raises(ValueError, match="overlaps"):
        splice(text, data.draw(st.permutations([(start, end, "a"), (*other, "b")])))
