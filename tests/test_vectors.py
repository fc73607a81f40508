"""Frozen vectors (tests/vectors/rangeproof_v1.json) keep verifying, and the
seeded prover keeps producing them byte for byte."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from zksolvency import bulletproofs as bp
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
from zksolvency.transcript import Transcript

DATA = json.loads((Path(__file__).parent / "vectors" / "rangeproof_v1.json").read_text())
LABEL = DATA["transcript_label"].encode()


@pytest.mark.parametrize("vec", DATA["vectors"], ids=lambda v: f"{v['curve']}-n{v['n']}-m{v['m']}")
def test_frozen_vector_verifies(vec: dict) -> None:
    group = get_group(vec["curve"])
    gens = generators(group)
    V = [group.decode(bytes.fromhex(h), allow_identity=True) for h in vec["commitments"]]
    proof = bp.RangeProof.from_bytes(bytes.fromhex(vec["proof"]), group, vec["n"], vec["m"])
    bp.verify(gens, proof, V, vec["n"], Transcript(LABEL))
    for v, b, c in zip(vec["values"], vec["blindings"], V, strict=True):
        assert group.eq(gens.commit(int(v), int(b)), c)


@pytest.mark.parametrize("vec", DATA["vectors"], ids=lambda v: f"{v['curve']}-n{v['n']}-m{v['m']}")
def test_seeded_prover_reproduces_vector(vec: dict) -> None:
    group = get_group(vec["curve"])
    gens = generators(group)
    rng = random.Random(vec["seed"])
    values = [int(v) for v in vec["values"]]
    # replay the generator's draws: values beyond the two fixed extremes, then blindings
    for _ in range(vec["m"]):
        rng.randrange(1 << vec["n"])
    blindings = [rng.randrange(1, group.order) for _ in values]
    assert [str(b) for b in blindings] == vec["blindings"]
    proof, _ = bp.prove(gens, values, blindings, vec["n"], Transcript(LABEL), rng=rng)
    assert proof.to_bytes(group).hex() == vec["proof"]
