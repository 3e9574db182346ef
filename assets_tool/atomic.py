"""Atomic file replacement: a crash or a full disk never leaves a file half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class ChangedMeanwhile(Exception):
    """The file no longer holds the bytes the new content was computed from."""


def write_atomic(path: Path, data: bytes, unchanged_from: bytes | None = None) -> None:
    """Replace `path` with `data` via a temp file in the same folder, keeping mode and owner.

    A symlink is written through (its target changes, the link stays a link). With
    `unchanged_from`, the file must still hold exactly those bytes right before the rename,
    or ChangedMeanwhile is raised and the file is left as it is.
    """
    path = path.resolve()
    try:
        before: os.stat_result | None = path.stat()
    except FileNotFoundError:
        before = None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, before.st_mode & 0o7777 if before else 0o644)
        if before and (before.st_uid, before.st_gid) != (os.getuid(), os.getgid()):
            _keep_owner(tmp, before)
        # checked after the slow part (write, fsync): the window left is the rename itself
        if unchanged_from is not None and _current(path) != unchanged_from:
            raise ChangedMeanwhile(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_owner(tmp: Path, before: os.stat_result) -> None:
    # root cleaning a user's photo must not leave it owned by root; others cannot chown at all
    with contextlib.suppress(PermissionError):
        os.chown(tmp, before.st_uid, before.st_gid)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
