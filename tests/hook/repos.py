"""Throw-away Git repositories and small located images for the hook tests."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
# the pre-commit of this interpreter's environment, else the one on PATH
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
if not PRE_COMMIT.exists():
    PRE_COMMIT = Path(shutil.which("pre-commit") or "pre-commit")
PHOTOS = "assets/img/photos/jenson"  # where the example site keeps its photos
LocationTags = Callable[[Path | str], dict[str, Any]]


def git(repo: Path, *args: str, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[Any]:
    """Run git in `repo` and return the finished process (text mode unless text=False)."""
    kw.setdefault("text", True)
    return subprocess.run(["git", *args], cwd=repo, check=check, capture_output=True, **kw)


def make_repo(path: Path, *, lfs: bool = False) -> Path:
    """Create a throw-away repository with one commit (and Git LFS tracking *.jpg)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test")
    git(path, "config", "user.email", "test@example.com")
    (path / "README").write_text("blog\n")
    if lfs:
        git(path, "lfs", "install", "--local")
        git(path, "lfs", "track", "*.jpg")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "init", "--no-verify")
    return path


def gps_jpeg(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    """Encode a small JPEG whose EXIF has a GPS IFD."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 5.0, 27.0), 3: "W", 4: (115.0, 10.0, 33.0)}
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", exif=exif)
    return out.getvalue()


def gps_png(size: tuple[int, int]) -> bytes:
    """Encode a PNG of noise (so it stays large) with GPS in an eXIf chunk."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 5.0, 27.0), 3: "W", 4: (115.0, 10.0, 33.0)}
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG", exif=exif)
    return out.getvalue()


def commit(repo: Path, message: str = "post") -> subprocess.CompletedProcess[str]:
    """Run `git commit` with the installed hooks; hook output (Git sends it to stderr) in stdout."""
    return subprocess.run(
        ["git", "commit", "-m", message],
        cwd=repo,
        check=False,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def staged_blob_id(repo: Path, name: str) -> str:
    """Return the object id the index holds for `name`."""
    return git(repo, "rev-parse", f":{name}").stdout.strip()


def lfs_pointer(oid_seed: bytes = b"x") -> bytes:
    """Return a syntactically valid Git LFS pointer whose object is nowhere."""
    oid = hashlib.sha256(oid_seed).hexdigest()
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 12345\n".encode()


def run(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command in `repo`, output and errors together, without raising."""
    return subprocess.run(
        args, cwd=repo, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def use_hooks(repo: Path, hooks_repo: tuple[Path, str]) -> None:
    """Point the repository's .pre-commit-config.yaml at the snapshot's two hooks."""
    snapshot, ref = hooks_repo
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {snapshot}\n  rev: {ref}\n  hooks:\n"
        "  - id: strip-location\n  - id: check-images\n"
    )
    git(repo, "add", ".pre-commit-config.yaml")


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
