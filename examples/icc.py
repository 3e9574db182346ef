"""A Display P3 ICC profile, built byte by byte (no Debian package ships one).

Display P3 is what phones write: the P3 primaries, a D65 white and the sRGB transfer curve.
This is an ICC v2 matrix/TRC display profile, as lcms and browsers read it: colorants
Bradford-adapted to the D50 connection space, `wtpt` = D50, the D65->D50 adaptation in `chad`.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

Vector = list[float]
Matrix = list[list[float]]

_D50 = [0.9642, 1.0, 0.8249]  # the ICC PCS illuminant
_P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
_D65_XY = (0.3127, 0.3290)
_BRADFORD = [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]


def _xy_to_xyz(x: float, y: float) -> Vector:
    return [x / y, 1.0, (1.0 - x - y) / y]


def _mat_vec(m: Matrix, v: Sequence[float]) -> Vector:
    return [sum(m[r][c] * v[c] for c in range(3)) for r in range(3)]


def _mat_mul(a: Matrix, b: Matrix) -> Matrix:
    return [[sum(a[r][k] * b[k][c] for k in range(3)) for c in range(3)] for r in range(3)]


def _mat_inv(m: Matrix) -> Matrix:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    cofactors = [
        [e * i - f * h, c * h - b * i, b * f - c * e],
        [f * g - d * i, a * i - c * g, c * d - a * f],
        [d * h - e * g, b * g - a * h, a * e - b * d],
    ]
    return [[v / det for v in row] for row in cofactors]


def _diag(v: Vector) -> Matrix:
    return [[v[r] if r == c else 0.0 for c in range(3)] for r in range(3)]


def bradford_d65_to_d50() -> Matrix:
    """Return the Bradford chromatic adaptation matrix from D65 to the D50 PCS white."""
    src, dst = _mat_vec(_BRADFORD, _xy_to_xyz(*_D65_XY)), _mat_vec(_BRADFORD, _D50)
    gain = _diag([d / s for d, s in zip(dst, src, strict=True)])
    return _mat_mul(_mat_inv(_BRADFORD), _mat_mul(gain, _BRADFORD))


def p3_to_xyz_d50() -> Matrix:
    """Return Display P3's linear RGB -> XYZ(D50) matrix (its columns are the colorant tags)."""
    cols = [_xy_to_xyz(x, y) for x, y in _P3_PRIMARIES]
    primaries = [[cols[c][r] for c in range(3)] for r in range(3)]
    scale = _mat_vec(_mat_inv(primaries), _xy_to_xyz(*_D65_XY))
    rgb_to_xyz = [[primaries[r][c] * scale[c] for c in range(3)] for r in range(3)]
    return _mat_mul(bradford_d65_to_d50(), rgb_to_xyz)


def _s15f16(*values: float) -> bytes:
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def _xyz_tag(xyz: Sequence[float]) -> bytes:
    return b"XYZ \0\0\0\0" + _s15f16(*xyz)


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    # ICC v2 textDescriptionType: the ASCII part, then empty Unicode and ScriptCode parts.
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)
        + struct.pack(">HB", 0, 0)
        + b"\0" * 67
    )


def _srgb_curve_tag(entries: int = 1024) -> bytes:
    def eotf(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    # v2 has no parametric curves (`para` is v4), so the sRGB curve is sampled.
    table = [round(eotf(i / (entries - 1)) * 65535) for i in range(entries)]
    return b"curv\0\0\0\0" + struct.pack(f">I{entries}H", entries, *table)


def _assemble(tags: list[tuple[bytes, bytes]]) -> bytes:
    """Lay out header, tag table and 4-byte aligned tag data into one ICC v2 display profile."""
    directory, body, offset = b"", b"", 128 + 4 + 12 * len(tags)
    for sig, data in tags:
        directory += sig + struct.pack(">II", offset, len(data))
        padded = data + b"\0" * (-len(data) % 4)
        body += padded
        offset += len(padded)
    header = (
        struct.pack(">I", offset)
        + b"\0\0\0\0"  # preferred CMM: none
        + bytes((2, 0x10, 0, 0))  # version 2.1.0
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2025, 1, 1, 0, 0, 0)  # a fixed date keeps the bytes deterministic
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual intent
        + _s15f16(*_D50)
        + b"\0" * 48  # creator, profile ID (v4 only), reserved
    )
    return header + struct.pack(">I", len(tags)) + directory + body


def display_p3_profile() -> bytes:
    """Build an ICC v2 RGB display profile for Display P3 (P3 primaries, D65, sRGB curve)."""
    m = p3_to_xyz_d50()
    trc = _srgb_curve_tag()
    return _assemble(
        [
            (b"desc", _desc_tag("Display P3")),
            (b"wtpt", _xyz_tag(_D50)),
            (b"rXYZ", _xyz_tag([m[r][0] for r in range(3)])),
            (b"gXYZ", _xyz_tag([m[r][1] for r in range(3)])),
            (b"bXYZ", _xyz_tag([m[r][2] for r in range(3)])),
            (b"rTRC", trc),
            (b"gTRC", trc),
            (b"bTRC", trc),
            (
                b"chad",
                b"sf32\0\0\0\0" + _s15f16(*(v for row in bradford_d65_to_d50() for v in row)),
            ),
            (b"cprt", b"text\0\0\0\0" + b"No copyright, use freely\0"),
        ]
    )


DISPLAY_P3 = display_p3_profile()
