"""The installed hook after the user edited it: still blocking, and never silently lost."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from assets_tool.cli import main
from assets_tool.hook import git_hook as hook_install
from tests.hook.repos import commit, git, gps_jpeg, make_repo

OLD_BLOCK_END = '"$tool" hook strip-location && "$tool" hook check-images\n'


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_lines_appended_to_the_hook_do_not_let_a_gps_photo_through(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook = hook_install.install(repo).hook
    with hook.open("a") as handle:
        handle.write("echo 'my own step'\n")
    (repo / "photo.jpg").write_bytes(gps_jpeg())
    git(repo, "add", "photo.jpg")
    done = commit(repo)
    assert done.returncode != 0, done.stdout
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_install_again_keeps_the_users_own_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook = hook_install.install(repo, tool="/old/assets-tool").hook
    hook.write_text("#!/bin/sh\necho before\n" + hook.read_text()[10:] + "echo after\n")
    code, out = _cli("hook", "install", "--repo", str(repo))
    assert code == 0, out
    text = hook.read_text()
    assert "echo before\n" in text and text.endswith("echo after\n")
    assert "/old/assets-tool" not in text and f"tool={hook_install.tool_command()}" in text
    assert "updated" in out


def test_uninstall_keeps_the_users_own_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook = hook_install.install(repo).hook
    hook.write_text(hook.read_text() + "echo mine\n")
    code, out = _cli("hook", "uninstall", "--repo", str(repo))
    assert code == 0, out
    assert "kept your own" in out
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    assert hook.stat().st_mode & 0o111
    assert not hook_install.is_ours(hook)


def test_edits_inside_the_block_are_refused_by_install_and_uninstall(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook = hook_install.install(repo).hook
    edited = hook.read_text().replace("hook check-images", "hook check-images --site .")
    hook.write_text(edited)
    for command in ("install", "uninstall"):
        code, out = _cli("hook", command, "--repo", str(repo))
        assert code != 0
        assert "edited by hand" in out and "marker lines" in out
        assert hook.read_text() == edited


def test_edited_hook_with_a_chained_one_is_not_uninstalled(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    mine = repo / ".git/hooks/pre-commit"
    mine.write_text("#!/bin/sh\necho earlier\n")
    mine.chmod(0o755)
    hook_install.install(repo)
    edited = mine.read_text() + "echo later\n"
    mine.write_text(edited)
    code, out = _cli("hook", "uninstall", "--repo", str(repo))
    assert code != 0 and "pre-commit.assets-tool-chained" in out
    assert mine.read_text() == edited
    assert (repo / ".git/hooks/pre-commit.assets-tool-chained").read_text().endswith("earlier\n")


def test_a_hook_from_the_previous_version_is_updated_not_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook = hook_install.install(repo).hook
    old = hook.read_text().replace(
        '"$tool" hook strip-location && "$tool" hook check-images || exit $?\n', OLD_BLOCK_END
    )
    hook.write_text(old)
    assert hook_install.install(repo).action == "updated"
    assert "|| exit $?" in hook.read_text()
    hook.write_text(old)
    assert hook_install.uninstall(repo).action == "removed"
    assert not hook.exists()
