"""`check-images` at push time judges the commits being pushed, not the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from tests.hook.repos import PRE_COMMIT, git, gps_jpeg, make_repo, run, use_hooks


def test_push_of_a_located_commit_is_blocked_even_if_the_tree_is_clean(
    tmp_path: Path, hooks_repo: tuple[Path, str], precommit_env: dict[str, str]
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo = make_repo(tmp_path / "blog")
    use_hooks(repo, hooks_repo)
    git(repo, "commit", "-q", "-m", "hooks", "--no-verify")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    installed = run(repo, precommit_env, str(PRE_COMMIT), "install", "--hook-type", "pre-push")
    assert installed.returncode == 0, installed.stdout
    photo = repo / "photo.jpg"
    photo.write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    git(repo, "commit", "-q", "-m", "photo", "--no-verify")  # location is in this commit
    cleaned = run(repo, precommit_env, str(PRE_COMMIT.parent / "assets-tool"), "strip", "photo.jpg")
    assert cleaned.returncode == 1, cleaned.stdout
    git(repo, "commit", "-q", "-am", "strip it", "--no-verify")  # ...and not in the last one
    pushed = run(repo, precommit_env, "git", "push", "origin", "main")
    assert pushed.returncode != 0, pushed.stdout
    located = git(repo, "rev-parse", "--short=10", "HEAD~1").stdout.strip()
    assert f"photo.jpg: location data in commit {located}: EXIF GPS" in pushed.stdout
    assert "git rebase -i" in pushed.stdout
    assert git(remote, "rev-list", "--count", "main").stdout.strip() == "2"
    git(repo, "reset", "-q", "--soft", "origin/main")  # squash the two: the fix it suggests
    git(repo, "commit", "-q", "-m", "photo", "--no-verify")
    again = run(repo, precommit_env, "git", "push", "origin", "main")
    assert again.returncode == 0, again.stdout
    # a located photo added and deleted again before the push is still in the pushed history
    folder = repo / "posts" / "old trip"
    folder.mkdir(parents=True)
    (folder / "gone.jpg").write_bytes(gps_jpeg(color="blue"))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "oops", "--no-verify")
    git(repo, "rm", "-q", "posts/old trip/gone.jpg")
    # the framework runs the hook only when some image is in the push (see docs/hooks.md)
    Image.new("RGB", (8, 8)).save(repo / "clean.png")
    git(repo, "add", "clean.png")
    git(repo, "commit", "-q", "-m", "remove it", "--no-verify")
    gone = run(repo, precommit_env, "git", "push", "origin", "main")
    assert gone.returncode != 0, gone.stdout
    assert "posts/old trip/gone.jpg: location data in commit" in gone.stdout
