"""One run at a time per site: two builds (or a build and a hook) never work on it together.

The lock is `flock` on `SITE/.assets-tool.lock` (a dot file: no generator publishes it). The
kernel drops it when its process dies, however it dies, so a lock left by a killed run is
simply taken by the next one; the file itself is removed when a run ends and only tells a
waiting run whose pid to name.
"""

from __future__ import annotations

import fcntl
import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import ParamSpec, TypeVar

from ..errors import AssetsToolError

LOCK_NAME = ".assets-tool.lock"
# how long a second run waits for the first before it stops (seconds); the hook sets less
WAIT_ENV = "ASSETS_TOOL_LOCK_WAIT"
DEFAULT_WAIT = 10.0
_POLL = 0.1
_held: set[Path] = set()  # sites this process holds: a nested call (check_posts) re-enters

P = ParamSpec("P")
R = TypeVar("R")


class BusyError(AssetsToolError):
    """Another run holds the site's lock."""


@contextmanager
def site_lock(root: Path) -> Iterator[None]:
    """Hold the site's lock while the block runs; wait a little for another run, then stop."""
    root = root.resolve()
    if root in _held:
        yield
        return
    fd = _acquire(root / LOCK_NAME, root, _wait())
    _held.add(root)
    try:
        yield
    finally:
        _held.discard(root)
        if fd is not None:
            _release(root / LOCK_NAME, fd)


def locked(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function(root, ...)` under the lock of the site at `root`."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        root = args[0] if args else kwargs["root"]
        assert isinstance(root, Path)
        with site_lock(root):
            return function(*args, **kwargs)

    return wrapper


def _wait() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _acquire(path: Path, root: Path, wait: float) -> int | None:
    """Return the open, locked lock file; None when the site cannot hold one (read-only)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return None  # a read-only site: nothing here can write it, so nothing to guard
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise _busy(path, root) from None
            time.sleep(_POLL)
            continue
        if _same_file(fd, path):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)  # the last holder removed the name we locked: lock the new one


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def _release(path: Path, fd: int) -> None:
    # unlink while still holding it: a waiting run then finds the name gone and retries
    with suppress(OSError):
        path.unlink(missing_ok=True)
    os.close(fd)


def _busy(path: Path, root: Path) -> BusyError:
    try:
        pid = path.read_text(encoding="ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        pid = "unknown"
    return BusyError(
        None,
        f"another assets-tool run is working on {root} (pid {pid})",
        "wait for it to finish, then run again",
    )
