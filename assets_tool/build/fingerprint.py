"""A fingerprint of the tool's own code, for caches of what that code computed.

A cached plan or scan is only as good as the code that made it: a change to the scanner or
to the planner (a new encoder setting, a fixed parsing bug) must not be answered from a
record that the old code wrote. The version number alone would miss every change made
between releases, so the fingerprint covers the bytes of every module of the package.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .. import __version__

PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def code_fingerprint() -> str:
    """Return a hash of the package's version and the source of every module in it."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:
            data = b""  # unreadable: still part of the key, as an empty module
        digest.update(f"\0{path.relative_to(PACKAGE).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
