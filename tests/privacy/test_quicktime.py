"""QuickTime/MP4 videos (Live Photos, motion photos): location found and removed in place.

exiftool writes the location (UserData, Keys, ItemList) into tiny movies built box by box,
and is the oracle afterwards; the media data must come through byte for byte.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assets_tool.errors import MetadataError
from assets_tool.privacy.dispatch import read_location, strip_location
from tests.conftest import read_location_tags
from tests.helpers import run_cli
from tests.privacy.fixtures import jpeg
from tests.privacy.movies import add_gps, live_photo_movie, media_bytes, movie

P = Path("clip.mov")


@pytest.fixture(params=[(b"qt  ", "clip.mov"), (b"isom", "clip.mp4")], ids=["mov", "mp4"])
def located_movie(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    brand, name = request.param
    path = tmp_path / name
    path.write_bytes(movie(brand))
    add_gps(path)
    assert read_location_tags(path), "exiftool did not write the fixture's location"
    return path


def test_audit_names_every_quicktime_location_field(located_movie: Path) -> None:
    result = run_cli("audit", located_movie, "--json")
    assert result.returncode == 1
    (found,) = json.loads(result.stdout)["files"]
    assert found["coordinates"] == pytest.approx([36.0909, -115.176])
    assert sorted(f["where"] for f in found["findings"]) == [
        "QuickTime ItemList GPSCoordinates",
        "QuickTime Keys com.apple.quicktime.location.ISO6709",
        "QuickTime Keys com.apple.quicktime.location.name",
        "QuickTime UserData GPSCoordinates",
    ]


def test_strip_removes_it_in_place_and_keeps_the_media(located_movie: Path) -> None:
    before = located_movie.read_bytes()
    result = run_cli("strip", located_movie)
    assert result.returncode == 1  # the fixer convention: a file changed
    assert "QuickTime UserData GPSCoordinates" in result.stdout
    after = located_movie.read_bytes()
    assert len(after) == len(before)
    assert media_bytes(after) == media_bytes(before)
    assert read_location_tags(located_movie) == {}
    # everything but the location items is where it was
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    moov = before.index(b"moov") - 4
    assert changed and min(changed) > moov + 8 + 108  # after the movie header
    stamp = located_movie.stat().st_mtime_ns
    again = run_cli("strip", located_movie)
    assert again.returncode == 0 and located_movie.stat().st_mtime_ns == stamp


def test_live_photo_keys_are_found_and_cleared(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0001.MOV"
    data = live_photo_movie()
    path.write_bytes(data)
    report = read_location(data, path)
    assert report.coordinates == pytest.approx((36.0909, -115.176))
    assert [f.where for f in report.findings] == [
        "QuickTime Keys com.apple.quicktime.location.ISO6709",
        "QuickTime Keys com.apple.quicktime.location.accuracy.horizontal",
    ]
    out = strip_location(data, path)
    assert len(out) == len(data) and media_bytes(out) == media_bytes(data)
    assert b"5F0B7C3E" in out and b"Apple" in out  # the pairing id and make stay
    path.write_bytes(out)
    assert read_location_tags(path) == {}
    assert read_location(out, path).findings == ()


def test_a_movie_without_location_is_left_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "plain.mp4"
    path.write_bytes(movie(b"isom"))
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = run_cli("strip", path)
    assert result.returncode == 0, result.stdout
    assert path.read_bytes() == movie(b"isom")
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_motion_photo_video_after_eoi_is_cleaned_and_kept(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(movie(b"isom"))
    add_gps(clip)
    video = clip.read_bytes()
    still = jpeg(gps=None)
    data = still + video
    report = read_location(data, Path("motion.jpg"))
    assert "after EOI: video UserData GPSCoordinates" in [f.where for f in report.findings]
    out = strip_location(data, Path("motion.jpg"))
    assert out[: len(still)] == still and len(out) == len(data)
    kept = tmp_path / "kept.mp4"
    kept.write_bytes(out[len(still) :])
    assert media_bytes(kept.read_bytes()) == media_bytes(video)
    assert read_location_tags(kept) == {}


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[:40],  # the movie box cut short
        lambda d: d[:28] + b"\xff\xff\xff\xffmoov" + d[36:],  # a size past the end
        lambda d: d[:28] + b"\x00\x00\x00\x03moov" + d[36:],  # a size below the header
    ],
    ids=["truncated", "past-the-end", "too-small"],
)
def test_hostile_boxes_raise_our_error(damage: object) -> None:
    data = damage(live_photo_movie())  # type: ignore[operator]
    with pytest.raises(MetadataError, match="cannot parse metadata safely"):
        read_location(data, P)
