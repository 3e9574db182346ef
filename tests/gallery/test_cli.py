"""`assets-tool gallery` end to end through the CLI on small tagged photos.

Oracles: Pillow decodes every variant, exiftool reads the output's metadata, the HTML parser
of tests/helpers.py reads the pages; links are followed on disk.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.gallery.conftest import GPS, POST, STAGE_ALT, tagged_photo, write
from tests.helpers import CLI, elements, run_cli, srcset_urls, tree_digest


def _album(tmp_path: Path) -> Path:
    photos = tmp_path / "photos"
    # names sort one way, capture dates (with offsets) the other way
    write(photos / "IMG_10.jpg", tagged_photo(1, date="2025:01:06 09:00:00", offset="-08:00"))
    write(photos / "IMG_2.jpg", tagged_photo(2, date="2025:01:06 18:00:00", offset="+01:00"))
    write(photos / "IMG_9.jpg", tagged_photo(3, date=None, description="No date here"))
    write(photos / "Trip" / "b.jpg", tagged_photo(4, alt="A red stage under lights"))
    write(photos / "Trip" / "a.jpg", tagged_photo(5, description="Keynote crowd"))
    write(photos / "Trip" / "Day 2" / "c.jpg", tagged_photo(6))
    (photos / "IMG_2.jpg.txt").write_text("Caption from the sidecar\n", encoding="utf-8")
    return photos


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The test album and a first build of it (tests copy both, so their builds reuse it)."""
    base = tmp_path_factory.mktemp("built")
    photos, out = _album(base), base / "out"
    result = run_cli("gallery", photos, "-o", out)
    assert result.returncode == 0, result.stderr
    return photos, out


def _copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """Copy the album and its built gallery into tmp_path; return (photos, out)."""
    shutil.copytree(built[0], tmp_path / "photos")
    shutil.copytree(built[1], tmp_path / "out")
    return tmp_path / "photos", tmp_path / "out"


def _grid_links(page: Path) -> list[str]:
    return [
        e.attrs["href"] or ""
        for e in elements(page.read_text())
        if e.tag == "a" and "thumb" in (e.attrs.get("class") or "")
    ]


def test_gallery_builds_albums_pages_and_pictures(tmp_path: Path) -> None:
    photos, out = _album(tmp_path), tmp_path / "out"  # a fresh build, from nothing
    result = run_cli("gallery", photos, "-o", out, "--title", "CES", "--page-size", "2")
    assert result.returncode == 0, result.stderr
    assert f"gallery: {out / 'index.html'}" in result.stdout
    # IMG_2 (17:00 UTC) was taken before IMG_10 (17:00 UTC + 1 h); IMG_9 has no date: last
    assert _grid_links(out / "index.html") == ["img-2.html", "img-10.html"]
    assert _grid_links(out / "page-2.html") == ["img-9.html"]
    index = elements((out / "index.html").read_text())
    cards = [e.attrs["href"] for e in index if e.tag == "a" and e.parent == "li"]
    assert "trip/index.html" in cards
    decoded: dict[Path, str] = {}
    for page in out.rglob("*.html"):
        html = page.read_text()
        found = elements(html)
        imgs = [e for e in found if e.tag == "img"]
        assert imgs, page
        for i, img in enumerate(imgs):
            assert img.attrs["width"] and img.attrs["height"], page
            assert "background-color: #" in (img.attrs.get("style") or "")
            if i == 0:
                assert (img.attrs.get("loading"), img.attrs.get("fetchpriority")) == (
                    "eager",
                    "high",
                ), page
            else:
                assert (img.attrs.get("loading"), img.attrs.get("decoding")) == ("lazy", "async")
            assert not re.search(r"img[-_ ]?\d|\.jpe?g", img.attrs["alt"] or "", re.I), page
        types = [e.attrs["type"] for e in found if e.tag == "source"][:2]
        assert types == ["image/avif", "image/webp"], page
        for element in found:
            for url in _urls(element):
                target = (page.parent / url).resolve()
                assert target.is_file(), f"{page}: {url}"
                assert not url.startswith(("/", "http")), url
        for source in (e for e in found if e.tag == "source"):
            for entry in (source.attrs["srcset"] or "").split(", "):
                url, width = entry.split()
                decoded.setdefault((page.parent / url).resolve(), width)
    for variant, width in decoded.items():
        with Image.open(variant) as im:
            im.load()
            assert f"{im.width}w" == width, variant
    photo_page = (out / "img-10.html").read_text()
    assert 'rel="prev" href="img-2.html"' in photo_page.replace(
        'href="img-2.html" rel="prev"', 'rel="prev" href="img-2.html"'
    )
    assert 'href="page-2.html"' in photo_page or 'href="img-9.html"' in photo_page
    assert 'href="index.html">Back to the album' in photo_page
    # captions: sidecar, XMP description; alt: IPTC accessibility text, else caption, else a
    # sentence from album and date
    assert "Caption from the sidecar" in (out / "img-2.html").read_text()
    trip = (out / "trip" / "index.html").read_text()
    alts = [e.attrs["alt"] for e in elements(trip) if e.tag == "img"]
    assert "A red stage under lights" in alts and "Keynote crowd" in alts
    assert any(a.startswith("Photo from Day 2") for a in alts)  # the sub-album's cover
    # one exiftool run over every variant: each file reports no location tag at all
    read = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", "-ee", "-gps:all", "-location:all", out / "media"],
        capture_output=True,
        text=True,
        check=True,
    )
    reports = json.loads(read.stdout)
    assert len(reports) == len(list((out / "media").iterdir()))
    assert all(set(r) == {"SourceFile"} for r in reports), reports
    assert str(GPS[0])[:6] not in "".join(p.read_text() for p in out.rglob("*.html"))


def _urls(element) -> list[str]:
    attrs = element.attrs
    if element.tag == "a":
        return [attrs["href"]] if attrs.get("href") and not attrs["href"].startswith("#") else []
    if element.tag in ("img", "source"):
        return [*([attrs["src"]] if attrs.get("src") else []), *srcset_urls(attrs.get("srcset"))]
    if element.tag in ("link", "script"):
        url = attrs.get("href") or attrs.get("src") or ""
        return [] if url == "data:," else [url]  # the empty favicon: no request at all
    return []


def test_bad_file_is_one_line_and_the_rest_is_built(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    photos, out = _copy(built, tmp_path)
    good = tagged_photo(7)
    write(photos / "broken.jpg", good[: len(good) // 2])
    write(photos / "notes.png", b"not an image at all")
    result = run_cli("gallery", photos, "-o", out)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, result.stderr
    assert any("broken.jpg" in e for e in errors) and any("notes.png" in e for e in errors)
    assert "6 photos in 3 albums" in result.stderr
    assert (out / "img-10.html").is_file() and not (out / "broken.html").exists()


def test_rebuild_encodes_only_what_changed_and_removes_deleted(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    photos, out = _copy(built, tmp_path)
    media = {p.name: p.stat().st_mtime_ns for p in (out / "media").iterdir()}
    again = run_cli("gallery", photos, "-o", out)
    assert again.returncode == 0 and "0 photos encoded" in again.stderr, again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (out / "media").iterdir()} == media
    # one photo deleted, one replaced, one caption changed
    (photos / "Trip" / "a.jpg").unlink()
    write(photos / "Trip" / "b.jpg", tagged_photo(40, alt="A new stage"))
    (photos / "IMG_2.jpg.txt").write_text("A changed caption", encoding="utf-8")
    third = run_cli("gallery", photos, "-o", out)
    assert third.returncode == 0, third.stderr
    assert "1 photos encoded" in third.stderr, third.stderr
    assert not (out / "trip" / "a.html").exists()
    names = {p.name for p in (out / "media").iterdir()}
    assert not any(n.startswith("a-") for n in names)
    assert len([n for n in names if n.startswith("b-")]) == len(
        [n for n in media if n.startswith("b-")]
    )
    assert "A changed caption" in (out / "img-2.html").read_text()


def _opened(tmp_path: Path, *args: str | Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run the CLI under strace (workers included); return the run and every file it opened."""
    log = tmp_path / "strace.log"
    trace = ["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", log]
    command = [str(c) for c in (*trace, *CLI, *args)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return result, log.read_text()


def test_warm_rebuild_opens_no_unchanged_photo(built: tuple[Path, Path], tmp_path: Path) -> None:
    photos, out = _copy(built, tmp_path)  # copies: new inodes, so this first run reads them
    assert run_cli("gallery", photos, "-o", out).returncode == 0
    before = tree_digest(out)
    warm, opened = _opened(tmp_path, "gallery", photos, "-o", out)
    assert warm.returncode == 0 and "0 photos encoded" in warm.stderr, warm.stderr
    photo_opened = re.compile(rf'"({re.escape(str(photos))}/[^"]+\.jpg)"')
    assert not photo_opened.findall(opened)  # not one photo (its sidecars are read)
    assert tree_digest(out) == before  # the very same output, state file included
    # same size, same modification time, other bytes: only the change time tells
    photo = photos / "Trip" / "a.jpg"
    data, stat = photo.read_bytes(), photo.stat()
    photo.write_bytes(data.replace(b"Apple", b"APPLE", 1))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert photo.stat().st_size == stat.st_size and photo.stat().st_mtime_ns == stat.st_mtime_ns
    changed, opened = _opened(tmp_path, "gallery", photos, "-o", out)
    assert changed.returncode == 0 and "1 photos encoded" in changed.stderr, changed.stderr
    assert set(photo_opened.findall(opened)) == {str(photo)}
    assert "APPLE iPhone 15 Pro" in (out / "trip" / "a.html").read_text()


def test_markdown_sidecar_is_rendered_without_raw_html(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    photos, out = _copy(built, tmp_path)
    (photos / "Trip" / "a.jpg.md").write_text(
        "A *bright* stage, [the keynote](https://example.com/k) <script>alert(1)</script>\n",
        encoding="utf-8",
    )
    (photos / "IMG_2.jpg.txt").write_text("Plain *text* stays", encoding="utf-8")
    assert run_cli("gallery", photos, "-o", out).returncode == 0
    page = (out / "trip" / "a.html").read_text()
    found = elements(page)
    assert "A <em>bright</em> stage" in page
    link = next(e for e in found if e.tag == "a" and e.attrs.get("href") == "https://example.com/k")
    assert link.attrs["rel"] == "noopener"
    assert [e.attrs.get("src") for e in found if e.tag == "script"] == []  # none in the caption
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    grid = elements((out / "trip" / "index.html").read_text())
    alts = [e.attrs["alt"] for e in grid if e.tag == "img"]
    assert "A bright stage, the keynote <script>alert(1)</script>" in alts  # plain text
    assert "Plain *text* stays" in (out / "img-2.html").read_text()  # .txt is not Markdown


def test_from_site_makes_an_album_of_one_post_in_its_order(
    post_gallery: tuple[Path, Path, str],
) -> None:
    site, out, stderr = post_gallery
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(site / POST) in errors[0], stderr
    assert "missing.jpg" in errors[0]
    assert "7 photos in 1 albums" in stderr
    pages = ["index.html", "page-2.html", "page-3.html"]
    links = [link for page in pages for link in _grid_links(out / page)]
    assert links == ["6.html", "1.html", "2.html", "3.html", "4.html", "5.html", "7.html"]
    index = (out / "index.html").read_text()
    assert "<h1>[CES 2025] 젠슨 황 NVIDIA CEO 기조연설 직관 후기 (1)</h1>" in index
    alts = [e.attrs["alt"] for e in elements(index) if e.tag == "img"]
    assert alts == [STAGE_ALT, "Description of image", "Description of image"]
    assert f'<h1 class="photo-title">{STAGE_ALT}</h1>' in (out / "6.html").read_text()
    for variant in (out / "media").iterdir():
        with Image.open(variant) as im:
            assert im.height > im.width  # upright: the photos are stored sideways


def test_settings_file_and_unknown_keys(built: tuple[Path, Path], tmp_path: Path) -> None:
    photos, out = _copy(built, tmp_path)
    (photos / "gallery.toml").write_text('title = "From TOML"\npage_size = 1\n', encoding="utf-8")
    assert run_cli("gallery", photos, "-o", out).returncode == 0
    assert "<h1>From TOML</h1>" in (out / "index.html").read_text()
    assert (out / "page-3.html").is_file()
    (photos / "gallery.toml").write_text("page_sise = 10\n", encoding="utf-8")
    bad = run_cli("gallery", photos, "-o", out)
    assert bad.returncode == 1
    assert "gallery.toml: unknown setting `page_sise`" in bad.stderr


def test_thumbnail_widths_have_their_own_quality(built: tuple[Path, Path], tmp_path: Path) -> None:
    photos, out = _copy(built, tmp_path)
    write(photos / "wide.jpg", tagged_photo(8, size=(1200, 900)))
    assert run_cli("gallery", photos, "-o", out).returncode == 0

    def avif() -> tuple[dict[str, int], dict[str, int]]:
        found = {p.name: p.stat().st_size for p in (out / "media").glob("wide-*.avif")}
        small = {n: size for n, size in found.items() if int(n.split("-")[1]) <= 540}
        return small, {n: size for n, size in found.items() if n not in small}

    small, large = avif()
    assert len(small) == 2 and len(large) == 3  # 360, 540 | 720, 1080 and its own 1200
    (photos / "gallery.toml").write_text("thumbnail_avif_quality = 20\n", encoding="utf-8")
    assert run_cli("gallery", photos, "-o", out).returncode == 0
    small_after, large_after = avif()
    assert large_after == large  # the photo page's widths: the same files
    assert set(small_after).isdisjoint(small) and len(small_after) == 2  # new names...
    assert sum(small_after.values()) < sum(small.values())  # ...at the lower quality


def test_privacy_gate_fails_on_a_coordinate_planted_in_a_theme(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    photos, built_out = _copy(built, tmp_path)
    out = tmp_path / "variants"
    theme = tmp_path / "theme"
    base = (Path(__file__).parents[2] / "assets_tool/gallery/templates/photo.html").read_text()
    for name, planted in (("decimal", "36.0909"), ("degrees", "36\u00b0 5\u2032 27\u2033 N")):
        write(
            theme / "templates" / "photo.html",
            base.replace("{% endblock %}", f"<p>Taken at {planted}</p>{{% endblock %}}").encode(),
        )
        shutil.copytree(built_out, out / name)
        result = run_cli("gallery", photos, "-o", out / name, "--theme", theme)
        assert result.returncode == 1, name
        assert re.search(rf"error: {re.escape(str(out / name))}/\S+\.html:\d+: ", result.stderr)
        assert "privacy gate: " in result.stderr and "gallery:" not in result.stdout
    clean = run_cli("gallery", photos, "-o", built_out)
    assert clean.returncode == 0 and "privacy gate: clean" in clean.stderr


def test_clean_originals_keep_pixels_and_lose_location(
    built: tuple[Path, Path], tmp_path: Path, exiftool
) -> None:
    photos, out = _copy(built, tmp_path)
    assert run_cli("gallery", photos, "-o", out, "--originals", "clean").returncode == 0
    originals = sorted((out / "originals").iterdir())
    assert len(originals) == 6
    html = (out / "img-10.html").read_text()
    link = next(e.attrs["href"] for e in elements(html) if e.tag == "a" and "download" in e.attrs)
    published = (out / posixpath.normpath(link or "")).resolve()
    tags = exiftool(published, "-ee")
    assert not any(k.startswith("GPS:") for k in tags)
    assert tags["IFD0:Make"] == "Apple" and "ExifIFD:DateTimeOriginal" in tags
    with Image.open(published) as a, Image.open(photos / "IMG_10.jpg") as b:
        assert a.tobytes() == b.tobytes()
    assert not (built[1] / "originals").exists()  # the default publishes none
    again = run_cli("gallery", photos, "-o", out)
    assert again.returncode == 0 and not (out / "originals").exists()  # removed once unwanted


def test_a_theme_overrides_templates_and_static_files(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    photos, out = _copy(built, tmp_path)
    theme = photos / "my-theme"
    write(theme / "static" / "gallery.css", b"body { background: plum; }\n")
    write(theme / "static" / "extra.txt", b"hello\n")
    (photos / "gallery.toml").write_text('theme = "my-theme"\n', encoding="utf-8")
    result = run_cli("gallery", photos, "-o", out)
    assert result.returncode == 0, result.stderr
    assert (out / "static" / "gallery.css").read_bytes() == b"body { background: plum; }\n"
    assert (out / "static" / "extra.txt").is_file() and (out / "static" / "lightbox.js").is_file()
    # templates fail loudly on a misspelt variable, naming the template
    write(theme / "templates" / "album.html", b"<h1>{{ titel }}</h1>\n")
    broken = run_cli("gallery", photos, "-o", out)
    assert broken.returncode == 1
    assert re.search(
        r"error: \S+my-theme/templates/album\.html: 'titel' is undefined", broken.stderr
    )
