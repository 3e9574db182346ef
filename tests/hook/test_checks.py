"""The commit-time guard through the raw Git hook: real repositories, real `git commit`."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from assets_tool.cli import main
from assets_tool.cli.hook import parse_size
from assets_tool.hook import checks as hook
from assets_tool.hook import git_hook as hook_install

from .repos import (
    PRE_COMMIT,
    ROOT,
    LocationTags,
    commit,
    git,
    gps_jpeg,
    gps_png,
    lfs_pointer,
    make_repo,
    staged_blob_id,
)

# --- committing through the raw hook -------------------------------------------------------


def test_gps_photo_is_stripped_and_the_commit_blocked_until_readded(
    repo: Path, location_tags: LocationTags
) -> None:
    photo = repo / "photo.jpg"
    photo.write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    first = commit(repo)
    assert first.returncode != 0
    assert "photo.jpg: location data removed" in first.stdout
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    assert location_tags(photo) == {}
    git(repo, "add", "photo.jpg")
    second = commit(repo)
    assert second.returncode == 0, second.stdout
    landed = repo.parent / "landed.jpg"
    landed.write_bytes(git(repo, "show", "HEAD:photo.jpg", text=False).stdout)
    assert location_tags(landed) == {}
    assert Image.open(landed).size == (64, 48)


def test_clean_photo_commits_at_once(repo: Path) -> None:
    Image.new("RGB", (32, 32), "blue").save(repo / "clean.png")
    git(repo, "add", "clean.png")
    assert commit(repo).returncode == 0


def test_partially_staged_file_is_refused_and_nothing_is_lost(repo: Path) -> None:
    photo = repo / "photo.jpg"
    photo.write_bytes(gps_jpeg(color="red"))
    git(repo, "add", "photo.jpg")
    staged = staged_blob_id(repo, "photo.jpg")
    unstaged = gps_jpeg(color="green")
    photo.write_bytes(unstaged)
    result = commit(repo)
    assert result.returncode != 0
    assert "photo.jpg: partially staged: stage the whole file" in result.stdout
    assert photo.read_bytes() == unstaged
    assert staged_blob_id(repo, "photo.jpg") == staged
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_check_reads_the_staged_version_of_a_partially_staged_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = repo / "photo.jpg"
    photo.write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    Image.new("RGB", (8, 8)).save(photo)  # clean working tree, location still in the index
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")  # anywhere inside the work tree
    result = CliRunner().invoke(main, ["hook", "check-images"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("photo.jpg: location data: ")
    git(repo, "add", "photo.jpg")  # now the other way round: clean index, GPS in the tree
    photo.write_bytes(gps_jpeg())
    result = CliRunner().invoke(main, ["hook", "check-images"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_the_real_12mp_photo_lands_without_location_and_with_the_same_pixels(
    repo: Path, photo_bytes: bytes, location_tags: LocationTags
) -> None:
    photo = repo / "IMG_0001.jpg"
    photo.write_bytes(photo_bytes)
    git(repo, "add", "IMG_0001.jpg")
    first = commit(repo)
    assert first.returncode != 0 and "IMG_0001.jpg: location data removed" in first.stdout
    git(repo, "add", "IMG_0001.jpg")
    # a 3-4 MB photo outside Git LFS is refused next, naming the command that fixes it
    second = commit(repo)
    assert second.returncode != 0
    assert 'git lfs track "*.jpg"' in second.stdout
    git(repo, "commit", "-q", "--no-verify", "-m", "photo")
    landed = repo.parent / "landed.jpg"
    landed.write_bytes(git(repo, "show", "HEAD:IMG_0001.jpg", text=False).stdout)
    assert location_tags(landed) == {}
    with Image.open(io.BytesIO(photo_bytes)) as before, Image.open(landed) as after:
        assert after.size == (4000, 3000)
        assert after.tobytes() == before.tobytes()
        assert after.info.get("icc_profile") == before.info.get("icc_profile")


# --- Git LFS --------------------------------------------------------------------------------


def test_lfs_photo_object_that_lands_has_no_location(
    lfs_repo: Path, location_tags: LocationTags
) -> None:
    photo = lfs_repo / "photo.jpg"
    photo.write_bytes(gps_jpeg())
    git(lfs_repo, "add", "photo.jpg")
    assert commit(lfs_repo).returncode != 0
    git(lfs_repo, "add", "photo.jpg")
    result = commit(lfs_repo)
    assert result.returncode == 0, result.stdout
    pointer = git(lfs_repo, "show", "HEAD:photo.jpg", text=False).stdout
    assert pointer.startswith(b"version https://git-lfs.github.com/spec/v1")
    content = git(lfs_repo, "lfs", "smudge", "photo.jpg", input=pointer, text=False).stdout
    landed = lfs_repo.parent / "landed.jpg"
    landed.write_bytes(content)
    assert location_tags(landed) == {}
    assert Image.open(landed).size == (64, 48)


def test_lfs_pointer_without_content_is_reported_not_clean_and_left_alone(lfs_repo: Path) -> None:
    photo = lfs_repo / "photo.jpg"
    photo.write_bytes(lfs_pointer())
    git(lfs_repo, "add", "photo.jpg")
    staged = staged_blob_id(lfs_repo, "photo.jpg")
    result = commit(lfs_repo)
    assert result.returncode != 0
    assert "photo.jpg: cannot verify: LFS content not present" in result.stdout
    assert photo.read_bytes() == lfs_pointer()
    assert staged_blob_id(lfs_repo, "photo.jpg") == staged
    checked = hook.check_images(lfs_repo, hook.given_candidates(["photo.jpg"], lfs_repo))
    assert next(str(p) for p in checked.problems).startswith(
        "photo.jpg: cannot verify: LFS content not present"
    )


def test_large_image_outside_lfs_fails_and_the_advice_fixes_it(
    lfs_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shot = lfs_repo / "shot.png"
    shot.write_bytes(gps_png((200, 200)))
    Image.open(shot).save(shot)  # keep it large but without location, to see only the LFS rule
    git(lfs_repo, "add", "shot.png")
    runner = CliRunner()
    args = ["hook", "check-images", "--max-untracked-size", "10k", "shot.png"]
    monkeypatch.chdir(lfs_repo)
    failed = runner.invoke(main, args, catch_exceptions=False)
    assert failed.exit_code == 1
    assert re.fullmatch(
        r"shot\.png: 0\.1 MB image is not tracked by Git LFS \(limit 10 kB\); run `git lfs track "
        r'"\*\.png"`, then `git add \.gitattributes` and `git add --renormalize shot\.png`\n',
        failed.output,
    )
    git(lfs_repo, "lfs", "track", "*.png")
    git(lfs_repo, "add", ".gitattributes")
    git(lfs_repo, "add", "--renormalize", "shot.png")
    passed = runner.invoke(main, args, catch_exceptions=False)
    assert passed.exit_code == 0, passed.output
    assert git(lfs_repo, "lfs", "ls-files", "-n").stdout.split() == ["shot.png"]
    unlimited = runner.invoke(main, [*args[:2], "--max-untracked-size", "0", "shot.png"])
    assert unlimited.exit_code == 0


def test_install_leaves_the_git_lfs_hooks_alone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog", lfs=True)
    before = _hook_files(repo)
    assert {"pre-push", "post-checkout", "post-commit", "post-merge"} <= set(before)
    hook_install.install(repo)
    after = _hook_files(repo)
    assert {k: v for k, v in after.items() if k != "pre-commit"} == before
    hook_install.uninstall(repo)
    assert _hook_files(repo) == before


# --- install, chain, uninstall --------------------------------------------------------------


def test_install_is_idempotent_and_uninstall_removes_exactly_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    before = _hook_files(repo)
    first = hook_install.install(repo, tool="/opt/x y/assets-tool")
    assert first.action == "installed" and first.chained is None
    text = first.hook.read_text()
    assert text.startswith("#!/bin/sh\n" + hook_install.BEGIN_MARKER)
    assert "tool='/opt/x y/assets-tool'" in text
    assert first.hook.stat().st_mode & 0o111
    assert hook_install.install(repo, tool="/opt/x y/assets-tool").action == "unchanged"
    assert hook_install.install(repo, tool="/usr/bin/assets-tool").action == "updated"
    assert hook_install.uninstall(repo).action == "removed"
    assert _hook_files(repo) == before
    assert hook_install.uninstall(repo).action == "not installed"


def test_installed_hook_records_the_running_console_script(repo: Path) -> None:
    text = (repo / ".git/hooks/pre-commit").read_text()
    assert f"tool={hook_install.tool_command()}\n" in text
    assert Path(hook_install.tool_command()).is_absolute()


def test_existing_hook_is_chained_keeps_blocking_and_is_restored_exactly(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    user_hook = repo / ".git/hooks/pre-commit"
    script = b'#!/bin/sh\necho "user hook ran" > "$(git rev-parse --show-toplevel)/ran"\nexit 0\n'
    user_hook.write_bytes(script)
    user_hook.chmod(0o750)
    result = hook_install.install(repo)
    assert result.chained == repo / ".git/hooks/pre-commit.assets-tool-chained"
    assert result.chained.read_bytes() == script
    (repo / "photo.jpg").write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    assert commit(repo).returncode != 0  # ours blocks: location removed
    assert (repo / "ran").read_text() == "user hook ran\n"
    git(repo, "add", "photo.jpg")
    assert commit(repo).returncode == 0
    # the user hook failing still blocks, before ours runs
    result.chained.write_bytes(script.replace(b"exit 0", b"echo no >&2; exit 3"))
    (repo / "notes.txt").write_text("x")
    git(repo, "add", "notes.txt")
    blocked = commit(repo)
    assert blocked.returncode != 0 and "no\n" in blocked.stdout
    result.chained.write_bytes(script)
    assert hook_install.uninstall(repo).chained is not None
    assert user_hook.read_bytes() == script
    assert stat.S_IMODE(user_hook.stat().st_mode) == 0o750
    assert not result.chained.exists()


def test_symlinked_hook_is_chained_as_a_symlink(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    target = repo / "tools" / "hook.sh"
    target.parent.mkdir()
    target.write_text("#!/bin/sh\nexit 0\n")
    target.chmod(0o755)
    link = repo / ".git/hooks/pre-commit"
    link.symlink_to("../../tools/hook.sh")
    hook_install.install(repo)
    assert os.readlink(repo / ".git/hooks/pre-commit.assets-tool-chained") == "../../tools/hook.sh"
    hook_install.uninstall(repo)
    assert os.readlink(link) == "../../tools/hook.sh"


def test_framework_hook_is_refused_unless_forced(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    framework = repo / ".git/hooks/pre-commit"
    framework.write_text("#!/usr/bin/env bash\n# ID: 138fd403232d2ddd5efb44317e38bf03\nexit 0\n")
    framework.chmod(0o755)
    with pytest.raises(hook_install.HookError, match=r"pre-commit framework.*config\.yaml"):
        hook_install.install(repo)
    assert not (repo / ".git/hooks/pre-commit.assets-tool-chained").exists()
    assert hook_install.install(repo, force=True).chained is not None


def test_taken_chain_slot_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    (repo / ".git/hooks/pre-commit").write_text("#!/bin/sh\nexit 0\n")
    (repo / ".git/hooks/pre-commit.assets-tool-chained").write_text("#!/bin/sh\nexit 0\n")
    with pytest.raises(hook_install.HookError, match="already taken"):
        hook_install.install(repo)


def test_relative_core_hooks_path_is_honoured_from_a_subfolder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    git(repo, "config", "core.hooksPath", ".githooks")
    (repo / "sub").mkdir()
    result = hook_install.install(repo / "sub")
    assert result.hook == repo / ".githooks" / "pre-commit"
    assert not (repo / ".git/hooks/pre-commit").exists()
    (repo / "photo.jpg").write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    assert "location data removed" in commit(repo).stdout


def test_linked_worktree_installs_into_the_shared_hooks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    result = hook_install.install(tmp_path / "wt")
    assert result.hook == (repo / ".git/hooks/pre-commit").resolve()
    (tmp_path / "wt" / "photo.jpg").write_bytes(gps_jpeg())
    git(tmp_path / "wt", "add", "photo.jpg")
    assert "location data removed" in commit(tmp_path / "wt").stdout


def test_cli_install_and_uninstall(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    runner = CliRunner()
    installed = runner.invoke(main, ["hook", "install", "--repo", str(repo)])
    assert installed.exit_code == 0 and installed.output.endswith("pre-commit: installed\n")
    removed = runner.invoke(main, ["hook", "uninstall", "--repo", str(repo)])
    assert removed.exit_code == 0 and removed.output.endswith("pre-commit: removed\n")
    (repo / ".git/hooks/pre-commit").write_text(
        "#!/bin/sh\n# ID: 138fd403232d2ddd5efb44317e38bf03\n"
    )
    refused = runner.invoke(main, ["hook", "install", "--repo", str(repo)])
    assert refused.exit_code == 1 and "pre-commit framework" in refused.output


# --- file selection ---------------------------------------------------------------------


def test_only_staged_raster_images_are_candidates(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    for name in ("old.jpg", "gone.jpg", "keep.png"):
        (repo / name).write_bytes(gps_jpeg())
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "images", "--no-verify")
    git(repo, "rm", "-q", "gone.jpg")
    git(repo, "mv", "old.jpg", "사진 1.JPG")
    (repo / "new.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    (repo / "logo.svg").write_text("<svg/>")
    (repo / "post.md").write_text("text")
    (repo / "untracked.jpg").write_bytes(gps_jpeg())
    git(repo, "add", "new.heic", "logo.svg", "post.md")
    names = sorted(c.name for c in hook.staged_candidates(repo))
    assert names == ["new.heic", "사진 1.JPG"]


def test_svg_and_text_behind_an_image_name_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    candidates = hook.given_candidates(["logo.png"], tmp_path)
    assert hook.strip_location(candidates).ok
    assert (tmp_path / "logo.png").read_text().startswith("<svg")


def test_unsupported_format_is_reported_not_called_clean(tmp_path: Path) -> None:
    (tmp_path / "x.heic").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
    result = hook.check_images(tmp_path, hook.given_candidates(["x.heic"], tmp_path))
    assert result.problems and result.problems[0].reason.startswith("cannot verify: ")


@pytest.mark.parametrize(
    "name",
    [
        "a.jpg",
        "A.JPEG",
        "b.jpe",
        "c.jfif",
        "d.mpo",
        "e.png",
        "f.apng",
        "g.gif",
        "h.webp",
        "i.tif",
        "j.TIFF",
        "k.dng",
        "l.heic",
        "m.HEIF",
        "n.hif",
        "o.avif",
        "p.jxl",
        "q.jpg.xmp",
        "r.MOV",
        "s.mp4",
        "t.m4v",
    ],
)
def test_precommit_files_pattern_matches_the_hook_suffixes(name: str) -> None:
    for entry in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        assert re.search(entry["files"], name)
    assert hook.is_raster_name(name)


@pytest.mark.parametrize("name", ["a.svg", "b.jpg.txt", "c.md", "jpg", "d.pngx"])
def test_precommit_files_pattern_skips_other_files(name: str) -> None:
    for entry in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        assert not re.search(entry["files"], name)
        assert "types" not in entry or "image" not in entry["types"]
    assert not hook.is_raster_name(name)


def test_precommit_hook_stages() -> None:
    entries = {e["id"]: e for e in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert entries["strip-location"]["stages"] == ["pre-commit"]
    assert entries["check-images"]["stages"] == ["pre-commit", "pre-push", "manual"]
    assert {e["language"] for e in entries.values()} == {"python"}


@pytest.mark.parametrize(
    ("text", "size"), [("500000", 500_000), ("500k", 500_000), ("2MB", 2_000_000), ("0", 0)]
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(None, None, text) == size  # type: ignore[arg-type]


# --- helpers --------------------------------------------------------------------------------


def _hook_files(repo: Path) -> dict[str, tuple[bytes, int]]:
    folder = repo / ".git" / "hooks"
    return {
        p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for p in folder.iterdir()
        if not p.name.endswith(".sample")
    }


def test_partially_staged_lfs_file_is_checked_from_the_local_lfs_store(
    lfs_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = lfs_repo / "photo.jpg"
    photo.write_bytes(gps_jpeg())
    git(lfs_repo, "add", "photo.jpg")  # the index holds a pointer; the object holds the GPS
    Image.new("RGB", (8, 8)).save(photo)
    candidates = hook.staged_candidates(lfs_repo)
    assert [(c.name, c.partial) for c in candidates] == [("photo.jpg", True)]
    assert hook.staged_bytes(lfs_repo, "photo.jpg") == gps_jpeg()
    problems = hook.check_images(lfs_repo, candidates).problems
    assert [p.reason.split(":")[0] for p in problems] == ["location data"]


def test_site_option_reports_what_the_build_would_still_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_repo(tmp_path / "site")
    (site / "_config.yml").write_text("title: blog\n")
    (site / "_posts").mkdir()
    (site / "_posts" / "2025-01-06-trip.md").write_text(
        "---\ntitle: Trip\n---\n![a](/assets/img/a.jpg)\n"
    )
    (site / "assets" / "img").mkdir(parents=True)
    (site / "assets" / "img" / "a.jpg").write_bytes(gps_jpeg((320, 240)))
    monkeypatch.chdir(site)
    runner = CliRunner()
    stale = runner.invoke(main, ["hook", "check-images", "--site", "."], catch_exceptions=False)
    assert stale.exit_code == 1
    assert "\n_posts/2025-01-06-trip.md: post not rewritten; run `assets-tool build" in (
        "\n" + stale.output
    )
    assert "variant missing" in stale.output
    built = runner.invoke(main, ["build", "."], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    fresh = runner.invoke(main, ["hook", "check-images", "--site", "."], catch_exceptions=False)
    assert fresh.exit_code == 0, fresh.output


def test_uninstall_after_the_framework_took_over_restores_its_legacy_slot(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "blog")
    user_hook = repo / ".git/hooks/pre-commit"
    script = b"#!/bin/sh\nexit 0\n"
    user_hook.write_bytes(script)
    user_hook.chmod(0o755)
    hook_install.install(repo)
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")
    subprocess.run([PRE_COMMIT, "install"], cwd=repo, check=True, capture_output=True)
    legacy = repo / ".git/hooks/pre-commit.legacy"
    assert hook_install.is_ours(legacy)
    framework = user_hook.read_bytes()
    assert hook_install.uninstall(repo).action == "removed"
    assert legacy.read_bytes() == script  # the framework keeps running the user's hook
    assert user_hook.read_bytes() == framework
    assert not (repo / ".git/hooks/pre-commit.assets-tool-chained").exists()


def test_staged_file_deleted_from_the_tree_and_staged_symlinks(repo: Path) -> None:
    (repo / "gone.jpg").write_bytes(gps_jpeg())
    (repo / "link.jpg").symlink_to("gone.jpg")
    git(repo, "add", "gone.jpg", "link.jpg")
    (repo / "gone.jpg").unlink()
    candidates = hook.staged_candidates(repo)
    assert [c.name for c in candidates] == ["gone.jpg"]
    result = hook.strip_location(candidates)
    assert [str(p) for p in result.problems] == [
        "gone.jpg: staged, but deleted from the working tree; restore it or unstage it"
    ]


def test_unparsable_metadata_is_reported_and_the_other_files_still_checked(tmp_path: Path) -> None:
    broken = bytearray(gps_jpeg())
    at = broken.index(b"Exif\x00\x00") + 6 + 4  # the offset of IFD0 in the TIFF header
    broken[at : at + 4] = b"\xff\xff\xff\x7f"
    (tmp_path / "broken.jpg").write_bytes(bytes(broken))
    (tmp_path / "gps.jpg").write_bytes(gps_jpeg())
    candidates = hook.given_candidates(["broken.jpg", "gps.jpg"], tmp_path)
    problems = hook.check_images(tmp_path, candidates, max_untracked=0).problems
    assert [(p.path, p.reason.split(":")[0]) for p in problems] == [
        ("broken.jpg", "cannot verify"),
        ("gps.jpg", "location data"),
    ]
    assert (tmp_path / "broken.jpg").read_bytes() == bytes(broken)


def test_hook_falls_back_to_path_and_blocks_when_the_tool_is_gone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook_install.install(repo, tool=str(tmp_path / "moved" / "assets-tool"))
    (repo / "photo.jpg").write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    tool_dir = str(Path(hook_install.tool_command()).parent)
    for path, expected in (
        (f"{tool_dir}:/usr/bin:/bin", "location data removed"),
        ("/usr/bin:/bin", "assets-tool not found"),
    ):
        env = {**os.environ, "PATH": path}
        result = subprocess.run(
            ["git", "commit", "-m", "x"],
            cwd=repo,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        assert result.returncode != 0 and expected in result.stdout, result.stdout
