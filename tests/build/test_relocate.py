"""A changed output_dir removes what the tool recorded in the old folder, and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PIL import Image

from tests.helpers import elements, run_cli, tree_digest

POST = "_posts/2025-01-06-ces-2025-keynote-1.md"
OLD = "assets/img/variants"
NEW = "assets/img/v2"
MANIFEST = "assets-tool-manifest.json"


def test_changing_output_dir_removes_the_old_folders_variants(example_site: Path) -> None:
    site = example_site
    assert run_cli("build", site).returncode == 0
    recorded = json.loads((site / OLD / MANIFEST).read_text(encoding="utf-8"))
    assert recorded["folder"] == OLD
    old_variants = [name for name, size in recorded["variants"].items() if size]
    (site / OLD / "my-banner.jpg").write_bytes(b"not the tool's")  # a file the tool never wrote
    # a copy of the folder elsewhere records where it came from, so it is not the tool's to clean
    shutil.copytree(site / OLD, site / "backup/variants")
    backup = tree_digest(site / "backup")

    check = run_cli("build", site, "--output-dir", NEW, "--check")
    assert check.returncode == 1
    for name in old_variants:
        assert f"would remove: {site / OLD / name}" in check.stdout
    assert "my-banner.jpg" not in check.stdout

    moved = run_cli("build", site, "--output-dir", NEW)
    assert moved.returncode == 0, moved.stderr
    assert f"{len(old_variants)} old variants removed" in moved.stderr.splitlines()[-1]
    assert sorted(p.name for p in (site / OLD).iterdir()) == ["my-banner.jpg"]
    assert tree_digest(site / "backup") == backup
    # the posts point at the new folder, whose files decode
    imgs = [e for e in elements((site / POST).read_text(encoding="utf-8")) if e.tag == "img"]
    assert len(imgs) == 7
    for img in imgs:
        src = img.attrs["src"] or ""
        assert src.startswith(f"/{NEW}/"), src
        with Image.open(site / src.lstrip("/")) as decoded:
            decoded.verify()
    assert json.loads((site / NEW / MANIFEST).read_text(encoding="utf-8"))["folder"] == NEW

    snapshot = tree_digest(site)
    assert run_cli("build", site, "--output-dir", NEW).returncode == 0
    assert tree_digest(site) == snapshot
