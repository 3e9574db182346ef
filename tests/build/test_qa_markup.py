"""Markup the author already wrote around an image: replaced as a whole, never nested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.photogen import make_photo
from tests.helpers import elements, run_cli, tree_digest

PHOTO = make_photo(480, 360, seed=21, orientation=1)


def _one_photo_site(tmp_path: Path) -> tuple[Path, Path]:
    """A site with one photo at /img/a.jpg; returns its root and the (unwritten) post path."""
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/a.jpg").write_bytes(PHOTO)
    return root, root / "_posts/2025-01-01-p.md"


AUTHOR_PICTURES = {
    "plain": (
        '<picture><source srcset="/img/a.jpg" type="image/jpeg">'
        '<img src="/img/a.jpg" alt="hand"></picture>'
    ),
    "spaced": (
        '<picture>\n  <source media="(min-width: 800px)" srcset="/img/a.jpg">\n'
        '  <img src="/img/a.jpg" alt="hand">\n</picture>'
    ),
    # what Chirpy makes of an author's <picture>: its lightbox link inside the picture
    "chirpy": (
        '<picture><source srcset="/img/a.jpg"><a href="/img/a.jpg" class="popup img-link">'
        '<img src="/img/a.jpg" alt="hand"></a></picture>'
    ),
    "linked": (
        '<a href="/img/a.jpg"><picture><source srcset="/img/a.jpg">'
        '<img src="/img/a.jpg" alt="hand"></picture></a>'
    ),
}


@pytest.mark.parametrize("name", sorted(AUTHOR_PICTURES))
@pytest.mark.parametrize("page", ["_posts/2025-01-01-p.md", "p/index.html"])
def test_author_picture_is_replaced_not_nested(tmp_path: Path, name: str, page: str) -> None:
    root = tmp_path / "site"
    post = root / page
    post.parent.mkdir(parents=True)
    original = f"---\ntitle: p\n---\nBefore.\n\n{AUTHOR_PICTURES[name]}\n\nAfter.\n"
    if page.endswith(".html"):
        original = f"<html><body>\n<p>Before.</p>\n{AUTHOR_PICTURES[name]}\n</body></html>\n"
    else:
        (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    post.write_text(original, encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/a.jpg").write_bytes(PHOTO)

    result = run_cli("build", root, "--markup", "picture", "--workers", "1")
    assert result.returncode == 0, result.stderr
    text = post.read_text(encoding="utf-8")
    found = elements(text)
    pictures = [el for el in found if el.tag == "picture"]
    assert len(pictures) == 1, text
    assert pictures[0].parent != "picture"
    assert [el.parent for el in found if el.tag == "img"] == ["picture"]
    assert "/img/a.jpg" not in " ".join(str(el.attrs) for el in found if el.tag != "img"), text
    assert "Before." in text

    before = tree_digest(root)
    again = run_cli("build", root, "--markup", "picture", "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert tree_digest(root) == before
    assert run_cli("build", root, "--markup", "picture", "--check").returncode == 0
    assert run_cli("build", root, "--revert").returncode == 0
    assert post.read_text(encoding="utf-8") == original


def test_a_post_naming_a_variant_keeps_it_as_written(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/a.jpg").write_bytes(PHOTO)
    (root / "img/b.jpg").write_bytes(make_photo(400, 300, seed=22, orientation=1))
    first = root / "_posts/2025-01-01-first.md"
    first.write_text("![a](/img/a.jpg)\n", encoding="utf-8")
    assert run_cli("build", root, "--workers", "1").returncode == 0
    variant = sorted((root / "assets/img/variants").glob("a-*.jpg"))[0]
    second = root / "_posts/2025-01-02-second.md"
    naming = f"![copy](/assets/img/variants/{variant.name})\n"
    second.write_text(naming, encoding="utf-8")
    first.write_text("![b](/img/b.jpg)\n", encoding="utf-8")  # a.jpg's variants are now stale

    result = run_cli("build", root, "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert second.read_text(encoding="utf-8") == naming  # no variants of a variant
    assert variant.is_file()  # the stale photo's other variants go, this one stays
    assert not list((root / "assets/img/variants").glob(f"{variant.stem}-*"))
    assert any("already a variant" in line for line in json.loads(result.stdout)["skipped"])
    scan = run_cli("scan", root)
    assert f"second.md:1: /assets/img/variants/{variant.name}" in scan.stdout
    assert "already a variant" in scan.stdout


def test_author_sizes_and_loading_are_kept(tmp_path: Path) -> None:
    root, post = _one_photo_site(tmp_path)
    post.write_text(
        # mid-line, so both become <picture>s (first on a line they would be <img>s)
        'Hero: <img src="/img/a.jpg" srcset="/img/a.jpg 480w"'
        ' sizes="(min-width: 60em) 50vw, 100vw"'
        ' loading="eager" decoding="sync" alt="hero">\n\nPlain: ![plain](/img/a.jpg)\n',
        encoding="utf-8",
    )
    result = run_cli("build", root, "--markup", "picture", "--workers", "1")
    assert result.returncode == 0, result.stderr
    text = post.read_text(encoding="utf-8")
    hero, plain = [el.attrs for el in elements(text) if el.tag == "img"]
    assert hero["sizes"] == "(min-width: 60em) 50vw, 100vw"
    assert (hero["loading"], hero["decoding"]) == ("eager", "sync")
    assert "/img/a.jpg" not in (hero["srcset"] or "")
    sources = [el.attrs for el in elements(text) if el.tag == "source"]
    assert {s["sizes"] for s in sources} == {hero["sizes"], plain["sizes"]}
    assert (plain["sizes"], plain["loading"], plain["decoding"]) == (
        "(max-width: 480px) 100vw, 480px",  # a 480 px photo is narrower than the column
        "lazy",
        "async",
    )
    assert text.count("loading=") == 2


@pytest.mark.parametrize("markup", ["picture", "img"])
def test_markdown_link_to_the_image_itself_opens_a_variant(tmp_path: Path, markup: str) -> None:
    root, post = _one_photo_site(tmp_path)
    original = (
        'Zoom: [![zoom](/img/a.jpg)](/img/a.jpg "Open")\n\n'
        "Elsewhere: [![away](/img/a.jpg)](https://example.com/)\n\n"
        '<a href="https://example.com/"><img src="/img/a.jpg" alt="html"></a>\n'
    )
    post.write_text(original, encoding="utf-8")
    result = run_cli("build", root, "--markup", markup, "--workers", "1")
    assert result.returncode == 0, result.stderr
    text = post.read_text(encoding="utf-8")
    # no lightbox link of ours inside the author's links to elsewhere (nested links)
    links = [el for el in elements(text) if el.tag == "a"]
    assert [el.attrs["href"] for el in links][1:] == ["https://example.com/"], text
    assert (links[0].attrs["href"] or "").startswith("/assets/img/variants/")
    assert links[0].attrs["title"] == "Open"
    assert "](/img/a.jpg" not in text
    assert "[<" in text and "](https://example.com/)" in text  # a link elsewhere stays Markdown
    before = tree_digest(root)
    assert run_cli("build", root, "--markup", markup, "--workers", "1").returncode == 0
    assert tree_digest(root) == before
    assert run_cli("build", root, "--revert").returncode == 0
    assert post.read_text(encoding="utf-8") == original


def test_a_width_in_percent_stays_the_authors_layout(tmp_path: Path) -> None:
    root, post = _one_photo_site(tmp_path)
    post.write_text(
        '<img src="/img/a.jpg" width="50%" alt="half">\n\n![ial](/img/a.jpg){: width="60%" }\n\n'
        '<img src="/img/a.jpg" width="240" alt="pixels">\n',
        encoding="utf-8",
    )
    result = run_cli("build", root, "--markup", "picture", "--workers", "1")
    assert result.returncode == 0, result.stderr
    text = post.read_text(encoding="utf-8")
    half, ial, pixels = [el.attrs for el in elements(text) if el.tag == "img"]
    assert (half["width"], "height" in half) == ("50%", False)
    assert (ial["width"], "height" in ial) == ("60%", False)
    assert (pixels["width"], pixels["height"]) == ("240", "180")
    before = tree_digest(root)
    assert run_cli("build", root, "--markup", "picture", "--workers", "1").returncode == 0
    assert tree_digest(root) == before


def test_front_matter_image_is_cleaned_without_unused_variants(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/cover.jpg").write_bytes(make_photo(480, 360, seed=23))  # with GPS
    (root / "img/a.jpg").write_bytes(PHOTO)
    post = root / "_posts/2025-01-01-p.md"
    post.write_text(
        '---\nimage:\n  path: /img/cover.jpg\n---\n<img src="/img/a.jpg" width=200 alt=a>\n',
        encoding="utf-8",
    )
    result = run_cli("build", root, "--json", "--workers", "1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["locations_removed"] == 2
    variants = sorted(p.name for p in (root / "assets/img/variants").glob("*.*"))
    assert variants and not [name for name in variants if name.startswith("cover")]
    assert report["bytes_after"] > (root / "img/cover.jpg").stat().st_size
    assert run_cli("build", root, "--check").returncode == 0


def test_output_dir_in_the_photos_folder_keeps_them_originals(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("assets_tool:\n  output_dir: img\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/a.jpg").write_bytes(PHOTO)
    post = root / "_posts/2025-01-01-p.md"
    post.write_text("![a](/img/a.jpg)\n", encoding="utf-8")
    result = run_cli("build", root, "--markup", "picture", "--workers", "1")
    assert result.returncode == 0, result.stderr
    urls = [el.attrs["src"] or "" for el in elements(post.read_text()) if el.tag == "img"]
    assert urls and urls[0].startswith("/img/a-")
    before = tree_digest(root)
    assert run_cli("build", root, "--markup", "picture", "--workers", "1").returncode == 0
    assert tree_digest(root) == before
