"""A build stopped midway (Ctrl-C, or killed) leaves nothing broken, and the next run converges."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assets_tool.build.lock import LOCK_NAME, WAIT_ENV
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


def _start(root: Path, wait: float | None = None) -> subprocess.Popen[str]:
    # a session of its own: the signal reaches the driver and its workers, as Ctrl-C does
    env = {**os.environ, WAIT_ENV: str(wait)} if wait is not None else None
    return subprocess.Popen(
        [*CLI, "build", str(root), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, photos: list[bytes]) -> dict[str, str]:
    """The tree one uninterrupted build leaves: what every other run must converge to."""
    root = tmp_path_factory.mktemp("reference") / "site"
    _site(root, photos)
    done = run_cli("build", root, "--workers", "2")
    assert done.returncode == 0, done.stderr
    return tree_digest(root)


def _pause_after_first_variant(root: Path, process: subprocess.Popen[str]) -> None:
    """Stop the build (driver and workers) once it has written its first variant.

    Stopped, it can neither finish before the test's next step nor miss a signal: one sent
    now is delivered the moment `_resume` lets it run again, mid-build, however loaded the
    machine is.
    """
    folder = root / "assets/img/variants"
    while process.poll() is None and not (folder.is_dir() and any(folder.iterdir())):
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be stopped mid-run"
    os.killpg(process.pid, signal.SIGSTOP)


def _resume(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGCONT)


def _paused_build(
    tmp_path: Path, photos: list[bytes]
) -> tuple[Path, dict[Path, str], subprocess.Popen[str]]:
    """Write the site, start its build and stop it after the first variant."""
    root = tmp_path / "site"
    posts = _site(root, photos)
    process = _start(root)
    _pause_after_first_variant(root, process)
    return root, posts, process


def _assert_converges(root: Path, posts: dict[Path, str]) -> None:
    for post, original in posts.items():  # each post is its original or fully rewritten
        text = post.read_text(encoding="utf-8")
        # a rewritten post ends in its generated markup (a <picture> or a kramdown-safe <img>)
        assert text == original or ("data-assets-tool=" in text and text.endswith(">\n")), text
    done = run_cli("build", root, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert not (root / LOCK_NAME).exists()  # a killed run's lock file went with the next run
    before = tree_digest(root)
    again = run_cli("build", root, "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert tree_digest(root) == before
    assert run_cli("build", root, "--check").returncode == 0


def test_ctrl_c_exits_130_with_one_clear_line(tmp_path: Path, photos: list[bytes]) -> None:
    root, posts, process = _paused_build(tmp_path, photos)
    os.killpg(process.pid, signal.SIGINT)
    _resume(process)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    assert "interrupted" in stderr
    assert "run the build again" in stderr
    _assert_converges(root, posts)


def test_two_builds_at_once_do_the_work_once(
    tmp_path: Path, photos: list[bytes], uninterrupted: dict[str, str]
) -> None:
    root, _, first = _paused_build(tmp_path, photos)
    impatient = run_cli_with(root, {WAIT_ENV: "0"})
    assert impatient.returncode == 1
    busy = f"another assets-tool run is working on {root.resolve()} (pid {first.pid})"
    assert busy in impatient.stderr, impatient.stderr
    assert "Traceback" not in impatient.stderr
    patient = _start(root, wait=600)  # waits for the first, then finds the work done
    _resume(first)
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    _, patient_err = patient.communicate(timeout=300)
    assert patient.returncode == 0, patient_err
    assert "0 variants written" in patient_err and "0 posts rewritten" in patient_err
    assert tree_digest(root) == uninterrupted


def test_a_killed_builds_lock_is_taken_by_the_waiting_run(
    tmp_path: Path, photos: list[bytes], uninterrupted: dict[str, str]
) -> None:
    root, _, first = _paused_build(tmp_path, photos)
    waiting = _start(root, wait=600)
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate(timeout=60)
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert not (root / LOCK_NAME).exists()
    assert tree_digest(root) == uninterrupted


def test_a_killed_build_converges_on_the_tree_of_an_uninterrupted_one(
    tmp_path: Path, photos: list[bytes], uninterrupted: dict[str, str]
) -> None:
    root, posts, process = _paused_build(tmp_path, photos)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert (root / LOCK_NAME).exists()  # the stale lock file of the killed run
    _assert_converges(root, posts)
    assert tree_digest(root) == uninterrupted


def test_a_post_edited_during_the_build_is_not_overwritten(
    tmp_path: Path, photos: list[bytes]
) -> None:
    root, posts, process = _paused_build(tmp_path, photos)  # scanned: the rewrite is coming
    edited = next(iter(posts))
    text = posts[edited] + "An edit saved while the build ran.\n"
    edited.write_text(text, encoding="utf-8")
    _resume(process)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1
    assert f"{edited}: changed during the build" in stderr and "run the build again" in stderr
    assert edited.read_text(encoding="utf-8") == text
    others = [p for p in posts if p != edited]
    assert all("data-assets-tool=" in p.read_text(encoding="utf-8") for p in others)
    again = run_cli("build", root, "--workers", "2")
    assert again.returncode == 0, again.stderr
    now = edited.read_text(encoding="utf-8")
    assert "data-assets-tool=" in now and now.endswith("An edit saved while the build ran.\n")


def run_cli_with(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one build with extra environment variables and wait for it."""
    return subprocess.run(
        [*CLI, "build", str(root), "--workers", "2"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
