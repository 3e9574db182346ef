"""What a user sees from `build`: exit codes, --json on stdout, messages on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assets_tool.build import build_site
from assets_tool.build import posts as build_posts
from assets_tool.config import Config
from assets_tool.report import BuildMode
from examples.photogen import make_photo
from tests.helpers import run_cli


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/ok.jpg").write_bytes(make_photo(320, 240, seed=31, orientation=1))
    (root / "img/junk.jpg").write_bytes(b"not an image at all")
    (root / "_posts/2025-01-01-p.md").write_text(
        "![ok](/img/ok.jpg)\n\n![junk](/img/junk.jpg)\n\n![gone](/img/gone.jpg)\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize(
    "option",
    [("--formats", "gif"), ("--output-dir", "_hidden"), ("--widths", "0"), ("--widths", "x")],
)
def test_a_bad_option_value_is_a_usage_error(site: Path, option: tuple[str, str]) -> None:
    result = run_cli("build", site, *option)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "assets").exists()


def test_json_report_stays_valid_with_errors(site: Path) -> None:
    result = run_cli("build", site, "--json", "--workers", "1")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["images"] == 2
    errors = report["errors"]
    assert len(errors) == 2
    assert any("2025-01-01-p.md:5:" in e and "/img/gone.jpg" in e for e in errors)
    assert any("junk.jpg" in e and "2025-01-01-p.md:3" in e for e in errors)
    assert report["posts_changed"] == [str(site / "_posts/2025-01-01-p.md")]
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr


def test_dry_run_and_check_summaries_say_nothing_was_written(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/ok.jpg").write_bytes(make_photo(320, 240, seed=32))
    (root / "_posts/2025-01-01-p.md").write_text("![ok](/img/ok.jpg)\n", encoding="utf-8")
    dry = run_cli("build", root, "--dry-run", "--workers", "1")
    assert dry.returncode == 0, dry.stderr
    summary = dry.stderr.splitlines()[-1]
    assert "variants to write" in summary and "1 locations to remove" in summary, summary
    assert "1 posts to rewrite" in summary and "written" not in summary
    check = run_cli("build", root, "--check")
    assert check.returncode == 1
    summary = check.stderr.splitlines()[-1]
    assert "variants to write" in summary and "-> 0 B" not in summary, summary
    done = run_cli("build", root, "--workers", "1")
    summary = done.stderr.splitlines()[-1]
    assert "variants written" in summary and "1 locations removed" in summary, summary


@pytest.mark.parametrize("command", ["build", "scan"])
def test_json_is_printed_even_when_the_settings_are_broken(tmp_path: Path, command: str) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("assets_tool:\n  bogus: 1\n", encoding="utf-8")
    result = run_cli(command, root, "--json")
    assert result.returncode == 1
    errors = json.loads(result.stdout)["errors"]
    assert len(errors) == 1 and "unknown setting `bogus`" in errors[0]
    plain = run_cli(command, root)
    assert plain.returncode == 1 and plain.stdout == ""
    assert "unknown setting `bogus`" in plain.stderr


def _one_post_site(root: Path) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img/ok.jpg").write_bytes(make_photo(320, 240, seed=33))
    post = root / "_posts/2025-01-01-p.md"
    post.write_text("![ok](/img/ok.jpg)\n", encoding="utf-8")
    return post


def test_unwritable_variants_folder_is_named_not_blamed_on_the_image(tmp_path: Path) -> None:
    post = _one_post_site(tmp_path / "site")
    (tmp_path / "site/assets/img").mkdir(parents=True)
    (tmp_path / "site/assets/img/variants").write_text("a file where the folder goes")
    result = run_cli("build", tmp_path / "site", "--json", "--workers", "1")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["variants_written"] == 0 and report["posts_changed"] == []
    (error,) = report["errors"]
    assert "cannot write variant" in error and "encoding failed" not in error
    assert "2025-01-01-p.md:1" in error
    assert post.read_text(encoding="utf-8") == "![ok](/img/ok.jpg)\n"


def test_unwritable_post_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    post = _one_post_site(tmp_path / "site")
    real_write = build_posts.write_atomic

    def refuse_posts(path: Path, data: bytes, unchanged_from: bytes | None = None) -> None:
        if path.suffix == ".md":
            raise PermissionError(1, "Operation not permitted")
        real_write(path, data, unchanged_from)

    monkeypatch.setattr(build_posts, "write_atomic", refuse_posts)
    report = build_site(tmp_path / "site", Config(workers=1), BuildMode())
    assert report.posts_changed == []
    (error,) = report.errors
    assert error.message.startswith(f"{post}: cannot rewrite (Operation not permitted)")
    assert report.variants_written > 0


def test_scan_lists_every_reference_even_the_missing(site: Path) -> None:
    result = run_cli("scan", site, "--json")
    assert result.returncode == 1
    rows = json.loads(result.stdout)["references"]
    assert [(row["line"], row["status"]) for row in rows] == [(1, "ok"), (3, "error"), (5, "error")]
    assert rows[2]["src"] == "/img/gone.jpg" and rows[2]["file"] is None


def test_animated_gif_counts_as_downloaded_as_it_is(tmp_path: Path) -> None:
    from PIL import Image

    root = tmp_path / "site"
    post = _one_post_site(root)
    frames = [Image.new("RGB", (64, 48), color) for color in ("red", "green", "blue")]
    frames[0].save(root / "img/anim.gif", save_all=True, append_images=frames[1:], duration=100)
    post.write_text("![anim](/img/anim.gif)\n", encoding="utf-8")
    result = run_cli("build", root, "--json", "--workers", "1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    size = (root / "img/anim.gif").stat().st_size
    assert report["bytes_before"] == report["bytes_after"] == size
    assert any("animated" in note for note in report["notes"])


def test_progress_reaches_the_end_when_images_fail(site: Path) -> None:
    calls: list[tuple[int, int]] = []
    report = build_site(
        site, Config(workers=1), BuildMode(dry_run=True), on_progress=lambda *a: calls.append(a)
    )
    assert len(report.errors) == 2
    assert calls and calls[-1] == (2, 2)


def test_a_src_outside_the_site_names_the_file_it_reaches(tmp_path: Path) -> None:
    post = _one_post_site(tmp_path / "site")
    post.write_text("![up](../../../outside.jpg)\n", encoding="utf-8")
    result = run_cli("build", tmp_path / "site")
    assert result.returncode == 1
    reached = os.path.normpath(tmp_path / "site/../../../outside.jpg")
    expected = f"p.md:1: `../../../outside.jpg` resolves outside the site ({reached});"
    assert expected in result.stderr
