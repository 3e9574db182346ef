"""Hostile and odd inputs through `strip`: one clear line per file, the rest still processed."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from assets_tool.cli import main

from .fixtures import app13, exiftool_location, insert_segments, jpeg, xmp_segment


def _strip(*paths: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["strip", *map(str, paths)])
    return result.exit_code, result.stdout, result.stderr


def test_symlink_is_written_through_and_named(tmp_path: Path) -> None:
    outside = tmp_path / "originals" / "photo.jpg"
    outside.parent.mkdir()
    outside.write_bytes(jpeg())
    site = tmp_path / "site"
    site.mkdir()
    link = site / "photo.jpg"
    link.symlink_to(outside)
    code, out, _ = _strip(site)
    assert code == 1
    assert f"stripped location: {link} -> {outside}" in out
    assert link.is_symlink() and exiftool_location(outside) == ""


def test_broken_link_and_empty_file_get_one_line_each_and_the_rest_is_cleaned(
    tmp_path: Path,
) -> None:
    broken, empty, good = tmp_path / "gone.jpg", tmp_path / "empty.jpg", tmp_path / "good.jpg"
    broken.symlink_to(tmp_path / "nowhere" / "x.jpg")
    empty.write_bytes(b"")
    good.write_bytes(jpeg())
    code, out, err = _strip(broken, empty, good)
    assert code == 1
    lines = err.splitlines()
    assert f"error: {broken}: is a broken symbolic link (to {tmp_path}/nowhere/x.jpg)" in lines[0]
    assert lines[1] == f"error: {empty}: is empty (0 bytes); copy or export the image again"
    assert len(lines) == 2
    assert "1 file stripped, 0 already clean, 2 failed" in out
    assert exiftool_location(good) == "" and empty.read_bytes() == b""


def test_hard_linked_photo_is_cleaned_with_a_warning_about_its_other_names(
    tmp_path: Path,
) -> None:
    photo, other = tmp_path / "photo.jpg", tmp_path / "deploy" / "photo.jpg"
    photo.write_bytes(jpeg())
    other.parent.mkdir()
    os.link(photo, other)
    code, out, err = _strip(photo)
    assert code == 1 and f"stripped location: {photo}" in out
    assert err.startswith(f"warning: {photo}: its 1 other hard link(s) keep the old content")
    assert exiftool_location(photo) == "" and exiftool_location(other) != ""
    code, _, err = _strip(other)  # the advice works, and a lone name gets no warning
    assert code == 1 and err == "" and exiftool_location(other) == ""


def _segment_ends(data: bytes) -> list[int]:
    pos, ends = 2, [2]
    while data[pos + 1] != 0xDA:
        pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]
        ends.append(pos)
    return ends


def test_jpeg_cut_at_every_segment_is_refused_untouched_or_cleaned(tmp_path: Path) -> None:
    data = insert_segments(jpeg(), xmp_segment(), app13())
    cuts = sorted({c + d for c in _segment_ends(data) for d in (0, 3, 9)} | {len(data) - 50})
    files = []
    for cut in cuts:
        path = tmp_path / f"cut{cut:05d}.jpg"
        path.write_bytes(data[:cut])
        files.append(path)
    code, out, err = _strip(*files)
    assert code == 1
    errors = err.splitlines()
    for cut, path in zip(cuts, files, strict=True):
        if path.read_bytes() == data[:cut]:  # refused: exactly one line naming it, a remedy
            mine = [line for line in errors if line.startswith(f"error: {path}: ")]
            assert len(mine) == 1 and "; " in mine[0], (cut, errors)
        else:  # cleaned: the image data was complete enough to keep, and it is clean
            assert f"stripped location: {path}" in out
            assert exiftool_location(path) == ""
    assert len(errors) == sum(
        1 for p, c in zip(files, cuts, strict=True) if p.read_bytes() == data[:c]
    )
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]  # no temp files left


def _without_root_privileges(*command: str) -> list[str]:
    """Run as root would without its override of file permissions (or as is, when not root)."""
    if os.geteuid() != 0:
        return list(command)
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]


def test_unreadable_and_unwritable_files_each_get_a_line_and_the_rest_is_cleaned(
    tmp_path: Path,
) -> None:
    unreadable, good = tmp_path / "secret.jpg", tmp_path / "good.jpg"
    locked = tmp_path / "locked" / "photo.jpg"
    locked.parent.mkdir()
    original = jpeg()
    for path in (unreadable, good, locked):
        path.write_bytes(original)
    unreadable.chmod(0)
    locked.parent.chmod(0o555)  # no temp file can be made beside it
    cli = str(Path(sys.executable).parent / "assets-tool")
    try:
        done = subprocess.run(
            _without_root_privileges(cli, "strip", str(unreadable), str(locked), str(good)),
            capture_output=True,
            text=True,
        )
        checked = subprocess.run(
            _without_root_privileges(cli, "hook", "check-images", str(unreadable), str(good)),
            capture_output=True,
            text=True,
        )
    finally:
        unreadable.chmod(0o644)
        locked.parent.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"error: {unreadable}: cannot read (Permission denied); check the path and its permissions",
        f"error: {locked}: cannot write the cleaned file (Permission denied); the original is "
        "unchanged; check that the file and its folder are writable and the disk is not full",
    ]
    assert "1 file stripped, 0 already clean, 2 failed" in done.stdout
    assert exiftool_location(good) == "" and locked.read_bytes() == original
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [f"{unreadable}: cannot read (Permission denied)"]


def test_a_folder_that_cannot_be_listed_fails_the_audit_instead_of_passing(
    tmp_path: Path,
) -> None:
    hidden = tmp_path / "site" / "private"
    hidden.mkdir(parents=True)
    (hidden / "photo.jpg").write_bytes(jpeg())
    hidden.chmod(0)
    cli = str(Path(sys.executable).parent / "assets-tool")
    try:
        done = subprocess.run(
            _without_root_privileges(cli, "audit", str(tmp_path / "site")),
            capture_output=True,
            text=True,
        )
    finally:
        hidden.chmod(0o755)
    assert done.returncode == 1
    assert done.stderr == (
        f"error: {hidden}: cannot list the folder (Permission denied); check its permissions; "
        "the images in it were not checked\n"
    )
