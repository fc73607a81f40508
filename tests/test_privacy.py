"""Privacy: what a bundle and the command line reveal (docs/THREAT_MODEL.md section 4).

1. No plaintext balance, total, user ID, salt, blinding, seed, epoch key or
   master secret appears in any bundle file, in any of the usual encodings.
2. Two bundles of the same liabilities and epoch under different master
   secrets share no id hash, commitment, root or leaf position.
3. Padding leaves are indistinguishable from users' leaves using only the
   bundle: every record has the same size and format, no field marks padding
   (an identity or small-multiple commitment, equal commitments across
   assets, a constant id hash), and a battery of distinguishers (every bit of
   every field, byte histograms, slot position, a naive Bayes classifier
   trained on half the slots) does no better than chance, judged against the
   padding slots the test knows from the secret.
4. ``verify``, ``inspect``, ``inclusion`` and ``verify-inclusion``, on honest
   and on tampered bundles and proofs, never print a secret; failed inclusion
   checks never echo the user's seed.

Leaves are deterministic functions of (master secret, epoch, liabilities); the
range proofs over them are zero-knowledge and play no part in items 2 and 3.
So the 1024-leaf bundles of those tests are made by ``prove_epoch`` with
``bp.prove`` stubbed to return the commitments it would return (V = v·B + γ·B̃)
and a zero-filled proof; a ``slow`` variant runs the real prover.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ASSETS, EPOCH, small_exchange
from typer.testing import CliRunner

from zksolvency import bulletproofs as bp
from zksolvency import bundle, inclusion
from zksolvency import tree as merkle
from zksolvency.circuits import canonical_json, load_statement
from zksolvency.cli import app
from zksolvency.errors import FormatError
from zksolvency.groups import get_group
from zksolvency.kdf import (
    KDF_SALT,
    EpochSecrets,
    hkdf_expand,
    hkdf_extract,
    liabilities_digest,
    lp,
    seed_blinding,
    seed_salt,
)
from zksolvency.pedersen import generators
from zksolvency.solvency import EpochProof, prove_epoch

MASTER_A = hashlib.sha256(b"zksolvency test_privacy master A").digest()
MASTER_B = hashlib.sha256(b"zksolvency test_privacy master B").digest()
RUNNER = CliRunner()


# -- a distinctive exchange ----------------------------------------------------------------


def distinctive_exchange(n: int, seed: int) -> tuple[list[str], np.ndarray, dict[str, int]]:
    """IDs and balances that cannot occur by chance: 13–18 digit balances, long
    random-looking IDs, reserves with a surplus of the same order as the total
    (so the public reserves figure does not share digits with the hidden one)."""
    rnd = random.Random(seed)
    users = [f"privacy-{i:03d}-{rnd.getrandbits(48):012x}@example.org" for i in range(n)]
    balances = np.array(
        [[rnd.randrange(2**43, 2**59), rnd.randrange(2**50, 2**59)] for _ in users],
        dtype=np.uint64,
    )
    totals = [int(balances[:, a].sum(dtype=object)) for a in range(len(ASSETS))]
    reserves = {a: t + rnd.randrange(t // 3, t) for a, t in zip(ASSETS, totals, strict=True)}
    return users, balances, reserves


@dataclass(frozen=True)
class Real:
    """A bundle with real proofs, its inputs, and one user's inclusion proof."""

    path: Path
    users: list[str]
    balances: np.ndarray
    proof: EpochProof
    inclusion_proof: bytes


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Real:
    users, balances, reserves = distinctive_exchange(12, 5)
    st = load_statement().bind(ASSETS)
    proof = prove_epoch(
        st, users, balances, reserves, MASTER_A, EPOCH, min_leaves=16, batch_size=4, workers=1
    )
    path = tmp_path_factory.mktemp("privacy") / "bundle"
    bundle.write(path, proof)
    (inc,) = inclusion.make(path, users, balances, MASTER_A, users[3:4])
    return Real(path, users, balances, proof, inc.to_json())


# -- what must never appear ----------------------------------------------------------------


def _bytes_forms(secret: bytes) -> list[bytes]:
    """Raw, hex (both cases), base64 (standard, URL-safe, unpadded), and each half raw."""
    b64 = base64.b64encode(secret)
    half = len(secret) // 2
    return [
        secret,
        secret[:half],
        secret[half:],
        secret.hex().encode(),
        secret.hex().upper().encode(),
        b64,
        base64.urlsafe_b64encode(secret),
        b64.rstrip(b"="),
    ]


def _int_forms(value: int) -> list[bytes]:
    """Decimal ASCII, hex, and fixed-width big- and little-endian integers."""
    out = [str(value).encode(), f"{value:x}".encode()]
    for width in (8, 16, 32):
        if value < 1 << (8 * width):
            out += [value.to_bytes(width, "big"), value.to_bytes(width, "little")]
    return out


def _text_forms(text: str) -> list[bytes]:
    raw = text.encode()
    return [raw, text.encode("utf-16-le"), raw.hex().encode(), base64.b64encode(raw)]


def epoch_secrets(
    master: bytes, users: list[str], balances: np.ndarray, curve: str = "secp256k1"
) -> EpochSecrets:
    return EpochSecrets(master, EPOCH, curve, liabilities_digest(users, ASSETS, balances))


def epoch_keys(
    master: bytes, users: list[str], balances: np.ndarray, curve: str = "secp256k1"
) -> dict[str, bytes]:
    """The HKDF pseudo-random key and the epoch's keys, per docs/SPEC.md §9."""
    prk = hkdf_extract(KDF_SALT, master)
    data = liabilities_digest(users, ASSETS, balances)
    key = hkdf_expand(prk, b"epoch" + lp(curve.encode()) + lp(EPOCH.encode()) + data, 32)
    seed = epoch_secrets(master, users, balances, curve).user_seed(users[0])
    assert seed == hkdf_expand(key, b"user" + lp(users[0].encode()), 32), "KDF differs from §9"
    return {
        "HKDF PRK": prk,
        "epoch key": key,
        "order key": hkdf_expand(key, b"order", 32),
        "nonce key": hkdf_expand(key, b"nonces", 32),
    }


def secrets_of(
    master: bytes,
    users: list[str],
    balances: np.ndarray,
    padded: int,
    *,
    only: range | list[int] | None = None,
    curve: str = "secp256k1",
) -> dict[str, list[bytes]]:
    """Every secret of the epoch proven from (users, balances), by kind, each in
    all its encodings; per-user secrets only for the users at positions ``only``
    (default: all), shared ones (keys, padding, totals) always."""
    q = get_group(curve).order
    es = epoch_secrets(master, users, balances, curve)
    out: dict[str, list[bytes]] = {"master secret": _bytes_forms(master)}
    for kind, key in epoch_keys(master, users, balances, curve).items():
        out[kind] = _bytes_forms(key)
    out |= {k: [] for k in ("user ID", "user seed", "salt", "blinding", "balance")}
    for u in range(len(users)) if only is None else only:
        seed = es.user_seed(users[u])
        out["user ID"] += _text_forms(users[u])
        out["user seed"] += _bytes_forms(seed)
        out["salt"] += _bytes_forms(seed_salt(seed))
        for a, asset in enumerate(ASSETS):
            out["blinding"] += _int_forms(seed_blinding(seed, asset, q))
            out["balance"] += _int_forms(int(balances[u, a]))
    out["total liabilities"] = [
        form
        for a in range(len(ASSETS))
        for form in _int_forms(int(balances[:, a].sum(dtype=object)))
    ]
    out["padding seed"] = []
    occupied = set(es.leaf_order(users, padded).tolist())
    for slot in range(padded):
        if slot not in occupied:
            seed = es.padding_seed(slot)
            out["padding seed"] += _bytes_forms(seed)
            for asset in ASSETS:
                out["blinding"] += _int_forms(seed_blinding(seed, asset, q))
    return out


def leaks(blob: bytes, secrets: dict[str, list[bytes]]) -> list[str]:
    return [
        f"{kind}: {form[:24]!r}"
        for kind, forms in secrets.items()
        for form in forms
        if form in blob
    ]


def test_no_secret_or_plaintext_in_any_bundle_file(real: Real) -> None:
    secrets = secrets_of(MASTER_A, real.users, real.balances, real.proof.padded_leaves)
    assert sum(map(len, secrets.values())) > 500
    for path in sorted(real.path.iterdir()):
        found = leaks(path.read_bytes(), secrets)
        assert not found, f"{path.name}: {found[:5]}"
    # the inclusion proof does hold its own user's ID, balances and seed (by design) ...
    seed = epoch_secrets(MASTER_A, real.users, real.balances).user_seed(real.users[3])
    assert real.users[3].encode() in real.inclusion_proof
    assert base64.b64encode(seed) in real.inclusion_proof
    # ... but nothing of the master secret, the epoch's keys, padding or any other user
    others = secrets_of(
        MASTER_A, real.users, real.balances, real.proof.padded_leaves, only=_without(real, 3)
    )
    found = leaks(real.inclusion_proof, others)
    assert not found, f"inclusion proof: {found[:5]}"


def _without(real: Real, u: int) -> list[int]:
    """The positions of everyone but user ``u``."""
    return [i for i in range(len(real.users)) if i != u]


# -- bundles with stubbed range proofs (leaves only matter) ----------------------------------


class _ZeroProof:
    def __init__(self, size: int) -> None:
        self.size = size

    def to_bytes(self, group: Any) -> bytes:
        return bytes(self.size)


def _commitments_only(
    gens: Any,
    values: Any,
    blindings: Any,
    n: int,
    transcript: Any,
    *,
    commitments: Any = None,
    rng: Any = None,
) -> tuple[_ZeroProof, list[Any]]:
    """``bp.prove`` minus the proof: the commitments it returns, V_j = v_j·B + γ_j·B̃."""
    V = [gens.commit(v, g) for v, g in zip(values, blindings, strict=True)]
    return _ZeroProof(bp.proof_size(gens.group, n, len(values))), V


@dataclass(frozen=True)
class Leaves:
    """Only what the bundle shows, plus the ground truth the test knows from the secret."""

    curve: str
    path: Path
    ids: np.ndarray  # (P, 32)
    comms: list[np.ndarray]  # per asset (P, point_size)
    padding: np.ndarray  # (P,) bool, from the secret
    slot_of_user: dict[str, int]
    users: int


def _leaves_bundle(
    out: Path,
    curve: str,
    users: list[str],
    balances: np.ndarray,
    reserves: dict[str, int],
    master: bytes,
    padded: int,
    *,
    stub: bool,
) -> Leaves:
    st = load_statement().bind(ASSETS)
    with contextlib.ExitStack() as stack:
        if stub:
            mp = stack.enter_context(pytest.MonkeyPatch.context())
            mp.setattr(bp, "prove", _commitments_only)
        proof = prove_epoch(
            st,
            users,
            balances,
            reserves,
            master,
            EPOCH,
            curve=curve,
            min_leaves=padded,
            batch_size=1 if stub else 16,
            workers=1 if stub else 2,
        )
    if stub:  # the stub was used: no real proof was made
        assert not any(any(p) for per_asset in proof.range_proofs for p in per_asset)
    bundle.write(out, proof)
    b = bundle.read(out)
    ids, cols = bundle.read_leaves(b)
    es = epoch_secrets(master, users, balances, curve)
    slots = es.leaf_order(users, padded)
    padding = np.ones(padded, dtype=bool)
    padding[slots] = False
    # the ground truth is right: each user's id hash sits in the slot the secret says
    for uid, slot in zip(users, slots.tolist(), strict=True):
        assert ids[slot].tobytes() == merkle.id_hash(uid, seed_salt(es.user_seed(uid)))
    return Leaves(
        curve,
        out,
        np.array(ids),
        [np.array(c) for c in cols],
        padding,
        dict(zip(users, slots.tolist(), strict=True)),
        len(users),
    )


PADDED = 1024


@pytest.fixture(scope="module", params=["secp256k1", "bls12_381"])
def stubbed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Leaves:
    """1024 leaves, exactly half of them padding, so that chance is 1/2."""
    users, balances, reserves = small_exchange(PADDED // 2, 11)
    out = tmp_path_factory.mktemp("stub") / "bundle"
    return _leaves_bundle(
        out, request.param, users, balances, reserves, MASTER_A, PADDED, stub=True
    )


# -- two secrets -----------------------------------------------------------------------------


def test_two_secrets_share_no_leaf_root_or_position(tmp_path: Path) -> None:
    """Same liabilities, epoch and curve; another master secret: nothing in common
    but the public parameters. Extends test_solvency.py's
    test_secrets_change_every_epoch_and_secret to the written files, the roots
    and the leaf positions."""
    users, balances, reserves = small_exchange(128, 13)
    one, other = (
        _leaves_bundle(tmp_path / name, "secp256k1", users, balances, reserves, m, 256, stub=True)
        for name, m in (("a", MASTER_A), ("b", MASTER_B))
    )
    a_files = {p.name: p.stat().st_size for p in one.path.iterdir()}
    assert a_files == {p.name: p.stat().st_size for p in other.path.iterdir()}
    assert not {r.tobytes() for r in one.ids} & {r.tobytes() for r in other.ids}
    ca = {r.tobytes() for c in one.comms for r in c}
    cb = {r.tobytes() for c in other.comms for r in c}
    assert len(ca) == len(cb) == 256 * len(ASSETS)
    assert not ca & cb
    ma = json.loads((one.path / bundle.MANIFEST).read_bytes())
    mb = json.loads((other.path / bundle.MANIFEST).read_bytes())
    assert ma["root"]["hash"] != mb["root"]["hash"]
    for a in ASSETS:  # the same totals L[a], under other blindings
        assert ma["root"]["commitments"][a] != mb["root"]["commitments"][a]
    same = sum(one.slot_of_user[u] == other.slot_of_user[u] for u in users)
    assert same <= 8  # expected 1/2 for independent uniform slots


# -- padding looks like any other leaf ---------------------------------------------------------


def test_every_leaf_record_has_the_same_form(stubbed: Leaves) -> None:
    group = get_group(stubbed.curve)
    gens = generators(group)
    ps, k, p = group.point_size, len(ASSETS), PADDED
    size = (stubbed.path / bundle.LEAVES).stat().st_size
    assert size == len(bundle.leaves_header(p, k, ps)) + p * 32 + p * k * ps
    pad, real = stubbed.padding, ~stubbed.padding
    assert pad.sum() == real.sum() == p // 2
    # the same set of encodings' first bytes (flags, y parity) in both classes
    for col in stubbed.comms:
        assert set(col[pad, 0].tolist()) == set(col[real, 0].tolist())
    # no field marks padding: every commitment decodes (identity refused), all distinct
    points = [[group.decode(c[i].tobytes()) for i in range(p)] for c in stubbed.comms]
    encodings = {c[i].tobytes() for c in stubbed.comms for i in range(p)}
    assert len(encodings) == p * k
    assert len({r.tobytes() for r in stubbed.ids}) == p
    for r in stubbed.ids:
        assert len(set(r.tolist())) > 8  # not a constant or short-period id hash
    # no commitment is a small multiple of B or B̃ (zero value with a tiny or zero
    # blinding, a tiny value with zero blinding), nor B, B̃ themselves
    small: set[bytes] = set()
    acc_b, acc_h = group.identity(), group.identity()
    for _ in range(1, 1025):
        acc_b, acc_h = group.add(acc_b, gens.B), group.add(acc_h, gens.B_blinding)
        for pt in (acc_b, acc_h, group.neg(acc_b), group.neg(acc_h)):
            small.add(group.encode(pt))
    assert not encodings & small
    # the assets of one leaf are not tied together: C_a − C_b is no small multiple
    # either (padding with one blinding for all assets would give C_a = C_b)
    for i in range(p):
        diff = group.add(points[0][i], group.neg(points[1][i]))
        assert not group.is_identity(diff)
        assert group.encode(diff) not in small


def _features(leaves: Leaves) -> dict[str, np.ndarray]:
    """Binary features a distinguisher sees in leaves.bin, one (P,) bool array each."""
    p = len(leaves.padding)
    out: dict[str, np.ndarray] = {}
    id_bits = np.unpackbits(leaves.ids, axis=1).astype(bool)
    for j in range(id_bits.shape[1]):
        out[f"id bit {j}"] = id_bits[:, j]
    out["id weight > 128"] = id_bits.sum(axis=1) > 128
    col_bits = [np.unpackbits(c, axis=1).astype(bool) for c in leaves.comms]
    for a, bits in enumerate(col_bits):
        for j in range(bits.shape[1]):
            out[f"asset {a} bit {j}"] = bits[:, j]
        out[f"asset {a} weight > median"] = bits.sum(axis=1) > np.median(bits.sum(axis=1))
    for j in range(col_bits[0].shape[1]):
        out[f"asset 0 xor 1 bit {j}"] = col_bits[0][:, j] ^ col_bits[1][:, j]
    slot = np.arange(p)
    for j in range(p.bit_length() - 1):
        out[f"slot bit {j}"] = (slot >> j & 1).astype(bool)
    out["slot after the users (padding appended)"] = slot >= leaves.users
    out["slot before the padding count (padding first)"] = slot < p - leaves.users
    return out


def _max_advantage(features: dict[str, np.ndarray], labels: np.ndarray) -> tuple[float, str]:
    best, name = 0.0, ""
    for key, f in features.items():
        adv = abs(float(np.mean(f == labels)) - 0.5)  # f or its negation
        if adv > best:
            best, name = adv, key
    return best, name


def _sigma(count: int) -> float:
    """Standard deviation of a no-information guesser's accuracy over ``count`` slots."""
    return 0.5 / count**0.5


def _chi2_limit(df: int, z: float = 5.0) -> float:
    """Wilson–Hilferty: the χ² value with the upper-tail probability of z σ (≈ 3·10⁻⁷)."""
    c = 2 / (9 * df)
    return df * (1 - c + z * c**0.5) ** 3


def _chi2_two_rows(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """χ² statistic of a 2×K contingency table (columns with no counts dropped)."""
    keep = (a + b) > 0
    a, b = a[keep].astype(float), b[keep].astype(float)
    total = a.sum() + b.sum()
    col = a + b
    stat = 0.0
    for row in (a, b):
        expected = col * row.sum() / total
        stat += float(((row - expected) ** 2 / expected).sum())
    return stat, int(keep.sum()) - 1


def _naive_bayes_accuracy(X: np.ndarray, labels: np.ndarray) -> tuple[float, int]:
    """Bernoulli naive Bayes (Laplace-smoothed) trained on a random half of the
    slots; returns its accuracy on the other half and the size of that half."""
    X = X.astype(float)
    order = np.random.default_rng(20261121).permutation(len(labels))
    train, test = order[: len(order) // 2], order[len(order) // 2 :]
    log_p: dict[bool, tuple[np.ndarray, np.ndarray, float]] = {}
    for cls in (True, False):
        rows = X[train][labels[train] == cls]
        theta = (rows.sum(axis=0) + 1) / (len(rows) + 2)
        log_p[cls] = (np.log(theta), np.log1p(-theta), np.log(len(rows) / len(train)))
    (a1, a0, pa), (b1, b0, pb) = log_p[True], log_p[False]
    scores = X[test] @ ((a1 - a0) - (b1 - b0)) + float((a0 - b0).sum()) + pa - pb
    return float(np.mean((scores > 0) == labels[test])), len(test)


def check_no_distinguisher(leaves: Leaves) -> dict[str, float]:
    """Run the distinguishers; assert each does no better than chance (5 σ)."""
    labels = leaves.padding
    p = len(labels)
    features = _features(leaves)
    report = {}
    # every single bit, weight and position feature, as a guesser of "padding"
    adv, name = _max_advantage(features, labels)
    report["best single feature advantage"] = adv
    assert adv < 5 * _sigma(p), f"{name!r} tells padding apart: advantage {adv:.3f}"
    # byte-value histograms, padding against users, per field (first byte: flags)
    fields = {"id hash": leaves.ids} | {
        f"asset {a} commitment (after the flag byte)": c[:, 1:] for a, c in enumerate(leaves.comms)
    }
    for field, data in fields.items():
        hist = [np.bincount(data[rows].ravel(), minlength=256) for rows in (labels, ~labels)]
        stat, df = _chi2_two_rows(*hist)
        report[f"chi2 {field} (df {df})"] = stat
        assert stat < _chi2_limit(df), f"{field}: byte histograms differ, χ² = {stat:.0f}"
    # where padding sits: counts in 16 blocks of consecutive slots
    blocks = labels.reshape(16, -1).sum(axis=1)
    stat, df = _chi2_two_rows(blocks, labels.reshape(16, -1).shape[1] - blocks)
    report["chi2 padding per block of slots"] = stat
    assert stat < _chi2_limit(df), f"padding clusters in slots: χ² = {stat:.1f}"
    # a naive Bayes classifier over every binary feature, trained on half the slots
    accuracy, tested = _naive_bayes_accuracy(np.stack(list(features.values()), axis=1), labels)
    report["naive Bayes accuracy"] = accuracy
    assert abs(accuracy - 0.5) < 5 * _sigma(tested), f"naive Bayes accuracy {accuracy:.3f}"
    return report


def test_no_distinguisher_beats_chance(stubbed: Leaves) -> None:
    report = check_no_distinguisher(stubbed)
    print(f"\n[privacy] {stubbed.curve}, {PADDED} leaves, half padding: {report}")


@pytest.mark.slow
def test_no_distinguisher_beats_chance_real_prover(tmp_path: Path) -> None:
    """The same with the real prover: 256 leaves, 128 users (~20 s)."""
    users, balances, reserves = small_exchange(128, 12)
    leaves = _leaves_bundle(
        tmp_path / "b", "secp256k1", users, balances, reserves, MASTER_A, 256, stub=False
    )
    report = check_no_distinguisher(leaves)
    print(f"\n[privacy] secp256k1, 256 leaves, real prover: {report}")


def test_distinguisher_battery_has_power() -> None:
    """The battery catches padding that is marked: the check is not vacuous."""
    rnd = np.random.default_rng(5)
    p = 1024
    labels = np.zeros(p, dtype=bool)
    labels[rnd.permutation(p)[: p // 2]] = True
    ids = rnd.integers(0, 256, size=(p, 32), dtype=np.uint8)
    comms = [rnd.integers(0, 256, size=(p, 33), dtype=np.uint8) for _ in ASSETS]
    honest = Leaves("secp256k1", Path(), ids, comms, labels, {}, p // 2)
    check_no_distinguisher(honest)
    marked_ids = ids.copy()
    marked_ids[labels, 7] &= 0x7F  # one biased bit in padding id hashes
    with pytest.raises(AssertionError, match="id bit 56"):
        check_no_distinguisher(Leaves("secp256k1", Path(), marked_ids, comms, labels, {}, p // 2))
    tail = np.zeros(p, dtype=bool)
    tail[p // 2 :] = True  # padding appended after the users
    with pytest.raises(AssertionError, match="padding"):
        check_no_distinguisher(Leaves("secp256k1", Path(), ids, comms, tail, {}, p // 2))


# -- the command line never prints a secret ---------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]")


def _windows(form: bytes, width: int = 16) -> list[str]:
    """Overlapping ``width``-character windows of a text encoding (step 8)."""
    text = form.decode()
    if len(text) <= width:
        return [text]
    return [text[i : i + width] for i in range(0, len(text) - width + 1, 8)]


def text_needles(secrets: dict[str, list[bytes]]) -> dict[str, list[str]]:
    """The printable encodings of each secret; long ones also as 16-character windows,
    so that a secret split over table cells or lines is still found."""
    out: dict[str, list[str]] = {}
    for kind, forms in secrets.items():
        found: list[str] = []
        for form in forms:
            try:
                text = form.decode("ascii")
            except UnicodeDecodeError:
                continue
            if not text.isprintable() or len(text) < 10:
                continue
            found += _windows(form) if kind not in ("user ID",) else [text]
        out[kind] = found
    return out


def assert_no_secret_printed(output: str, needles: dict[str, list[str]], what: str) -> None:
    squeezed = "".join(_TOKEN.findall(output))  # table borders and line breaks removed
    for kind, forms in needles.items():
        for form in forms:
            assert form not in output, f"{what}: printed a {kind}"
            assert form not in squeezed, f"{what}: printed a {kind} (across lines or cells)"


def _run(*args: str | Path) -> str:
    result = RUNNER.invoke(app, [str(a) for a in args])
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result.stdout + result.stderr


def _reseal(path: Path) -> None:
    """Recompute the manifest's file lengths and SHA-256 (as a forger would)."""
    m = json.loads((path / bundle.MANIFEST).read_bytes())
    for name in bundle.FILES:
        data = (path / name).read_bytes()
        m["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (path / bundle.MANIFEST).write_bytes(canonical_json(m) + b"\n")


def _edit_manifest(path: Path, edit: Any) -> None:
    m = json.loads((path / bundle.MANIFEST).read_bytes())
    edit(m)
    (path / bundle.MANIFEST).write_bytes(canonical_json(m) + b"\n")


def _flip(path: Path, offset: int, reseal: bool) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    if reseal:
        _reseal(path.parent)


def _swap_solvency(path: Path) -> None:
    data = (path / bundle.SOLVENCY).read_bytes()
    header = len(bundle.solvency_header(2, 1, 1))
    body = data[header:]
    half = len(body) // 2
    (path / bundle.SOLVENCY).write_bytes(data[:header] + body[half:] + body[:half])
    _reseal(path)


def _off_curve_leaf(path: Path) -> None:
    """Leaf 5's BTC commitment replaced by a well-formed x that is not on the curve."""
    group = get_group("secp256k1")
    p = json.loads((path / bundle.MANIFEST).read_bytes())["padded_leaves"]
    for x in range(1, 100):
        enc = b"\x02" + x.to_bytes(32, "big")
        with contextlib.suppress(FormatError):
            group.decode(enc)
            continue
        break
    data = bytearray((path / bundle.LEAVES).read_bytes())
    offset = len(bundle.leaves_header(p, 2, 33)) + p * 32 + 5 * 33
    data[offset : offset + 33] = enc
    (path / bundle.LEAVES).write_bytes(bytes(data))
    _reseal(path)


TAMPERS: dict[str, Any] = {
    "honest": lambda p: None,
    "leaves.bin flipped": lambda p: _flip(p / bundle.LEAVES, 300, reseal=False),
    "leaves.bin id hash flipped, resealed": lambda p: _flip(p / bundle.LEAVES, 100, reseal=True),
    "leaves.bin off-curve commitment, resealed": _off_curve_leaf,
    "rangeproofs.bin flipped, resealed": lambda p: _flip(p / bundle.RANGEPROOFS, 2000, True),
    "solvency.bin swapped, resealed": _swap_solvency,
    "reserves raised": lambda p: _edit_manifest(
        p, lambda m: m["reserves"].__setitem__("BTC", str(int(m["reserves"]["BTC"]) + 10**9))
    ),
    "epoch edited": lambda p: _edit_manifest(p, lambda m: m.__setitem__("epoch", "2026-12")),
    "root commitment edited": lambda p: _edit_manifest(
        p,
        lambda m: m["root"]["commitments"].__setitem__("ETH", m["root"]["commitments"]["BTC"]),
    ),
    "manifest truncated": lambda p: (p / bundle.MANIFEST).write_bytes(
        (p / bundle.MANIFEST).read_bytes()[:400]
    ),
    "leaves.bin missing": lambda p: (p / bundle.LEAVES).unlink(),
}


@pytest.fixture(scope="module")
def needles(real: Real) -> dict[str, list[str]]:
    return text_needles(secrets_of(MASTER_A, real.users, real.balances, real.proof.padded_leaves))


@pytest.mark.parametrize("tamper", list(TAMPERS), ids=list(TAMPERS))
def test_verify_and_inspect_never_print_a_secret(
    real: Real, needles: dict[str, list[str]], tmp_path: Path, tamper: str
) -> None:
    path = tmp_path / "bundle"
    shutil.copytree(real.path, path)
    TAMPERS[tamper](path)
    outputs = {
        "verify": _run("verify", path, "--workers", "1", "--quiet"),
        "verify --json": _run("verify", path, "--workers", "1", "--json"),
        "inspect": _run("inspect", path),
        "inspect --json": _run("inspect", path, "--json"),
    }
    if tamper == "honest":
        assert "VERIFIED" in outputs["verify"]
    else:
        assert "FAILED" in outputs["verify"]
    for command, output in outputs.items():
        assert_no_secret_printed(output, needles, f"{command} ({tamper})")


def _proof_edits(proof: dict[str, Any]) -> dict[str, dict[str, Any]]:
    seed = proof["seed"]
    first = "A" if seed[0] != "A" else "B"
    edits: dict[str, Any] = {
        "honest": {},
        "seed one character": {"seed": first + seed[1:]},
        "seed unpadded": {"seed": seed.rstrip("=")},
        "seed 31 bytes": {"seed": base64.b64encode(base64.b64decode(seed)[:31]).decode()},
        "seed as hex": {"seed": base64.b64decode(seed).hex()},
        "balance + 1": {"balances": [str(int(proof["balances"][0]) + 1), proof["balances"][1]]},
        "user ID": {"user_id": proof["user_id"] + "x"},
        "index": {"index": proof["index"] ^ 1},
        "root": {"root": base64.b64encode(bytes(32)).decode()},
        "path": {"path": "A" + proof["path"][1:]},
        "assets": {"assets": ["ETH", "BTC"]},
        "format": {"format": "zksolvency-inclusion/v2"},
    }
    return {name: {**proof, **change} for name, change in edits.items()}


def test_verify_inclusion_never_echoes_the_seed(real: Real, tmp_path: Path) -> None:
    """The user's own ID and balances may be printed to them; their seed, salt and
    blindings, the master secret and everyone else's data never, whatever the
    proof file contains."""
    p = real.proof.padded_leaves
    everyone_else = text_needles(
        secrets_of(MASTER_A, real.users, real.balances, p, only=_without(real, 3))
    )
    mine = text_needles(secrets_of(MASTER_A, real.users, real.balances, p, only=[3]))
    for kind in ("user ID", "balance"):  # theirs to see
        del mine[kind]
    proof = json.loads(real.inclusion_proof)
    for i, (name, edited) in enumerate(_proof_edits(proof).items()):
        file = tmp_path / f"proof-{i}.json"
        file.write_bytes(canonical_json(edited) + b"\n")
        for args in (("--bundle", real.path), ("--root", real.proof.root_hash.hex())):
            output = _run("verify-inclusion", file, *args)
            if name == "honest":
                assert f"included: user {real.users[3]}" in output
            else:
                assert "error:" in output, (name, output)
            assert_no_secret_printed(output, mine, f"verify-inclusion ({name})")
            assert_no_secret_printed(output, everyone_else, f"verify-inclusion ({name})")


def test_inclusion_command_never_prints_balances_or_seeds(
    real: Real, needles: dict[str, list[str]], tmp_path: Path
) -> None:
    csv = tmp_path / "users.csv"
    rows = [f"{u},{b},{e}" for u, (b, e) in zip(real.users, real.balances.tolist(), strict=True)]
    csv.write_text("user_id,BTC,ETH\n" + "\n".join(rows) + "\n")
    printing = {k: v for k, v in needles.items() if k != "user ID"}  # IDs may be named
    other = text_needles({"other master secret": _bytes_forms(MASTER_B)})
    for master, ok in ((MASTER_A, True), (MASTER_B, False)):
        key = tmp_path / f"{ok}.key"
        key.write_text(master.hex() + "\n")
        key.chmod(0o600)
        out = tmp_path / f"proofs-{ok}"
        output = _run(
            "inclusion",
            "--bundle",
            real.path,
            "--liabilities",
            csv,
            "--secret",
            key,
            "--all",
            "--out",
            out,
        )
        assert out.exists() == ok, output
        assert_no_secret_printed(output, printing, f"inclusion --all (right secret: {ok})")
        assert_no_secret_printed(output, other, f"inclusion --all (right secret: {ok})")
