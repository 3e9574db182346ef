"""`--dry-run` and `--check` plan without encoding; their variant sizes are marked estimates."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest

from assets_tool.build import BuildMode, build_site, load_site_config
from assets_tool.report import human_bytes
from tests.helpers import run_cli, tree_digest

POST = "_posts/2025-01-06-ces-2025-keynote-1.md"
VARIANTS = "assets/img/variants"
_DISK = re.compile(r"variants use (~?)([\d.]+) (B|kB|MB|GB)")
_UNIT = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


class _NoEncoding(Executor):
    """An executor that fails the test as soon as anything is submitted to it."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        pytest.fail(f"a run that writes nothing submitted {getattr(fn, '__name__', fn)}")


def _disk(summary: str) -> tuple[bool, float]:
    match = _DISK.search(summary)
    assert match, summary
    return match.group(1) == "~", float(match.group(2)) * _UNIT[match.group(3)]


@pytest.mark.parametrize("mode", [BuildMode(dry_run=True), BuildMode(check=True)])
def test_a_run_that_writes_nothing_never_submits_an_encode(
    example_site: Path, mode: BuildMode
) -> None:
    report = build_site(example_site, load_site_config(example_site), mode, executor=_NoEncoding())
    assert report.images == 7 and not report.errors
    assert report.variants_written > 0 and report.estimated == report.variants_written
    assert report.variants_bytes > 0 and report.bytes_after > 0
    assert "~" in report.summary(mode) and "estimated" in report.summary(mode)
    assert not (example_site / VARIANTS).exists()


def test_dry_run_and_check_leave_the_site_as_it_was_and_estimate_the_sizes(
    example_site: Path,
) -> None:
    site = example_site
    snapshot = tree_digest(site)  # the 12 MP originals, with their location, byte for byte
    dry = run_cli("build", site, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"+++ b/{site / POST}" in dry.stdout
    check = run_cli("build", site, "--check")
    assert check.returncode == 1
    assert tree_digest(site) == snapshot
    assert not (site / VARIANTS).exists()
    guesses = []
    for result in (dry, check):
        summary = result.stderr.splitlines()[-1]
        assert "(estimated: not encoded)" in summary, summary
        estimated, size = _disk(summary)
        assert estimated
        guesses.append(size)

    built = run_cli("build", site)
    assert built.returncode == 0, built.stderr
    estimated, _ = _disk(built.stderr.splitlines()[-1])
    on_disk = sum(p.stat().st_size for p in (site / VARIANTS).iterdir() if p.suffix != ".json")
    assert not estimated and f"variants use {human_bytes(on_disk)}" in built.stderr
    # a guess, but the right order of magnitude
    assert all(on_disk / 2 < guess < on_disk * 2 for guess in guesses), (guesses, on_disk)

    # once encoded, the sizes are known: a dry run after the build estimates nothing
    again = run_cli("build", site, "--dry-run")
    assert again.returncode == 0 and not _disk(again.stderr.splitlines()[-1])[0]
    assert f"variants use {human_bytes(on_disk)}" in again.stderr
