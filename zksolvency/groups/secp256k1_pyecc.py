"""Reference secp256k1 backend on py_ecc: slow, short, and the oracle for the fast one.

Points are affine ``(x, y)`` tuples of ints, or ``None`` for the identity.
Arithmetic is py_ecc's Jacobian addition, doubling and multiplication.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.secp256k1 import secp256k1 as ecc

from zksolvency.errors import FormatError, ParameterError
from zksolvency.groups import secp256k1 as sec
from zksolvency.groups.base import TablelessFixedBases

Affine = tuple[int, int] | None


def _to_affine(j: tuple[int, int, int]) -> Affine:
    if j[2] == 0 or j[1] == 0:
        return None
    x, y = ecc.from_jacobian(j)
    return (x, y)


class Secp256k1PyEcc(TablelessFixedBases):
    """secp256k1 on py_ecc (reference)."""

    curve = sec.CURVE
    backend = "py_ecc"
    order = sec.ORDER
    point_size = sec.POINT_SIZE
    scalar_size = sec.SCALAR_SIZE

    def identity(self) -> Affine:
        return None

    def generator(self) -> Affine:
        return (sec.GX, sec.GY)

    def is_identity(self, a: Affine) -> bool:
        return a is None

    def eq(self, a: Affine, b: Affine) -> bool:
        return a == b

    def add(self, a: Affine, b: Affine) -> Affine:
        if a is None:
            return b
        if b is None:
            return a
        return _to_affine(ecc.jacobian_add(ecc.to_jacobian(a), ecc.to_jacobian(b)))

    def neg(self, a: Affine) -> Affine:
        return None if a is None else (a[0], (-a[1]) % sec.P)

    def mul(self, k: int, a: Affine) -> Affine:
        k %= sec.ORDER
        if k == 0 or a is None:
            return None
        return _to_affine(ecc.jacobian_multiply(ecc.to_jacobian(a), k))

    def msm(self, scalars: Sequence[int], points: Sequence[Affine]) -> Affine:
        if len(scalars) != len(points):
            raise ParameterError("msm: scalars and points differ in length")
        acc: tuple[int, int, int] = (0, 0, 1)
        for k, p in zip(scalars, points, strict=True):
            k %= sec.ORDER
            if k and p is not None:
                acc = ecc.jacobian_add(acc, ecc.jacobian_multiply(ecc.to_jacobian(p), k))
        return _to_affine(acc)

    def encode(self, a: Affine) -> bytes:
        return sec.IDENTITY_ENCODING if a is None else sec.compress(*a)

    def decode(self, data: bytes, *, allow_identity: bool = False) -> Affine:
        pt = sec.decompress(bytes(data))
        if pt is None and not allow_identity:
            raise FormatError("secp256k1 point: identity not allowed here")
        return pt  # cofactor 1: every curve point is in the group

    def decode_unchecked(self, data: bytes) -> Affine:
        return self.decode(data, allow_identity=True)

    def hash_to_group(self, domain: bytes, msg: bytes) -> Affine:
        return self.decode(sec.hash_to_compressed(domain, msg))
