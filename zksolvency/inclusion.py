"""Per-user inclusion proofs: make them (custodian) and check them (user).

An inclusion proof (docs/SPEC.md §13) hands the user their own leaf opening —
their user seed, from which the salt and every blinding derive (kdf) — and the
path of sibling (hash, commitments) from their leaf to the root. Checking it
recomputes the leaf from the user's own ID and balances, so two users can never
be shown the same leaf, and walks the path to the published root.

JSON, canonical (sorted keys, no spaces), with binary fields in base64:

    {"assets": [...], "balances": ["<base units>", ...], "curve": "...",
     "epoch": "...", "format": "zksolvency-inclusion/v1", "index": <leaf>,
     "path": "<base64: per level, sibling hash ‖ sibling commitments>",
     "root": "<base64 root hash>", "seed": "<base64 user seed>", "user_id": "..."}
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zksolvency import bundle as bundle_mod
from zksolvency import tree as merkle
from zksolvency.circuits import EPOCH_RE, canonical_json
from zksolvency.errors import FormatError, InputError, VerificationError, ZkSolvencyError
from zksolvency.groups import CURVES, get_group
from zksolvency.kdf import EpochSecrets, liabilities_digest, seed_blinding, seed_salt
from zksolvency.pedersen import generators

FORMAT = "zksolvency-inclusion/v1"
MAX_PROOF_BYTES = 1 << 16
MAX_LEVELS = 30
MAX_DIGITS = 40  # balances are < 2^64: longer numbers are refused before int()
_KEYS = {
    "assets",
    "balances",
    "curve",
    "epoch",
    "format",
    "index",
    "path",
    "root",
    "seed",
    "user_id",
}


@dataclass(frozen=True)
class InclusionProof:
    curve: str
    epoch: str
    user_id: str
    assets: tuple[str, ...]
    balances: tuple[int, ...]
    seed: bytes
    index: int
    path: bytes
    root: bytes

    def to_json(self) -> bytes:
        return (
            canonical_json(
                {
                    "format": FORMAT,
                    "curve": self.curve,
                    "epoch": self.epoch,
                    "user_id": self.user_id,
                    "assets": list(self.assets),
                    "balances": [str(v) for v in self.balances],
                    "seed": base64.b64encode(self.seed).decode(),
                    "index": self.index,
                    "path": base64.b64encode(self.path).decode(),
                    "root": base64.b64encode(self.root).decode(),
                }
            )
            + b"\n"
        )


def _text(value: Any, where: str) -> str:
    """A non-empty string that encodes to UTF-8 (no lone surrogates)."""
    if not isinstance(value, str) or not value:
        raise FormatError(f"inclusion proof: {where} must be a non-empty string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"inclusion proof: {where} is not valid Unicode") from None
    return value


def _b64(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise FormatError(f"inclusion proof: {where} must be a base64 string")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(f"inclusion proof: {where} is not valid base64") from None
    if base64.b64encode(raw).decode() != value:
        raise FormatError(f"inclusion proof: {where} is not canonical base64")
    return raw


def parse(data: bytes) -> InclusionProof:
    """Checked decoding of an untrusted inclusion proof (canonical JSON only)."""
    if len(data) > MAX_PROOF_BYTES:
        raise FormatError(f"inclusion proof: {len(data)} bytes exceeds {MAX_PROOF_BYTES}")
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError also covers integer literals past Python's 4300-digit limit
        raise FormatError(f"inclusion proof: not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise FormatError("inclusion proof: not a JSON object")
    fmt = obj.get("format")
    if fmt != FORMAT:
        raise FormatError(f"inclusion proof: unsupported format {fmt!r} (expected {FORMAT})")
    if set(obj) != _KEYS:
        raise FormatError(f"inclusion proof: expected exactly the keys {sorted(_KEYS)}")
    if data != canonical_json(obj) + b"\n":
        raise FormatError("inclusion proof: not in canonical form")
    curve = obj["curve"]
    if curve not in CURVES:
        raise FormatError(f"inclusion proof: unknown curve {curve!r}")
    for key in ("epoch", "user_id"):
        _text(obj[key], key)
    if not EPOCH_RE.fullmatch(obj["epoch"]):
        raise FormatError("inclusion proof: epoch is not a valid epoch label")
    assets = obj["assets"]
    balances = obj["balances"]
    if (
        not isinstance(assets, list)
        or not assets
        or not all(isinstance(a, str) and a for a in assets)
        or len(set(assets)) != len(assets)
    ):
        raise FormatError("inclusion proof: assets must be a list of distinct names")
    if not isinstance(balances, list) or len(balances) != len(assets):
        raise FormatError("inclusion proof: one balance per asset is required")
    for a in assets:
        _text(a, "asset name")
    values = []
    for a, v in zip(assets, balances, strict=True):
        if (
            not isinstance(v, str)
            or not 0 < len(v) <= MAX_DIGITS
            or not v.isascii()
            or not v.isdigit()
            or (len(v) > 1 and v[0] == "0")
        ):
            raise FormatError(f"inclusion proof: balance of {a} must be a canonical decimal string")
        values.append(int(v))
    index = obj["index"]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise FormatError("inclusion proof: index must be a non-negative integer")
    seed = _b64(obj["seed"], "seed")
    root = _b64(obj["root"], "root")
    path = _b64(obj["path"], "path")
    if len(seed) != 32 or len(root) != 32:
        raise FormatError("inclusion proof: seed and root must be 32 bytes")
    step = 32 + len(assets) * get_group(curve).point_size
    if len(path) % step or len(path) // step > MAX_LEVELS or index >> (len(path) // step):
        raise FormatError("inclusion proof: path length does not fit the index and assets")
    return InclusionProof(
        curve, obj["epoch"], obj["user_id"], tuple(assets), tuple(values), seed, index, path, root
    )


@dataclass(frozen=True)
class InclusionResult:
    user_id: str
    epoch: str
    balances: dict[str, int]
    index: int
    levels: int
    root_hash: bytes
    root_commitments: list[bytes]


def verify(
    proof: InclusionProof,
    *,
    root: bytes | None = None,
    manifest_bundle: bundle_mod.Bundle | None = None,
    expect: dict[str, int] | None = None,
) -> InclusionResult:
    """Recompute the leaf from (user id, balances, seed), walk the path, and
    compare with the published root (``root``, or the bundle's manifest, else
    the root the proof claims — which proves nothing alone; the CLI requires
    one of the first two). Raises VerificationError with the reason."""
    group = get_group(proof.curve)
    gens = generators(group)
    q = group.order
    ps = group.point_size
    if manifest_bundle is not None:
        b = manifest_bundle
        if (b.curve, b.epoch, b.assets) != (proof.curve, proof.epoch, proof.assets):
            raise VerificationError(
                "inclusion proof: curve, epoch or assets differ from the bundle"
            )
        root = b.root_hash
    if expect is not None:
        for asset, want in expect.items():
            if asset not in proof.assets:
                raise VerificationError(f"inclusion proof: no balance for {asset}")
            got = proof.balances[proof.assets.index(asset)]
            if got != want:
                raise VerificationError(
                    f"inclusion proof: balance of {asset} is {got}, expected {want}"
                )
    salt = seed_salt(proof.seed)
    idh = merkle.id_hash(proof.user_id, salt)
    # one-off commitments: two scalar multiplications each, no tables to build
    points = [
        group.msm([v, seed_blinding(proof.seed, a, q)], [gens.B, gens.B_blinding])
        for a, v in zip(proof.assets, proof.balances, strict=True)
    ]
    leaf = merkle.leaf_hash(proof.epoch, idh, [group.encode(p) for p in points])
    step = 32 + len(proof.assets) * ps
    path: list[tuple[bytes, Sequence[Any]]] = []
    for level in range(len(proof.path) // step):
        chunk = proof.path[level * step : (level + 1) * step]
        try:
            sib = [
                group.decode(chunk[32 + a * ps : 32 + (a + 1) * ps])
                for a in range(len(proof.assets))
            ]
        except ZkSolvencyError as exc:
            raise FormatError(f"inclusion proof: path level {level}: {exc}") from None
        path.append((chunk[:32], sib))
    root_hash, root_points = merkle.walk(group, leaf, points, proof.index, path)
    if root_hash != proof.root:
        raise VerificationError("inclusion proof: the path does not lead to the root it claims")
    if root is not None and root_hash != root:
        raise VerificationError("inclusion proof: the path does not lead to the published root")
    root_comms = [group.encode(p) for p in root_points]
    if manifest_bundle is not None:
        for a, c in zip(proof.assets, root_comms, strict=True):
            if c != manifest_bundle.root_commitments[a]:
                raise VerificationError(
                    f"inclusion proof: root commitment of {a} differs from the bundle"
                )
    return InclusionResult(
        proof.user_id,
        proof.epoch,
        dict(zip(proof.assets, proof.balances, strict=True)),
        proof.index,
        len(path),
        root_hash,
        root_comms,
    )


def make(
    bundle_path: str | Path,
    user_ids: Sequence[str],
    balances: Any,
    master: bytes,
    wanted: Sequence[str],
) -> list[InclusionProof]:
    """Inclusion proofs for the users in ``wanted`` (IDs), from the bundle and
    the same liabilities and secret it was proven from. Checks that each
    user's leaf in the bundle is exactly what their balances and seed give."""
    b = bundle_mod.read(bundle_path)
    group = get_group(b.curve)
    gens = generators(group)
    q = group.order
    positions = {uid: i for i, uid in enumerate(user_ids)}
    for uid in wanted:
        if uid not in positions:
            raise InputError(f"user {uid!r} is not in the liabilities file")
    secrets_ = EpochSecrets(
        master, b.epoch, b.curve, liabilities_digest(user_ids, b.assets, np.asarray(balances))
    )
    slots = secrets_.leaf_order(list(user_ids), b.padded_leaves)
    ids, cols = bundle_mod.read_leaves(b)
    comms = np.concatenate(cols, axis=1)

    def decode(i: int, a: int, data: bytes) -> Any:
        return group.decode(data)  # checked: the bundle may not be ours

    t = merkle.build_encoded(group, b.epoch, np.ascontiguousarray(ids), comms, decode=decode)
    if t.root_hash != b.root_hash:
        raise VerificationError("bundle: leaves do not give the manifest's root")
    out = []
    for uid in wanted:
        u = positions[uid]
        slot = int(slots[u])
        seed = secrets_.user_seed(uid)
        vals = tuple(int(v) for v in balances[u])
        mine = [
            gens.commit(v, seed_blinding(seed, a, q)) for a, v in zip(b.assets, vals, strict=True)
        ]
        if ids[slot].tobytes() != merkle.id_hash(uid, seed_salt(seed)) or any(
            cols[a][slot].tobytes() != group.encode(p) for a, p in enumerate(mine)
        ):
            raise InputError(
                f"user {uid!r}: the bundle's leaf does not match these liabilities and this secret"
            )
        path = b"".join(h + c for h, c in t.path(slot))
        out.append(
            InclusionProof(b.curve, b.epoch, uid, b.assets, vals, seed, slot, path, b.root_hash)
        )
    return out
