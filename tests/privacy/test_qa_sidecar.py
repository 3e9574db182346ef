"""XMP sidecars (Lightroom, darktable) carry the photo's GPS: audited, stripped, hooked."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from assets_tool.cli import main
from assets_tool.hook import git_hook as hook_install
from tests.hook.repos import commit, git, make_repo

from .fixtures import XMP_FULL, exiftool_location

DARKTABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:darktable="http://darktable.sf.net/"
   exif:GPSLatitude="36,5.454N"
   exif:GPSLongitude="115,10.56W"
   darktable:xmp_version="5">
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_sidecars_are_audited_and_stripped_and_other_xml_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "photo.xmp").write_bytes(XMP_FULL)
    (tmp_path / "photo.jpg.xmp").write_bytes(DARKTABLE)
    (tmp_path / "logo.svg").write_bytes(SVG)
    audit = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert audit.exit_code == 1
    assert f"{tmp_path / 'photo.jpg.xmp'}: 36.090900, -115.176000 (XMP sidecar)" in audit.stdout
    assert f"{tmp_path / 'photo.xmp'}: " in audit.stdout and "logo.svg" not in audit.stdout
    strip = CliRunner().invoke(main, ["strip", str(tmp_path)])
    assert strip.exit_code == 1 and "2 files stripped" in strip.stdout
    for name in ("photo.xmp", "photo.jpg.xmp"):
        assert exiftool_location(tmp_path / name) == ""
    assert b"darktable:xmp_version" in (tmp_path / "photo.jpg.xmp").read_bytes()
    assert b"A night out" in (tmp_path / "photo.xmp").read_bytes()
    assert (tmp_path / "logo.svg").read_bytes() == SVG
    assert CliRunner().invoke(main, ["audit", str(tmp_path)]).exit_code == 0


def test_the_raw_hook_strips_a_staged_sidecar(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog")
    hook_install.install(repo)
    sidecar = repo / "assets" / "img" / "photo.jpg.xmp"
    sidecar.parent.mkdir(parents=True)
    sidecar.write_bytes(DARKTABLE)
    git(repo, "add", ".")
    blocked = commit(repo)
    assert blocked.returncode != 0
    assert "assets/img/photo.jpg.xmp: location data removed" in blocked.stdout
    git(repo, "add", ".")
    assert commit(repo).returncode == 0
    landed = subprocess.run(
        ["git", "show", "HEAD:assets/img/photo.jpg.xmp"], cwd=repo, capture_output=True, check=True
    ).stdout
    assert b"GPS" not in landed
