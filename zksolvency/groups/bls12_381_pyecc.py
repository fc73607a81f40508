"""Reference BLS12-381 G1 backend on py_ecc: slow, short, and the oracle for the fast one.

Points are py_ecc's ``optimized_bls12_381`` homogeneous projective triples
``(X, Y, Z)`` of field elements, standing for the affine point (X/Z, Y/Z); any
triple with Z = 0 is the identity (py_ecc produces several such triples, so
equality never compares tuples). Compression is py_ecc's
``bls.point_compression``; hash-to-group is py_ecc's RFC 9380 ``hash_to_G1``.

py_ecc's decompression checks the flags, x < p and the curve equation but not
subgroup membership; :meth:`Bls12381PyEcc.decode` checks it by the definition,
r·P = O (one scalar multiplication, ~10 ms: fine for a reference backend).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from py_ecc import optimized_bls12_381 as ecc
from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.bls.point_compression import compress_G1, decompress_G1
from py_ecc.bls.typing import G1Compressed
from py_ecc.fields import optimized_bls12_381_FQ as FQ

from zksolvency.errors import FormatError, ParameterError
from zksolvency.groups import bls12_381 as bls
from zksolvency.groups.base import TablelessFixedBases

Projective = tuple[FQ, FQ, FQ]

_R = bls.ORDER


class Bls12381PyEcc(TablelessFixedBases):
    """BLS12-381 G1 on py_ecc (reference)."""

    curve = bls.CURVE
    backend = "py_ecc"
    order = bls.ORDER
    point_size = bls.POINT_SIZE
    scalar_size = bls.SCALAR_SIZE

    def identity(self) -> Projective:
        return ecc.Z1

    def generator(self) -> Projective:
        return ecc.G1

    def is_identity(self, a: Projective) -> bool:
        return ecc.is_inf(a)

    def eq(self, a: Projective, b: Projective) -> bool:
        if ecc.is_inf(a) or ecc.is_inf(b):
            return ecc.is_inf(a) and ecc.is_inf(b)
        return ecc.eq(a, b)

    def add(self, a: Projective, b: Projective) -> Projective:
        return ecc.add(a, b)

    def neg(self, a: Projective) -> Projective:
        return ecc.neg(a)

    def mul(self, k: int, a: Projective) -> Projective:
        # py_ecc's multiply does not reduce k (and recurses on its bits).
        return ecc.multiply(a, k % _R)

    def msm(self, scalars: Sequence[int], points: Sequence[Projective]) -> Projective:
        if len(scalars) != len(points):
            raise ParameterError("msm: scalars and points differ in length")
        acc = ecc.Z1
        for k, p in zip(scalars, points, strict=True):
            acc = ecc.add(acc, self.mul(k, p))
        return acc

    def encode(self, a: Projective) -> bytes:
        return compress_G1(a).to_bytes(bls.POINT_SIZE, "big")

    def decode(self, data: bytes, *, allow_identity: bool = False) -> Projective:
        p = self.decode_unchecked(data)
        if ecc.is_inf(p):
            if not allow_identity:
                raise FormatError("bls12_381 point: identity not allowed here")
            return p
        if not ecc.is_inf(ecc.multiply(p, _R)):
            raise FormatError("bls12_381 point: not in the prime-order subgroup")
        return p

    def decode_unchecked(self, data: bytes) -> Projective:
        """Decoding without the subgroup check (flags, x < p and the curve
        equation are still checked; the identity is accepted).

        Dangerous: only for bytes this program wrote itself, never for input
        from outside, which could be a point of small order.
        """
        data = bytes(data)
        if bls.check_compressed(data):
            return ecc.Z1
        try:
            return decompress_G1(G1Compressed(int.from_bytes(data, "big")))
        except ValueError:
            # The flags and x < p are already checked: py_ecc fails only if
            # x³ + 4 has no square root.
            raise FormatError("bls12_381 point: not on the curve") from None

    def hash_to_group(self, domain: bytes, msg: bytes) -> Projective:
        bls.check_dst(domain)
        return hash_to_G1(bytes(msg), bytes(domain), hashlib.sha256)
