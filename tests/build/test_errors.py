"""Bad input through `assets-tool build`: a clear line per file, the rest processed, exit 1."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from examples.photogen import (
    make_16bit_png,
    make_animated_gif,
    make_cmyk_jpeg,
    make_palette_png_with_transparency,
    make_photo,
)
from tests.helpers import elements, run_cli, run_cli_without_root_privileges

GOOD = make_photo(640, 480, seed=3)


def _bomb() -> bytes:
    """A small PNG whose header claims more pixels than the limit allows."""
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    return out.getvalue()


BAD: dict[str, tuple[bytes, str]] = {
    # file name -> (content, what the error line must say)
    "corrupt.jpg": (GOOD[:200] + b"\x00" * 500 + GOOD[700:], "corrupt.jpg"),
    "truncated.jpg": (GOOD[: len(GOOD) // 3], "truncated.jpg"),
    "empty.jpg": (b"", "empty.jpg"),
    "notes.jpg": (b"these are my notes, not a photo\n" * 20, "notes.jpg"),
    "bomb.png": (_bomb(), "bomb.png"),
}

FINE: dict[str, bytes] = {
    "cmyk.jpg": make_cmyk_jpeg(),
    "deep.png": make_16bit_png(),
    "palette.png": make_palette_png_with_transparency(),
}


def _site(root: Path, names: list[str]) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\nurl: https://example.org\n", encoding="utf-8")
    lines = ["---", "title: bad input", "---", ""]
    lines += [f'<img src="/assets/img/{name}" alt="{name}" width=300>\n' for name in names]
    (root / "_posts/2025-01-01-bad.md").write_text("\n".join(lines), encoding="utf-8")
    (root / "assets/img").mkdir(parents=True)
    return root / "_posts/2025-01-01-bad.md"


@pytest.fixture
def bad_site(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    names = ["good.jpg", *BAD, *FINE, "anim.gif", "missing.jpg", "../../outside.jpg", "dir.jpg"]
    post = _site(site, names)
    img = site / "assets/img"
    (img / "good.jpg").write_bytes(GOOD)
    for name, (data, _) in BAD.items():
        (img / name).write_bytes(data)
    for name, data in FINE.items():
        (img / name).write_bytes(data)
    (img / "anim.gif").write_bytes(make_animated_gif())
    (img / "dir.jpg").mkdir()  # unreadable as a file, whatever the user's privileges
    (tmp_path / "outside.jpg").write_bytes(GOOD)
    return site, post


def test_bad_files_are_named_and_the_rest_is_processed(bad_site: tuple[Path, Path]) -> None:
    site, post = bad_site
    before = post.read_text(encoding="utf-8")
    originals = {p.name: p.read_bytes() for p in (site / "assets/img").glob("*.*") if p.is_file()}

    result = run_cli("build", site)

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    for name, (_, needle) in BAD.items():
        matching = [line for line in errors if needle in line]
        assert len(matching) == 1, (name, errors)
        assert "2025-01-01-bad.md:" in matching[0], matching[0]
    for name in ("missing.jpg", "outside.jpg", "dir.jpg"):
        assert any(name in line and "2025-01-01-bad.md:" in line for line in errors), name
    assert "anim.gif" in result.stderr and "animated" in result.stderr

    text = post.read_text(encoding="utf-8")
    rewritten = {
        e.attrs.get("alt")
        for e in elements(text)
        if e.tag == "img" and "data-assets-tool" in e.attrs
    }
    assert rewritten == {"good.jpg", "cmyk.jpg", "deep.png", "palette.png"}
    for name in [*BAD, "anim.gif", "missing.jpg"]:
        assert f'<img src="/assets/img/{name}" alt="{name}" width=300>' in text
    assert text != before
    for name in BAD:
        assert (site / "assets/img" / name).read_bytes() == originals[name], name
    assert (site / "assets/img/anim.gif").read_bytes() == originals["anim.gif"]
    leftovers = [p for p in site.rglob("*.tmp")]
    assert leftovers == []


def test_palette_with_transparency_keeps_alpha(bad_site: tuple[Path, Path]) -> None:
    site, post = bad_site
    run_cli("build", site)
    text = post.read_text(encoding="utf-8")
    img = next(e for e in elements(text) if e.tag == "img" and e.attrs.get("alt") == "palette.png")
    src = img.attrs["src"] or ""
    with Image.open(site / src.lstrip("/")) as out:
        assert out.mode in {"RGBA", "LA", "PA"} or "transparency" in out.info


def test_unreadable_post_is_reported_and_others_processed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site(site, ["good.jpg"])
    (site / "assets/img/good.jpg").write_bytes(GOOD)
    broken = site / "_posts/2025-01-02-latin1.md"
    broken.write_bytes("caf\xe9 <img src=/assets/img/good.jpg>".encode("latin-1"))
    result = run_cli("build", site)
    assert result.returncode == 1
    assert "2025-01-02-latin1.md" in result.stderr and "UTF-8" in result.stderr
    assert "data-assets-tool" in (site / "_posts/2025-01-01-bad.md").read_text(encoding="utf-8")
    assert broken.read_bytes() == "caf\xe9 <img src=/assets/img/good.jpg>".encode("latin-1")


def test_missing_site_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("build", tmp_path / "nope")
    assert result.returncode == 2
    assert "nope" in result.stderr


def test_nothing_half_written_when_the_variant_folder_cannot_be_written(tmp_path: Path) -> None:
    site = tmp_path / "site"
    post = _site(site, ["good.jpg"])
    (site / "assets/img/good.jpg").write_bytes(GOOD)
    (site / "assets/img/variants").write_text("a file where a folder should be")
    before = post.read_bytes()
    result = run_cli("build", site)
    assert result.returncode == 1
    assert post.read_bytes() == before


def test_an_unlistable_posts_folder_is_an_error_not_a_silent_skip(tmp_path: Path) -> None:
    site = tmp_path / "site"
    post = _site(site, ["good.jpg"])
    (site / "assets/img/good.jpg").write_bytes(GOOD)
    hidden = site / "_posts/private"
    hidden.mkdir()
    (hidden / "2025-01-03-x.md").write_text("![x](/assets/img/good.jpg)\n", encoding="utf-8")
    hidden.chmod(0)
    try:
        result = run_cli_without_root_privileges("build", site)
    finally:
        hidden.chmod(0o755)
    assert result.returncode == 1
    assert f"error: {hidden}: cannot list (Permission denied)" in result.stderr
    assert "data-assets-tool" in post.read_text(encoding="utf-8")  # the rest was processed
