"""Fixtures of the hook tests: repositories with the raw hook installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assets_tool.hook import git_hook

from .repos import ROOT, git, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh repository with the raw hook installed."""
    path = make_repo(tmp_path / "blog")
    git_hook.install(path)
    return path


@pytest.fixture
def lfs_repo(tmp_path: Path) -> Path:
    """A repository where Git LFS stores *.jpg, with the raw hook installed after LFS's."""
    path = make_repo(tmp_path / "blog", lfs=True)
    git_hook.install(path)
    return path


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Commit this project's working tree into a scratch repository pre-commit can clone.

    pre-commit installs a hook repository from one of its commits; a snapshot makes the test
    see the code as it is on disk, committed or not.
    """
    snapshot = tmp_path_factory.mktemp("hooks-repo")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    wanted = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "assets_tool/")
    for name in listed.split("\0"):
        source = ROOT / name
        if name.startswith(wanted) and source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    make_repo(snapshot)
    return snapshot, git(snapshot, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def precommit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit with one cache (PRE_COMMIT_HOME) shared by every test."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
