from __future__ import annotations

import math
import random

import galois
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zksolvency import field
from zksolvency.errors import FormatError
from zksolvency.groups import bls12_381, secp256k1

# Published factorisations of q − 1 (secp256k1 n − 1; BLS12-381 r − 1).
FACTORS = {
    secp256k1.ORDER: [2] * 6
    + [3, 149, 631, 107361793816595537, 174723607534414371449, 341948486974166000522343609283189],
    bls12_381.ORDER: [2] * 32
    + [
        3,
        11,
        19,
        10177,
        125527,
        859267,
        906349,
        906349,
        2508409,
        2529403,
        52437899,
        254760293,
        254760293,
    ],
}


@pytest.mark.parametrize("order", list(FACTORS))
def test_primitive_element_is_primitive(order: int) -> None:
    factors = FACTORS[order]
    assert math.prod(factors) == order - 1
    assert all(galois.is_prime(f) for f in set(factors))
    g = field.PRIMITIVE_ELEMENTS[order]
    assert all(pow(g, (order - 1) // f, order) != 1 for f in set(factors))
    assert field.gf(order).primitive_element == g


@pytest.mark.parametrize("order", list(FACTORS))
def test_int_vector_algebra_matches_galois(order: int) -> None:
    rng = random.Random(1)
    F = field.gf(order)
    a = [rng.randrange(order) for _ in range(16)]
    b = [rng.randrange(order) for _ in range(16)]
    assert field.inner_product(a, b, order) == int((F(a) * F(b)).sum())
    x = rng.randrange(1, order)
    assert field.powers(x, 9, order) == [int(F(x) ** i) for i in range(9)]
    inv = field.batch_invert(a, order)
    assert inv == [int(F(v) ** -1) for v in a]


@settings(max_examples=50, deadline=None)
@given(x=st.integers(min_value=0, max_value=secp256k1.ORDER - 1), k=st.integers(0, 10))
def test_sum_of_powers_fast_matches_slow(x: int, k: int) -> None:
    q = secp256k1.ORDER
    assert field.sum_of_powers(x, 1 << k, q) == field.sum_of_powers_slow(x, 1 << k, q)
    assert field.sum_of_powers(x, 3 * k + 1, q) == field.sum_of_powers_slow(x, 3 * k + 1, q)


SCALAR_INVALID_LENGTHS = [b"", bytes(31), bytes(33)]


@pytest.mark.parametrize("data", SCALAR_INVALID_LENGTHS)
def test_decode_scalar_rejects_lengths(data: bytes) -> None:
    with pytest.raises(FormatError):
        field.decode_scalar(data, secp256k1.ORDER, 32)


@pytest.mark.parametrize("offset", [0, 1, 2**256 - secp256k1.ORDER - 1])
def test_decode_scalar_rejects_non_canonical(offset: int) -> None:
    # SCALAR_INVALID_EQUAL_TO_ORDER, ORDER_PLUS_ONE, and the largest 32-byte value
    with pytest.raises(FormatError):
        field.decode_scalar((secp256k1.ORDER + offset).to_bytes(32, "big"), secp256k1.ORDER, 32)
    assert (
        field.decode_scalar((secp256k1.ORDER - 1).to_bytes(32, "big"), secp256k1.ORDER, 32)
        == secp256k1.ORDER - 1
    )
