"""Issue 4's promise, literally: in a fresh repository with `git lfs track "*.jpg"` and the hook
installed, committing the example's seven phone photos cannot put location data into history
(checked with exiftool on the Git LFS objects that land). The raw hook is tested here, the
pre-commit framework in test_precommit.py; the fixtures and helpers both use are in
conftest.py and repos.py.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.hook.repos import (
    PHOTOS,
    PRE_COMMIT,
    add_photos,
    assert_history_clean,
    commit_photos,
    git,
    make_repo,
)

LocationTags = Callable[[Path | str], dict[str, Any]]


def test_raw_hook_keeps_location_out_of_lfs_history(
    tmp_path: Path, example_photos: dict[str, bytes], location_tags: LocationTags
) -> None:
    repo = make_repo(tmp_path / "blog", lfs=True)
    installed = subprocess.run(
        [str(Path(PRE_COMMIT).parent / "assets-tool"), "hook", "install", "--repo", str(repo)],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr
    names = add_photos(repo, example_photos)

    first = commit_photos(repo)
    assert first.returncode != 0, "the located photos must not be committed as they are"
    assert all(name in first.stdout for name in names), first.stdout
    git(repo, "add", PHOTOS)
    second = commit_photos(repo)
    assert second.returncode == 0, second.stdout

    assert_history_clean(repo, tmp_path, names, location_tags)
