"""The fuzzing properties, shared by tests/test_fuzz.py (hypothesis) and the
atheris harnesses beside this file.

One property for every decoder of untrusted bytes: the input either decodes to
a value that re-encodes to exactly the same bytes, or the decoder raises the
library's FormatError (InputError is a subclass). Each ``check_*`` returns
True when the input decoded, False when it was refused; anything else escapes.
A broken round trip raises :class:`PropertyViolation`; any other exception
propagates as it is. To the fuzzer, both are crashes.

The properties use ``raise`` rather than ``assert`` so that they still hold
under ``python -O``. Seed inputs (valid encodings, a tiny honest bundle and its
inclusion proofs) are built here too, deterministically.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from zksolvency import bulletproofs as bp
from zksolvency import bundle, inclusion
from zksolvency.circuits import canonical_json, load_statement
from zksolvency.errors import FormatError, VerificationError
from zksolvency.field import decode_scalar, encode_scalar
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
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
