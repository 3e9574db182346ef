"""Issue 4's promise, literally: in a fresh repository with `git lfs track "*.jpg"` and the hook
installed, committing the example's seven phone photos cannot put location data into history
(checked with exiftool on the Git LFS objects that land). The raw hook is tested here, the
pre-commit framework in test_hook_precommit.py, beside its fixtures.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.test_hook import PRE_COMMIT, git, make_repo

LocationTags = Callable[[Path | str], dict[str, Any]]
PHOTOS = "assets/img/photos/jenson"


def commit_photos(
    repo: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", "CES 2025 photos"],
        cwd=repo,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _landed(repo: Path, tmp: Path, name: str) -> Path:
    """Write the content Git LFS stored for `name` at HEAD to a file and return it."""
    pointer = git(repo, "show", f"HEAD:{name}", text=False).stdout
    assert pointer.startswith(b"version https://git-lfs.github.com/spec/v1"), "not LFS-tracked"
    content = subprocess.run(
        ["git", "lfs", "smudge"], cwd=repo, input=pointer, capture_output=True, check=True
    ).stdout
    out = tmp / f"landed-{Path(name).name}"
    out.write_bytes(content)
    return out


def add_photos(repo: Path, photos: dict[str, bytes]) -> list[str]:
    names = []
    for rel, data in photos.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
        names.append(rel)
    git(repo, "add", PHOTOS)
    return sorted(names)


def assert_history_clean(
    repo: Path, tmp: Path, names: list[str], location_tags: LocationTags
) -> None:
    for name in names:
        landed = _landed(repo, tmp, name)
        assert location_tags(landed) == {}, name
    # the blocked attempt left no commit behind: history is the initial commit and this one
    assert len(git(repo, "rev-list", "--all").stdout.split()) == 2


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
