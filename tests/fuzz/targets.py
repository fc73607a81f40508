"""The fuzzing properties, shared by tests/test_fuzz.py (hypothesis) and the
atheris harnesses beside this file.

One property for every decoder of untrusted bytes: the input either decodes to
a value that re-encodes to exactly the same bytes, or the decoder raises the
library's FormatError (InputError is a subclass). Each ``check_*`` returns
True when the input decoded, False when it was refused; anything else escapes.
The proof-of-reserves texts (addresses, signatures) have more than one accepted
spelling of some values (an uppercase bech32 address, a lowercase Ethereum
address): those must re-encode to one of their accepted spellings and to the
decoder's canonical text. The reserves file and the snapshot CSV, which have no
encoder in the library, are re-encoded here from what was parsed; the loaders
must read that back to the same value and raise only their documented
InputError.
A broken round trip raises :class:`PropertyViolation`; any other exception
propagates as it is. To the fuzzer, both are crashes.

The properties use ``raise`` rather than ``assert`` so that they still hold
under ``python -O``. Seed inputs (valid encodings, a tiny honest bundle and its
inclusion proofs) are built here too, deterministically.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import io
import json
import random
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from coincurve import PrivateKey

from zksolvency import bulletproofs as bp
from zksolvency import bundle, inclusion
from zksolvency.circuits import EPOCH_RE, canonical_json, check_asset_name, load_statement
from zksolvency.errors import FormatError, InputError, VerificationError
from zksolvency.field import decode_scalar, encode_scalar
from zksolvency.groups import get_group
from zksolvency.inputs import MAX_RESERVE_BITS, Reserves, load_reserves
from zksolvency.pedersen import generators
from zksolvency.reserves import attestation, bitcoin, ethereum
from zksolvency.reserves.snapshot import HEADER, MAX_BALANCE_BITS, Snapshot, load_snapshot
from zksolvency.reserves.verify import verify_reserves
from zksolvency.solvency import prove_epoch
from zksolvency.transcript import Transcript

CURVES = ("secp256k1", "bls12_381")
#: (n, m) of the range-proof decoder targets: leaf batches and the solvency proof
RANGE_PARAMS = ((8, 1), (16, 2), (64, 3), (128, 1))
#: what a decoder of untrusted bytes may raise
REFUSED = (FormatError,)


class PropertyViolation(AssertionError):
    """Decoded bytes did not re-encode to themselves, or a refusal was wrong."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PropertyViolation(message)


def groups() -> list[Any]:
    """Both curves' groups (backend per ZKSOLVENCY_BACKEND). Backends are imported
    on first use: harnesses call this inside ``atheris.instrument_imports``."""
    return [get_group(c) for c in CURVES]


# -- points and scalars -----------------------------------------------------------------


def check_point(group: Any, data: bytes, allow_identity: bool) -> bool:
    """``group.decode``: exact length, canonical, on the curve, in the group."""
    try:
        p = group.decode(data, allow_identity=allow_identity)
    except REFUSED:
        return False
    _require(len(data) == group.point_size, f"decoded {len(data)} bytes as a point")
    _require(group.encode(p) == data, f"point does not re-encode: {data.hex()}")
    _require(allow_identity or not group.is_identity(p), "identity accepted where refused")
    return True


def check_scalar(group: Any, data: bytes) -> bool:
    """``decode_scalar``: exactly scalar_size bytes, big-endian, < order."""
    q, ss = group.order, group.scalar_size
    try:
        k = decode_scalar(data, q, ss)
    except REFUSED:
        return False
    _require(0 <= k < q, f"scalar {k} outside [0, q)")
    _require(encode_scalar(k, ss) == data, f"scalar does not re-encode: {data.hex()}")
    return True


def valid_points(curve: str) -> list[bytes]:
    g = get_group(curve)
    G = g.generator()
    return [g.encode(g.mul(k, G)) for k in (1, 2, 3, 7, 2**64 + 1, g.order - 1)]


def identity_encoding(curve: str) -> bytes:
    g = get_group(curve)
    return g.encode(g.identity())


def edge_scalars(curve: str) -> list[bytes]:
    g = get_group(curve)
    q, ss = g.order, g.scalar_size
    return [k.to_bytes(ss, "big") for k in (0, 1, q - 1, q, q + 1, 2 ** (8 * ss) - 1)]


# -- range proofs -----------------------------------------------------------------------


def check_range_proof(group: Any, data: bytes, n: int, m: int) -> bool:
    """``RangeProof.from_bytes`` for public (n, m): the length comes from (n, m)."""
    try:
        proof = bp.RangeProof.from_bytes(data, group, n, m)
    except REFUSED:
        return False
    _require(len(data) == bp.proof_size(group, n, m), "decoded a proof of the wrong length")
    _require(proof.to_bytes(group) == data, "range proof does not re-encode")
    return True


@cache
def valid_range_proofs(curve: str, n: int, m: int, count: int = 2) -> tuple[bytes, ...]:
    gens = generators(get_group(curve))
    rnd = random.Random(n * 1000 + m)
    out = []
    for _ in range(count):
        values = [rnd.randrange(1 << n) for _ in range(m)]
        blinds = [rnd.randrange(1, gens.group.order) for _ in range(m)]
        proof, _ = bp.prove(gens, values, blinds, n, Transcript(b"fuzz"), rng=rnd)
        out.append(proof.to_bytes(gens.group))
    return tuple(out)


# -- inclusion proofs -------------------------------------------------------------------


def check_inclusion(
    data: bytes, against: bundle.Bundle | None = None, honest: tuple[bytes, ...] = ()
) -> bool:
    """``inclusion.parse``: canonical JSON only. With ``against``, whatever parses
    must also verify against that bundle or fail with FormatError or
    VerificationError, and only an untouched honest proof may verify."""
    try:
        parsed = inclusion.parse(data)
    except REFUSED:
        return False
    _require(parsed.to_json() == data, "inclusion proof does not re-encode")
    if against is None:
        return True
    try:
        inclusion.verify(parsed, manifest_bundle=against)
    except (FormatError, VerificationError):
        return True
    _require(data in honest, "a modified inclusion proof verified")
    return True


# -- bundles ----------------------------------------------------------------------------


def check_manifest(scratch: Path, data: bytes) -> bool:
    """``bundle.read``: ``data`` as manifest.json of a bundle whose binary files
    are intact. Accepted manifests are their own canonical encoding."""
    (scratch / bundle.MANIFEST).write_bytes(data)
    try:
        b = bundle.read(scratch)
    except REFUSED:
        return False
    _require(canonical_json(b.manifest) + b"\n" == data, "manifest is not canonical")
    return True


def check_bundle_file(scratch: Path, manifest: dict[str, Any], name: str, data: bytes) -> bool:
    """``data`` as one binary file of a bundle, with the manifest's length and
    SHA-256 for it updated (so the forger controls both), read with the
    checked readers the verifier uses: ``bundle.read``, the header checks, and
    checked decoding of every commitment and proof. Whatever decodes must
    re-encode to ``data``. The scratch bundle is restored afterwards."""
    target = scratch / name
    original = target.read_bytes()
    sealed = json.loads(json.dumps(manifest))
    sealed["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    try:
        target.write_bytes(data)
        (scratch / bundle.MANIFEST).write_bytes(canonical_json(sealed) + b"\n")
        try:
            return _decode_bundle_file(scratch, name, data)
        except REFUSED:
            return False
    finally:
        target.write_bytes(original)
        (scratch / bundle.MANIFEST).write_bytes(canonical_json(manifest) + b"\n")


def _decode_bundle_file(scratch: Path, name: str, data: bytes) -> bool:
    b = bundle.read(scratch)
    group = get_group(b.curve)
    k, p = len(b.assets), b.padded_leaves
    if name == bundle.LEAVES:
        ids, cols = bundle.read_leaves(b)
        body = [ids.tobytes()]
        for col in cols:
            body += [group.encode(group.decode(col[i].tobytes())) for i in range(p)]
        again = bundle.leaves_header(p, k, group.point_size) + b"".join(body)
    elif name == bundle.RANGEPROOFS:
        view, size = bundle.range_proofs_view(b)
        raw = view.tobytes()
        n, m = b.statement.leaf_bits, b.batch_size
        records = [raw[i : i + size] for i in range(0, len(raw), size)]
        body = [bp.RangeProof.from_bytes(r, group, n, m).to_bytes(group) for r in records]
        header = bundle.range_header(k, p // m, m, n, size)
        again = header + b"".join(body)
    elif name == bundle.SOLVENCY:
        n = b.statement.solvency_bits
        body = [
            bp.RangeProof.from_bytes(r, group, n, 1).to_bytes(group)
            for r in bundle.solvency_proofs(b)
        ]
        again = bundle.solvency_header(k, n, b.solvency_proof_size()) + b"".join(body)
    else:
        raise ValueError(f"not a binary bundle file: {name}")
    _require(again == data, f"{name} does not re-encode")
    return True


@dataclass(frozen=True)
class TinyBundle:
    """A 4-leaf, 2-asset honest bundle, a scratch copy to overwrite, and inclusion proofs."""

    path: Path
    scratch: Path
    manifest: dict[str, Any]
    inclusion_proofs: tuple[bytes, ...]
    files: dict[str, bytes]

    def restore(self) -> None:
        """Put the honest files back into the scratch copy."""
        for name, data in self.files.items():
            (self.scratch / name).write_bytes(data)


TINY_USERS = ("alice", "bob", "carol")
TINY_BALANCES = ((5, 7), (2**15 + 3, 0), (0, 2**16 - 1))
TINY_MASTER = bytes(range(40, 72))  # a fixed test secret


def tiny_bundle(root: Path, curve: str = "secp256k1") -> TinyBundle:
    """Prove, write and copy a tiny bundle under ``root``: 3 users, 4 leaves, one
    batch, 16-bit leaves and 64-bit solvency proofs, so that an instrumented
    harness builds it in well under a second."""
    assets = ["BTC", "ETH"]
    balances = np.array(TINY_BALANCES, dtype=np.uint64)
    reserves = {a: int(balances[:, i].sum(dtype=object)) + 1 for i, a in enumerate(assets)}
    st = dataclasses.replace(load_statement().bind(assets), leaf_bits=16, solvency_bits=64)
    proof = prove_epoch(
        st,
        list(TINY_USERS),
        balances,
        reserves,
        TINY_MASTER,
        "2026-11",
        curve=curve,
        min_leaves=4,
        batch_size=4,
        workers=1,
    )
    path = root / f"bundle-{curve}"
    bundle.write(path, proof)
    scratch = root / f"scratch-{curve}"
    shutil.copytree(path, scratch)
    proofs = inclusion.make(path, list(TINY_USERS), balances, TINY_MASTER, list(TINY_USERS))
    manifest = json.loads((path / bundle.MANIFEST).read_bytes())
    files = {name: (path / name).read_bytes() for name in (*bundle.FILES, bundle.MANIFEST)}
    return TinyBundle(path, scratch, manifest, tuple(p.to_json() for p in proofs), files)


# -- proof of reserves: addresses, signatures, the reserves file, the snapshot -------------

#: what the two file loaders (``inputs.load_reserves``, ``snapshot.load_snapshot``)
#: document: InputError (a FormatError) naming the file, and nothing else
REFUSED_INPUT = (InputError,)
#: what checking a parsed attestation may raise (``verify_reserves``: fails closed)
FAILED = (FormatError, VerificationError)

RESERVES_CUSTODIAN = "Fuzz Exchange Ltd"
RESERVES_EPOCH = "2026-11"
RESERVES_ROOT = bytes(range(100, 132))  # a fixed liabilities root the seeds sign
RESERVES_ASSETS = ("BTC", "ETH", "USDT", "EUR")
USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"  # Tether's contract (EIP-55)
#: address kinds of the seed keys; "p2pkh-u" is P2PKH of the uncompressed key (header 27)
BITCOIN_KINDS = ("p2pkh", "p2pkh-u", "p2sh", "p2wpkh")
ETHEREUM_KINDS = ("eth", "eth2")


def text_of(data: bytes) -> str:
    """Fuzzer bytes as the text a decoder is given: UTF-8, each byte that does not
    decode a lone surrogate (U+DC80–U+DCFF), so that non-ASCII text and code
    points no file can hold reach the decoders too."""
    return data.decode("utf-8", "surrogateescape")


def _valid_asset(name: str) -> bool:
    try:
        check_asset_name(name)
    except InputError:
        return False
    return True


def check_bitcoin_address(text: str) -> bool:
    """``bitcoin.parse_address``: a mainnet P2PKH, P2SH or P2WPKH address, which
    re-encodes from its type and hash to ``text`` (bech32: lowercase, or all
    uppercase), and whose canonical text decodes to the same address."""
    try:
        addr = bitcoin.parse_address(text)
    except REFUSED:
        return False
    _require(len(addr.hash) == 20, f"address hash of {len(addr.hash)} bytes: {text!r}")
    if addr.type is bitcoin.AddressType.P2WPKH:
        again = bitcoin.segwit_encode(bitcoin.MAINNET_HRP, 0, addr.hash)
        _require(text in (again, again.upper()), f"P2WPKH address does not re-encode: {text!r}")
    else:
        version = bitcoin.P2PKH_VERSION
        if addr.type is bitcoin.AddressType.P2SH_P2WPKH:
            version = bitcoin.P2SH_VERSION
        again = bitcoin.b58check_encode(bytes([version]) + addr.hash)
        _require(text == again, f"Base58Check address does not re-encode: {text!r}")
    _require(addr.text == again, f"canonical text {addr.text!r} is not the encoding {again!r}")
    _require(bitcoin.parse_address(again) == addr, "the canonical text decodes differently")
    _require(attestation.canonical_address("bitcoin", text) == again, "canonical_address differs")
    return True


def check_bitcoin_signature(
    text: str, address: str | None = None, message: str = "", honest: tuple[str, ...] = ()
) -> bool:
    """``bitcoin.decode_signature``: canonical base64 of 65 bytes. With ``address``,
    whatever decodes must verify for ``message`` or fail with FormatError or
    VerificationError, and only an untouched honest signature may verify (low S
    and one header per address type: one encoding per signature)."""
    try:
        raw = bitcoin.decode_signature(text)
    except REFUSED:
        return False
    _require(len(raw) == bitcoin.SIGNATURE_SIZE, f"decoded {len(raw)} bytes as a signature")
    _require(base64.b64encode(raw).decode("ascii") == text, "signature does not re-encode")
    if address is None:
        return True
    try:
        bitcoin.verify_message(address, message, text)
    except FAILED:
        return True
    _require(text in honest, f"a modified Bitcoin signature verified: {text!r}")
    return True


def check_ethereum_address(text: str) -> bool:
    """``ethereum.parse_address``: 20 bytes written all-lowercase or exactly in
    EIP-55; re-encodes to one of the two, and canonically to EIP-55."""
    try:
        raw = ethereum.parse_address(text)
    except REFUSED:
        return False
    _require(len(raw) == ethereum.ADDRESS_SIZE, f"decoded {len(raw)} bytes as an address")
    eip55 = ethereum.checksum_address(raw)
    _require(text in ("0x" + raw.hex(), eip55), f"address does not re-encode: {text!r}")
    _require(ethereum.parse_address(eip55) == raw, "the EIP-55 text decodes differently")
    _require(attestation.canonical_address("ethereum", text) == eip55, "canonical_address differs")
    return True


def check_ethereum_signature(
    text: str, address: str | None = None, message: str = "", honest: tuple[str, ...] = ()
) -> bool:
    """``ethereum.decode_signature``: ``0x`` and 130 lowercase hex digits. With
    ``address``, as :func:`check_bitcoin_signature` (``personal_sign``, v 27 or 28)."""
    try:
        raw = ethereum.decode_signature(text)
    except REFUSED:
        return False
    _require(len(raw) == ethereum.SIGNATURE_SIZE, f"decoded {len(raw)} bytes as a signature")
    _require("0x" + raw.hex() == text, "signature does not re-encode")
    if address is None:
        return True
    try:
        ethereum.verify_message(address, message, text)
    except FAILED:
        return True
    _require(text in honest, f"a modified Ethereum signature verified: {text!r}")
    return True


# -- the reserves file ------------------------------------------------------------------


def reserves_json(res: Reserves) -> bytes:
    """The reserves file of a parsed value: assets in order, the message
    template with the custodian, amounts as decimal strings."""
    assets: dict[str, Any] = {}
    for name, total in res.totals.items():
        spec: dict[str, Any] = {"total": str(total)}
        if name in res.entries:
            spec["entries"] = [_entry_json(e) for e in res.entries[name]]
        assets[name] = spec
    doc: dict[str, Any] = {"epoch": res.epoch}
    if res.custodian is not None:
        doc |= {"custodian": res.custodian, "message": attestation.MESSAGE_TEMPLATE}
    doc["assets"] = assets
    return json.dumps(doc, indent=1).encode("ascii") + b"\n"


def _entry_json(e: attestation.Entry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "chain": e.chain,
        "address": e.address,
        "amount": str(e.amount),
        "height": e.height,
        "signature": e.signature,
    }
    if e.token is not None:
        out["token"] = e.token
    return out


def _reserves_value(res: Reserves) -> tuple[Any, ...]:
    return (res.epoch, list(res.totals.items()), res.custodian, list(res.entries.items()))


def _require_reserves_invariants(
    res: Reserves, assets: tuple[str, ...] | None, epoch: str | None
) -> None:
    """What a parsed reserves file promises (inputs.py, reserves/attestation.py)."""
    _require(EPOCH_RE.fullmatch(res.epoch) is not None, f"epoch {res.epoch!r} accepted")
    _require(epoch is None or res.epoch == epoch, "epoch differs from the one asked for")
    _require(assets is None or tuple(res.totals) == assets, "assets differ from those asked for")
    for name, total in res.totals.items():
        _require(_valid_asset(name), f"asset name {name!r} accepted")
        _require(0 <= total < 1 << MAX_RESERVE_BITS, f"total {total} accepted")
    _require(set(res.entries) <= set(res.totals), "entries for an asset without a total")
    if res.entries or res.custodian is not None:
        try:
            attestation.check_custodian(res.custodian)
        except InputError:
            raise PropertyViolation(f"custodian {res.custodian!r} accepted") from None
    holdings = set()
    for name, listed in res.entries.items():
        for i, e in enumerate(listed, 1):
            _require((e.asset, e.index) == (name, i), f"entry {name} {i} mislabelled")
            _require(e.chain in attestation.CHAINS, f"chain {e.chain!r} accepted")
            _require(
                attestation.canonical_address(e.chain, e.address) == e.address,
                f"address {e.address!r} is not canonical",
            )
            _require(0 <= e.amount < 1 << MAX_RESERVE_BITS, f"amount {e.amount} accepted")
            _require(0 <= e.height <= attestation.MAX_HEIGHT, f"height {e.height} accepted")
            module = bitcoin if e.chain == attestation.BITCOIN else ethereum
            module.decode_signature(e.signature)  # FormatError here escapes: a crash
            if e.token is not None:
                _require(e.chain == attestation.ETHEREUM, "a token on a Bitcoin entry")
                _require(ethereum.checksum_address(ethereum.parse_address(e.token)) == e.token, "")
            _require(e.holding not in holdings, f"holding {e.holding} listed twice")
            holdings.add(e.holding)
        _require(sum(e.amount for e in listed) == res.totals[name], f"{name}: total is not the sum")


def check_reserves(
    path: Path,
    data: bytes,
    *,
    assets: tuple[str, ...] | None = None,
    epoch: str | None = None,
    verify: bool = False,
    snapshot: Snapshot | None = None,
) -> bool:
    """``inputs.load_reserves`` of ``data`` written to ``path`` (for ``assets``
    and ``epoch`` when given, as ``prove`` loads it; else the file's own, as
    ``reserves verify`` does): InputError, or a value that keeps every promise
    of the format and that :func:`reserves_json` re-encodes to a file which
    loads to the same value (a fixed point).

    With ``verify``, whatever loads is then checked against :data:`RESERVES_ROOT`
    (and ``snapshot``): ``verify_reserves`` must pass or fail with the library's
    errors, and may pass only if every entry carries an untouched seed signature
    for its address, custodian and epoch and (with a snapshot) holds no more
    than the snapshot's balance."""
    path.write_bytes(data)
    try:
        res = load_reserves(path, assets, epoch)
    except REFUSED_INPUT:
        return False
    _require_reserves_invariants(res, assets, epoch)
    again = reserves_json(res)
    path.write_bytes(again)
    try:
        back = load_reserves(path, assets, epoch)
    except REFUSED_INPUT as exc:
        raise PropertyViolation(f"the re-encoded reserves file is refused: {exc}") from None
    _require(_reserves_value(back) == _reserves_value(res), "reserves do not round-trip")
    _require(reserves_json(back) == again, "the re-encoding is not a fixed point")
    if not verify:
        return True
    try:
        report = verify_reserves(res, RESERVES_ROOT, snapshot=snapshot)
    except FAILED:
        return True
    honest = reserves_seeds().honest
    for listed in res.entries.values():
        for e in listed:
            signed = (res.custodian, res.epoch, e.address, e.signature)
            _require(signed in honest, f"{e.where()}: a signature verified that was not made")
            if snapshot is not None:
                have = snapshot.balance(e.chain, e.address, e.asset, e.height)
                _require(have is not None and e.amount <= have, f"{e.where()}: over the balance")
    _require([a.asset for a in report.assets] == list(res.totals), "report lists other assets")
    return True


# -- the snapshot CSV -------------------------------------------------------------------


def snapshot_csv(snap: Snapshot) -> bytes:
    """The CSV of a parsed snapshot: header, then its rows in file order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for (chain, address, asset, height), (amount, _) in sorted(
        snap.rows.items(), key=lambda row: row[1][1]
    ):
        writer.writerow([chain, address, asset, str(amount), str(height)])
    return out.getvalue().encode("utf-8")


def _snapshot_value(snap: Snapshot) -> dict[tuple[str, str, str, int], int]:
    return {key: amount for key, (amount, _) in snap.rows.items()}


def check_snapshot(path: Path, data: bytes, against: Reserves | None = None) -> bool:
    """``snapshot.load_snapshot`` of ``data`` written to ``path``: InputError, or
    rows keyed by a known chain, a canonical address, an asset name and a height
    below 2^63, with balances below 2^256, which :func:`snapshot_csv` re-encodes
    to a file that loads to the same rows (a fixed point).

    With ``against`` (an honest attestation over :data:`RESERVES_ROOT`),
    ``verify_reserves`` with this snapshot must pass exactly when every entry
    has a row at its height holding at least its amount."""
    path.write_bytes(data)
    try:
        snap = load_snapshot(path)
    except REFUSED_INPUT:
        return False
    lines = set()
    for (chain, address, asset, height), (amount, line) in snap.rows.items():
        _require(chain in attestation.CHAINS, f"chain {chain!r} accepted")
        canonical = attestation.canonical_address(chain, address)
        _require(canonical == address, f"address {address!r} kept, not {canonical!r}")
        _require(_valid_asset(asset), f"asset name {asset!r} accepted")
        _require(0 <= height <= attestation.MAX_HEIGHT, f"height {height} accepted")
        _require(0 <= amount < 1 << MAX_BALANCE_BITS, f"balance {amount} accepted")
        _require(line >= 2 and line not in lines, f"line {line} given twice or as the header")
        lines.add(line)
    again = snapshot_csv(snap)
    path.write_bytes(again)
    try:
        back = load_snapshot(path)
    except REFUSED_INPUT as exc:
        raise PropertyViolation(f"the re-encoded snapshot is refused: {exc}") from None
    _require(_snapshot_value(back) == _snapshot_value(snap), "snapshot does not round-trip")
    _require(snapshot_csv(back) == again, "the re-encoding is not a fixed point")
    if against is None:
        return True
    covered = all(
        (have := snap.balance(e.chain, e.address, e.asset, e.height)) is not None
        and e.amount <= have
        for listed in against.entries.values()
        for e in listed
    )
    try:
        verify_reserves(against, RESERVES_ROOT, snapshot=snap)
    except VerificationError:
        _require(not covered, "an attestation covered by the snapshot failed")
        return True
    _require(covered, "an attestation passed with a balance missing or too small")
    return True


# -- seeds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReservesSeeds:
    """Fixed test keys (no value anywhere), their addresses, signatures of each
    address's message for :data:`RESERVES_CUSTODIAN`, :data:`RESERVES_EPOCH`
    and :data:`RESERVES_ROOT`, an attestation using them, and snapshots."""

    addresses: dict[str, str]  # kind -> canonical address
    signatures: dict[str, str]  # kind -> signature of its message
    messages: dict[str, str]  # kind -> the message its key signs
    entries: tuple[tuple[str, dict[str, Any]], ...]  # (asset, entry) of the attestation
    document: dict[str, Any]  # the attestation, as JSON
    files: tuple[bytes, ...]  # reserves files: the attestation written several ways, and others
    snapshots: tuple[bytes, ...]  # snapshot CSVs
    honest: frozenset[tuple[str | None, str, str, str]]  # (custodian, epoch, address, signature)


def _seed_key(kind: str) -> bytes:
    return hashlib.sha256(b"zksolvency fuzz seed key " + kind.encode()).digest()


def _seed_address(kind: str) -> str:
    pub = PrivateKey(_seed_key(kind)).public_key
    if kind in ETHEREUM_KINDS:
        return ethereum.checksum_address(ethereum.address_of(pub))
    return {
        "p2pkh": lambda: bitcoin.p2pkh_address(pub),
        "p2pkh-u": lambda: bitcoin.p2pkh_address(pub, compressed=False),
        "p2sh": lambda: bitcoin.p2sh_p2wpkh_address(pub),
        "p2wpkh": lambda: bitcoin.p2wpkh_address(pub),
    }[kind]()


@cache
def reserves_seeds() -> ReservesSeeds:
    kinds = BITCOIN_KINDS + ETHEREUM_KINDS
    addresses = {k: _seed_address(k) for k in kinds}
    messages = {
        k: attestation.message(RESERVES_CUSTODIAN, RESERVES_EPOCH, RESERVES_ROOT, a)
        for k, a in addresses.items()
    }
    signatures = {
        k: (ethereum if k in ETHEREUM_KINDS else bitcoin).sign_message(
            _seed_key(k), addresses[k], messages[k]
        )
        for k in kinds
    }

    def entry(kind: str, amount: int, height: int, token: str | None = None) -> dict[str, Any]:
        chain = attestation.ETHEREUM if kind in ETHEREUM_KINDS else attestation.BITCOIN
        out = {
            "chain": chain,
            "address": addresses[kind],
            "amount": str(amount),
            "height": height,
            "signature": signatures[kind],
        }
        return out | ({"token": token} if token else {})

    listed = {
        "BTC": [entry(k, 10 ** (i + 2) + i, 870_000) for i, k in enumerate(BITCOIN_KINDS)],
        "ETH": [entry("eth", 5 * 10**18, 21_000_000)],
        "USDT": [
            entry("eth", 7_000_000, 21_000_000, USDT),
            entry("eth2", 1_000_000, 21_000_001, USDT),
        ],
    }
    assets: dict[str, Any] = {
        a: {"total": str(sum(int(e["amount"]) for e in es)), "entries": es}
        for a, es in listed.items()
    }
    assets["EUR"] = {"total": "2500000"}  # unattested
    document = {
        "epoch": RESERVES_EPOCH,
        "custodian": RESERVES_CUSTODIAN,
        "message": attestation.MESSAGE_TEMPLATE,
        "assets": assets,
    }
    unattested = {"epoch": RESERVES_EPOCH, "assets": {a: {"total": "0"} for a in RESERVES_ASSETS}}
    files = (
        json.dumps(document, indent=1).encode() + b"\n",
        canonical_json(document),
        b"\xef\xbb\xbf" + json.dumps(document).encode(),
        json.dumps(unattested).encode(),
    )
    rows = [
        (e["chain"], e["address"], a, e["amount"], str(e["height"]))
        for a, es in listed.items()
        for e in es
    ]
    csv_lines = ["chain,address,asset,amount,height", *(",".join(r) for r in rows)]
    other = {"bc1": str.upper, "0x": str.lower}  # another accepted spelling
    spelled = [  # the same rows, quoted, balances one above the amounts
        (c, other.get(ad[:3], other.get(ad[:2], str))(ad), a, str(int(m) + 1), h)
        for c, ad, a, m, h in rows
    ]
    snapshots = (
        ("\n".join(csv_lines) + "\n").encode(),
        ("\ufeff" + "\r\n".join(csv_lines) + "\r\n\r\n").encode(),
        "\n".join([csv_lines[0], *(",".join(f'"{f}"' for f in r) for r in spelled)]).encode(),
        ("\n".join(csv_lines[:3]) + "\n").encode(),  # covers only two entries
    )
    honest = frozenset(
        (RESERVES_CUSTODIAN, RESERVES_EPOCH, addresses[k], signatures[k]) for k in kinds
    )
    entries = tuple((a, e) for a, es in listed.items() for e in es)
    return ReservesSeeds(
        addresses, signatures, messages, entries, document, files, snapshots, honest
    )


@cache
def seed_attestation() -> Reserves:
    """The seed attestation, loaded (its signatures over :data:`RESERVES_ROOT` verify)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="zksolvency-fuzz-") as tmp:
        path = Path(tmp) / "reserves.json"
        path.write_bytes(reserves_seeds().files[0])
        res = load_reserves(path)
    verify_reserves(res, RESERVES_ROOT)
    return res


def seed_snapshot() -> Snapshot:
    """The first seed snapshot, loaded: it covers every entry of the attestation."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="zksolvency-fuzz-") as tmp:
        path = Path(tmp) / "snapshot.csv"
        path.write_bytes(reserves_seeds().snapshots[0])
        return load_snapshot(path)
