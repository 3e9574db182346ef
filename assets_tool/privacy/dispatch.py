"""Read and strip location data losslessly, at container level (never re-encoding pixels)."""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..atomic import write_atomic
from ..errors import AssetsToolError, MetadataError
from .findings import Findings, LocationReport, bad
from .heif import has_meta_box
from .jpeg import strip_jpeg
from .quicktime import is_quicktime, strip_quicktime
from .xmp import strip_xmp, xmp_findings

LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
LFS_UNCHECKED = "cannot verify: Git LFS content not present"
SKIP_DIRS = frozenset({".git", "node_modules", ".jekyll-cache", "vendor"})
_SUFFIXES = (
    ".jpg .jpeg .jpe .jfif .mpo .png .apng .webp .gif .tif .tiff .heic .heif .hif .avif .jxl .dng"
)
# the videos phones publish beside photos (Live Photos, motion photos), location in QuickTime
VIDEO_SUFFIXES = frozenset({".mov", ".mp4", ".m4v", ".3gp"})
IMAGE_SUFFIXES = frozenset(_SUFFIXES.split(" ")) | VIDEO_SUFFIXES
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_HEIF_BRANDS |= {b"avif", b"avis"}

# Lightroom, darktable and others write `photo.xmp` / `photo.jpg.xmp` beside the photo, with
# its GPS; copied into a site folder, it is published like the photo
_XMP_START = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:\?xpacket begin|x:x[am]pmeta[\s>])",
    re.DOTALL,
)

_PARSE_ERRORS = (struct.error, ValueError, IndexError, KeyError, OverflowError)
Stripper = Callable[[bytes, Path, bool], tuple[Findings, bytes]]


def is_lfs_pointer(data: bytes) -> bool:
    """Tell whether a file is a Git LFS pointer instead of the real content."""
    return data.startswith(LFS_POINTER)


def is_xmp_sidecar(data: bytes) -> bool:
    """Tell whether a file is a standalone XMP packet (a photo editor's sidecar)."""
    return _XMP_START.match(data[:1024]) is not None


def image_kind(data: bytes) -> str | None:
    """Name the image container by its magic bytes (None for anything else, SVG included)."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:4] in (b"II+\x00", b"MM\x00+"):
        return "BigTIFF"
    if data[4:8] == b"ftyp":
        return _heif_kind(data) or ("QuickTime" if is_quicktime(data) else None)
    if data[:2] == b"\xff\x0a" or data[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return "JPEG XL"
    return "QuickTime" if is_quicktime(data) else None


def _heif_kind(data: bytes) -> str | None:
    """Tell AVIF from HEIF by the ftyp brands (major or compatible); None for video files."""
    end = min(int.from_bytes(data[:4], "big"), len(data), 256)
    brands = {data[8:12]} | {data[at : at + 4] for at in range(16, end - 3, 4)}
    if not brands & _HEIF_BRANDS:
        return None
    return "AVIF" if brands & {b"avif", b"avis"} else "HEIF"


def _strippers() -> dict[str, Stripper]:
    from . import gif, heif, jxl, png, tiff, webp

    return {
        "JPEG": strip_jpeg,
        "GIF": gif.strip_gif,
        "AVIF": heif.strip_heif,
        "HEIF": heif.strip_heif,
        "JPEG XL": jxl.strip_jxl,
        "PNG": png.strip_png,
        "WebP": webp.strip_webp,
        "TIFF": tiff.strip_tiff,
        "QuickTime": strip_quicktime,
    }


def _unsupported(kind: str) -> str:
    fix = "convert it to JPEG, PNG, WebP or AVIF to publish it"
    return f"{kind} is not supported, location not checked; {fix}"


def _process(data: bytes, path: Path, everything: bool) -> tuple[LocationReport, bytes]:
    """Run the container's stripper; return the report and the stripped bytes."""
    if is_lfs_pointer(data):
        return LocationReport(path, (), LFS_UNCHECKED), data
    kind = image_kind(data)
    if kind is None and is_xmp_sidecar(data):
        findings = xmp_findings(data, path, "XMP sidecar")
        return LocationReport(path, tuple(findings)), strip_xmp(data, path) if findings else data
    if kind is None and not data:
        raise MetadataError(path, "is empty (0 bytes)", "copy or export the image again")
    if kind is None:
        raise MetadataError(
            path,
            "not an image (unknown content)",
            "replace it with a JPEG, PNG, WebP, GIF, TIFF, HEIC or AVIF file, or leave it out",
        )
    stripper = _strippers().get(kind)
    if stripper is None:
        return LocationReport(path, (), _unsupported(kind)), data
    if kind in ("AVIF", "HEIF") and not has_meta_box(data, path):
        reason = f"{kind} file has no meta box, location not checked; re-export it"
        return LocationReport(path, (), reason), data
    try:
        findings, out = stripper(data, path, everything)
    except _PARSE_ERRORS as error:  # a hostile offset our own checks did not foresee
        raise bad(path, f"{type(error).__name__}: {error}") from None
    return LocationReport(path, tuple(findings)), out


def read_location(data: bytes, path: Path) -> LocationReport:
    """Report every place in an image's bytes that holds location data."""
    return _process(data, path, False)[0]


def strip_location(data: bytes, path: Path, *, everything: bool = False) -> bytes:
    """Return the image without location (or without any metadata but ICC and Orientation)."""
    return _strip(data, path, everything)[1]


def _strip(data: bytes, path: Path, everything: bool) -> tuple[LocationReport, bytes]:
    report, out = _process(data, path, everything)
    if report.unchecked is not None:
        raise MetadataError(path, report.unchecked.partition(";")[0], _fix(report.unchecked))
    if (not everything and not report.findings) or out == data:
        return report, data
    return report, out


def _fix(reason: str) -> str:
    if reason == LFS_UNCHECKED:
        return "run `git lfs pull` to fetch the real file, then try again"
    return reason.partition("; ")[2] or "convert it to a supported format"


def strip_file(path: Path, *, everything: bool = False) -> bool:
    """Strip an image file in place, atomically; tell whether it changed."""
    return strip_file_report(path, everything=everything) is not None


def strip_file_report(path: Path, *, everything: bool = False) -> LocationReport | None:
    """Strip an image file in place; return what was removed, or None if it was left alone."""
    data = _read(path)
    report, stripped = _strip(data, path, everything)
    if stripped is data:
        return None
    _write_atomic(path, stripped)
    return report


def _read(path: Path) -> bytes:
    if path.is_symlink() and not path.exists():
        target = os.readlink(path)
        raise MetadataError(path, f"is a broken symbolic link (to {target})", "fix or remove it")
    if path.exists() and not path.is_file() and not path.is_dir():
        # a FIFO or device would block or never end
        raise MetadataError(path, "is not a regular file", "point to an image file instead")
    if path.is_dir():  # only a folder the walk could not list gets here
        try:
            os.listdir(path)
        except OSError as error:
            fix = "check its permissions; the images in it were not checked"
            raise MetadataError(path, f"cannot list the folder ({error.strerror})", fix) from None
        raise MetadataError(path, "is a directory, not an image", "point to an image file instead")
    try:
        return path.read_bytes()
    except OSError as error:
        raise MetadataError(
            path, f"cannot read ({error.strerror})", "check the path and its permissions"
        ) from None


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace a file's content in one step, keeping its mode (writes through symlinks)."""
    try:
        write_atomic(path, data)
    except OSError as error:
        raise MetadataError(
            path,
            f"cannot write the cleaned file ({error.strerror}); the original is unchanged",
            "check that the file and its folder are writable and the disk is not full",
        ) from None


def _walk(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Yield (file, named explicitly) for each path, walking directories in sorted order."""
    for path in paths:
        if not path.is_dir():
            yield path, True
            continue
        # a folder that cannot be listed is named, never silently passed over as clean
        unlisted: list[OSError] = []
        for root, dirs, files in os.walk(path, onerror=unlisted.append):
            yield from ((Path(e.filename), True) for e in unlisted)
            unlisted.clear()
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in sorted(files):
                yield Path(root) / name, False
        yield from ((Path(e.filename), True) for e in unlisted)


def image_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the named files, and every image file under the named directories."""
    for path, explicit in _walk(paths):
        if explicit or looks_like_image(path):
            yield path


def looks_like_image(path: Path) -> bool:
    """Tell whether a file holds an image (or an XMP sidecar) by its first bytes."""
    if not path.is_file():
        return False  # FIFOs, sockets, dangling links: nothing published
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return True  # let the caller report why it cannot be read
    if is_lfs_pointer(head):
        return path.suffix.lower() in IMAGE_SUFFIXES
    return image_kind(head) is not None or is_xmp_sidecar(head)


def audit_paths(
    paths: Iterable[Path], checked: list[Path] | None = None
) -> Iterator[LocationReport | AssetsToolError]:
    """Yield a report for each image that carries location or could not be checked."""
    for path in image_files(paths):
        if checked is not None:
            checked.append(path)
        try:
            report = read_location(_read(path), path)
        except AssetsToolError as error:
            yield error
            continue
        if report.findings or report.unchecked:
            yield report
