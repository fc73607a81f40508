"""The native inner-product prover (``ipa_prove`` in
zksolvency/groups/_secp256k1_native.c, reached through
``Secp256k1Coincurve.ipa_prove_fixed``) against the pure-Python rounds of
zksolvency/bulletproofs/inner_product.py: the same L_k, R_k, a and b for every
length and every switch to explicit generators, and a clear refusal of bad
arguments and bad challenges."""

from __future__ import annotations

import random
from typing import Any

import pytest

from zksolvency import bulletproofs as bp
from zksolvency.bulletproofs import inner_product as ipp
from zksolvency.groups import get_group
from zksolvency.groups import secp256k1_coincurve as cc
from zksolvency.pedersen import Generators, generators
from zksolvency.transcript import Transcript

pytestmark = pytest.mark.skipif(not cc.NATIVE, reason="native secp256k1 module not in use")

FAST = get_group("secp256k1", "coincurve")
Q = FAST.order
NATIVE: Any = cc._NATIVE


def vectors(n: int, seed: int) -> tuple[list[int], list[int], list[int], int]:
    rng = random.Random(seed)
    a = [rng.randrange(Q) for _ in range(n)]
    b = [rng.randrange(Q) for _ in range(n)]
    hf = [rng.randrange(1, Q) for _ in range(n)]
    return a, b, hf, rng.randrange(1, Q)


def python_proof(
    monkeypatch: pytest.MonkeyPatch, gens: Generators, n: int, seed: int
) -> ipp.InnerProductProof:
    a, b, hf, w = vectors(n, seed)
    with monkeypatch.context() as m:
        m.setattr(cc.Secp256k1Coincurve, "ipa_prove_fixed", lambda *_a, **_k: None)
        return ipp.prove(gens, w, hf, a, b, Transcript(b"ipa"))


def native_proof(gens: Generators, n: int, seed: int, explicit_at: int) -> ipp.InnerProductProof:
    a, b, hf, w = vectors(n, seed)
    tr = Transcript(b"ipa")
    tr.append_u64(b"ipp-n", n)

    def on_round(L: Any, R: Any) -> int:
        tr.append_point(b"L", FAST, L)
        tr.append_point(b"R", FAST, R)
        return tr.challenge_scalar(b"u", Q)

    out = FAST.ipa_prove_fixed(gens.fixed_bases, w, hf, a, b, explicit_at, on_round)
    assert out is not None
    Ls, Rs, fa, fb = out
    return ipp.InnerProductProof(tuple(Ls), tuple(Rs), fa, fb)


def same(p: ipp.InnerProductProof, q: ipp.InnerProductProof) -> bool:
    return [FAST.encode(x) for x in p.L + p.R] == [FAST.encode(x) for x in q.L + q.R] and (
        p.a,
        p.b,
    ) == (q.a, q.b)


@pytest.fixture(scope="module")
def gens() -> Generators:
    g = generators(FAST)
    g.prepare(1024)
    return g


@pytest.mark.parametrize(
    ("n", "explicit_at"),
    [
        (1, 0),
        (2, 0),
        (2, 2),
        (4, 0),
        (64, 0),
        (64, 8),
        (64, 64),
        (512, 0),
        (512, 128),
        (1024, 2),
        (1024, 128),
        (1024, 1024),
    ],
)
def test_native_rounds_equal_python_rounds(
    monkeypatch: pytest.MonkeyPatch, gens: Generators, n: int, explicit_at: int
) -> None:
    want = python_proof(monkeypatch, gens, n, seed=n)
    got = native_proof(gens, n, seed=n, explicit_at=explicit_at)
    assert len(got.L) == n.bit_length() - 1
    assert same(got, want)


def test_range_proof_uses_native_rounds_and_verifies(
    monkeypatch: pytest.MonkeyPatch, gens: Generators
) -> None:
    """A 16 × 64-bit proof (the prover's batch) goes through ipa_prove, equals
    the pure-Python proof byte for byte, and verifies; a changed a does not."""
    calls: list[int] = []
    real = cc.Secp256k1Coincurve.ipa_prove_fixed

    def spy(self: Any, *args: Any) -> Any:
        a = args[3]
        calls.append(len(a) // 32 if isinstance(a, bytes) else len(a))
        return real(self, *args)

    rng = random.Random(16)
    values = [rng.randrange(1 << 64) for _ in range(16)]
    blindings = [rng.randrange(1, Q) for _ in range(16)]
    monkeypatch.setattr(cc.Secp256k1Coincurve, "ipa_prove_fixed", spy)
    proof, V = bp.prove(gens, values, blindings, 64, Transcript(b"rp"), rng=random.Random(1))
    assert calls == [1024]
    monkeypatch.setattr(cc.Secp256k1Coincurve, "ipa_prove_fixed", lambda *_a, **_k: None)
    slow, _ = bp.prove(gens, values, blindings, 64, Transcript(b"rp"), rng=random.Random(1))
    assert proof.to_bytes(FAST) == slow.to_bytes(FAST)
    bp.verify(gens, proof, V, 64, Transcript(b"rp"))
    data = bytearray(proof.to_bytes(FAST))
    data[-33] ^= 1  # inside the final scalar a
    bad = bp.RangeProof.from_bytes(bytes(data), FAST, 64, 16)
    assert not bp.is_valid(gens, bad, V, 64, Transcript(b"rp"))


def test_tables_not_built_means_python_rounds() -> None:
    fresh = Generators(FAST)
    fresh.ensure(64)  # generators, but no tables
    a, b, hf, w = vectors(64, 1)
    assert FAST.ipa_prove_fixed(fresh.fixed_bases, w, hf, a, b, 0, lambda L, R: 1) is None


def raw_call(gens: Generators, n: int, challenge: Any, **change: Any) -> Any:
    a, b, hf, w = vectors(n, 2)
    shape = cc.HOT_SHAPE
    args: dict[str, Any] = {
        "tables": gens.fixed_bases._addr[shape][: 2 + 2 * n].tobytes(),
        "teeth": shape.teeth,
        "columns": shape.columns,
        "q": w.to_bytes(32, "big"),
        "hf": b"".join(k.to_bytes(32, "big") for k in hf),
        "a": b"".join(k.to_bytes(32, "big") for k in a),
        "b": b"".join(k.to_bytes(32, "big") for k in b),
        "explicit_at": 0,
    }
    args.update(change)
    return NATIVE.ipa_prove(*args.values(), challenge)


def ok_challenge(L: Any, R: Any) -> bytes:
    return (5).to_bytes(32, "big")


@pytest.mark.parametrize(
    "change",
    [
        {"a": b"\x00" * 32 * 3},  # n not a power of two (and lengths differ)
        {"a": b""},  # n = 0
        {"b": b"\x01" * 32 * 4},  # lengths differ
        {"hf": b"\x01" * 32 * 4},
        {"tables": b"\x00" * 8 * 9},  # not 2 + 2n addresses
        {"q": b"\x01" * 31},
        {"explicit_at": -1},
        {"teeth": 1},
        {"columns": 65},
        {"a": Q.to_bytes(32, "big") * 8},  # a scalar ≥ q
        {"q": Q.to_bytes(32, "big")},
    ],
    ids=[
        "n3",
        "n0",
        "b-len",
        "hf-len",
        "tables",
        "q-len",
        "explicit",
        "teeth",
        "columns",
        "a-unreduced",
        "q-unreduced",
    ],
)
def test_bad_arguments_rejected(gens: Generators, change: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="ipa_prove"):
        raw_call(gens, 8, ok_challenge, **change)


def test_not_callable_rejected(gens: Generators) -> None:
    with pytest.raises(ValueError, match="callable"):
        raw_call(gens, 8, None)


@pytest.mark.parametrize(
    "reply",
    [b"\x05" * 31, (0).to_bytes(32, "big"), Q.to_bytes(32, "big"), 5],
    ids=["short", "zero", "q", "int"],
)
def test_bad_challenge_rejected(gens: Generators, reply: Any) -> None:
    with pytest.raises(ValueError, match="challenge"):
        raw_call(gens, 8, lambda L, R: reply)


def test_challenge_exception_propagates(gens: Generators) -> None:
    seen: list[tuple[Any, Any]] = []

    def boom(L: Any, R: Any) -> bytes:
        seen.append((L, R))
        raise KeyError("from the transcript")

    with pytest.raises(KeyError, match="from the transcript"):
        raw_call(gens, 8, boom)
    assert len(seen) == 1
    assert all(isinstance(x, bytes) and len(x) == 64 for x in seen[0])


def test_valid_raw_call_matches_wrapper(gens: Generators) -> None:
    """The raw module call with a constant challenge: as many rounds as lg n,
    results are points and reduced scalars."""
    Ls, Rs, fa, fb = raw_call(gens, 8, ok_challenge)
    assert len(Ls) == len(Rs) == 3
    assert all(isinstance(x, bytes) and len(x) == 64 for x in Ls + Rs)
    assert int.from_bytes(fa, "big") < Q
    assert int.from_bytes(fb, "big") < Q


# -- the range proof's vectors (rp_poly, rp_eval) ---------------------------------------


@pytest.mark.parametrize(("n", "m"), [(8, 1), (8, 3), (64, 1), (64, 16), (32, 5)])
def test_native_range_proof_equals_python_range_proof(
    monkeypatch: pytest.MonkeyPatch, gens: Generators, n: int, m: int
) -> None:
    """The whole prover with the native vectors and rounds, and with neither:
    the same bytes (same nonces), and the proof verifies."""
    rng = random.Random(n * 100 + m)
    values = [rng.randrange(1 << n) for _ in range(m)]
    values[0] = (1 << n) - 1  # all ones somewhere, and zeros in the padding
    blindings = [rng.randrange(1, Q) for _ in range(m)]
    fast, V = bp.prove(gens, values, blindings, n, Transcript(b"rp"), rng=random.Random(7))
    cls = cc.Secp256k1Coincurve
    for name in ("range_poly", "range_eval", "ipa_prove_fixed"):
        monkeypatch.setattr(cls, name, lambda *_a, **_k: None)
    slow, _ = bp.prove(gens, values, blindings, n, Transcript(b"rp"), rng=random.Random(7))
    assert fast.to_bytes(FAST) == slow.to_bytes(FAST)
    bp.verify(gens, fast, V, n, Transcript(b"rp"))


def test_packed_vectors_into_python_rounds(
    monkeypatch: pytest.MonkeyPatch, gens: Generators
) -> None:
    """Packed vectors from the native range_eval, with the native rounds
    refused, must still give the same proof (inner_product.prove unpacks)."""
    values, blindings = [5, 6], [11, 12]
    want, _ = bp.prove(gens, values, blindings, 8, Transcript(b"rp"), rng=random.Random(3))
    monkeypatch.setattr(cc.Secp256k1Coincurve, "ipa_prove_fixed", lambda *_a, **_k: None)
    got, _ = bp.prove(gens, values, blindings, 8, Transcript(b"rp"), rng=random.Random(3))
    assert got.to_bytes(FAST) == want.to_bytes(FAST)


def b32(k: int) -> bytes:
    return k.to_bytes(32, "big")


@pytest.mark.parametrize(
    "args",
    [
        (b"\x00" * 8, b"\x01" * 32 * 8, b"\x01" * 32 * 8, b32(3), b32(4), 3),  # n ∤ N
        (b"\x00" * 8, b"\x01" * 32 * 7, b"\x01" * 32 * 8, b32(3), b32(4), 8),  # s_L length
        (b"\x00" * 8, b"\x01" * 32 * 8, b"\x01" * 32 * 8, b"\x03", b32(4), 8),  # y length
        (b"\x00" * 8, b"\x01" * 32 * 8, b"\x01" * 32 * 8, b32(3), b32(4), 0),  # n
        (b"", b"", b"", b32(3), b32(4), 8),  # empty
        (b"\x02" + b"\x00" * 7, b"\x01" * 32 * 8, b"\x01" * 32 * 8, b32(3), b32(4), 8),  # a bit 2
        (b"\x00" * 8, b"\xff" * 32 * 8, b"\x01" * 32 * 8, b32(3), b32(4), 8),  # s_L ≥ q
        (b"\x00" * 8, b"\x01" * 32 * 8, b"\x01" * 32 * 8, b32(Q), b32(4), 8),  # y ≥ q
    ],
    ids=["n-divides", "sl-len", "y-len", "n0", "empty", "bit2", "sl-unreduced", "y-unreduced"],
)
def test_rp_poly_rejects(args: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError, match="rp_poly"):
        NATIVE.rp_poly(*args)


@pytest.mark.parametrize(
    "args",
    [
        (b"\x00" * 4, b"\x01" * 32 * 4, b"\x01" * 32 * 4, b"\x01" * 32 * 3, b32(3), b32(4), b32(5)),
        (b"\x00" * 4, b"\x01" * 32 * 4, b"\x01" * 32 * 4, b"\x01" * 32 * 4, b32(0), b32(4), b32(5)),
        (
            b"\x00" * 4,
            b"\x01" * 32 * 4,
            b"\x01" * 32 * 4,
            b"\x01" * 32 * 4,
            b32(3),
            b32(4),
            b"\x05",
        ),
        (b"\x03" * 4, b"\x01" * 32 * 4, b"\x01" * 32 * 4, b"\x01" * 32 * 4, b32(3), b32(4), b32(5)),
        (b"\x00" * 4, b"\x01" * 32 * 4, b"\xff" * 32 * 4, b"\x01" * 32 * 4, b32(3), b32(4), b32(5)),
    ],
    ids=["r1-len", "y-zero", "x-len", "bits", "r0-unreduced"],
)
def test_rp_eval_rejects(args: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError, match="rp_eval"):
        NATIVE.rp_eval(*args)
