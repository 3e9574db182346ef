"""Atomic writes keep what the file was: mode, owner, and the file itself on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assets_tool.atomic import write_atomic


def test_keeps_mode_and_owner(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    if os.getuid() == 0:
        os.chown(path, 1234, 5678)
    write_atomic(path, b"new")
    stat = path.stat()
    assert path.read_bytes() == b"new"
    assert stat.st_mode & 0o7777 == 0o640
    if os.getuid() == 0:
        assert (stat.st_uid, stat.st_gid) == (1234, 5678)
    assert [p.name for p in tmp_path.iterdir()] == ["photo.jpg"]


def test_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.jpg"
    target.write_bytes(b"old")
    link = tmp_path / "link.jpg"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_failure_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"old")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["photo.jpg"]
