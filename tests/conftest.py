"""Shared fixtures: every protocol test body runs over both curves' fast backends;
cross-backend tests pair each fast backend with its reference oracle."""

from __future__ import annotations

import random

import numpy as np
import pytest

from zksolvency.groups import get_group
from zksolvency.pedersen import Generators, generators

FAST = [("secp256k1", "coincurve"), ("bls12_381", "arkworks")]
REFERENCE = {"secp256k1": "py_ecc", "bls12_381": "py_ecc"}


@pytest.fixture(params=FAST, ids=[c for c, _ in FAST])
def gens(request: pytest.FixtureRequest) -> Generators:
    curve, backend = request.param
    return generators(get_group(curve, backend))


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261121)


# -- a small exchange, shared by the end-to-end, tamper and fuzz tests -------------------

ASSETS = ["BTC", "ETH"]
EPOCH = "2026-11"
MASTER = bytes(range(1, 33))  # a fixed test secret; real ones come from `zksolvency keygen`


def small_exchange(n: int = 10, seed: int = 1) -> tuple[list[str], np.ndarray, dict[str, int]]:
    """n users with seeded BTC/ETH balances, and reserves just above the totals."""
    rnd = random.Random(seed)
    users = [f"user-{i}" for i in range(n)]
    balances = np.array(
        [[rnd.randrange(10**8), rnd.randrange(10**12)] for _ in users], dtype=np.uint64
    )
    reserves = {a: int(balances[:, i].sum(dtype=object)) + 1000 for i, a in enumerate(ASSETS)}
    return users, balances, reserves
