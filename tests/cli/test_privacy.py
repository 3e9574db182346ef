"""The `strip` and `audit` commands, driven through click and the installed entry point."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from assets_tool.cli import main
from assets_tool.privacy.dispatch import audit_paths, is_lfs_pointer, read_location
from tests.privacy.fixtures import (
    bare_jpeg,
    exiftool,
    exiftool_location,
    insert_segments,
    jpeg,
    png_with_location,
    scan_bytes,
    xmp_segment,
)

LFS = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"0" * 64 + b"\nsize 123\n"
VENV_CLI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "assets-tool"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """A small site: two located photos, one clean, one LFS pointer, an SVG, ignored folders."""
    img = tmp_path / "assets" / "img"
    img.mkdir(parents=True)
    (img / "located.jpg").write_bytes(jpeg())
    (img / "screenshot.png").write_bytes(png_with_location())
    (img / "clean.jpg").write_bytes(bare_jpeg())
    (img / "pointer.jpg").write_bytes(LFS)
    (img / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (img / "notes.txt").write_text("GPS 36.09")
    (img / "photo-named.txt").write_bytes(jpeg())  # content decides, not the name
    for skipped in (".git", "node_modules", ".jekyll-cache", "vendor"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.jpg").write_bytes(jpeg())
    return tmp_path


def test_strip_prints_changed_files_and_exits_1(tmp_path: Path) -> None:
    located, clean = tmp_path / "a.jpg", tmp_path / "b.jpg"
    located.write_bytes(insert_segments(jpeg(), xmp_segment()))
    clean.write_bytes(bare_jpeg())
    code, out, err = _run("strip", str(located), str(clean))
    assert code == 1 and err == ""
    assert f"stripped location: {located} (XMP, EXIF GPS)" in out
    assert "1 file stripped, 1 already clean, 0 failed" in out
    assert exiftool_location(located) == ""
    assert _run("strip", str(located), str(clean))[0] == 0  # second run: nothing left to do


def test_strip_keeps_going_past_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "good.jpg"
    good.write_bytes(jpeg())
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    pointer = tmp_path / "lfs.jpg"
    pointer.write_bytes(LFS)
    missing = tmp_path / "missing.jpg"
    code, out, err = _run("strip", str(fake), str(empty), str(pointer), str(missing), str(good))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith("error: ") for line in lines)
    assert f"error: {fake}: not an image" in err and f"error: {empty}: is empty (0 bytes)" in err
    assert (
        f"error: {pointer}: cannot verify: Git LFS content not present; run `git lfs pull`" in err
    )
    assert f"error: {missing}: cannot read" in err
    assert f"stripped location: {good}" in out
    assert pointer.read_bytes() == LFS


def test_strip_all_removes_descriptive_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(jpeg(gps=None))
    code, out, _ = _run("strip", "--all", str(path))
    assert code == 1 and f"stripped metadata: {path}" in out
    listing = exiftool(path, "-all")
    assert "iPhone" not in listing and "Rotate 90 CW" in listing


def test_strip_without_paths_is_a_usage_error() -> None:
    assert _run("strip")[0] == 2
    assert _run("audit")[0] == 2


def test_strip_writes_through_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "real.jpg"
    target.write_bytes(jpeg())
    link = tmp_path / "link.jpg"
    link.symlink_to(target)
    assert _run("strip", str(link))[0] == 1
    assert link.is_symlink() and exiftool_location(target) == ""


def test_unreadable_path_is_an_error_line(tmp_path: Path) -> None:
    # root ignores permission bits, so use a path that cannot be opened as a file at all
    broken = tmp_path / "dangling.jpg"
    broken.symlink_to(tmp_path / "nowhere")
    code, _, err = _run("strip", str(broken))
    assert code == 1 and f"error: {broken}: is a broken symbolic link" in err
    reports = list(audit_paths([broken]))
    assert len(reports) == 1 and isinstance(reports[0], Exception)


def test_audit_lists_located_and_unchecked_files_with_coordinates(site: Path) -> None:
    code, out, err = _run("audit", str(site))
    assert code == 1 and err == ""
    img = site / "assets" / "img"
    assert f"{img / 'located.jpg'}: 36.090900, -115.176000 (EXIF GPS)" in out
    assert f"{img / 'photo-named.txt'}: 36.090900" in out
    png_line = next(line for line in out.splitlines() if "screenshot.png" in line)
    assert png_line == (
        f"{img / 'screenshot.png'}: 36.090900, -115.176000 (XMP, PNG text GPSLatitude, "
        "PNG raw profile exif EXIF GPS, EXIF GPS, trailer after IEND)"
    )
    assert f"{img / 'pointer.jpg'}: not checked: cannot verify: Git LFS content not present" in out
    assert "clean.jpg" not in out and "svg" not in out and "notes" not in out
    for skipped in (".git", "node_modules", ".jekyll-cache", "vendor"):
        assert f"/{skipped}/" not in out
    assert out.splitlines()[-1] == "5 images checked: 3 with location, 1 not checked, 0 failed"


def test_audit_json_report(site: Path) -> None:
    bad = site / "assets" / "img" / "truncated.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe1\x00\x40Exif")
    code, out, err = _run("audit", "--json", str(site))
    assert code == 1 and err == ""
    report = json.loads(out)
    assert report["totals"] == {"checked": 6, "with_location": 3, "unchecked": 1, "errors": 1}
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert by_name["located.jpg"]["coordinates"] == pytest.approx([36.0909, -115.176], abs=1e-4)
    assert by_name["located.jpg"]["findings"][0] == {
        "where": "EXIF GPS",
        "detail": "36.090900, -115.176000",
    }
    assert report["unchecked"][0]["reason"].startswith("cannot verify: Git LFS")
    assert report["errors"][0]["path"] == str(bad)
    assert "cannot parse metadata safely" in report["errors"][0]["message"]


def test_audit_of_a_clean_tree_exits_0(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(bare_jpeg())
    code, out, _ = _run("audit", str(tmp_path))
    assert code == 0 and out == "1 image checked: 0 with location, 0 not checked, 0 failed\n"


def test_lfs_pointer_is_never_reported_clean_nor_modified(tmp_path: Path) -> None:
    assert is_lfs_pointer(LFS) and not is_lfs_pointer(jpeg())
    report = read_location(LFS, Path("a.jpg"))
    assert (
        report.findings == () and report.unchecked == "cannot verify: Git LFS content not present"
    )


def test_end_to_end_on_a_12_mp_photo(tmp_path: Path) -> None:
    from examples.photogen import make_photo

    original = make_photo()
    path = tmp_path / "1.jpg"
    path.write_bytes(original)
    mode = 0o664
    path.chmod(mode)
    assert "GPSLatitude" in exiftool_location(path)
    result = subprocess.run([str(VENV_CLI), "strip", str(path)], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"stripped location: {path} (EXIF GPS, XMP)")
    assert exiftool_location(path) == ""
    kept = exiftool(
        path, "-Orientation", "-ProfileDescription", "-Make", "-Model", "-DateTimeOriginal"
    )
    for expected in ("Rotate 90 CW", "Display P3", "Apple", "iPhone 15 Pro", "DateTimeOriginal"):
        assert expected in kept
    stripped = path.read_bytes()
    assert scan_bytes(stripped) == scan_bytes(original)
    assert os.stat(path).st_mode & 0o777 == mode
    audit = subprocess.run([str(VENV_CLI), "audit", str(tmp_path)], capture_output=True, text=True)
    assert audit.returncode == 0 and "0 with location" in audit.stdout


def test_strip_walks_a_directory_and_skips_non_images(site: Path) -> None:
    code, out, err = _run("strip", str(site / "assets"))
    assert code == 1
    assert err.startswith(f"error: {site / 'assets' / 'img' / 'pointer.jpg'}: cannot verify")
    assert out.count("stripped location:") == 3
    assert (site / "assets" / "img" / "logo.svg").read_text().startswith("<svg")
    code, out, _ = _run("audit", str(site / "assets"))
    assert "0 with location" in out and code == 1  # the LFS pointer still cannot be verified


def test_fifo_is_skipped_when_walking_and_refused_when_named(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    (tmp_path / "a.jpg").write_bytes(jpeg())
    code, out, err = _run("audit", str(tmp_path))
    assert code == 1 and "1 image checked" in out and err == ""
    code, _, err = _run("strip", str(fifo))
    assert code == 1 and f"error: {fifo}: is not a regular file" in err


def test_failed_write_leaves_the_original_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.jpg"
    original = jpeg()
    path.write_bytes(original)

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    code, _, err = _run("strip", str(path))
    assert code == 1
    assert f"error: {path}: cannot write the cleaned file (No space left on device)" in err
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg"]  # no temp file left
