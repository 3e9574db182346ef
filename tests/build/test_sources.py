"""The warm path: an unchanged original is not read again, a changed one always is."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assets_tool.build import BuildMode, build_site, images, load_site_config, publish
from tests.helpers import run_cli, tree_digest

PHOTOS = "assets/img/photos/jenson"
VARIANTS = "assets/img/variants"
LocationTags = Callable[[Path | str], dict[str, Any]]


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every test (and the CLI it runs) a cache folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every original the build reads from now on."""
    seen: list[Path] = []
    real = publish.read_source

    def counting(path: Path) -> bytes:
        seen.append(path)
        return real(path)

    for module in (images, publish):  # where sources are read first, and read late for encoding
        monkeypatch.setattr(module, "read_source", counting)
    return seen


def test_a_warm_build_reads_no_original_and_changes_nothing(
    example_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_cli("build", example_site)
    assert first.returncode == 0, first.stderr
    before = tree_digest(example_site)
    reads = _reads(monkeypatch)
    report = build_site(example_site, load_site_config(example_site), BuildMode())
    assert reads == []
    assert report.images == 7 and not report.errors and not report.changed
    assert tree_digest(example_site) == before
    check = run_cli("build", example_site, "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_photo_changed_with_the_same_size_and_time_is_read_and_rendered_again(
    example_site: Path,
) -> None:
    assert run_cli("build", example_site).returncode == 0
    photo = example_site / PHOTOS / "3.jpg"
    stat = photo.stat()
    data = photo.read_bytes()
    assert data.count(b"Apple") >= 1
    # same length, same modification time: only the change time and content tell
    photo.write_bytes(data.replace(b"Apple", b"Bpple", 1))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = run_cli("build", example_site, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    old = sorted((example_site / VARIANTS).glob("3-*"))
    # the changed photo's variants are made anew, and its old ones are gone
    assert report["variants_written"] == len(report["files_removed"]) > 0
    assert {Path(p).name for p in report["files_removed"]}.isdisjoint(p.name for p in old)
    assert all(Path(p).name.startswith("3-") for p in report["files_removed"])


def test_turning_stripping_on_after_a_build_without_it_strips(
    example_site: Path, location_tags: LocationTags
) -> None:
    assert run_cli("build", example_site, "--no-strip").returncode == 0
    photo = example_site / PHOTOS / "1.jpg"
    assert location_tags(photo) != {}
    again = run_cli("build", example_site)
    assert again.returncode == 0, again.stderr
    assert "7 locations removed" in again.stderr
    assert location_tags(photo) == {}


def test_an_unwritable_cache_only_costs_time(example_site: Path, tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("not a folder")  # XDG_CACHE_HOME points at a file
    done = run_cli("build", example_site)
    assert done.returncode == 0, done.stderr
    assert "0 errors" in done.stderr and (example_site / VARIANTS).is_dir()
