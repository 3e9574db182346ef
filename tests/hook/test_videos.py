"""Live Photo and motion-photo videos go through the commit-time guard like photos."""

from __future__ import annotations

from pathlib import Path

from assets_tool.hook import checks as hook
from tests.conftest import read_location_tags
from tests.privacy.movies import live_photo_movie, media_bytes

from .repos import commit, git


def test_live_photo_movie_is_stripped_and_the_commit_blocked_until_readded(repo: Path) -> None:
    clip = repo / "assets" / "IMG_0001.MOV"
    clip.parent.mkdir()
    clip.write_bytes(live_photo_movie())
    git(repo, "add", "assets/IMG_0001.MOV")
    first = commit(repo)
    assert first.returncode != 0
    assert (
        "assets/IMG_0001.MOV: location data removed "
        "(QuickTime Keys com.apple.quicktime.location.ISO6709, "
        "QuickTime Keys com.apple.quicktime.location.accuracy.horizontal)"
    ) in first.stdout
    assert read_location_tags(clip) == {}
    git(repo, "add", "assets/IMG_0001.MOV")
    assert commit(repo).returncode == 0
    landed = repo.parent / "landed.mov"
    landed.write_bytes(git(repo, "show", "HEAD:assets/IMG_0001.MOV", text=False).stdout)
    assert read_location_tags(landed) == {}
    assert media_bytes(landed.read_bytes()) == media_bytes(live_photo_movie())


def test_check_images_reports_a_located_movie_and_leaves_it(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes(live_photo_movie())
    candidates = hook.given_candidates(["clip.mp4"], tmp_path)
    problems = hook.check_images(tmp_path, candidates, max_untracked=0).problems
    assert [(p.path, p.reason.split(":")[0]) for p in problems] == [("clip.mp4", "location data")]
    assert (tmp_path / "clip.mp4").read_bytes() == live_photo_movie()
