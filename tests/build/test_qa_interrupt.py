"""A build stopped midway (Ctrl-C, or killed) leaves nothing broken, and the next run converges."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from examples.photogen import make_photo
from tests.helpers import CLI, run_cli, tree_digest

PHOTOS = 12


@pytest.fixture(scope="module")
def photos() -> list[bytes]:
    return [make_photo(1200, 900, seed=100 + n, orientation=1) for n in range(PHOTOS)]


def _site(root: Path, photos: list[bytes]) -> dict[Path, str]:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    posts = {}
    for n, data in enumerate(photos):
        (root / f"img/p{n}.jpg").write_bytes(data)
        post = root / f"_posts/2025-01-{n + 1:02d}-p.md"
        posts[post] = f"---\ntitle: p{n}\n---\n![p{n}](/img/p{n}.jpg)\n"
        post.write_text(posts[post], encoding="utf-8")
    return posts


def _start(root: Path) -> subprocess.Popen[str]:
    # a session of its own: the signal reaches the driver and its workers, as Ctrl-C does
    return subprocess.Popen(
        [*CLI, "build", str(root), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_first_variant(root: Path, process: subprocess.Popen[str]) -> None:
    folder = root / "assets/img/variants"
    while process.poll() is None and not (folder.is_dir() and any(folder.iterdir())):
        time.sleep(0.02)


def _assert_converges(root: Path, posts: dict[Path, str]) -> None:
    for post, original in posts.items():  # each post is its original or fully rewritten
        text = post.read_text(encoding="utf-8")
        assert text == original or ("<picture>" in text and text.endswith("</picture>\n")), text
    done = run_cli("build", root, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    before = tree_digest(root)
    again = run_cli("build", root, "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert tree_digest(root) == before
    assert run_cli("build", root, "--check").returncode == 0


def test_ctrl_c_exits_130_with_one_clear_line(tmp_path: Path, photos: list[bytes]) -> None:
    root = tmp_path / "site"
    posts = _site(root, photos)
    process = _start(root)
    _wait_for_first_variant(root, process)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    assert "interrupted" in stderr
    assert "run the build again" in stderr
    _assert_converges(root, posts)


def test_a_killed_build_converges_on_the_next_run(tmp_path: Path, photos: list[bytes]) -> None:
    root = tmp_path / "site"
    posts = _site(root, photos)
    process = _start(root)
    _wait_for_first_variant(root, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    _assert_converges(root, posts)
