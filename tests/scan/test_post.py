"""The scan stage: every reference form, exact spans and lines, and every skip reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets_tool.models import ImageRef, RefKind, SkipReason
from assets_tool.scan.post import (
    ScanError,
    decode_original,
    encode_original,
    expand_liquid,
    scan_text,
    skip_reason,
)

POST = Path("_posts/2025-01-06-post.md")
SEED = Path(__file__).resolve().parents[2] / "examples/site/_posts/2025-01-06-ces-2025-keynote-1.md"


def refs(text: str, markdown: bool = True, site_url: str = "") -> tuple[ImageRef, ...]:
    return scan_text(text, POST, markdown=markdown, site_url=site_url).refs


def only(text: str, markdown: bool = True) -> ImageRef:
    found = refs(text, markdown)
    assert len(found) == 1, found
    return found[0]


def span(text: str, ref: ImageRef) -> str:
    return text[ref.start : ref.end]


# --- raw <img> ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="/a.jpg" alt="A" width="400">',
        "<img src='/a.jpg' alt='A' width='400'>",
        '<img src=/a.jpg alt="A" width=400>',
        '<img src="/a.jpg" alt="A" width=400 />',
        '<IMG SRC="/a.jpg" ALT="A" WIDTH="400px">',
        '<img\n  src="/a.jpg"\n  alt="A"\n  width="400"\n>',
    ],
)
def test_img_tag_any_quoting(tag: str) -> None:
    text = f"Intro\n\n<center>{tag}</center>\n"
    ref = only(text)
    assert span(text, ref) == tag
    assert (ref.kind, ref.src, ref.alt, ref.width, ref.line) == (
        RefKind.HTML,
        "/a.jpg",
        "A",
        400,
        3,
    )


def test_img_attributes_split_into_fields_and_attrs_in_order() -> None:
    text = (
        '<img class="x y" src="/a.jpg" loading=lazy title="T &amp; U" height=30 hidden style="s">'
    )
    ref = only(text)
    assert (ref.title, ref.height, ref.width) == ("T & U", 30, None)
    assert ref.attrs == (("class", "x y"), ("loading", "lazy"), ("hidden", None), ("style", "s"))


def test_img_percent_width_stays_an_attribute() -> None:
    ref = only('<img src="/a.jpg" width="50%">')
    assert ref.width is None
    assert ref.attrs == (("width", "50%"),)


def test_img_with_gt_inside_quoted_attribute() -> None:
    text = 'x <img alt="a > b" src="/a.jpg"> y'
    ref = only(text)
    assert span(text, ref) == '<img alt="a > b" src="/a.jpg">'
    assert ref.alt == "a > b"


def test_img_in_html_file() -> None:
    text = "<html><body><p><img src=/a.png></p></body></html>"
    ref = only(text, markdown=False)
    assert span(text, ref) == "<img src=/a.png>"


def test_lightbox_link_wrapping_img_is_part_of_the_span() -> None:
    text = 'A\n<a href="/a.jpg" class="popup">\n  <img src="/a.jpg" alt="A">\n</a>\nB'
    ref = only(text)
    assert span(text, ref) == text[2:-2]
    assert ref.link_attrs == (("href", "/a.jpg"), ("class", "popup"))
    assert ref.line == 2


def test_link_to_another_page_is_not_part_of_the_span() -> None:
    text = '<a href="/page/"><img src="/a.jpg"></a>'
    ref = only(text)
    assert span(text, ref) == '<img src="/a.jpg">'
    assert ref.link_attrs is None


def test_img_without_src_is_no_reference() -> None:
    assert refs('<img alt="nothing">') == ()


# --- Markdown images ---------------------------------------------------------------------


def test_markdown_image() -> None:
    text = "Para\n\n![An alt](/assets/a.png) after\n"
    ref = only(text)
    assert span(text, ref) == "![An alt](/assets/a.png)"
    assert (ref.kind, ref.src, ref.alt, ref.title, ref.line) == (
        RefKind.MARKDOWN,
        "/assets/a.png",
        "An alt",
        None,
        3,
    )


def test_markdown_image_with_title() -> None:
    text = '![a](/a.png "The title")'
    ref = only(text)
    assert span(text, ref) == text
    assert (ref.src, ref.title) == ("/a.png", "The title")


def test_markdown_image_angle_brackets_allow_spaces() -> None:
    text = "![a](</assets/my photo.png>) x"
    ref = only(text)
    assert span(text, ref) == "![a](</assets/my photo.png>)"
    assert ref.src == "/assets/my photo.png"


def test_markdown_image_with_parentheses_in_path() -> None:
    ref = only("![a](/img/photo(1).jpg)")
    assert ref.src == "/img/photo(1).jpg"


def test_escaped_markdown_image_is_not_an_image() -> None:
    assert refs(r"\![a](/a.png)") == ()


def test_reference_style_image() -> None:
    text = 'See ![The Alt][Logo] here.\n\n[logo]: /assets/logo.png "Logo title"\n'
    ref = only(text)
    assert span(text, ref) == "![The Alt][Logo]"
    assert (ref.kind, ref.src, ref.alt, ref.title) == (
        RefKind.MARKDOWN_REF,
        "/assets/logo.png",
        "The Alt",
        "Logo title",
    )


def test_collapsed_and_shortcut_reference_images() -> None:
    text = "![My  Logo][] and ![my logo]\n\n[MY LOGO]: </assets/my logo.png>\n"
    first, second = refs(text)
    assert span(text, first) == "![My  Logo][]"
    assert span(text, second) == "![my logo]"
    assert first.src == second.src == "/assets/my logo.png"


def test_undefined_reference_is_no_image() -> None:
    assert refs("![a][nothing]\n") == ()


def test_definition_inside_code_block_does_not_count() -> None:
    assert refs("![a][x]\n\n```\n[x]: /a.png\n```\n") == ()


def test_kramdown_ial_after_markdown_image() -> None:
    ial = '{: width="972" height="589" .shadow .rounded-10 #hero style="max-width: 90%" }'
    text = f"![a](/x.png){ial}\nnext"
    ref = only(text)
    assert span(text, ref) == text.split("\n")[0]
    assert (ref.width, ref.height) == (972, 589)
    assert ref.attrs == (
        ("class", "shadow rounded-10"),
        ("id", "hero"),
        ("style", "max-width: 90%"),
    )


@pytest.mark.parametrize(
    ("ial", "attrs"),
    [
        ("{:.shadow}", (("class", "shadow"),)),
        ("{: #id }", (("id", "id"),)),
        ('{: style="border: 1px" }', (("style", "border: 1px"),)),
    ],
)
def test_short_kramdown_ials(ial: str, attrs: tuple[tuple[str, str], ...]) -> None:
    text = f"![a](/x.png){ial} tail"
    ref = only(text)
    assert span(text, ref) == f"![a](/x.png){ial}"
    assert ref.attrs == attrs


def test_ial_after_reference_image() -> None:
    text = "![a][x]{: .normal }\n\n[x]: /a.png\n"
    ref = only(text)
    assert span(text, ref) == "![a][x]{: .normal }"
    assert ref.attrs == (("class", "normal"),)


def test_markdown_image_inside_img_alt_is_not_a_second_ref() -> None:
    text = '<img src="/a.png" alt="![x](/y.png)">'
    assert [r.src for r in refs(text)] == ["/a.png"]


# --- front matter ------------------------------------------------------------------------


def test_front_matter_image_string() -> None:
    text = "---\ntitle: T\nimage: /assets/cover.png\n---\nBody ![b](/b.png)\n"
    found = scan_text(text, POST, markdown=True)
    cover, body = found.refs
    assert (cover.kind, cover.src, cover.line) == (RefKind.FRONT_MATTER, "/assets/cover.png", 3)
    assert span(text, cover) == "/assets/cover.png"
    assert body.line == 5
    assert found.media_subpath is None


def test_front_matter_image_mapping_and_media_subpath() -> None:
    text = (
        "---\r\nmedia_subpath: /assets/img/post\r\nimage:\r\n  path: 'cover 한.jpg'\r\n"
        "  alt: Cover\r\n  lqip: data:image/webp;base64,AAAA\r\n---\r\n![a](b.png)\r\n"
    )
    found = scan_text(text, POST, markdown=True)
    cover, body = found.refs
    assert found.media_subpath == "/assets/img/post"
    assert span(text, cover) == "cover 한.jpg"
    assert (cover.src, cover.alt, cover.line) == ("cover 한.jpg", "Cover", 4)
    assert cover.attrs == (("lqip", "data:image/webp;base64,AAAA"),)
    assert cover.skip is None
    assert (body.src, body.line, span(text, body)) == ("b.png", 8, "![a](b.png)")


def test_front_matter_flow_mapping() -> None:
    text = '---\nimage: {path: "/c.png", alt: "C"}\n---\n'
    cover = only(text)
    assert span(text, cover) == "/c.png"
    assert cover.alt == "C"


def test_front_matter_is_not_scanned_as_body() -> None:
    text = '---\ndescription: "![x](/x.png) <img src=/y.png>"\n---\n'
    assert refs(text) == ()


def test_front_matter_yaml_error_names_the_line() -> None:
    text = "---\ntitle: ok\nimage: [unclosed\n---\n![a](/a.png)\n"
    with pytest.raises(ScanError) as caught:
        refs(text)
    assert caught.value.path == POST
    assert caught.value.line is not None and 3 <= caught.value.line <= 4
    assert "front matter" in caught.value.message


def test_horizontal_rule_later_is_not_front_matter() -> None:
    text = "Intro\n\n---\n\n![a](/a.png)\n\n---\n"
    assert only(text).line == 5


# --- skipped references ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        ("https://example.com/a.png", SkipReason.EXTERNAL),
        ("http://example.com/a.png", SkipReason.EXTERNAL),
        ("//cdn.example.com/a.png", SkipReason.EXTERNAL),
        ("data:image/png;base64,iVBORw0KGgo=", SkipReason.DATA_URI),
        ("/assets/logo.svg", SkipReason.SVG),
        ("/assets/logo.SVG?x=1", SkipReason.SVG),
        ("{{ page.image }}", SkipReason.LIQUID),
        ("{% asset_path a.png %}", SkipReason.LIQUID),
        ("/a.png", None),
        ("{{ site.baseurl }}/assets/x.png", None),
        ("{{ '/assets/x.png' | relative_url }}", None),
        ('{{ "/assets/x.png" | absolute_url }}', None),
    ],
)
def test_skip_reasons_by_src(src: str, reason: SkipReason | None) -> None:
    assert only(f'<img src="{src}">').skip is reason
    assert only(f"![a](<{src}>)").skip is reason


def test_liquid_srcs_kept_as_written() -> None:
    text = "![a]({{ site.baseurl }}/assets/x.png)"
    assert only(text).src == "{{ site.baseurl }}/assets/x.png"


def test_own_site_absolute_url_is_not_external() -> None:
    text = '<img src="https://me.github.io/assets/a.png"><img src="https://other.io/a.png">'
    own, other = refs(text, site_url="https://me.github.io")
    assert own.skip is None
    assert other.skip is SkipReason.EXTERNAL


def test_fenced_code_blocks_skip_images() -> None:
    text = "```html\n<img src=/a.png>\n```\n\n~~~\n![a](/b.png)\n~~~\n\n![c](/c.png)\n"
    first, second, third = refs(text)
    assert (first.skip, second.skip, third.skip) == (SkipReason.CODE, SkipReason.CODE, None)
    assert (first.line, second.line, third.line) == (2, 6, 9)


def test_indented_code_block_skips_images() -> None:
    text = "Para\n\n    ![a](/a.png)\n\n![b](/b.png)\n"
    first, second = refs(text)
    assert (first.skip, second.skip) == (SkipReason.CODE, None)


def test_list_continuation_is_not_code() -> None:
    text = "- item\n\n    ![a](/a.png)\n"
    assert only(text).skip is None


def test_inline_code_spans_skip_images() -> None:
    text = "Use `<img src=/a.png>` or ``![b](/b.png) ` x`` but ![c](/c.png) and \\`![d](/d.png)`"
    a, b, c, d = refs(text)
    assert (a.skip, b.skip, c.skip) == (SkipReason.CODE, SkipReason.CODE, None)
    assert d.skip is None  # the escaped backtick opens nothing


def test_code_span_on_the_line_after_an_img_line_is_code() -> None:
    # CommonMark makes `<img>` alone on a line an HTML block; kramdown reads a paragraph with
    # a code span in it: in neither is the image in backticks a reference to rewrite
    text = '<img src="/a.png" alt="x">\n`![code](/b.png)` and ![c](/c.png)\n'
    a, b, c = refs(text)
    assert (a.skip, b.skip, c.skip) == (None, SkipReason.CODE, None)


def test_unclosed_backtick_is_literal() -> None:
    assert only("a ` b ![c](/c.png)").skip is None


def test_html_comments_skip_images() -> None:
    text = "<!-- <br> -->\n\n<!--\n<img src=/a.png>\n-->\n\n<img src=/b.png>\n"
    first, second = refs(text)
    assert (first.skip, first.line) == (SkipReason.COMMENT, 4)
    assert second.skip is None


def test_comment_opener_inside_code_span_is_not_a_comment() -> None:
    assert only("`<!--` ![a](/a.png) `-->`").skip is None


@pytest.mark.parametrize("element", ["script", "style", "pre", "code", "template", "textarea"])
def test_html_raw_text_elements_skip_images(element: str) -> None:
    text = f'<{element} class="x"><img src=/a.png></{element}><img src=/b.png>'
    first, second = refs(text, markdown=False)
    assert (first.skip, second.skip) == (SkipReason.CODE, None)


def test_liquid_highlight_and_comment_blocks_skip_images() -> None:
    text = (
        "{% highlight html linenos %}\n<img src=/a.png>\n{% endhighlight %}\n"
        "{%- comment -%}\n![b](/b.png)\n{%- endcomment -%}\n![c](/c.png)\n"
    )
    a, b, c = refs(text)
    assert (a.skip, b.skip, c.skip) == (SkipReason.CODE, SkipReason.COMMENT, None)


def test_html_file_ignores_markdown_syntax() -> None:
    assert refs("<p>![a](/a.png)</p>", markdown=False) == ()


# --- paths kept as written ---------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "/assets/%ED%95%9C.jpg",
        "/assets/한글 사진.jpg",
        "/a.jpg?v=2",
        "/a.jpg#frag",
        "/my%20photo.jpg",
    ],
)
def test_src_kept_as_written(src: str) -> None:
    assert only(f'<img src="{src}">').src == src


# --- generated markup --------------------------------------------------------------------


def test_encode_decode_original_round_trip() -> None:
    original = '<img src="/사진.jpg" width=400>'
    value = encode_original(original)
    assert "=" not in value and "+" not in value and "/" not in value
    assert decode_original(value) == original


def test_decode_original_rejects_damage() -> None:
    with pytest.raises(ValueError):
        decode_original("not*base64")
    with pytest.raises(ValueError):
        decode_original("abcde")  # no base64 text has this length
    with pytest.raises(ValueError):
        decode_original("_w")  # decodes to bytes that are not UTF-8


def _generated(original: str, outer: str = "{}") -> str:
    marker = encode_original(original)
    picture = (
        "<picture>\n  <source type=image/avif srcset=/v/a-400.avif>\n"
        '  <source type="image/webp" srcset="/v/a-400.webp">\n'
        f'  <img src="/v/a-400.jpg" width="400" height="300" data-assets-tool="{marker}">\n'
        "</picture>"
    )
    return outer.format(picture)


def test_generated_picture_is_one_ref_with_original_fields() -> None:
    original = '<img src="/assets/a.jpg" alt="Description" width=400>'
    markup = _generated(original)
    text = f"Before\n\n<center>{markup}</center>\n"
    ref = only(text)
    assert span(text, ref) == markup
    assert ref.kind is RefKind.GENERATED
    assert ref.original == original
    assert (ref.src, ref.alt, ref.width, ref.height, ref.line) == (
        "/assets/a.jpg",
        "Description",
        400,
        None,
        3,
    )


def test_generated_inside_outer_link_takes_its_attrs() -> None:
    markup = _generated("![a](/a.jpg)", outer='<a href="/v/a-1600.jpg" class="popup">{}</a>')
    text = f"x {markup} y"
    ref = only(text)
    assert span(text, ref) == markup
    assert ref.link_attrs == (("href", "/v/a-1600.jpg"), ("class", "popup"))
    assert (ref.src, ref.alt) == ("/a.jpg", "a")


def test_author_link_around_generated_markup_stays_outside_the_span() -> None:
    markup = _generated("<img src=/a.jpg>")
    text = f'<a href="/posts/other/">{markup}</a>'
    ref = only(text)
    assert span(text, ref) == markup
    assert ref.link_attrs is None


def test_marked_link_around_generated_markup_is_part_of_it() -> None:
    markup = _generated("<img src=/a.jpg>", outer='<a href="/x/big.jpg" data-assets-tool>{}</a>')
    ref = only(markup)
    assert span(markup, ref) == markup
    assert ref.link_attrs == (("href", "/x/big.jpg"), ("data-assets-tool", None))


def test_theme_popup_link_inside_generated_picture() -> None:
    marker = encode_original("![a](/a.jpg)")
    text = (
        '<p><picture><source type="image/avif" srcset="/v/a-800.avif 800w">'
        '<a href="/v/a-800.jpg" class="popup img-link">'
        f'<img src="/v/a-800.jpg" data-assets-tool="{marker}" loading="lazy"></a></picture></p>'
    )
    ref = only(text)
    assert span(text, ref) == text[3:-4]
    assert ref.link_attrs == (("href", "/v/a-800.jpg"), ("class", "popup img-link"))


def test_generated_original_link_wins() -> None:
    original = '<a href="/a.jpg"><img src="/a.jpg"></a>'
    markup = _generated(original, outer='<a href="/v/x.jpg">{}</a>')
    ref = only(markup)
    assert ref.link_attrs == (("href", "/a.jpg"),)


def test_generated_reference_image_resolves_through_definitions() -> None:
    markup = _generated("![The logo][logo]{: .shadow }")
    text = f"{markup}\n\n[logo]: /assets/logo.png\n"
    ref = only(text)
    assert (ref.src, ref.alt, ref.attrs) == ("/assets/logo.png", "The logo", (("class", "shadow"),))


def test_generated_plain_img_without_picture_in_html_file() -> None:
    marker = encode_original('<img src="/a.png" alt="A">')
    text = f'<p><img src="/v/a.webp" srcset="/v/a.webp 800w" data-assets-tool="{marker}"></p>'
    ref = only(text, markdown=False)
    assert span(text, ref) == text[3:-4]
    assert (ref.kind, ref.src, ref.alt) == (RefKind.GENERATED, "/a.png", "A")


def test_generated_markdown_original_in_html_file_is_read() -> None:
    # a built page (Jekyll's _site) holds the markup made from a Markdown source
    marker = encode_original("![a](/a.png)")
    ref = only(f'<img src="/v/a.webp" data-assets-tool="{marker}">', markdown=False)
    assert (ref.kind, ref.src, ref.alt, ref.original) == (
        RefKind.GENERATED,
        "/a.png",
        "a",
        "![a](/a.png)",
    )
    # its reference definition stayed in the source: the recorded source URL stands in
    marker = encode_original("![b][pic]")
    hint = 'data-assets-tool-from="/b.png"'
    ref = only(f'<img src="/v/b.webp" data-assets-tool="{marker}" {hint}>', markdown=False)
    assert (ref.src, ref.alt, ref.attrs) == ("", "b", (("data-assets-tool-from", "/b.png"),))


def test_generated_original_with_no_image_is_an_error() -> None:
    marker = encode_original("just text")
    with pytest.raises(ScanError, match="holds no image reference"):
        refs(f'<img src="/v/a.webp" data-assets-tool="{marker}">', markdown=False)


def test_generated_img_not_last_child_keeps_img_span() -> None:
    marker = encode_original("<img src=/a.png>")
    img = f'<img src="/v/a.jpg" data-assets-tool="{marker}">'
    text = f"<picture>{img}<source srcset=/x.webp></picture>"
    ref = only(text)
    assert span(text, ref) == img


def test_damaged_generated_marker_names_post_and_line() -> None:
    with pytest.raises(ScanError) as caught:
        refs('line one\n<img src="/v/a.jpg" data-assets-tool="%%%">')
    assert (caught.value.path, caught.value.line) == (POST, 2)


def test_damaged_generated_marker_in_comment_is_only_reported() -> None:
    ref = only('<!-- <img src="/v/a.jpg" data-assets-tool="%%%"> -->')
    assert (ref.kind, ref.skip, ref.original) == (RefKind.GENERATED, SkipReason.COMMENT, None)


# --- the seed post, Unicode, CRLF -------------------------------------------------------


def test_seed_post() -> None:
    text = SEED.read_text(encoding="utf-8")
    found = scan_text(text, SEED, markdown=True)
    lines = text.split("\n")
    assert [r.src for r in found.refs] == [
        f"/assets/img/photos/jenson/{n}.jpg" for n in range(1, 8)
    ]
    for ref in found.refs:
        assert (ref.kind, ref.width, ref.alt, ref.skip) == (
            RefKind.HTML,
            400,
            "Description of image",
            None,
        )
        assert span(text, ref) in lines[ref.line - 1]
        assert span(text, ref).startswith("<img ") and span(text, ref).endswith("width=400>")
    assert [r.line for r in found.refs] == [17, 23, 27, 35, 43, 58, 66]


def test_seed_post_with_crlf_line_endings() -> None:
    text = SEED.read_text(encoding="utf-8").replace("\n", "\r\n")
    found = scan_text(text, SEED, markdown=True).refs
    assert [r.line for r in found] == [17, 23, 27, 35, 43, 58, 66]
    assert all(span(text, r).startswith("<img src=") for r in found)


def test_korean_text_before_refs_keeps_offsets() -> None:
    text = (
        "---\ntitle: 한국어 제목 😭\n---\n"
        "가나다 😭 ![사진](/이미지/사진%201.jpg) 라마\r\n`코드 ![x](/x.png)`\r\n"
    )
    first, second = refs(text)
    assert span(text, first) == "![사진](/이미지/사진%201.jpg)"
    assert first.alt == "사진" and first.line == 4
    assert second.skip is SkipReason.CODE and second.line == 5


def test_lone_carriage_return_does_not_shift_code_blocks() -> None:
    text = "a\rb\n\n```\n![x](/x.png)\n```\n![y](/y.png)\n"
    first, second = refs(text)
    assert (first.skip, second.skip) == (SkipReason.CODE, None)


# --- liquid helper ------------------------------------------------------------------------


def test_expand_liquid_forms() -> None:
    assert expand_liquid("{{ site.baseurl }}/a.png", "https://x.io", "/blog") == "/blog/a.png"
    assert expand_liquid("{{'/a.png'|relative_url}}", "https://x.io", "/blog") == "/blog/a.png"
    assert expand_liquid('{{ "a.png" | absolute_url }}', "https://x.io", "") == "https://x.io/a.png"
    assert expand_liquid("{{ site.url }}{{ site.baseurl }}/a.png", "https://x.io", "") == (
        "https://x.io/a.png"
    )
    assert expand_liquid("{{ page.x }}") is None
    assert skip_reason("{% raw %}/a.png{% endraw %}") is SkipReason.LIQUID


# --- properties ---------------------------------------------------------------------------

_FILLER = st.text(alphabet=st.sampled_from(list("ab 가\n\r\t.#-*_>")), max_size=40)
_REFS = st.sampled_from(
    [
        "<img src=/a.png width=400>",
        '<img src="/한.jpg" alt="x">',
        "![a](/a.png)",
        '![a](/a.png "t"){: .shadow }',
        '<a href="/z.jpg"><img src="/z.jpg"></a>',
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_FILLER, _REFS), min_size=1, max_size=5), _FILLER)
def test_random_text_around_refs_does_not_shift_spans(
    parts: list[tuple[str, str]], tail: str
) -> None:
    text = "".join(f"{filler}\n\n{ref}\n\n" for filler, ref in parts) + tail
    found = [r for r in refs(text) if r.skip is None]
    assert [span(text, r) for r in found] == [ref for _, ref in parts]
    for ref in found:
        assert ref.line == text.count("\n", 0, ref.start) + 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_FILLER, _REFS), min_size=1, max_size=5))
def test_splicing_spans_out_and_back_is_identity(parts: list[tuple[str, str]]) -> None:
    text = "".join(f"{filler}\n\n{ref} " for filler, ref in parts)
    found = refs(text)
    spliced = text
    for ref in reversed(found):
        spliced = spliced[: ref.start] + "\x00" + spliced[ref.end :]
    pieces = iter(span(text, r) for r in found)
    restored = "".join(next(pieces) if ch == "\x00" else ch for ch in spliced)
    assert restored == text


def test_reference_definitions_with_crlf_line_endings() -> None:
    text = '![a][pic]\r\n\r\n[pic]: /img/a.png "T"\r\nmore\r\n'
    refs = scan_text(text, Path("p.md"), markdown=True).refs
    assert [(r.src, r.title, text[r.start : r.end]) for r in refs] == [
        ("/img/a.png", "T", "![a][pic]")
    ]
