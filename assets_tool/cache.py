"""The user's cache folder, and the stat signature that tells a file unchanged since a run.

`build` and `gallery` keep what they learnt of each original here (never in the site or
the gallery's output), so a warm run opens no file whose signature is the one recorded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


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


def read_records(path: Path, version: int, *sections: str) -> tuple[dict[str, Any], ...]:
    """Return the named mappings of a cache file written at `version`, one per section.

    A cache only ever makes a run faster: a file that is missing, unreadable, not JSON, of
    another version or damaged gives empty mappings, and the run rebuilds what it needs.
    """
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        body = None
    if not isinstance(body, dict) or body.get("version") != version:
        body = {}
    return tuple(value if isinstance(value := body.get(s), dict) else {} for s in sections)
