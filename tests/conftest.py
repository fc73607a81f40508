"""Shared fixtures: every protocol test body runs over both curves' fast backends;
cross-backend tests pair each fast backend with its reference oracle."""

from __future__ import annotations

import random

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
