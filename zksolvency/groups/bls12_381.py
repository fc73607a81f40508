"""BLS12-381 G1 constants and the encoding rules both backends share.

Curve: E: y² = x³ + 4 over GF(p), #E(GF(p)) = h·r with r prime (ORDER) and
cofactor h (COFACTOR). The group is G1, the subgroup of order r; most points
of E are *not* in it, so decoding untrusted bytes must check subgroup
membership (the backends do; this module only parses).

Encoding: the ZCash compressed format, 48 bytes, x big-endian with three flag
bits in the top of the first byte:

========= ===== =====================================================
bit       mask  meaning
========= ===== =====================================================
C (7)     0x80  compressed; always 1 here (uncompressed is rejected)
I (6)     0x40  infinity: the identity, then every other bit is 0
S (5)     0x20  sort (sign): 1 iff y > (p − 1)/2, i.e. y is the larger root
========= ===== =====================================================

So the identity is exactly 0xc0 ‖ 0^47, and a finite point is
(0x80 | S·0x20 | x[0]) ‖ x[1..48] with x < p.

Hash-to-group: RFC 9380, suite ``BLS12381G1_XMD:SHA-256_SSWU_RO_`` with
DST = the caller's domain (1 to 255 bytes) and the caller's message.
"""

from __future__ import annotations

from zksolvency.errors import FormatError, ParameterError

CURVE = "bls12_381"
P = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB  # noqa: E501
ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
B = 4
COFACTOR = 0x396C8C005555E1568C00AAAB0000AAAB
POINT_SIZE = 48
SCALAR_SIZE = 32

FLAG_COMPRESSED = 0x80
FLAG_INFINITY = 0x40
FLAG_SIGN = 0x20
_FLAGS = FLAG_COMPRESSED | FLAG_INFINITY | FLAG_SIGN
_X_MASK = (1 << (8 * POINT_SIZE - 3)) - 1

IDENTITY_ENCODING = bytes([FLAG_COMPRESSED | FLAG_INFINITY]) + bytes(POINT_SIZE - 1)

H2C_SUITE = "BLS12381G1_XMD:SHA-256_SSWU_RO_"
#: RFC 9380 §3.1: a DST is 1 to 255 bytes (longer tags would need the
#: "H2C-OVERSIZE-DST-" reduction, which this library does not use).
MAX_DST_SIZE = 255


def check_compressed(data: bytes) -> bool:
    """The flag and canonicity checks of a compressed G1 encoding.

    Returns True for the identity encoding, False for a finite point with
    0 < x < p. Does not check that x is on the curve (that needs a square
    root, left to the backend's decompression) nor subgroup membership.

    Raises FormatError on a wrong length, a clear C flag, an infinity encoding
    with any other bit set, x ≥ p, or x = 0: the two curve points with x = 0,
    (0, ±2), have order 3 (their tangent is horizontal with a triple root), and
    3 ∤ r, so no encoding with x = 0 is ever a G1 point.
    """
    if len(data) != POINT_SIZE:
        raise FormatError(f"bls12_381 point: expected {POINT_SIZE} bytes, got {len(data)}")
    flags = data[0] & _FLAGS
    if not flags & FLAG_COMPRESSED:
        raise FormatError("bls12_381 point: compression flag not set")
    if flags & FLAG_INFINITY:
        if data != IDENTITY_ENCODING:
            raise FormatError("bls12_381 point: non-canonical encoding of the identity")
        return True
    x = int.from_bytes(data, "big") & _X_MASK
    if x >= P:
        raise FormatError("bls12_381 point: x coordinate not canonical (x >= p)")
    if x == 0:
        raise FormatError("bls12_381 point: x = 0 is a point of order 3, not in G1")
    return False


def check_dst(domain: bytes) -> None:
    """RFC 9380 §3.1: the domain separation tag must be 1 to 255 bytes."""
    if not 0 < len(domain) <= MAX_DST_SIZE:
        raise ParameterError(
            f"hash_to_group: bls12_381 domain must be 1 to {MAX_DST_SIZE} bytes, got {len(domain)}"
        )
