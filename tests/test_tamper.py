"""Tamper sweep: flip single bits all over one honest bundle and one inclusion proof.

Every flipped bit must make verification fail with the library's FormatError or
VerificationError: never a pass, never another exception. Binary files fail at
their SHA-256; manifest flips that stay well-formed (a hex digit, a decimal
digit, the epoch) go deeper, into the tree and the proofs.

Counts of positions tried and rejected are asserted and printed (run with -s).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import ASSETS, EPOCH, MASTER, small_exchange

from zksolvency import bundle, inclusion
from zksolvency.circuits import load_statement
from zksolvency.errors import FormatError, VerificationError
from zksolvency.solvency import prove_epoch, verify_bundle

USERS = 64
REJECTED = (FormatError, VerificationError)
SEED = 20261121
#: seeded sample sizes for the two large binary files (every byte of the others)
BINARY_SAMPLE = {bundle.LEAVES: 900, bundle.RANGEPROOFS: 900}


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One 64-user, 2-asset bundle (64 leaves, batches of 16) and one user's inclusion proof."""
    users, balances, reserves = small_exchange(USERS, SEED)
    st = load_statement().bind(ASSETS)
    proof = prove_epoch(
        st, users, balances, reserves, MASTER, EPOCH, min_leaves=64, batch_size=16, workers=1
    )
    out = tmp_path_factory.mktemp("tamper") / "bundle"
    bundle.write(out, proof)
    verify_bundle(out, workers=1)  # the untampered bundle verifies
    (proof_json,) = (p.to_json() for p in inclusion.make(out, users, balances, MASTER, users[5:6]))
    return out, proof_json


def _outcome(check: Callable[[], object]) -> str:
    """'rejected' (FormatError/VerificationError), 'passed', or the escaping exception."""
    try:
        check()
    except REJECTED:
        return "rejected"
    except Exception as exc:  # anything else escaping is a bug: record it
        return f"{type(exc).__name__}: {exc}"
    return "passed"


def _sweep_file(
    path: Path, name: str, positions: Iterable[int], bits: Callable[[int], Iterable[int]]
) -> tuple[int, int, list[tuple[int, int, str]]]:
    """Flip bit(s) of ``name`` at ``positions`` one at a time, verify, restore.
    Returns (tried, rejected, [(position, bit, outcome) for every non-rejection])."""
    target = path / name
    original = target.read_bytes()
    tried = rejected = 0
    bad: list[tuple[int, int, str]] = []
    try:
        for pos in positions:
            for bit in bits(pos):
                data = bytearray(original)
                data[pos] ^= 1 << bit
                target.write_bytes(bytes(data))
                outcome = _outcome(lambda: verify_bundle(path, workers=1))
                tried += 1
                if outcome == "rejected":
                    rejected += 1
                else:
                    bad.append((pos, bit, outcome))
    finally:
        target.write_bytes(original)
    return tried, rejected, bad


def _one_seeded_bit(rnd: random.Random) -> Callable[[int], Iterable[int]]:
    return lambda _pos: (rnd.randrange(8),)


def _report(label: str, tried: int, rejected: int, bad: list[tuple[int, int, str]]) -> None:
    print(f"\n[tamper] {label}: tried {tried}, rejected {rejected}")
    assert not bad, f"{label}: {len(bad)} flips not rejected, first: {bad[:5]}"
    assert rejected == tried


# -- the bundle's files -----------------------------------------------------------------


def test_binary_files_every_flip_rejected(honest) -> None:
    """leaves.bin and rangeproofs.bin: a seeded sample (headers always included);
    solvency.bin: every byte. One seeded bit per position."""
    path, _ = honest
    rnd = random.Random(SEED)
    total = 0
    for name in bundle.FILES:
        size = (path / name).stat().st_size
        if name in BINARY_SAMPLE:
            header = list(range(32))
            positions = header + sorted(rnd.sample(range(32, size), BINARY_SAMPLE[name]))
        else:
            positions = list(range(size))
        tried, rejected, bad = _sweep_file(path, name, positions, _one_seeded_bit(rnd))
        _report(f"{name} ({size} bytes)", tried, rejected, bad)
        assert tried == len(positions)
        total += tried
    assert total >= 2000
    verify_bundle(path, workers=1)  # restored


def test_manifest_every_byte_rejected(honest) -> None:
    """Every byte of manifest.json, one seeded bit each."""
    path, _ = honest
    size = (path / bundle.MANIFEST).stat().st_size
    rnd = random.Random(SEED + 2)
    tried, rejected, bad = _sweep_file(path, bundle.MANIFEST, range(size), _one_seeded_bit(rnd))
    _report(f"manifest.json every byte ({size} bytes)", tried, rejected, bad)
    assert tried == size
    verify_bundle(path, workers=1)


@pytest.mark.slow
def test_manifest_every_bit_rejected(honest) -> None:
    """Every bit of manifest.json (8 flips per byte)."""
    path, _ = honest
    size = (path / bundle.MANIFEST).stat().st_size
    tried, rejected, bad = _sweep_file(path, bundle.MANIFEST, range(size), lambda _p: range(8))
    _report(f"manifest.json every bit ({size} bytes)", tried, rejected, bad)
    assert tried == 8 * size


@pytest.mark.slow
def test_solvency_every_bit_rejected(honest) -> None:
    path, _ = honest
    size = (path / bundle.SOLVENCY).stat().st_size
    tried, rejected, bad = _sweep_file(path, bundle.SOLVENCY, range(size), lambda _p: range(8))
    _report(f"solvency.bin every bit ({size} bytes)", tried, rejected, bad)
    assert tried == 8 * size


# -- the inclusion proof ----------------------------------------------------------------


def _sweep_inclusion(
    path: Path, data: bytes, bits: Callable[[int], Iterable[int]]
) -> tuple[int, int, list[tuple[int, int, str]]]:
    b = bundle.read(path)
    tried = rejected = 0
    bad: list[tuple[int, int, str]] = []
    for pos in range(len(data)):
        for bit in bits(pos):
            flipped = bytearray(data)
            flipped[pos] ^= 1 << bit
            outcome = _outcome(
                lambda f=bytes(flipped): inclusion.verify(inclusion.parse(f), manifest_bundle=b)
            )
            tried += 1
            if outcome == "rejected":
                rejected += 1
            else:
                bad.append((pos, bit, outcome))
    return tried, rejected, bad


def test_inclusion_every_byte_rejected(honest) -> None:
    path, data = honest
    inclusion.verify(inclusion.parse(data), manifest_bundle=bundle.read(path))  # honest passes
    rnd = random.Random(SEED + 3)
    tried, rejected, bad = _sweep_inclusion(path, data, _one_seeded_bit(rnd))
    _report(f"inclusion proof every byte ({len(data)} bytes)", tried, rejected, bad)
    assert tried == len(data)


@pytest.mark.slow
def test_inclusion_every_bit_rejected(honest) -> None:
    path, data = honest
    tried, rejected, bad = _sweep_inclusion(path, data, lambda _p: range(8))
    _report(f"inclusion proof every bit ({len(data)} bytes)", tried, rejected, bad)
    assert tried == 8 * len(data)
