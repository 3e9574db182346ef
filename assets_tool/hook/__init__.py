"""Commit-time guard: strip location from staged images and check what is about to land.

`checks` holds the pre-commit and pre-push checks (staged files, LFS pointers, history),
`git_hook` the raw Git hook's install and uninstall. Uses the privacy stage for every image
and `build` only through the command line's `--site`; prints nothing itself.
"""

from __future__ import annotations

from .checks import (
    DEFAULT_MAX_UNTRACKED,
    Candidate,
    HookResult,
    check_images,
    given_candidates,
    staged_candidates,
    strip_location,
)
from .git_hook import git, install, uninstall

__all__ = [
    "DEFAULT_MAX_UNTRACKED",
    "Candidate",
    "HookResult",
    "check_images",
    "git",
    "given_candidates",
    "install",
    "staged_candidates",
    "strip_location",
    "uninstall",
]
