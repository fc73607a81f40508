"""The inner-product prover (which never folds generators) against a textbook
prover that folds them explicitly, and the verifier's s_i against the folded G."""

from __future__ import annotations

import random

import pytest

from zksolvency.bulletproofs import inner_product
from zksolvency.field import inner_product as ip
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
from zksolvency.transcript import Transcript


def textbook_prove(gens, q_scalar, h_factors, a, b, transcript):
    g = gens.group
    q = g.order
    n = len(a)
    G = gens.G(n)
    H = [g.mul(f, p) for f, p in zip(h_factors, gens.H(n), strict=True)]
    Q = g.mul(q_scalar, gens.B)
    transcript.append_u64(b"ipp-n", n)
    Ls, Rs = [], []
    while n > 1:
        h = n // 2
        c_L = ip(a[:h], b[h:], q)
        c_R = ip(a[h:], b[:h], q)
        L = g.msm(a[:h] + b[h:] + [c_L], G[h:] + H[:h] + [Q])
        R = g.msm(a[h:] + b[:h] + [c_R], G[:h] + H[h:] + [Q])
        transcript.append_point(b"L", g, L)
        transcript.append_point(b"R", g, R)
        u = transcript.challenge_scalar(b"u", q)
        ui = pow(u, -1, q)
        a = [(x * u + y * ui) % q for x, y in zip(a[:h], a[h:], strict=True)]
        b = [(x * ui + y * u) % q for x, y in zip(b[:h], b[h:], strict=True)]
        G = [g.msm([ui, u], [x, y]) for x, y in zip(G[:h], G[h:], strict=True)]
        H = [g.msm([u, ui], [x, y]) for x, y in zip(H[:h], H[h:], strict=True)]
        Ls.append(L)
        Rs.append(R)
        n = h
    return Ls, Rs, a[0], b[0], G[0], H[0]


@pytest.mark.parametrize("n", [1, 2, 8])
def test_prover_matches_textbook_and_verifier_scalars(n: int) -> None:
    group = get_group("secp256k1", "coincurve")
    gens = generators(group)
    rng = random.Random(n)
    q = group.order
    a = [rng.randrange(q) for _ in range(n)]
    b = [rng.randrange(q) for _ in range(n)]
    hf = [rng.randrange(1, q) for _ in range(n)]
    w = rng.randrange(1, q)
    proof = inner_product.prove(gens, w, hf, a, b, Transcript(b"ipp"))
    Ls, Rs, fa, fb, G_fin, H_fin = textbook_prove(gens, w, hf, a, b, Transcript(b"ipp"))
    assert [group.encode(p) for p in proof.L] == [group.encode(p) for p in Ls]
    assert [group.encode(p) for p in proof.R] == [group.encode(p) for p in Rs]
    assert (proof.a, proof.b) == (fa, fb)
    vs = inner_product.verification_scalars(proof, n, Transcript(b"ipp"), group)
    assert group.eq(group.msm(vs.s, gens.G(n)), G_fin)
    s_inv = vs.s[::-1]
    assert group.eq(
        group.msm([si * f % q for si, f in zip(s_inv, hf, strict=True)], gens.H(n)), H_fin
    )


def test_explicit_switch_matches_textbook(monkeypatch: pytest.MonkeyPatch) -> None:
    """The large-proof path (explicit generators from some size down) gives the
    same proof as the all-implicit one and the textbook prover."""
    group = get_group("secp256k1", "coincurve")
    gens = generators(group)
    rng = random.Random(7)
    q = group.order
    n = 16
    a = [rng.randrange(q) for _ in range(n)]
    b = [rng.randrange(q) for _ in range(n)]
    hf = [rng.randrange(1, q) for _ in range(n)]
    w = rng.randrange(1, q)
    implicit = inner_product.prove(gens, w, hf, a, b, Transcript(b"ipp"))
    monkeypatch.setattr(inner_product, "EXPLICIT_MIN_N", 8)
    monkeypatch.setattr(inner_product, "EXPLICIT_SWITCH", 4)
    mixed = inner_product.prove(gens, w, hf, a, b, Transcript(b"ipp"))
    assert [group.encode(p) for p in mixed.L] == [group.encode(p) for p in implicit.L]
    assert [group.encode(p) for p in mixed.R] == [group.encode(p) for p in implicit.R]
    assert (mixed.a, mixed.b) == (implicit.a, implicit.b)
