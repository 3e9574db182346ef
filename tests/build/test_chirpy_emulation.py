"""The Chirpy post-processing emulation, one rule at a time."""

from __future__ import annotations

from tests.chirpy import refactor_content, src_of


def test_page_without_images_is_unchanged() -> None:
    page = "<p>Hello <b>world</b> / no images</p>\n"
    assert refactor_content(page) == page


def test_unlinked_image_is_wrapped_in_a_popup_link_to_its_src() -> None:
    page = '<p>a <img src="/x.jpg" alt="x"> b</p>'
    assert refactor_content(page) == (
        '<p>a <a href="/x.jpg" class="popup img-link">'
        '<img src="/x.jpg" alt="x" loading="lazy"></a> b</p>'
    )


def test_image_directly_followed_by_closing_a_is_not_wrapped() -> None:
    page = '<a href="/big.jpg"><img src="/x.jpg"></a>'
    assert refactor_content(page) == '<a href="/big.jpg"><img src="/x.jpg" loading="lazy"></a>'


def test_image_followed_by_anything_else_is_wrapped_even_inside_a_link() -> None:
    page = '<a href="/big.jpg"><img src="/x.jpg"> </a>'
    out = refactor_content(page)
    assert out.count("<a ") == 2
    assert (
        '<a href="/x.jpg" class="popup img-link"><img src="/x.jpg" loading="lazy"></a> </a>' in out
    )


def test_space_slash_is_removed_everywhere_inside_the_tag() -> None:
    page = '<img src="/a.jpg" srcset="/a.jpg 1x, /b.jpg 2x" alt="AC / DC" />'
    out = refactor_content(page)
    assert 'srcset="/a.jpg 1x,b.jpg 2x"' in out  # the second URL became relative
    assert 'alt="ACDC"' not in out and 'alt="AC DC"' in out
    assert out.endswith('alt="AC DC" loading="lazy"></a>')


def test_space_slash_outside_the_tag_is_kept() -> None:
    page = 'x / y <img src="/a.jpg"> z / w'
    assert refactor_content(page).endswith("</a> z / w")
    assert refactor_content(page).startswith("x / y <a ")


def test_loading_is_appended_only_when_missing() -> None:
    assert 'loading="lazy">' in refactor_content('<img src="/a.jpg">')
    out = refactor_content('<img src="/a.jpg" loading="eager">')
    assert "lazy" not in out
    assert 'loading="eager">' in out


def test_tag_without_src_drops_the_rest_of_the_page() -> None:
    page = '<p>before</p><img data-x="1"><p>after</p><img src="/b.jpg">'
    assert refactor_content(page) == "<p>before</p>"


def test_src_test_is_a_substring_test() -> None:
    # srcset= alone does not contain "src=": the page is cut
    assert refactor_content('<p>a</p><img srcset="/a.jpg 1x"><p>b</p>') == "<p>a</p>"
    # data-src= does: the tag is kept and wrapped, with an empty href
    out = refactor_content('<img data-src="/a.jpg"><p>b</p>')
    assert out.startswith('<a href="" class="popup img-link"><img data-src="/a.jpg"')
    assert out.endswith("<p>b</p>")


def test_only_img_followed_by_a_space_is_seen() -> None:
    page = '<img\nsrc="/a.jpg"><IMG SRC="/b.jpg">'
    assert refactor_content(page) == page


def test_every_image_of_a_page_is_handled() -> None:
    page = '<img src="/a.jpg"><p>t</p><img src="/b.jpg"></a><img src="/c.jpg">'
    out = refactor_content(page)
    assert out.count('class="popup img-link"') == 2
    assert '<a href="/a.jpg" ' in out and '<a href="/c.jpg" ' in out
    assert '<img src="/b.jpg" loading="lazy"></a>' in out


def test_unterminated_tag_is_left_alone() -> None:
    assert refactor_content('<p>x</p><img src="/a.jpg"') == '<p>x</p><img src="/a.jpg"'


def test_href_is_the_src_as_written() -> None:
    assert src_of('src="/a%20b.jpg?x=1&amp;y=2" alt="q"') == "/a%20b.jpg?x=1&amp;y=2"
    assert src_of("alt='x' src='/s.jpg'") == "/s.jpg"
    assert src_of("src=/bare.jpg alt=x") == "/bare.jpg"
    assert src_of('srcset="/a.jpg 1x" data-src="/b.jpg"') == ""
