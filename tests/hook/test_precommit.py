"""The hooks through the real pre-commit framework (it builds their environment once per run)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assets_tool.hook import git_hook as hook_install
from tests.hook.repos import PHOTOS as EXAMPLE_PHOTOS
from tests.hook.repos import (
    PRE_COMMIT,
    add_photos,
    assert_history_clean,
    commit_photos,
    git,
    gps_jpeg,
    lfs_pointer,
    make_repo,
    run,
    staged_blob_id,
    use_hooks,
)

LocationTags = Callable[[Path | str], dict[str, Any]]


def test_framework_run_strips_then_passes_and_checks_lfs_pointers(
    tmp_path: Path,
    hooks_repo: tuple[Path, str],
    precommit_env: dict[str, str],
    location_tags: LocationTags,
) -> None:
    # `pre-commit try-repo` would do the same, but builds the environment anew on every call
    repo = make_repo(tmp_path / "blog", lfs=True)
    use_hooks(repo, hooks_repo)
    (repo / "photo.jpg").write_bytes(gps_jpeg())
    (repo / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    git(repo, "add", ".")

    def run_hook(hook_id: str) -> subprocess.CompletedProcess[str]:
        return run(repo, precommit_env, str(PRE_COMMIT), "run", hook_id, "--all-files")

    fixed = run_hook("strip-location")
    assert fixed.returncode == 1, fixed.stdout
    assert "files were modified by this hook" in fixed.stdout
    assert "photo.jpg: location data removed" in fixed.stdout
    assert location_tags(repo / "photo.jpg") == {}
    git(repo, "add", "photo.jpg")
    again = run_hook("strip-location")
    assert again.returncode == 0, again.stdout
    (repo / "remote.jpg").write_bytes(lfs_pointer())
    git(repo, "add", "remote.jpg")
    checked = run_hook("check-images")
    assert checked.returncode == 1
    assert "remote.jpg: cannot verify: LFS content not present" in checked.stdout
    assert "photo.jpg" not in checked.stdout.replace("remote.jpg", "")
    assert (repo / "remote.jpg").read_bytes() == lfs_pointer()


def test_commits_through_the_framework_keep_unstaged_work_and_land_clean(
    tmp_path: Path,
    hooks_repo: tuple[Path, str],
    precommit_env: dict[str, str],
    location_tags: LocationTags,
) -> None:
    repo = make_repo(tmp_path / "blog", lfs=True)
    use_hooks(repo, hooks_repo)
    installed = run(repo, precommit_env, str(PRE_COMMIT), "install")
    assert installed.returncode == 0, installed.stdout
    with pytest.raises(hook_install.HookError, match="pre-commit framework"):
        hook_install.install(repo)
    photo = repo / "photo.jpg"
    photo.write_bytes(gps_jpeg(color="red"))
    git(repo, "add", "photo.jpg")
    staged = staged_blob_id(repo, "photo.jpg")
    unstaged = gps_jpeg(color="green")
    photo.write_bytes(unstaged)
    blocked = run(repo, precommit_env, "git", "commit", "-m", "photo")
    assert blocked.returncode != 0, blocked.stdout
    assert photo.read_bytes() == unstaged
    assert staged_blob_id(repo, "photo.jpg") == staged
    git(repo, "add", "photo.jpg")
    stripped = run(repo, precommit_env, "git", "commit", "-m", "photo")
    assert stripped.returncode != 0 and "location data removed" in stripped.stdout
    git(repo, "add", "photo.jpg")
    done = run(repo, precommit_env, "git", "commit", "-m", "photo")
    assert done.returncode == 0, done.stdout
    pointer = git(repo, "show", "HEAD:photo.jpg", text=False).stdout
    landed = tmp_path / "landed.jpg"
    landed.write_bytes(git(repo, "lfs", "smudge", "photo.jpg", input=pointer, text=False).stdout)
    assert location_tags(landed) == {}


def test_framework_keeps_location_out_of_lfs_history(
    tmp_path: Path,
    example_photos: dict[str, bytes],
    location_tags: LocationTags,
    hooks_repo: tuple[Path, str],
    precommit_env: dict[str, str],
) -> None:
    repo = make_repo(tmp_path / "blog", lfs=True)
    use_hooks(repo, hooks_repo)
    subprocess.run([str(PRE_COMMIT), "install"], cwd=repo, env=precommit_env, check=True)
    names = add_photos(repo, example_photos)

    first = commit_photos(repo, precommit_env)
    assert first.returncode != 0, first.stdout
    assert "strip location data from images" in first.stdout
    git(repo, "add", EXAMPLE_PHOTOS)
    second = commit_photos(repo, precommit_env)
    assert second.returncode == 0, second.stdout

    assert_history_clean(repo, tmp_path, names, location_tags)
