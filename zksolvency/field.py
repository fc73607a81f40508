"""The scalar field GF(q) of a group, and the vector algebra the protocols use.

The field object is ``galois.GF(q)``, built with the field's known primitive
element and ``verify=False``: galois would otherwise factor q − 1 and test
primality, which takes minutes for a 255-bit q. The primitive elements are
checked once in tests/test_field.py against the published factorisations of
q − 1.

Hot loops (the inner-product argument, polynomial coefficients, verifier
scalars) use plain ``int`` arithmetic mod q instead: a 64-term inner product
costs ~12 µs with ints and ~117 µs with galois object arrays on this machine
(benches/README.md). The galois versions stay as the slow oracle the int
versions are tested against.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from zksolvency.errors import FormatError

if TYPE_CHECKING:
    import galois

#: q − 1 factorisations and primitive elements (checked in tests/test_field.py).
PRIMITIVE_ELEMENTS = {
    # secp256k1 group order
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141: 7,
    # BLS12-381 scalar field r
    0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001: 7,
}


class ScalarRng(Protocol):
    """What the provers need from a random source: ``secrets.SystemRandom()``
    (the default) or, in tests and vectors only, a seeded ``random.Random``."""

    def randrange(self, start: int, stop: int | None = ..., step: int = ...) -> int: ...


@functools.cache
def gf(order: int) -> type[galois.FieldArray]:
    """The galois field class GF(order), cached per process.

    galois is imported here, not at module level: importing it takes ~1 s
    (numba), which the command line should not pay for every command."""
    import galois

    prim = PRIMITIVE_ELEMENTS.get(order)
    if prim is None:
        return galois.GF(order)
    return galois.GF(order, primitive_element=prim, verify=False)


def random_scalar(rng: ScalarRng | None, order: int) -> int:
    """A uniform nonzero scalar (from the OS CSPRNG when ``rng`` is None)."""
    return random_scalars(rng, order, 1)[0]


def random_scalars(rng: ScalarRng | None, order: int, count: int) -> list[int]:
    """``count`` uniform nonzero scalars. Without ``rng``: one ``os.urandom``
    call, 64 bytes per scalar reduced mod order (bias < 2^-256), zero redrawn.
    With ``rng`` (seeded, tests only): ``rng.randrange(1, order)`` each."""
    if rng is not None:
        draws = getattr(rng, "draws", None)  # NonceRng: the same values, in one call
        if draws is not None:
            return list(draws(1, order, count))
        return [rng.randrange(1, order) for _ in range(count)]
    data = os.urandom(64 * count)
    out = [int.from_bytes(data[64 * i : 64 * (i + 1)], "big") % order for i in range(count)]
    for i, k in enumerate(out):
        while k == 0:  # probability ~2^-256
            k = int.from_bytes(os.urandom(64), "big") % order
        out[i] = k
    return out


#: A vector of scalars as the native module reads and writes it: 32-byte
#: big-endian each, concatenated (only for the 32-byte scalar fields).
Packed = bytes


def pack_scalars(ks: Sequence[int]) -> Packed:
    return b"".join(k.to_bytes(32, "big") for k in ks)


def unpack_scalars(data: Packed) -> list[int]:
    return [int.from_bytes(data[i : i + 32], "big") for i in range(0, len(data), 32)]


def encode_scalar(k: int, size: int) -> bytes:
    return k.to_bytes(size, "big")


def decode_scalar(data: bytes, order: int, size: int) -> int:
    """Checked decoding of an untrusted scalar: exact length and canonical (< order)."""
    if len(data) != size:
        raise FormatError(f"scalar: expected {size} bytes, got {len(data)}")
    k = int.from_bytes(data, "big")
    if k >= order:
        raise FormatError("scalar: not canonical (>= group order)")
    return k


def powers(x: int, count: int, order: int) -> list[int]:
    """[1, x, x², …, x^(count−1)] mod order."""
    out = [1] * count
    acc = 1
    for i in range(1, count):
        acc = acc * x % order
        out[i] = acc
    return out


def iter_powers(x: int, order: int) -> Iterator[int]:
    acc = 1
    while True:
        yield acc
        acc = acc * x % order


def inner_product(a: Sequence[int], b: Sequence[int], order: int) -> int:
    """<a, b> mod order (one reduction at the end: Python ints do not overflow)."""
    return sum(x * y for x, y in zip(a, b, strict=True)) % order


def sum_of_powers(x: int, count: int, order: int) -> int:
    """1 + x + … + x^(count−1) mod order, for count a power of two, by
    1 + x + … + x^(2k−1) = (1 + x^k)(1 + … + x^(k−1)) (log count steps).
    Checked against :func:`sum_of_powers_slow` in tests."""
    if count == 0:
        return 0
    if count & (count - 1):
        return sum_of_powers_slow(x, count, order)
    result, factor, k = 1, x % order, 1
    while k < count:
        result = result * (1 + factor) % order
        factor = factor * factor % order
        k *= 2
    return result


def sum_of_powers_slow(x: int, count: int, order: int) -> int:
    return sum(powers(x, count, order)) % order


def batch_invert(values: Sequence[int], order: int) -> list[int]:
    """Inverses of nonzero values with one modular inversion (Montgomery's trick)."""
    prefix = [1] * (len(values) + 1)
    for i, v in enumerate(values):
        prefix[i + 1] = prefix[i] * v % order
    inv = pow(prefix[-1], -1, order)
    out = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = prefix[i] * inv % order
        inv = inv * values[i] % order
    return out
