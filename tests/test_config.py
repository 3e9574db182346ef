"""Settings: defaults, `_config.yml`'s `assets_tool:` section, `assets-tool.toml`, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets_tool.config import Config, load
from assets_tool.errors import ConfigError
from tests.conftest import AVIF_ENCODER_VARIABLE
from tests.helpers import run_cli


def test_defaults_when_the_site_has_no_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(AVIF_ENCODER_VARIABLE)
    assert load(tmp_path) == Config()


def test_jekyll_section_and_site_url(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text(
        'url: "https://me.github.io"\nbaseurl: /blog\n'
        "assets_tool:\n  widths: [320, 640]\n  avif-quality: 50\n  markup: picture\n",
        encoding="utf-8",
    )
    config = load(tmp_path)
    assert config.widths == (320, 640)
    assert config.avif_quality == 50
    assert config.markup == "picture"
    assert (config.url, config.baseurl) == ("https://me.github.io", "/blog")


def test_toml_file_wins_over_jekyll_section(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("assets_tool:\n  widths: [1]\n", encoding="utf-8")
    (tmp_path / "assets-tool.toml").write_text(
        'output_dir = "static/variants"\nformats = ["webp"]\n', encoding="utf-8"
    )
    config = load(tmp_path)
    assert config.output_dir == "static/variants"
    assert config.formats == ("webp",)
    assert config.widths == Config().widths


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("assets_tool:\n  widht: [1]\n", "unknown setting `widht`"),
        ("assets_tool:\n  widths: big\n", "widths"),
        ("assets_tool:\n  strip_location: 1\n", "strip_location"),
        ("assets_tool:\n  markup: fancy\n", "markup `fancy`"),
        ("assets_tool:\n  output_dir: _variants\n", "would not be published"),
        ("assets_tool:\n  avif_quality: 101\n", "avif_quality"),
        ("assets_tool:\n  avif_encoder: x265\n", "avif_encoder `x265`"),
        ("assets_tool: [\n", "not valid YAML"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, body: str, needle: str) -> None:
    (tmp_path / "_config.yml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    assert needle in caught.value.message
    assert "_config.yml" in caught.value.message


def test_unknown_key_fails_the_build_command(tmp_path: Path) -> None:
    (tmp_path / "assets-tool.toml").write_text("colour = 1\n", encoding="utf-8")
    result = run_cli("build", tmp_path)
    assert result.returncode == 1
    assert "assets-tool.toml: unknown setting `colour`" in result.stderr


def test_command_line_overrides_the_file(example_site: Path) -> None:
    result = run_cli("build", example_site, "--dry-run", "--output-dir", "static/v")
    assert result.returncode == 0, result.stderr
    assert "/static/v/" in result.stdout
    assert "/assets/img/variants/" not in result.stdout


def test_yaml_error_is_one_line_with_its_line_number(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: x\nassets_tool:\n  widths: [1,\n", "utf-8")
    result = run_cli("build", tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "_config.yml: not valid YAML (line " in errors[0], errors
