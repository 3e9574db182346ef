"""Build warns when the published site nears GitHub Pages' 1 GB; unpublished files don't count."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import run_cli

SPARSE = 950_000_000  # apparent size; a sparse file takes no disk space


def _sparse(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.truncate(SPARSE)


def test_a_site_near_1_gb_is_warned_about_and_unpublished_folders_do_not_count(
    example_site: Path,
) -> None:
    site = example_site
    _sparse(site / "_data/export.bin")  # Jekyll publishes no `_folder`
    _sparse(site / "node_modules/pkg/blob.bin")
    quiet = run_cli("build", site, "--dry-run")
    assert quiet.returncode == 0, quiet.stderr
    assert "GitHub Pages" not in quiet.stderr

    os.replace(site / "_data/export.bin", site / "assets/export.bin")
    loud = run_cli("build", site)
    assert loud.returncode == 0, loud.stderr  # a warning, not a failure
    warning = next(line for line in loud.stderr.splitlines() if "GitHub Pages" in line)
    assert warning.startswith(f"warning: {site}: the published site is ")
    assert "1 GB" in warning and "0 errors" in loud.stderr.splitlines()[-1]
