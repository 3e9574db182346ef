"""The user's cache folder, and the stat signature that tells a file unchanged since a run.

`build` and `gallery` keep what they learnt of each original here (never in the site or
the gallery's output), so a warm run opens no file whose signature is the one recorded.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path:
    """Return the user's cache folder for assets-tool (XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assets-tool"


def stat_signature(path: Path) -> list[int] | None:
    """Return what changes whenever a file's content may have: size, times, inode, device."""
    # ctime too: a file rewritten with its old size and mtime restored still gets a new ctime
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
