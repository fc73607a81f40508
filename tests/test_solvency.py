"""End-to-end epoch proofs, and the attacks on proofs of liabilities (DESIGN.md):
each builds the forged artefact and checks that verification rejects it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import ASSETS, EPOCH, MASTER, small_exchange

from zksolvency import bulletproofs as bp
from zksolvency import bundle, inclusion
from zksolvency import tree as merkle
from zksolvency.circuits import canonical_json, load_statement
from zksolvency.errors import FormatError, ProvingError, VerificationError
from zksolvency.groups import get_group
from zksolvency.kdf import EpochSecrets, liabilities_digest, seed_blinding
from zksolvency.pedersen import generators
from zksolvency.solvency import (
    EpochProof,
    padded_leaf_count,
    prove_epoch,
    solvency_transcript,
    verify_bundle,
)

REJECTED = (FormatError, VerificationError)
GROUP = get_group("secp256k1")
GENS = generators(GROUP)
Q = GROUP.order


_exchange = small_exchange


def _prove(users, balances, reserves, epoch=EPOCH, master=MASTER) -> EpochProof:
    st = load_statement().bind(ASSETS)
    return prove_epoch(
        st, users, balances, reserves, master, epoch, min_leaves=16, batch_size=4, workers=1
    )


@pytest.fixture(scope="module")
def honest() -> tuple[EpochProof, list[str], np.ndarray]:
    users, balances, reserves = _exchange()
    return _prove(users, balances, reserves), users, balances


@pytest.fixture
def written(honest, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    bundle.write(out, honest[0])
    return out


def _rewrite(proof: EpochProof, out: Path) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    bundle.write(out, proof)
    return out


def _retree(proof: EpochProof, commitments: np.ndarray) -> EpochProof:
    """Recompute the tree (hashes, sums, root) over edited leaf commitments."""
    ps = GROUP.point_size
    k = len(ASSETS)
    pts = [
        [
            GROUP.decode(commitments[i, a * ps : (a + 1) * ps].tobytes())
            for i in range(proof.padded_leaves)
        ]
        for a in range(k)
    ]
    t = merkle.build(GROUP, proof.epoch, proof.id_hashes, pts)
    return dataclasses.replace(
        proof, commitments=commitments, root_hash=t.root_hash, root_commitments=t.root_commitments()
    )


# -- honest runs ----------------------------------------------------------------------


def test_prove_write_verify(written: Path) -> None:
    report = verify_bundle(written, workers=1)
    assert report.assets == tuple(ASSETS)
    assert report.padded_leaves == 16
    assert report.range_proofs == 2 * 16 // 4


def test_padded_leaf_count_rule() -> None:
    assert padded_leaf_count(10) == 1024
    assert padded_leaf_count(1025) == 2048
    assert padded_leaf_count(10, 16) == 16
    assert padded_leaf_count(17, 16) == 32


def test_insolvent_asset_refused_by_name(tmp_path: Path) -> None:
    users, balances, reserves = _exchange()
    reserves["ETH"] = int(balances[:, 1].sum(dtype=object)) - 1
    with pytest.raises(ProvingError, match="insolvent in ETH"):
        _prove(users, balances, reserves)


def test_bundle_has_no_plaintext(honest, written: Path) -> None:
    _, users, balances = honest
    blob = b"".join(p.read_bytes() for p in written.iterdir())
    assert MASTER not in blob
    assert MASTER.hex().encode() not in blob
    for uid in users:
        assert uid.encode() not in blob
    for v in balances.flatten().tolist():
        if v > 10**6:  # short numbers occur by chance in hashes' hex
            assert str(v).encode() not in blob
            assert int(v).to_bytes(8, "little") not in blob
            assert int(v).to_bytes(8, "big") not in blob


def test_secrets_change_every_epoch_and_secret() -> None:
    users, balances, reserves = _exchange(4)
    a = _prove(users, balances, reserves, epoch="2026-11")
    b = _prove(users, balances, reserves, epoch="2026-12")
    c = _prove(users, balances, reserves, master=bytes(range(2, 34)))
    for other in (b, c):
        assert not set(map(bytes, a.id_hashes)) & set(map(bytes, other.id_hashes))
        assert not set(map(bytes, a.commitments)) & set(map(bytes, other.commitments))


# -- attacks --------------------------------------------------------------------------


def test_negative_leaf_lowering_the_total_is_rejected(honest, tmp_path: Path) -> None:
    """A leaf committing to −5 (mod q) lowers the committed total; the custodian
    can rebuild the tree and a valid solvency proof, but not the range proof."""
    proof, users, balances = honest
    ps = GROUP.point_size
    secrets_ = EpochSecrets(MASTER, EPOCH, "secp256k1", liabilities_digest(users, ASSETS, balances))
    slot = int(secrets_.leaf_order(users, proof.padded_leaves)[0])
    r = seed_blinding(secrets_.user_seed(users[0]), "BTC", Q)
    forged = proof.commitments.copy()
    forged[slot, :ps] = np.frombuffer(GROUP.encode(GENS.commit(Q - 5, r)), dtype=np.uint8)
    bad = _retree(proof, forged)
    # a solvency proof for the lowered total, with the openings the custodian knows
    digest = proof.statement.digest()
    total = int(balances[:, 0].sum(dtype=object)) - int(balances[0, 0]) - 5
    blind_sum = 0
    for uid in users:
        blind_sum += seed_blinding(secrets_.user_seed(uid), "BTC", Q)
    occupied = set(secrets_.leaf_order(users, proof.padded_leaves).tolist())
    for s in range(proof.padded_leaves):
        if s not in occupied:
            blind_sum += seed_blinding(secrets_.padding_seed(s), "BTC", Q)
    R = proof.reserves["BTC"]
    D = GROUP.add(GROUP.mul(R, GENS.B), GROUP.neg(GROUP.decode(bad.root_commitments[0])))
    tr = solvency_transcript(digest, EPOCH, "BTC", R, bad.root_hash, proof.padded_leaves)
    sp, _ = bp.prove(GENS, [R - total], [(-blind_sum) % Q], 128, tr, commitments=[D])
    bad = dataclasses.replace(bad, solvency_proofs=[sp.to_bytes(GROUP), *bad.solvency_proofs[1:]])
    with pytest.raises(VerificationError, match=r"rangeproofs.bin: asset BTC batch \d+"):
        verify_bundle(_rewrite(bad, tmp_path / "b"), workers=1)


def test_node_hash_binds_child_commitments() -> None:
    """Maxwell's flaw: a parent hash over child hashes only lets sums be moved."""
    h = bytes(32)
    c1 = GROUP.encode(GENS.commit(1, 1))
    c2 = GROUP.encode(GENS.commit(2, 1))
    assert merkle.node_hash(h, h, c1, c2) != merkle.node_hash(h, h, c2, c1)
    assert merkle.node_hash(h, h, c1, c1) != merkle.node_hash(h, h, c1, c2)


def test_moved_commitment_with_same_hashes_is_rejected(honest, tmp_path: Path) -> None:
    proof = honest[0]
    forged = proof.commitments.copy()
    forged[[0, 1]] = forged[[1, 0]]  # swap two leaves' commitments, keep their id hashes
    bad = dataclasses.replace(proof, commitments=forged)  # root left as it was
    with pytest.raises(VerificationError, match="root hash"):
        verify_bundle(_rewrite(bad, tmp_path / "b"), workers=1)


def test_root_commitment_altered_to_shrink_liabilities(written: Path) -> None:
    m = json.loads((written / "manifest.json").read_text())
    smaller = GROUP.add(
        GROUP.decode(bytes.fromhex(m["root"]["commitments"]["BTC"])), GROUP.neg(GENS.B)
    )
    m["root"]["commitments"]["BTC"] = GROUP.encode(smaller).hex()
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(VerificationError, match="root commitment of BTC"):
        verify_bundle(written, workers=1)


def test_solvency_proof_replayed_for_another_asset(honest, tmp_path: Path) -> None:
    proof = honest[0]
    swapped = dataclasses.replace(proof, solvency_proofs=proof.solvency_proofs[::-1])
    with pytest.raises(VerificationError, match=r"solvency\.bin: asset BTC"):
        verify_bundle(_rewrite(swapped, tmp_path / "b"), workers=1)


def test_higher_reserves_claimed(written: Path) -> None:
    m = json.loads((written / "manifest.json").read_text())
    m["reserves"]["ETH"] = str(int(m["reserves"]["ETH"]) + 10**9)
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(VerificationError, match=r"solvency\.bin: asset ETH"):
        verify_bundle(written, workers=1)


def test_statement_edited_after_proving(written: Path) -> None:
    m = json.loads((written / "manifest.json").read_text())
    m["statement"]["solvency_bits"] = 64
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(FormatError, match="statement_digest"):
        verify_bundle(written, workers=1)
    # with the digest updated too, the proofs (bound to the old digest) fail
    st = dataclasses.replace(load_statement().bind(ASSETS), solvency_bits=64)
    m["statement_digest"] = st.digest().hex()
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(REJECTED):
        verify_bundle(written, workers=1)


def test_epoch_edited(written: Path) -> None:
    m = json.loads((written / "manifest.json").read_text())
    m["epoch"] = "2026-12"
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(VerificationError):
        verify_bundle(written, workers=1)


def test_future_format_version(written: Path) -> None:
    m = json.loads((written / "manifest.json").read_text())
    m["format"] = "zksolvency-bundle/v2"
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(FormatError, match="not supported"):
        verify_bundle(written, workers=1)


@pytest.mark.parametrize("name", ["leaves.bin", "rangeproofs.bin", "solvency.bin"])
def test_truncated_or_tampered_file(written: Path, name: str) -> None:
    data = (written / name).read_bytes()
    (written / name).write_bytes(data[:-1])
    with pytest.raises(FormatError, match=name):
        verify_bundle(written, workers=1)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 1
    (written / name).write_bytes(bytes(flipped))
    with pytest.raises(FormatError, match=name):
        verify_bundle(written, workers=1)


def test_non_canonical_manifest(written: Path) -> None:
    m = json.loads((written / "manifest.json").read_text())
    (written / "manifest.json").write_text(json.dumps(m, indent=1))
    with pytest.raises(FormatError, match="canonical"):
        verify_bundle(written, workers=1)


# -- inclusion proofs -----------------------------------------------------------------


@pytest.fixture
def proofs(honest, written: Path) -> list[inclusion.InclusionProof]:
    _, users, balances = honest
    return inclusion.make(written, users, balances, MASTER, users[:3])


def test_inclusion_round_trip(proofs, written: Path, honest) -> None:
    b = bundle.read(written)
    users, balances = honest[1], honest[2]
    for p, uid, bal in zip(proofs, users, balances, strict=False):
        parsed = inclusion.parse(p.to_json())
        res = inclusion.verify(parsed, manifest_bundle=b, expect={"BTC": int(bal[0])})
        assert res.user_id == uid
        assert res.balances == {"BTC": int(bal[0]), "ETH": int(bal[1])}


def test_two_users_cannot_share_a_leaf(proofs, written: Path) -> None:
    b = bundle.read(written)
    a, other = proofs[0], proofs[1]
    stolen = dataclasses.replace(a, user_id=other.user_id, balances=other.balances)
    with pytest.raises(VerificationError):
        inclusion.verify(stolen, manifest_bundle=b)


def test_wrong_expected_balance(proofs, written: Path) -> None:
    with pytest.raises(VerificationError, match="balance of BTC"):
        inclusion.verify(proofs[0], manifest_bundle=bundle.read(written), expect={"BTC": 1})


def test_inclusion_against_another_epochs_root(honest, proofs, tmp_path: Path) -> None:
    _, users, balances = honest
    _, _, reserves = _exchange()
    other = _prove(users, balances, reserves, epoch="2026-12")
    with pytest.raises(VerificationError):
        inclusion.verify(proofs[0], root=other.root_hash)
    out = _rewrite(other, tmp_path / "dec")
    with pytest.raises(VerificationError):
        inclusion.verify(proofs[0], manifest_bundle=bundle.read(out))


def test_inclusion_tampered_bytes_rejected(proofs) -> None:
    data = proofs[0].to_json()
    for i in range(0, len(data), 7):
        bad = bytearray(data)
        bad[i] ^= 0x01
        with pytest.raises(REJECTED):
            inclusion.verify(inclusion.parse(bytes(bad)), root=proofs[0].root)


def test_statement_needs_at_least_one_asset() -> None:
    from zksolvency.errors import InputError

    with pytest.raises(InputError, match="no asset columns"):
        load_statement().bind([])


@pytest.mark.parametrize(
    "edit",
    [
        # the same statement, nested the way a TOML file is: a second encoding
        lambda m: m.__setitem__(
            "statement",
            {
                "statement": {k: v for k, v in m["statement"].items() if k != "assets"},
                "assets": m["statement"]["assets"],
            },
        ),
        # the same length as a float: a second encoding
        lambda m: m["files"]["solvency.bin"].__setitem__(
            "bytes", float(m["files"]["solvency.bin"]["bytes"])
        ),
    ],
    ids=["nested-statement", "float-size"],
)
def test_manifest_has_one_encoding(written: Path, edit) -> None:
    m = json.loads((written / "manifest.json").read_text())
    edit(m)
    (written / "manifest.json").write_bytes(canonical_json(m) + b"\n")
    with pytest.raises(FormatError):
        verify_bundle(written, workers=1)
