"""Fast and reference backends produce the same proof bytes from the same seed,
and each verifies the other's proofs (the reference backend is the oracle)."""

from __future__ import annotations

import random

import pytest

from zksolvency import bulletproofs as bp
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
from zksolvency.transcript import Transcript

CASES = [("secp256k1", "coincurve", "py_ecc", 8, 2), ("bls12_381", "arkworks", "py_ecc", 8, 1)]


@pytest.mark.parametrize(("curve", "fast", "ref", "n", "m"), CASES, ids=[c[0] for c in CASES])
def test_same_proof_bytes_and_mutual_verification(
    curve: str, fast: str, ref: str, n: int, m: int
) -> None:
    out = {}
    for backend in (fast, ref):
        group = get_group(curve, backend)
        gens = generators(group)
        rng = random.Random(99)
        values = [rng.randrange(1 << n) for _ in range(m)]
        blindings = [rng.randrange(1, group.order) for _ in range(m)]
        proof, V = bp.prove(gens, values, blindings, n, Transcript(b"x"), rng=rng)
        out[backend] = (proof.to_bytes(group), [group.encode(v) for v in V])
    assert out[fast] == out[ref]
    data, commitments = out[fast]
    for backend in (fast, ref):
        group = get_group(curve, backend)
        V = [group.decode(c) for c in commitments]
        bp.verify(
            generators(group), bp.RangeProof.from_bytes(data, group, n, m), V, n, Transcript(b"x")
        )
