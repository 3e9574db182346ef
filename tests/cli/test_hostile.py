"""Hostile images through `build`, `strip`, `audit` and both hooks: one line each, no
traceback, and the located photo beside them is still cleaned."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import read_location_tags
from tests.helpers import CLI, run_cli
from tests.hook.repos import make_repo
from tests.hostile import PHOTO, hostile_images

HOSTILE = hostile_images()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of every hostile image and one good located photo (copied per test)."""
    root = tmp_path_factory.mktemp("hostile") / "img"
    root.mkdir()
    for name, data in HOSTILE.items():
        (root / name).write_bytes(data)
    (root / "good.jpg").write_bytes(PHOTO)
    return root


def _copy(folder: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for path in folder.iterdir():
        (dest / path.name).write_bytes(path.read_bytes())
    return dest


def _assert_one_line_each(output: str, names: list[str]) -> None:
    assert "Traceback" not in output and "internal error" not in output, output
    for name in names:
        about = [line for line in output.splitlines() if re.search(rf"\b{re.escape(name)}\b", line)]
        assert len(about) <= 1, (name, about)


def test_strip_and_audit_name_each_file_once_and_clean_the_rest(
    folder: Path, tmp_path: Path
) -> None:
    img = _copy(folder, tmp_path / "img")
    audit = run_cli("audit", img)
    assert audit.returncode == 1
    _assert_one_line_each(audit.stdout + audit.stderr, [*HOSTILE, "good.jpg"])
    checked = len(HOSTILE) + 1
    assert f"{checked} images checked" in audit.stdout
    strip = run_cli("strip", img)
    assert strip.returncode == 1
    _assert_one_line_each(strip.stdout + strip.stderr, [*HOSTILE, "good.jpg"])
    assert re.search(r"\d+ files? stripped, \d+ already clean, \d+ failed", strip.stdout)
    assert f"stripped location: {img / 'good.jpg'}" in strip.stdout
    assert read_location_tags(img / "good.jpg") == {}
    for name, data in HOSTILE.items():  # refused or clean: left as it was, or now clean
        path = img / name
        if path.read_bytes() != data:
            assert f"stripped location: {path}" in strip.stdout
            assert read_location_tags(path) == {}


def test_build_names_each_file_once_and_processes_the_rest(folder: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _copy(folder, site / "assets" / "img")
    (site / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (site / "_posts").mkdir()
    refs = [f"![{n}](/assets/img/{n})" for n in sorted(HOSTILE) if not n.endswith(".mov")]
    post = site / "_posts/2025-01-01-hostile.md"
    post.write_text("---\ntitle: h\n---\n\n![good](/assets/img/good.jpg)\n\n" + "\n\n".join(refs))
    result = run_cli("build", site, "--workers", "1")
    assert result.returncode == 1
    _assert_one_line_each(result.stdout + result.stderr, [*HOSTILE, "good.jpg"])
    assert re.search(r"\d+ images, \d+ variants written", result.stderr)
    assert read_location_tags(site / "assets/img/good.jpg") == {}
    assert "data-assets-tool" in post.read_text(encoding="utf-8")  # good.jpg was rewritten
    check = run_cli("build", site, "--check")
    _assert_one_line_each(check.stdout + check.stderr, [*HOSTILE, "good.jpg"])


@pytest.mark.parametrize("hook", ["strip-location", "check-images"])
def test_hooks_name_each_file_once(folder: Path, tmp_path: Path, hook: str) -> None:
    repo = make_repo(tmp_path / "blog")
    _copy(folder, repo / "img")
    names = sorted(f"img/{p.name}" for p in (repo / "img").iterdir())
    result = subprocess.run(
        [*CLI, "hook", hook, *names], cwd=repo, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    _assert_one_line_each(result.stdout + result.stderr, [*HOSTILE, "good.jpg"])
    assert "img/good.jpg: location data" in result.stdout
