"""The default AVIF encoder (libaom, 4:4:4, one thread) end to end; SVT-AV1 chosen by setting.

The rest of the suite encodes with SVT-AV1 (tests/conftest.py); these tests unset that.
exiftool reads each AVIF's chroma format, Pillow decodes the pixels and the profile.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import AVIF_ENCODER_VARIABLE, ExifTool
from tests.helpers import run_cli, tree_digest

VARIANTS = "assets/img/variants"


def _site(root: Path, photo: bytes) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "img").mkdir()
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img/phone.jpg").write_bytes(photo)
    # shown 400 px wide: 400, 800 and 1200 px variants, the cheapest realistic ladder
    post = '---\ntitle: p\n---\n![A stage](/img/phone.jpg){: width="400"}\n'
    (root / "_posts/2025-01-01-p.md").write_text(post, encoding="utf-8")
    return root


def _avifs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / VARIANTS).glob("*.avif"))}


@pytest.fixture(scope="module")
def default_build(
    tmp_path_factory: pytest.TempPathFactory, photo_bytes: bytes
) -> tuple[Path, Path]:
    """The same 12 MP site built twice with the default encoder: 2 workers, then 1."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv(AVIF_ENCODER_VARIABLE)
        roots = []
        for workers in ("2", "1"):
            root = _site(tmp_path_factory.mktemp(f"workers{workers}") / "site", photo_bytes)
            done = run_cli("build", root, "--workers", workers)
            assert done.returncode == 0, done.stderr
            roots.append(root)
    return roots[0], roots[1]


def test_default_avif_is_444_upright_with_the_profile(
    default_build: tuple[Path, Path], exiftool: ExifTool
) -> None:
    root, _ = default_build
    avifs = _avifs(root)
    assert len(avifs) == 3
    for name, data in avifs.items():
        assert exiftool(root / VARIANTS / name)["QuickTime:ChromaFormat"] == "YUV 4:4:4"
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            assert im.format == "AVIF"
            assert im.height > im.width  # stored sideways with Orientation 6, served upright
            assert b"Display P3" in im.info["icc_profile"]
    widths = sorted(Image.open(io.BytesIO(d)).width for d in avifs.values())
    assert widths == [400, 800, 1200]


def test_default_avif_bytes_do_not_depend_on_the_number_of_workers(
    default_build: tuple[Path, Path],
) -> None:
    two, one = default_build
    assert _avifs(two) == _avifs(one)
    assert tree_digest(two) == tree_digest(one)


def test_svt_chosen_by_environment_gives_other_names_and_420(
    tmp_path: Path,
    photo_bytes: bytes,
    default_build: tuple[Path, Path],
    exiftool: ExifTool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(AVIF_ENCODER_VARIABLE, "svt")
    root = _site(tmp_path / "site", photo_bytes)
    done = run_cli("build", root)
    assert done.returncode == 0, done.stderr
    svt = _avifs(root)
    assert len(svt) == 3
    assert not set(svt) & set(_avifs(default_build[0]))  # the encoder is in every name
    for name in svt:
        assert exiftool(root / VARIANTS / name)["QuickTime:ChromaFormat"] == "YUV 4:2:0"


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("x265", "avif_encoder `x265` is unknown (set by ASSETS_TOOL_AVIF_ENCODER)"),
        ("", "avif_encoder `` is unknown (set by ASSETS_TOOL_AVIF_ENCODER)"),
    ],
)
def test_a_bad_environment_setting_names_the_variable_and_changes_nothing(
    tmp_path: Path, small_photo: bytes, monkeypatch: pytest.MonkeyPatch, value: str, needle: str
) -> None:
    monkeypatch.setenv(AVIF_ENCODER_VARIABLE, value)
    root = _site(tmp_path / "site", small_photo)
    before = tree_digest(root)
    failed = run_cli("build", root)
    assert failed.returncode == 1
    assert needle in failed.stderr and "use one of: aom, svt" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert tree_digest(root) == before


def test_an_environment_number_that_is_not_a_number_is_named(
    tmp_path: Path, small_photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSETS_TOOL_AVIF_QUALITY", "high")
    root = _site(tmp_path / "site", small_photo)
    failed = run_cli("build", root)
    assert failed.returncode == 1
    assert (
        "environment variable ASSETS_TOOL_AVIF_QUALITY: `high` is not a whole number"
        in failed.stderr
    )
