"""Transcript binding of the epoch's proofs (Frozen Heart), at the library level.

A leaf range proof is made on ``leaf_transcript`` and a solvency proof on
``solvency_transcript`` (docs/SPEC.md §5.2, §11). For each public input such a
proof depends on, the input is changed alone and ``bp.verify`` must refuse the
proof. Inputs that only the transcript carries (curve name, statement digest,
epoch, asset, batch index, padded leaf count, reserves figure, root hash) can
only be caught by the transcript, so these cases test the Fiat–Shamir binding
itself. A recording transcript also pins the schedule: every public input is
absorbed before the first challenge.

test_rangeproof.py covers the generic range proof (one commitment, order,
n/m, label, generator domain); here the inputs are those of a solvency bundle,
on both curves.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from collections.abc import Callable
from typing import Any

import pytest
from conftest import ASSETS, EPOCH, FAST

from zksolvency import bulletproofs as bp
from zksolvency.circuits import load_statement
from zksolvency.errors import FormatError, VerificationError
from zksolvency.groups import get_group
from zksolvency.pedersen import DEFAULT_DOMAIN, Generators, generators
from zksolvency.solvency import (
    LEAF_RANGE_LABEL,
    SOLVENCY_LABEL,
    leaf_transcript,
    reserve_difference,
    solvency_transcript,
)
from zksolvency.transcript import TRANSCRIPT_TAG, Transcript

LEAF_BITS = 16  # the statement default is 64: the size does not matter for binding
BATCH_SIZE = 4
SOLVENCY_BITS = 64
PADDED = 64
BATCH = 3  # leaves 12–15


class _Renamed:
    """The same group under another curve name: only the transcript can tell."""

    def __init__(self, group: Any, curve: str) -> None:
        self._group = group
        self.curve = curve

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group, name)


def _renamed_generators(gens: Generators, curve: str) -> Generators:
    """``gens`` (same points, same tables) on a group that calls itself ``curve``."""
    other = copy.copy(gens)
    other.group = _Renamed(gens.group, curve)
    return other


@dataclasses.dataclass(frozen=True)
class Public:
    """The public inputs of one proof: everything a verifier feeds ``bp.verify``."""

    gens: Generators
    n: int
    m: int
    commitments: tuple[Any, ...]
    # leaf_transcript / solvency_transcript arguments
    digest: bytes
    epoch: str
    asset: str
    padded: int
    batch: int = 0  # leaf proofs
    reserves: int = 0  # solvency proofs
    root_hash: bytes = b""  # solvency proofs

    def transcript(self, kind: str) -> Transcript:
        if kind == "leaf":
            return leaf_transcript(self.digest, self.epoch, self.asset, self.batch, self.padded)
        return solvency_transcript(
            self.digest, self.epoch, self.asset, self.reserves, self.root_hash, self.padded
        )


@dataclasses.dataclass(frozen=True)
class Honest:
    kind: str  # "leaf" or "solvency"
    public: Public
    proof: bytes


def verify(kind: str, pub: Public, data: bytes) -> None:
    """What the bundle verifier does: checked decoding for (n, m), then verify."""
    group = pub.gens.group
    proof = bp.RangeProof.from_bytes(data, group, pub.n, pub.m)
    bp.verify(pub.gens, proof, list(pub.commitments), pub.n, pub.transcript(kind))


@pytest.fixture(scope="module", params=FAST, ids=[c for c, _ in FAST])
def honest(request: pytest.FixtureRequest) -> dict[str, Honest]:
    """One leaf batch proof and one solvency proof, as prove_epoch makes them."""
    curve, backend = request.param
    group = get_group(curve, backend)
    gens = generators(group)
    q = group.order
    rnd = random.Random(20261121)
    digest = load_statement().bind(ASSETS).digest()

    values = [rnd.randrange(1 << LEAF_BITS) for _ in range(BATCH_SIZE)]
    blinds = [rnd.randrange(1, q) for _ in values]
    leaf_pub = Public(gens, LEAF_BITS, BATCH_SIZE, (), digest, EPOCH, "BTC", PADDED, batch=BATCH)
    proof, V = bp.prove(gens, values, blinds, LEAF_BITS, leaf_pub.transcript("leaf"), rng=rnd)
    leaf_pub = dataclasses.replace(leaf_pub, commitments=tuple(V))
    leaf = Honest("leaf", leaf_pub, proof.to_bytes(group))

    total, blind = 10**12 + 7, rnd.randrange(1, q)  # L and Σr of a tree
    root = gens.commit(total, blind)
    reserves = total + 5 * 10**9
    root_hash = rnd.randbytes(32)
    D = reserve_difference(gens, reserves, root)
    solv_pub = Public(
        gens,
        SOLVENCY_BITS,
        1,
        (D,),
        digest,
        EPOCH,
        "ETH",
        PADDED,
        reserves=reserves,
        root_hash=root_hash,
    )
    proof, _ = bp.prove(
        gens,
        [reserves - total],
        [-blind % q],
        SOLVENCY_BITS,
        solv_pub.transcript("solvency"),
        commitments=[D],
        rng=rnd,
    )
    solvency = Honest("solvency", solv_pub, proof.to_bytes(group))
    for h in (leaf, solvency):
        verify(h.kind, h.public, h.proof)  # the honest proofs verify
    return {"leaf": leaf, "solvency": solvency}


def _flip(data: bytes, bit: int = 0) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _other_curve(pub: Public) -> Public:
    other = "bls12_381" if pub.gens.group.curve == "secp256k1" else "secp256k1"
    return dataclasses.replace(pub, gens=_renamed_generators(pub.gens, other))


def _replace_commitment(j: int) -> Callable[[Public], Public]:
    """V_j → V_j + B: a commitment to v_j + 1 with the same blinding."""

    def edit(pub: Public) -> Public:
        V = list(pub.commitments)
        V[j] = pub.gens.group.add(V[j], pub.gens.B)
        return dataclasses.replace(pub, commitments=tuple(V))

    return edit


def _swap_commitments(i: int, j: int) -> Callable[[Public], Public]:
    def edit(pub: Public) -> Public:
        V = list(pub.commitments)
        V[i], V[j] = V[j], V[i]
        return dataclasses.replace(pub, commitments=tuple(V))

    return edit


Edit = Callable[[Public], Public]
#: (name, edit, error): the inputs both proofs share
COMMON: list[tuple[str, Edit, type[Exception]]] = [
    ("curve-name", _other_curve, VerificationError),
    (
        "generator-domain",
        lambda p: dataclasses.replace(p, gens=Generators(p.gens.group, DEFAULT_DOMAIN + b"-other")),
        VerificationError,
    ),
    (
        "statement-digest",
        lambda p: dataclasses.replace(p, digest=_flip(p.digest)),
        VerificationError,
    ),
    (
        "statement-digest-last-bit",
        lambda p: dataclasses.replace(p, digest=_flip(p.digest, 255)),
        VerificationError,
    ),
    ("epoch", lambda p: dataclasses.replace(p, epoch="2026-12"), VerificationError),
    ("epoch-suffix", lambda p: dataclasses.replace(p, epoch=p.epoch + ".r2"), VerificationError),
    ("padded-leaves", lambda p: dataclasses.replace(p, padded=2 * p.padded), VerificationError),
    (
        "padded-leaves-minus-one",
        lambda p: dataclasses.replace(p, padded=p.padded - 1),
        VerificationError,
    ),
    # n alone changes the length the decoder expects (n·m' bits): refused at decoding
    ("n", lambda p: dataclasses.replace(p, n=p.n // 2), FormatError),
]
LEAF_ONLY: list[tuple[str, Edit, type[Exception]]] = [
    ("asset", lambda p: dataclasses.replace(p, asset="ETH"), VerificationError),
    ("batch", lambda p: dataclasses.replace(p, batch=p.batch + 1), VerificationError),
    ("batch-zero", lambda p: dataclasses.replace(p, batch=0), VerificationError),
    # m = 3 pads to m' = 4 like m = 4: same length, V_3 replaced by the identity
    (
        "m",
        lambda p: dataclasses.replace(p, m=p.m - 1, commitments=p.commitments[:-1]),
        VerificationError,
    ),
    # the same n·m' bits split as half as many values of twice the width: same length
    (
        "n-and-m-same-length",
        lambda p: dataclasses.replace(p, n=2 * p.n, m=p.m // 2, commitments=p.commitments[:2]),
        VerificationError,
    ),
    *[(f"commitment-{j}", _replace_commitment(j), VerificationError) for j in range(BATCH_SIZE)],
    *[
        (
            f"position-{j}-{(j + 1) % BATCH_SIZE}",
            _swap_commitments(j, (j + 1) % BATCH_SIZE),
            VerificationError,
        )
        for j in range(BATCH_SIZE)
    ],
]
SOLVENCY_ONLY: list[tuple[str, Edit, type[Exception]]] = [
    ("asset", lambda p: dataclasses.replace(p, asset="BTC"), VerificationError),
    # the figure in the transcript alone (D as proven) ...
    ("reserves", lambda p: dataclasses.replace(p, reserves=p.reserves + 1), VerificationError),
    # ... and as a verifier computes it from a raised manifest figure: D and transcript
    (
        "reserves-and-difference",
        lambda p: dataclasses.replace(
            p,
            reserves=p.reserves + 10**9,
            commitments=(p.gens.group.add(p.commitments[0], p.gens.group.mul(10**9, p.gens.B)),),
        ),
        VerificationError,
    ),
    (
        "root-hash",
        lambda p: dataclasses.replace(p, root_hash=_flip(p.root_hash)),
        VerificationError,
    ),
    (
        "root-hash-last-bit",
        lambda p: dataclasses.replace(p, root_hash=_flip(p.root_hash, 255)),
        VerificationError,
    ),
    ("commitment", _replace_commitment(0), VerificationError),
    # m = 2 doubles the length the decoder expects
    (
        "m",
        lambda p: dataclasses.replace(p, m=2, commitments=(*p.commitments, p.commitments[0])),
        FormatError,
    ),
]
CASES = [("leaf", *c) for c in COMMON + LEAF_ONLY] + [
    ("solvency", *c) for c in COMMON + SOLVENCY_ONLY
]


@pytest.mark.parametrize(
    ("kind", "name", "edit", "error"), CASES, ids=[f"{k}-{n}" for k, n, _, _ in CASES]
)
def test_changed_public_input_fails(
    honest: dict[str, Honest], kind: str, name: str, edit: Edit, error: type[Exception]
) -> None:
    h = honest[kind]
    with pytest.raises(error):
        verify(kind, edit(h.public), h.proof)


def test_proof_bytes_do_not_decode_on_the_other_curve(honest: dict[str, Honest]) -> None:
    for h in honest.values():
        curve = h.public.gens.group.curve
        other = get_group("bls12_381" if curve == "secp256k1" else "secp256k1")
        with pytest.raises(FormatError):
            bp.RangeProof.from_bytes(h.proof, other, h.public.n, h.public.m)


# -- the schedule: every public input before the first challenge ------------------------


class Recording(Transcript):
    """A transcript that logs every (label, data) it absorbs."""

    __slots__ = ("log",)

    def __init__(self, label: bytes) -> None:
        self.log: list[tuple[bytes, bytes]] = []
        super().__init__(label)

    def _absorb(self, label: bytes, data: bytes) -> None:
        self.log.append((label, bytes(data)))
        super()._absorb(label, data)


def _recorded(kind: str, pub: Public, data: bytes) -> list[tuple[bytes, bytes]]:
    """Verify with a recording transcript set up exactly like ``pub.transcript(kind)``."""
    if kind == "leaf":
        t = Recording(LEAF_RANGE_LABEL)
        t.append_message(b"statement", pub.digest)
        t.append_message(b"epoch", pub.epoch.encode())
        t.append_message(b"asset", pub.asset.encode())
        t.append_u64(b"padded-leaves", pub.padded)
        t.append_u64(b"batch", pub.batch)
    else:
        t = Recording(SOLVENCY_LABEL)
        t.append_message(b"statement", pub.digest)
        t.append_message(b"epoch", pub.epoch.encode())
        t.append_message(b"asset", pub.asset.encode())
        t.append_message(b"reserves", str(pub.reserves).encode())
        t.append_message(b"root", pub.root_hash)
        t.append_u64(b"padded-leaves", pub.padded)
    # the recording transcript must be the library's: same challenges, proof verifies
    group = pub.gens.group
    proof = bp.RangeProof.from_bytes(data, group, pub.n, pub.m)
    bp.verify(pub.gens, proof, list(pub.commitments), pub.n, t)
    return t.log


def _u64(v: int) -> bytes:
    return v.to_bytes(8, "big")


@pytest.mark.parametrize("kind", ["leaf", "solvency"])
def test_every_public_input_is_absorbed_before_the_first_challenge(
    honest: dict[str, Honest], kind: str
) -> None:
    h = honest[kind]
    pub = h.public
    group = pub.gens.group
    log = _recorded(kind, pub, h.proof)
    first = log.index((b"challenge", b"y"))
    context = (
        [
            (b"statement", pub.digest),
            (b"epoch", pub.epoch.encode()),
            (b"asset", pub.asset.encode()),
            (b"padded-leaves", _u64(pub.padded)),
            (b"batch", _u64(pub.batch)),
        ]
        if kind == "leaf"
        else [
            (b"statement", pub.digest),
            (b"epoch", pub.epoch.encode()),
            (b"asset", pub.asset.encode()),
            (b"reserves", str(pub.reserves).encode()),
            (b"root", pub.root_hash),
            (b"padded-leaves", _u64(pub.padded)),
        ]
    )
    expected = [
        (b"init", TRANSCRIPT_TAG),
        (b"label", LEAF_RANGE_LABEL if kind == "leaf" else SOLVENCY_LABEL),
        *context,
        (b"dom-sep", bp.PROTOCOL),
        (b"curve", group.curve.encode()),
        (b"generators", pub.gens.domain),
        (b"n", _u64(pub.n)),
        (b"m", _u64(pub.m)),
        (b"m-padded", _u64(bp.padded_m(pub.m))),
        *[(b"V", group.encode(V)) for V in pub.commitments],  # in order: position is bound
    ]
    assert log[: len(expected)] == expected
    # then the prover's first messages, and only then y
    assert [label for label, _ in log[len(expected) : first]] == [b"A", b"S"]
    # each later challenge comes after the messages it must bind
    labels = [label if label != b"challenge" else b"?" + data for label, data in log]
    order = [b"?y", b"?z", b"T1", b"T2", b"?x", b"t_hat", b"tau_x", b"mu", b"?w"]
    positions = [labels.index(x) for x in order]
    assert positions == sorted(positions)
