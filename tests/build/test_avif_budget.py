"""`--avif-budget`: a build that runs out of AVIF time publishes WebP and the fallback now, and
the next runs finish the AVIF and the markup, converging on the tree of an unbudgeted build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli, tree_digest

PHOTOS = 3
VARIANTS = "assets/img/variants"


def _site(root: Path, photos: dict[str, bytes]) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "img").mkdir()
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    lines = ["---", "title: p", "---", ""]
    for n, data in enumerate(list(photos.values())[:PHOTOS]):
        (root / f"img/p{n}.jpg").write_bytes(data)
        # inside a sentence, so the rewrite writes a <picture> (one alone on its line gets an
        # <img srcset> of WebP, which kramdown keeps in its paragraph)
        lines += [f"Photo {n}: ![Photo {n}](/img/p{n}.jpg)", ""]
    (root / "_posts/2025-01-01-p.md").write_text("\n".join(lines), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def unbudgeted(
    tmp_path_factory: pytest.TempPathFactory, example_photos: dict[str, bytes]
) -> dict[str, str]:
    root = _site(tmp_path_factory.mktemp("reference") / "site", example_photos)
    done = run_cli("build", root, "--workers", "1")
    assert done.returncode == 0, done.stderr
    return tree_digest(root)


def test_a_spent_budget_defers_avif_and_the_next_run_converges(
    tmp_path: Path, example_photos: dict[str, bytes], unbudgeted: dict[str, str]
) -> None:
    root = _site(tmp_path / "site", example_photos)
    post = root / "_posts/2025-01-01-p.md"
    # one worker and one second: the first photo (the clock starts at its encode) takes longer
    # than that to encode in three widths and formats, so the last one is reached too late
    first = run_cli("build", root, "--workers", "1", "--avif-budget", "1", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    deferred = report["avif_deferred"]
    assert 1 <= len(deferred) < PHOTOS, deferred
    said = f"AVIF of {len(deferred)} of {PHOTOS} images left for the next run"
    assert any(said in warning for warning in report["warnings"]), report["warnings"]
    text = post.read_text(encoding="utf-8")
    avif = {p.name for p in (root / VARIANTS).glob("*.avif")}
    for n in range(PHOTOS):
        late = any(d.endswith(f"p{n}.jpg") for d in deferred)
        assert any(name.startswith(f"p{n}-") for name in avif) != late
        # the markup offers what exists: WebP and the fallback, AVIF only where it was encoded
        [picture] = [p for p in text.split("<picture")[1:] if f"/p{n}-" in p]
        assert ('type="image/avif"' in picture) != late, picture
        assert 'type="image/webp"' in picture
    for name in _variant_urls(text):
        assert (root / VARIANTS / name).is_file(), name
    assert run_cli("build", root, "--check").returncode == 1  # AVIF still to come

    second = run_cli("build", root, "--workers", "1")
    assert second.returncode == 0, second.stderr
    assert "left for the next run" not in second.stderr
    assert tree_digest(root) == unbudgeted
    assert run_cli("build", root, "--check").returncode == 0


def _variant_urls(text: str) -> set[str]:
    marker = f"/{VARIANTS}/"
    return {part.split()[0].split('"')[0] for part in text.split(marker)[1:]}
