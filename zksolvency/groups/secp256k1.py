"""secp256k1 constants and the curve-level algorithms both backends share.

Curve: y² = x³ + 7 over GF(p), prime order q, cofactor 1 (so every curve point
other than the identity is in the prime-order group). Encoding: 33-byte SEC1
compressed (0x02 / 0x03 by the parity of y, then x big-endian); the identity,
which SEC1 writes as a single 0x00, is written here as 33 zero bytes so that
every encoded point has the same length.

Hash-to-group (``hash_to_compressed``): try-and-increment, see docs/SPEC.md §2.2.
"""

from __future__ import annotations

import hashlib

from zksolvency.errors import FormatError, ParameterError

CURVE = "secp256k1"
P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
B = 7
GX = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798
GY = 0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8
POINT_SIZE = 33
SCALAR_SIZE = 32
IDENTITY_ENCODING = bytes(POINT_SIZE)

H2C_TAG = b"zksolvency/h2c/secp256k1/try-and-increment/v1"
_H2C_MAX_TRIES = 256


def sqrt_mod_p(a: int) -> int | None:
    """A square root of a mod p, or None (p ≡ 3 mod 4, so r = a^((p+1)/4))."""
    r = pow(a, (P + 1) // 4, P)
    return r if r * r % P == a % P else None


def decompress(data: bytes) -> tuple[int, int] | None:
    """Checked SEC1 decompression to affine (x, y); None for the identity encoding.

    Raises FormatError on wrong length, a bad prefix, x ≥ p or x off the curve.
    """
    if len(data) != POINT_SIZE:
        raise FormatError(f"secp256k1 point: expected {POINT_SIZE} bytes, got {len(data)}")
    if data == IDENTITY_ENCODING:
        return None
    prefix = data[0]
    if prefix not in (2, 3):
        raise FormatError(f"secp256k1 point: bad prefix 0x{prefix:02x}")
    x = int.from_bytes(data[1:], "big")
    if x >= P:
        raise FormatError("secp256k1 point: x coordinate not canonical (x >= p)")
    y = sqrt_mod_p((x * x * x + B) % P)
    if y is None:
        raise FormatError("secp256k1 point: not on the curve")
    if (y & 1) != (prefix & 1):
        y = P - y
    return x, y


def compress(x: int, y: int) -> bytes:
    return bytes([2 | (y & 1)]) + x.to_bytes(32, "big")


def hash_to_compressed(domain: bytes, msg: bytes) -> bytes:
    """Try-and-increment hash to secp256k1 (docs/SPEC.md §2.2).

    For ctr = 0, 1, …: x = SHA-256(TAG ‖ u16(|domain|) ‖ domain ‖ u32(|msg|) ‖ msg ‖ u8(ctr));
    the first x < p with x³ + 7 a square gives the point (x, y) with y even.
    The discrete log of the result with respect to any other point is unknown.
    """
    if len(domain) > 0xFFFF or len(msg) > 0xFFFFFFFF:
        raise ParameterError("hash_to_group: domain or message too long")
    prefix = H2C_TAG + len(domain).to_bytes(2, "big") + domain + len(msg).to_bytes(4, "big") + msg
    for ctr in range(_H2C_MAX_TRIES):
        x = int.from_bytes(hashlib.sha256(prefix + bytes([ctr])).digest(), "big")
        if x < P and sqrt_mod_p((x * x * x + B) % P) is not None:
            return b"\x02" + x.to_bytes(32, "big")
    raise ParameterError("hash_to_group: no point found in 256 tries")  # probability 2^-256
