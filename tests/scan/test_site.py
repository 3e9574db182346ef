"""The site: config reading, finding posts, and resolving a src to a file safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assets_tool.config import Config
from assets_tool.errors import ConfigError, ResolveError
from assets_tool.models import ImageRef, RefKind
from assets_tool.scan.site import Site, find_posts, open_site, resolve


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    touch(
        root / "_config.yml",
        "url: https://me.github.io\nbaseurl: /blog/\ntheme: jekyll-theme-chirpy\n",
    )
    touch(root / "_posts" / "2025-01-06-post.md")
    touch(root / "assets" / "img" / "photos" / "jenson" / "1.jpg", "jpeg")
    touch(root / "assets" / "img" / "한글 사진.jpg", "jpeg")
    touch(root / "assets" / "img" / "literal%20name.jpg", "jpeg")
    touch(root / "assets" / "img" / "post" / "cover.png", "png")
    touch(root / "assets" / "img" / "Photo.JPG", "jpeg")
    touch(root / "_posts" / "local.png", "png")
    return root


@pytest.fixture
def site(site_root: Path) -> Site:
    return open_site(site_root, Config())


def ref(src: str, post: Path | None = None, line: int = 7) -> ImageRef:
    return ImageRef(
        post=post or Path("/nowhere/_posts/2025-01-06-post.md"),
        line=line,
        start=0,
        end=1,
        kind=RefKind.HTML,
        src=src,
    )


def post_ref(site: Site, src: str) -> ImageRef:
    return ref(src, site.root / "_posts" / "2025-01-06-post.md")


# --- open_site ----------------------------------------------------------------------------


def test_open_site_reads_config(site: Site, site_root: Path) -> None:
    assert site.root == site_root.resolve()
    assert (site.url, site.baseurl, site.theme, site.built) == (
        "https://me.github.io",
        "/blog",
        "chirpy",
        False,
    )


def test_config_overrides_site_url(site_root: Path) -> None:
    site = open_site(site_root, Config(url="https://example.org/", baseurl="docs"))
    assert (site.url, site.baseurl) == ("https://example.org", "/docs")


def test_open_site_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        open_site(tmp_path / "nope", Config())
    with pytest.raises(ConfigError):
        open_site(touch(tmp_path / "file.md"), Config())


def test_known_theme_from_theme_remote_theme_or_gemfile(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "_config.yml", "remote_theme: cotes2020/jekyll-theme-chirpy\n")
    touch(tmp_path / "b" / "_config.yml", "title: b\n")
    touch(tmp_path / "b" / "Gemfile", 'gem "jekyll-theme-chirpy", "~> 7.2"\n')
    touch(tmp_path / "c" / "_config.yml", "theme: minima\n")
    themes = [open_site(tmp_path / n, Config()).theme for n in "abc"]
    assert themes == ["chirpy", "chirpy", "minima"]


def test_built_site_detected(tmp_path: Path) -> None:
    touch(tmp_path / "_site" / "index.html", "<p>")
    built = open_site(tmp_path / "_site", Config())
    assert built.built and built.url == "" and built.baseurl == ""


# --- find_posts ---------------------------------------------------------------------------


def test_find_posts_jekyll_layout(tmp_path: Path) -> None:
    """What Jekyll renders: posts, drafts, output collections, included and front-mattered pages."""
    root = tmp_path
    touch(
        root / "_config.yml",
        "exclude: [docs/, '*.bak.md']\ninclude: [_pages]\ncollections:\n"
        "  recipes:\n    output: true\n  tabs:\n    output: true\n  notes:\n    output: false\n",
    )
    page = "---\ntitle: t\n---\n"
    wanted = {
        "_posts/2025/2025-01-06-a.md": "x",  # a post needs no front matter
        "_posts/2025-01-07-b.markdown": "x",
        "blog/_posts/2025-01-08-c.md": "x",  # _posts in a category folder
        "_drafts/draft.md": "x",
        "_tabs/about.md": page,
        "_recipes/soup.md": page,
        "_pages/contact.md": page,  # named by include:
        "index.html": "<p>",  # HTML is published with or without front matter
        "about.md": page,
        "assets/page.md": page,  # any folder
    }
    unwanted = [
        "README.md",  # no front matter: copied as it is, never rendered
        "assets/notes.md",
        "_recipes/plain.md",  # a collection file without front matter is a static file
        "_notes/n.md",  # a collection without output: true
        "_hidden/h.md",
        ".github/x.md",
        "#scratch.md",
        "_site/index.html",
        "node_modules/pkg/readme.md",
        "vendor/bundle/gem.md",
        ".git/x.md",
        ".jekyll-cache/c.md",
        "_includes/head.html",
        "_layouts/post.html",
        "assets/img/variants/x.html",
        "docs/guide.md",
        "old.bak.md",
        "_posts/notes.txt",
        "_data/x.md",
        "_posts/node_modules/y.md",
        "Gemfile",
    ]
    for rel, text in wanted.items():
        touch(root / rel, text)
    for rel in unwanted:
        touch(root / rel, page if rel != "README.md" and not rel.endswith("notes.md") else "x")
    touch(root / "_recipes/plain.md", "x")
    site = open_site(root, Config())
    assert site.generator == "jekyll" and not site.built
    found = [p.relative_to(root).as_posix() for p in find_posts(site, Config())]
    assert found == sorted(wanted, key=lambda rel: Path(rel).parts)


def test_config_exclude_and_posts_globs(tmp_path: Path) -> None:
    touch(tmp_path / "_config.yml", "title: t\n")
    for rel in ("_posts/a.md", "_posts/private/b.md", "content/c.md", "content/d.md"):
        touch(tmp_path / rel)
    site = open_site(tmp_path, Config())
    config = Config(exclude=("_posts/private",))
    found = [p.relative_to(tmp_path).as_posix() for p in find_posts(site, config)]
    assert found == ["_posts/a.md"]
    custom = Config(posts=("content/*.md",), exclude=("content/d.md",))
    found = [p.relative_to(tmp_path).as_posix() for p in find_posts(site, custom)]
    assert found == ["content/c.md"]


def test_find_posts_built_site_every_html(tmp_path: Path) -> None:
    for rel in ("index.html", "posts/a/index.html", "node_modules/x.html", "feed.xml", "a.md"):
        touch(tmp_path / rel, "<p>")
    site = open_site(tmp_path, Config())
    found = [p.relative_to(tmp_path).as_posix() for p in find_posts(site, Config())]
    assert found == ["index.html", "posts/a/index.html"]


# --- resolve ------------------------------------------------------------------------------


def test_resolve_root_absolute(site: Site) -> None:
    source = resolve(site, post_ref(site, "/assets/img/photos/jenson/1.jpg"), None)
    assert source.path == site.root / "assets/img/photos/jenson/1.jpg"
    assert source.url == "/assets/img/photos/jenson/1.jpg"


@pytest.mark.parametrize(
    "src",
    [
        "/blog/assets/img/photos/jenson/1.jpg",
        "https://me.github.io/assets/img/photos/jenson/1.jpg",
        "http://me.github.io/blog/assets/img/photos/jenson/1.jpg",
        "//me.github.io/blog/assets/img/photos/jenson/1.jpg",
        "/assets/img/photos/jenson/1.jpg?v=2",
        "/assets/img/photos/jenson/1.jpg#frag",
        "{{ site.baseurl }}/assets/img/photos/jenson/1.jpg",
        "{{site.baseurl}}/assets/img/photos/jenson/1.jpg",
        "{{ '/assets/img/photos/jenson/1.jpg' | relative_url }}",
        '{{ "assets/img/photos/jenson/1.jpg" | absolute_url }}',
        "{{ site.url }}{{ site.baseurl }}/assets/img/photos/jenson/1.jpg",
    ],
)
def test_resolve_url_forms(site: Site, src: str) -> None:
    source = resolve(site, post_ref(site, src), None)
    assert source.url == "/assets/img/photos/jenson/1.jpg"


def test_resolve_percent_encoded_korean_and_raw_unicode(site: Site) -> None:
    encoded = "/assets/img/%ED%95%9C%EA%B8%80%20%EC%82%AC%EC%A7%84.jpg"
    for src in (encoded, "/assets/img/한글 사진.jpg"):
        assert resolve(site, post_ref(site, src), None).url == "/assets/img/한글 사진.jpg"


def test_resolve_literal_percent_in_file_name(site: Site) -> None:
    assert resolve(site, post_ref(site, "/assets/img/literal%20name.jpg"), None).url == (
        "/assets/img/literal%20name.jpg"
    )


def test_resolve_media_subpath(site: Site) -> None:
    source = resolve(site, post_ref(site, "cover.png"), "/assets/img/post/")
    assert source.url == "/assets/img/post/cover.png"
    # an absolute src ignores media_subpath
    source = resolve(site, post_ref(site, "/assets/img/Photo.JPG"), "/assets/img/post")
    assert source.url == "/assets/img/Photo.JPG"


def test_resolve_relative_tries_root_then_post_folder(site: Site) -> None:
    assert (
        resolve(site, post_ref(site, "assets/img/Photo.JPG"), None).url == "/assets/img/Photo.JPG"
    )
    assert resolve(site, post_ref(site, "local.png"), None).url == "/_posts/local.png"


def test_resolve_relative_in_built_site_uses_page_folder(tmp_path: Path) -> None:
    page = touch(tmp_path / "posts" / "a" / "index.html", "<p>")
    touch(tmp_path / "posts" / "a" / "pic.jpg")
    touch(tmp_path / "pic.jpg")
    site = open_site(tmp_path, Config())
    assert resolve(site, ref("pic.jpg", page), None).url == "/posts/a/pic.jpg"
    assert resolve(site, ref("../../pic.jpg", page), None).url == "/pic.jpg"


@pytest.mark.parametrize(
    "src", ["../../../../../../etc/passwd", "/../../../../../../etc/passwd", "/%2E%2E/%2E%2E/x"]
)
def test_resolve_refuses_traversal(site: Site, src: str) -> None:
    with pytest.raises(ResolveError, match="outside the site") as caught:
        resolve(site, post_ref(site, src), None)
    assert "keep images inside the site folder" in caught.value.message
    assert caught.value.line == 7


def test_resolve_refuses_symlink_escape(site: Site, tmp_path: Path) -> None:
    secret = touch(tmp_path / "secret.jpg", "private")
    os.symlink(secret, site.root / "assets" / "img" / "link.jpg")
    os.symlink(tmp_path, site.root / "assets" / "outside")
    for src in ("/assets/img/link.jpg", "/assets/outside/secret.jpg"):
        with pytest.raises(ResolveError, match="outside the site"):
            resolve(site, post_ref(site, src), None)


def test_resolve_symlink_inside_site_is_fine(site: Site) -> None:
    os.symlink(site.root / "assets" / "img" / "photos", site.root / "assets" / "alias")
    source = resolve(site, post_ref(site, "/assets/alias/jenson/1.jpg"), None)
    assert source.path == site.root / "assets/img/photos/jenson/1.jpg"
    assert source.url == "/assets/alias/jenson/1.jpg"


def test_resolve_missing_names_post_line_and_path(site: Site) -> None:
    with pytest.raises(ResolveError) as caught:
        resolve(site, post_ref(site, "/assets/img/nope.jpg"), None)
    message = caught.value.message
    assert message.startswith(f"{site.root / '_posts' / '2025-01-06-post.md'}:7: image not found")
    assert str(site.root / "assets/img/nope.jpg") in message
    assert "file names are case-sensitive" in message
    assert "did you mean" not in message


def test_resolve_missing_with_case_mismatch_hint(site: Site) -> None:
    with pytest.raises(ResolveError, match="case-sensitive") as caught:
        resolve(site, post_ref(site, "/Assets/img/photo.jpg"), None)
    assert "did you mean `/assets/img/Photo.JPG`" in caught.value.message


def test_resolve_folder_is_an_error(site: Site) -> None:
    with pytest.raises(ResolveError, match="folder"):
        resolve(site, post_ref(site, "/assets/img/photos"), None)


@pytest.mark.parametrize(
    ("src", "what"),
    [
        ("https://other.example/a.jpg", "not on this site"),
        ("file:///etc/passwd", "not on this site"),
        ("{{ page.cover }}", "Liquid"),
        ("?v=1", "empty"),
        ("/assets/a%00.jpg", "cannot read"),
    ],
)
def test_resolve_refuses_other_sources(site: Site, src: str, what: str) -> None:
    with pytest.raises(ResolveError, match=what):
        resolve(site, post_ref(site, src), None)
