"""Generator layouts: detection in one place, each generator's pages and published URLs, and
a relative src resolved against the page's URL rather than the source file's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets_tool.config import Config
from assets_tool.errors import ResolveError
from assets_tool.models import ImageRef, RefKind
from assets_tool.scan.eleventy import eleventy_page_url
from assets_tool.scan.hugo import hugo_page_url
from assets_tool.scan.site import find_posts, open_site, resolve, variants_dir


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ref(post: Path, src: str) -> ImageRef:
    return ImageRef(post=post, line=3, start=0, end=1, kind=RefKind.MARKDOWN, src=src)


def rel_posts(root: Path) -> list[str]:
    site = open_site(root, Config())
    return [p.relative_to(root).as_posix() for p in find_posts(site, Config())]


@pytest.mark.parametrize(
    ("files", "generator", "built"),
    [
        ({"hugo.toml": 'baseURL = "https://x.org/"\n'}, "hugo", False),
        ({"hugo.yaml": "title: t\n"}, "hugo", False),
        ({"config.toml": 'baseURL = "https://x.org/"\n', "content/a.md": "x"}, "hugo", False),
        ({"config/_default/hugo.json": '{"baseURL": "/"}'}, "hugo", False),
        ({"config.toml": 'title = "not hugo"\n'}, "", False),  # no baseURL: not a Hugo config
        ({".eleventy.js": "module.exports = () => ({})\n"}, "eleventy", False),
        ({"eleventy.config.mjs": "export default () => {}\n"}, "eleventy", False),
        ({"_config.yml": "title: t\n"}, "jekyll", False),
        ({"_posts/2025-01-01-a.md": "x"}, "jekyll", False),
        ({"index.html": "<p>"}, "html", True),
        ({"notes/a.md": "x"}, "", False),
    ],
)
def test_generator_detected(
    tmp_path: Path, files: dict[str, str], generator: str, built: bool
) -> None:
    for rel, text in files.items():
        touch(tmp_path / rel, text)
    site = open_site(tmp_path, Config())
    assert (site.generator, site.built) == (generator, built)


def test_built_folders_name_their_generator(tmp_path: Path) -> None:
    touch(tmp_path / "hugo" / "hugo.toml", 'baseURL = "https://x.org/"\n')
    touch(tmp_path / "hugo" / "public" / "index.html", "<p>")
    touch(tmp_path / "jekyll" / "_config.yml", "title: t\n")
    touch(tmp_path / "jekyll" / "_site" / "blog" / "index.html", "<p>")
    touch(tmp_path / "eleventy" / ".eleventy.js", "")
    touch(tmp_path / "eleventy" / "_site" / "index.html", "<p>")
    for name, folder in [("hugo", "public"), ("jekyll", "_site/blog"), ("eleventy", "_site")]:
        site = open_site(tmp_path / name / folder, Config())
        assert (site.generator, site.built) == (name, True)


def test_hugo_base_url_folders_and_pages(tmp_path: Path) -> None:
    touch(
        tmp_path / "hugo.toml",
        'baseURL = "https://me.example.org/blog/"\ncontentDir = "pages"\ntheme = "ananke"\n',
    )
    for rel in ("pages/_index.md", "pages/posts/a.md", "pages/posts/b/index.md", "README.md"):
        touch(tmp_path / rel)
    touch(tmp_path / "themes/ananke/layouts/index.html", "<p>")
    site = open_site(tmp_path, Config())
    assert (site.url, site.baseurl, site.theme) == ("https://me.example.org", "/blog", "ananke")
    assert rel_posts(tmp_path) == ["pages/_index.md", "pages/posts/a.md", "pages/posts/b/index.md"]
    assert variants_dir(site, "assets/img/variants") == tmp_path / "static/assets/img/variants"


@pytest.mark.parametrize(
    ("rel", "url"),
    [
        ("_index.md", "/"),
        ("posts/_index.md", "/posts/"),
        ("posts/First Trip.md", "/posts/first trip/"),
        ("posts/trip/index.md", "/posts/trip/"),
        ("about.html", "/about/"),
    ],
)
def test_hugo_page_url(rel: str, url: str) -> None:
    assert hugo_page_url(rel) == url


def test_hugo_relative_src_follows_the_published_url(tmp_path: Path) -> None:
    touch(tmp_path / "hugo.toml", 'baseURL = "https://x.org/"\n')
    bundle = touch(tmp_path / "content/posts/trip/index.md")
    single = touch(tmp_path / "content/posts/notes.md")
    touch(tmp_path / "content/posts/trip/lake.jpg", "jpeg")
    touch(tmp_path / "content/posts/beside.jpg", "jpeg")  # next to notes.md, never at its URL
    touch(tmp_path / "static/images/hill.jpg", "jpeg")
    touch(tmp_path / "static/posts/notes/own.jpg", "jpeg")
    site = open_site(tmp_path, Config())
    lake = resolve(site, ref(bundle, "lake.jpg"), None)
    assert (lake.path, lake.url) == (
        tmp_path / "content/posts/trip/lake.jpg",
        "/posts/trip/lake.jpg",
    )
    hill = resolve(site, ref(single, "/images/hill.jpg"), None)
    assert (hill.path, hill.url) == (tmp_path / "static/images/hill.jpg", "/images/hill.jpg")
    own = resolve(site, ref(single, "own.jpg"), None)  # /posts/notes/own.jpg, from static/
    assert own.path == tmp_path / "static/posts/notes/own.jpg"
    with pytest.raises(ResolveError, match=r"image not found: `beside\.jpg`"):
        resolve(site, ref(single, "beside.jpg"), None)  # the browser asks for /posts/notes/...


def test_eleventy_input_permalink_and_relative_src(tmp_path: Path) -> None:
    touch(
        tmp_path / ".eleventy.js",
        'module.exports = (c) => ({ dir: { input: "site", output: "_site" } });\n',
    )
    page = touch(tmp_path / "site/posts/trip.md", "---\npermalink: /trips/lake/\n---\n")
    plain = touch(tmp_path / "site/posts/notes.md", "---\ntitle: n\n---\n")
    touch(tmp_path / "site/index.md", "---\n---\n")
    touch(tmp_path / "site/_includes/layout.njk", "<p>")
    touch(tmp_path / "site/img/lake.jpg", "jpeg")
    touch(tmp_path / "_site/index.html", "<p>")
    site = open_site(tmp_path, Config())
    assert (site.generator, site.content_dir) == ("eleventy", "site")
    assert rel_posts(tmp_path) == ["site/index.md", "site/posts/notes.md", "site/posts/trip.md"]
    assert variants_dir(site, "assets/img/variants") == tmp_path / "site/assets/img/variants"
    found = resolve(site, ref(page, "../../img/lake.jpg"), None)  # /trips/lake/ -> /img/
    assert (found.path, found.url) == (tmp_path / "site/img/lake.jpg", "/img/lake.jpg")
    with pytest.raises(ResolveError, match="image not found"):
        resolve(site, ref(plain, "../img/lake.jpg"), None)  # /posts/notes/ -> /posts/img/


def test_eleventy_src_folder_is_the_default_input(tmp_path: Path) -> None:
    touch(tmp_path / "eleventy.config.js", "module.exports = function () {};\n")
    touch(tmp_path / "src/index.md")
    touch(tmp_path / "README.md")
    assert open_site(tmp_path, Config()).content_dir == "src"
    assert rel_posts(tmp_path) == ["src/index.md"]


@pytest.mark.parametrize(
    ("rel", "permalink", "url"),
    [
        ("index.md", None, "/"),
        ("blog/index.md", None, "/blog/"),
        ("blog/first.md", None, "/blog/first/"),
        ("blog/first.md", "/p/1/", "/p/1/"),
        ("blog/first.md", "/p/one.html", "/p/"),
        ("blog/first.md", "{{ page.fileSlug }}/", "/blog/first/"),  # templated: default URL
    ],
)
def test_eleventy_page_url(tmp_path: Path, rel: str, permalink: str | None, url: str) -> None:
    front = f"---\npermalink: {permalink!r}\n---\n" if permalink else "---\n---\n"
    page = touch(tmp_path / rel, front)
    assert eleventy_page_url(page, rel) == url
