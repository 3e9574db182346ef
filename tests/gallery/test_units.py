"""The gallery's pure parts on small inputs: sorting, settings, captions, layout, gate patterns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from assets_tool.errors import ConfigError
from assets_tool.gallery.albums import find_albums, natural_key, sort_photos
from assets_tool.gallery.captions import read_meta
from assets_tool.gallery.gate import CoordinateFinder
from assets_tool.gallery.layout import place, relative
from assets_tool.gallery.settings import from_mapping
from tests.gallery.conftest import tagged_photo, write


def test_natural_order_compares_numbers_as_numbers() -> None:
    names = ["IMG_10.jpg", "img_2.jpg", "IMG_1.jpg", "a.jpg"]
    assert sorted(names, key=natural_key) == ["a.jpg", "IMG_1.jpg", "img_2.jpg", "IMG_10.jpg"]


def test_sort_uses_the_offset_puts_undated_last_and_order_wins() -> None:
    a, b, c, d = (Path(n) for n in ("a.jpg", "b.jpg", "c.jpg", "d.jpg"))
    dates = {
        a: datetime(2025, 1, 6, 9, 0, tzinfo=timezone(timedelta(hours=-8))),  # 17:00 UTC
        b: datetime(2025, 1, 6, 17, 30, tzinfo=timezone(timedelta(hours=1))),  # 16:30 UTC
        c: None,
        d: datetime(2025, 1, 6, 17, 0, tzinfo=UTC),
    }
    photos = [a, b, c, d]
    assert sort_photos(photos, dates, "date", False) == [b, a, d, c]
    assert sort_photos(photos, dates, "date", True) == [d, a, b, c]
    assert sort_photos(photos, dates, "name", False) == [a, b, c, d]
    assert sort_photos(photos, dates, "date", False, ["c.jpg", "a.jpg"]) == [c, a, b, d]


def test_settings_name_unknown_and_mistyped_keys() -> None:
    with pytest.raises(ConfigError, match="unknown setting `colour`"):
        from_mapping({"colour": "red"}, Path("gallery.toml"))
    with pytest.raises(ConfigError, match="`page_size` must be a int"):
        from_mapping({"page_size": "ten"}, None)
    with pytest.raises(ConfigError, match="originals `all` is unknown"):
        from_mapping({"originals": "all"}, None)
    assert from_mapping({"page-size": 5, "widths": [300, 600]}, None).widths == (300, 600)


def test_captions_come_from_sidecar_then_xmp_and_alt_from_iptc(tmp_path: Path) -> None:
    photo = write(tmp_path / "p.jpg", tagged_photo(1, description="From XMP", alt="Alt text"))
    meta = read_meta(photo.read_bytes(), photo, {})
    assert (meta.caption.text, meta.alt) == ("From XMP", "Alt text")
    assert meta.taken == datetime(2025, 1, 6, 18, 40, tzinfo=UTC)
    assert ("Camera", "Apple iPhone 15 Pro") in meta.camera and ("Aperture", "f/1.8") in meta.camera
    (tmp_path / "p.jpg.md").write_text("---\nalt: Sidecar alt\n---\nSidecar *caption*\n")
    meta = read_meta(photo.read_bytes(), photo, {})
    assert (meta.caption.text, meta.alt) == ("Sidecar caption", "Sidecar alt")
    assert meta.caption.html == "Sidecar <em>caption</em>"
    other = write(tmp_path / "q.jpg", tagged_photo(2, description="From XMP"))
    assert read_meta(other.read_bytes(), other, {"q.jpg": "From index.yml"}).caption.text == (
        "From index.yml"
    )


def test_layout_keeps_names_unique_and_links_relative(tmp_path: Path) -> None:
    for name in ("index.jpg", "Index.png", "page-2.jpg", "a.jpg"):
        write(tmp_path / "top" / name, b"")
    write(tmp_path / "top" / "media" / "x.jpg", b"")
    root = find_albums(tmp_path / "top", "Top")
    order = {a.folder: sorted(a.photos) for a in root.walk()}
    placed = place(root, order, page_size=2)
    pages = [p.page for p in placed.photos]
    assert len(set(pages)) == 4 and "index.html" not in pages and "page-2.html" not in pages
    assert [p.album_page for p in placed.photos] == ["index.html"] * 2 + ["page-2.html"] * 2
    assert placed.children[0].folder == "media-2"  # "media" holds the variants
    assert relative("media-2/x.html", "static/gallery.css") == "../static/gallery.css"


@pytest.mark.parametrize(
    "text",
    [
        "36.0909",
        "-115.176",
        "36.091",
        "115.1760",
        "36°5'",
        "36 \u00b0 05\u2032",
        "36&deg;5",
        "36,5.454N",
        "115 deg 10",
    ],
)
def test_gate_patterns_find_every_form(text: str) -> None:
    assert CoordinateFinder([(36.0909, -115.1760)]).search(f"<p>{text}</p>") is not None


@pytest.mark.parametrize("text", ["136.0909", "36.1", "2036.091", "width: 36px", "36,5"])
def test_gate_patterns_leave_other_numbers(text: str) -> None:
    assert CoordinateFinder([(36.0909, -115.1760)]).search(text) is None
