"""Fixtures of the gallery tests: small tagged photos (dates, offsets, captions, GPS), and one
gallery of the example site's post built with --from-site (shared by the CLI and browser
tests)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from examples.make_site import generate_photos, make_site
from examples.photogen import dms, make_photo
from tests.helpers import run_cli

GPS = (36.0909, -115.1760)
POST = "_posts/2025-01-06-ces-2025-keynote-1.md"
STAGE_ALT = "The stage before the keynote"


@pytest.fixture(scope="package")
def post_gallery(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The example post's 12 MP photos as a gallery of 3 a page: (site, out, stderr).

    The post is edited first: photo 6 is shown at the top too (with its own alt text), so the
    post's order (6, 1, 2, 3, 4, 5, 7) is neither name nor date order, and one reference
    names a file that does not exist.
    """
    site = tmp_path_factory.mktemp("site")
    make_site(site, force=True, photos=generate_photos())
    post = site / POST
    head, body = post.read_text(encoding="utf-8").split("---\n\n", 1)
    top = f"![{STAGE_ALT}](/assets/img/photos/jenson/6.jpg)\n\n"
    gone = "\n![gone](/assets/img/photos/jenson/missing.jpg)\n"
    post.write_text(f"{head}---\n\n{top}{body}{gone}", encoding="utf-8")
    out = tmp_path_factory.mktemp("post-gallery")
    with pytest.MonkeyPatch.context() as env:
        # two widths of the six: what these tests look at (order, text, pages, the lightbox)
        # does not depend on them, and the 12 MP photos encode in a third of the time
        env.setenv("ASSETS_TOOL_WIDTHS", "360,720")
        result = run_cli("gallery", "--from-site", site, post, "-o", out, "--page-size", "3")
    assert result.returncode == 1, result.stderr  # the missing file
    assert "privacy gate: clean" in result.stderr
    return site, out, result.stderr


def tagged_photo(
    seed: int,
    *,
    date: str | None = "2025:01:06 18:40:00",
    offset: str | None = None,
    description: str | None = None,
    alt: str | None = None,
    gps: tuple[float, float] | None = GPS,
    size: tuple[int, int] = (480, 360),
) -> bytes:
    """Return a small JPEG with DateTimeOriginal (+offset), XMP caption/alt text, GPS."""
    base = Image.open(io.BytesIO(make_photo(*size, seed=seed, orientation=1, gps=None)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 15 Pro"
    detail = exif.get_ifd(0x8769)
    if date:
        detail[0x9003] = date
    if offset:
        detail[0x9011] = offset
    detail[0x829D] = IFDRational(18, 10)
    if gps:
        exif.get_ifd(0x8825).update(
            {1: "N", 2: dms(gps[0]), 3: "W" if gps[1] < 0 else "E", 4: dms(gps[1])}
        )
    fields = []
    if description:
        fields.append(
            f"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>{description}"
            "</rdf:li></rdf:Alt></dc:description>"
        )
    if alt:
        fields.append(
            "<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang='x-default'>"
            f"{alt}</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility>"
        )
    params: dict[str, object] = {"exif": exif, "quality": 88}
    if fields:
        params["xmp"] = (
            "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>"
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
            "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:Iptc4xmpCore='http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/'>"
            + "".join(fields)
            + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
        ).encode()
    out = io.BytesIO()
    base.save(out, "JPEG", **params)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    """Write `data` to `path`, creating its folders; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
