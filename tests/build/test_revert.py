"""`build --revert` succeeds past references to missing images and names what it left."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from tests.helpers import run_cli

POST = "_posts/2025-01-06-ces-2025-keynote-1.md"
PHOTOS = "assets/img/photos/jenson"
VARIANTS = "assets/img/variants"
MISSING = "\n![never there](/assets/img/not-here.jpg)\n"


def test_revert_exits_0_past_missing_images_and_says_how_to_remove_the_variants(
    example_site: Path,
) -> None:
    site = example_site
    post = site / POST
    assert run_cli("build", site).returncode == 0
    built = post.read_text(encoding="utf-8")
    post.write_text(built + MISSING, encoding="utf-8")
    (site / PHOTOS / "7.jpg").unlink()  # an original deleted after the build

    result = run_cli("build", site, "--revert")
    assert result.returncode == 0, result.stderr
    assert "error:" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("not-here.jpg" in line for line in warnings), result.stderr
    assert any("7.jpg" in line for line in warnings), result.stderr
    # every reference is back as written, the one whose photo is gone too
    seed = (Path("examples/site") / POST).read_text(encoding="utf-8")
    assert post.read_text(encoding="utf-8") == seed + MISSING
    assert "1 posts rewritten, 0 old variants removed, 0 errors" in result.stderr

    # the variants folder is left, with the command that removes it; that command works
    folder = site / VARIANTS
    note = next(line for line in result.stderr.splitlines() if "variants folder was left" in line)
    command = note.split("`")[1]
    assert command == f"rm -r {shlex.quote(str(folder))}"
    assert folder.is_dir()
    subprocess.run(shlex.split(command), check=True)
    assert not folder.exists() and (site / PHOTOS / "1.jpg").is_file()
