"""Fast BLS12-381 G1 backend on arkworks (through the py-arkworks-bls12381 bindings).

Points are the bindings' :class:`G1Point` (projective, compared as group
elements by ``==``); the identity is ``G1Point.identity()``. The bindings'
parsers accept non-canonical encodings of the identity (any bytes with the
infinity flag set), so every decoder here runs the shared flag and canonicity
checks of :func:`bls12_381.check_compressed` first, then arkworks'
decompression (curve equation), then, for :meth:`Bls12381Arkworks.decode`,
the subgroup check.
"""

from __future__ import annotations

from collections.abc import Sequence

from py_arkworks_bls12381 import G1Point, Scalar

from zksolvency.errors import FormatError, ParameterError
from zksolvency.groups import bls12_381 as bls
from zksolvency.groups.base import TablelessFixedBases

_R = bls.ORDER
_IDENTITY = G1Point.identity()

#: From this many terms on, :meth:`Bls12381Arkworks.msm` calls arkworks'
#: ``multiexp_unchecked`` instead of summing ``P·Scalar(k)`` term by term.
#: Measured with random points and scalars (best of 5 timing loops, 2-core
#: x86-64 VM, py-arkworks-bls12381 0.5.0), per MSM, term by term vs multiexp:
#: n=1 205 vs 283 µs, n=2 450–500 vs 385–480 µs, n=3 620–840 vs 495–630 µs,
#: n=4 1.01 vs 0.70 ms, n=8 2.0 vs 0.95 ms, n=16 3.7 vs 2.0 ms,
#: n=32 7.8 vs 2.4 ms, n=64 15.9 vs 4.0 ms, n=128 33 vs 8.5 ms,
#: n=256 63 vs 11.5 ms, n=1024 254 vs 35 ms. The crossover is at 2 terms
#: (break-even there, multiexp ahead from 3 on), so only one term goes alone.
MULTIEXP_MIN_TERMS = 2


def _scalar(k: int) -> Scalar:
    # Scalar() rejects negative ints; reduce first so every int is accepted.
    return Scalar(k % _R)


def _parse(data: bytes) -> G1Point:
    """Checked flags and canonical x, then arkworks' decompression (curve check only)."""
    if bls.check_compressed(data):
        return _IDENTITY
    try:
        return G1Point.from_compressed_bytes_unchecked(data)
    except ValueError:
        # The flags and x < p are already checked: arkworks fails only if
        # x³ + 4 has no square root.
        raise FormatError("bls12_381 point: not on the curve") from None


class Bls12381Arkworks(TablelessFixedBases):
    """BLS12-381 G1 on arkworks: the fast backend."""

    curve = bls.CURVE
    backend = "arkworks"
    order = bls.ORDER
    point_size = bls.POINT_SIZE
    scalar_size = bls.SCALAR_SIZE

    # -- elements ---------------------------------------------------------------
    def identity(self) -> G1Point:
        return _IDENTITY

    def generator(self) -> G1Point:
        return G1Point()

    def is_identity(self, a: G1Point) -> bool:
        return a == _IDENTITY

    def eq(self, a: G1Point, b: G1Point) -> bool:
        return a == b

    def add(self, a: G1Point, b: G1Point) -> G1Point:
        return a + b

    def neg(self, a: G1Point) -> G1Point:
        return -a

    def mul(self, k: int, a: G1Point) -> G1Point:
        return a * _scalar(k)

    # -- multi-scalar multiplication ----------------------------------------------
    def msm(self, scalars: Sequence[int], points: Sequence[G1Point]) -> G1Point:
        # multiexp_unchecked silently truncates to the shorter list: check here.
        if len(scalars) != len(points):
            raise ParameterError("msm: scalars and points differ in length")
        if len(scalars) < MULTIEXP_MIN_TERMS:
            acc = _IDENTITY
            for k, p in zip(scalars, points, strict=True):
                acc = acc + p * _scalar(k)
            return acc
        return G1Point.multiexp_unchecked(list(points), [_scalar(k) for k in scalars])

    # -- encoding ---------------------------------------------------------------
    def encode(self, a: G1Point) -> bytes:
        return a.to_compressed_bytes()

    def decode(self, data: bytes, *, allow_identity: bool = False) -> G1Point:
        p = _parse(bytes(data))
        if p == _IDENTITY:
            if not allow_identity:
                raise FormatError("bls12_381 point: identity not allowed here")
            return p
        if not p.is_in_subgroup():
            raise FormatError("bls12_381 point: not in the prime-order subgroup")
        return p

    def decode_unchecked(self, data: bytes) -> G1Point:
        """Decoding without the subgroup check (flags, x < p and the curve
        equation are still checked; the identity is accepted).

        Dangerous: only for bytes this program wrote itself, never for input
        from outside, which could be a point of small order.
        """
        return _parse(bytes(data))

    def hash_to_group(self, domain: bytes, msg: bytes) -> G1Point:
        bls.check_dst(domain)
        # Note the bindings' argument order: (msg, dst).
        return G1Point.hash_to_curve(bytes(msg), bytes(domain))
