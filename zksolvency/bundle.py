"""The on-disk bundle: a directory written atomically, read through checked decoders.

Layout (docs/SPEC.md §12):

    manifest.json     canonical JSON: parameters, statement, root, reserves, file digests
    leaves.bin        id hashes, then one column of commitments per asset
    rangeproofs.bin   the aggregated leaf range proofs, asset-major, fixed-size records
    solvency.bin      one range proof per asset for R[a]·B − C_root[a]

Every byte has exactly one valid value: the manifest must be the canonical
encoding of its own content, the binary headers must equal the headers the
parameters imply, and every file's SHA-256 and length are in the manifest.
Sizes come from the manifest's parameters and are checked against hard
limits and the actual file sizes before anything is allocated.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zksolvency import bulletproofs as bp
from zksolvency.circuits import EPOCH_RE, Statement, canonical_json
from zksolvency.circuits import from_dict as statement_from_dict
from zksolvency.errors import FormatError, InputError, ParameterError, ZkSolvencyError
from zksolvency.files import staged_dir
from zksolvency.groups import CURVES, get_group
from zksolvency.pedersen import DEFAULT_DOMAIN
from zksolvency.solvency import MAX_LEAVES, EpochProof, check_batch_size

FORMAT = "zksolvency-bundle/v1"
FORMAT_PREFIX = "zksolvency-bundle/v"
MANIFEST = "manifest.json"
LEAVES = "leaves.bin"
RANGEPROOFS = "rangeproofs.bin"
SOLVENCY = "solvency.bin"
FILES = (LEAVES, RANGEPROOFS, SOLVENCY)
#: Optional: the reserves attestation file prove was given (docs/SPEC.md §16),
#: copied byte for byte and listed in the manifest like the others.
RESERVES = "reserves.json"
MAX_RESERVES_BYTES = 16 << 20
MAX_MANIFEST_BYTES = 1 << 20
MAX_ASSETS = 64
LEAVES_MAGIC = b"ZKSLEAF\x01"
RANGE_MAGIC = b"ZKSRNGP\x01"
SOLV_MAGIC = b"ZKSSOLV\x01"
_MANIFEST_KEYS = {
    "format",
    "curve",
    "generators",
    "epoch",
    "statement",
    "statement_digest",
    "padded_leaves",
    "batch_size",
    "assets",
    "reserves",
    "root",
    "files",
}


def leaves_header(padded: int, assets: int, point_size: int) -> bytes:
    return (
        LEAVES_MAGIC
        + padded.to_bytes(8, "big")
        + assets.to_bytes(2, "big")
        + point_size.to_bytes(2, "big")
    )


def range_header(assets: int, batches: int, batch_size: int, leaf_bits: int, size: int) -> bytes:
    return (
        RANGE_MAGIC
        + assets.to_bytes(2, "big")
        + batches.to_bytes(8, "big")
        + batch_size.to_bytes(4, "big")
        + leaf_bits.to_bytes(2, "big")
        + size.to_bytes(4, "big")
    )


def solvency_header(assets: int, bits: int, size: int) -> bytes:
    return (
        SOLV_MAGIC + assets.to_bytes(2, "big") + bits.to_bytes(2, "big") + size.to_bytes(4, "big")
    )


# -- writing -------------------------------------------------------------------------


def _write_file(path: Path, chunks: list[bytes]) -> dict[str, Any]:
    h = hashlib.sha256()
    size = 0
    with open(path, "wb") as f:
        for chunk in chunks:
            f.write(chunk)
            h.update(chunk)
            size += len(chunk)
        f.flush()
        os.fsync(f.fileno())
    return {"bytes": size, "sha256": h.hexdigest()}


def manifest_for(proof: EpochProof, files: dict[str, Any]) -> dict[str, Any]:
    assets = list(proof.statement.asset_names)
    return {
        "format": FORMAT,
        "curve": proof.curve,
        "generators": proof.generators.decode(),
        "epoch": proof.epoch,
        "statement": proof.statement.to_dict(),
        "statement_digest": proof.statement.digest().hex(),
        "padded_leaves": proof.padded_leaves,
        "batch_size": proof.batch_size,
        "assets": assets,
        "reserves": {a: str(proof.reserves[a]) for a in assets},
        "root": {
            "hash": proof.root_hash.hex(),
            "commitments": {
                a: c.hex() for a, c in zip(assets, proof.root_commitments, strict=True)
            },
        },
        "files": files,
    }


def write(out: str | Path, proof: EpochProof, *, reserves: bytes | None = None) -> dict[str, Any]:
    """Write the bundle to ``out`` atomically (temporary directory, then rename).
    Refuses an existing ``out``; leaves nothing behind on failure. ``reserves``:
    the attested reserves file's bytes, published as ``reserves.json``."""
    if reserves is not None and not 0 < len(reserves) <= MAX_RESERVES_BYTES:
        raise InputError(f"reserves file must be 1 byte to {MAX_RESERVES_BYTES} bytes")
    out = Path(out)
    if out.exists() or out.is_symlink():
        raise InputError(f"{out}: already exists (choose a new output directory)")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{parent}: output parent directory does not exist")
    with staged_dir(out) as tmp:
        group = get_group(proof.curve)
        k = len(proof.statement.asset_names)
        ps = group.point_size
        leaves = [leaves_header(proof.padded_leaves, k, ps), proof.id_hashes.tobytes()]
        leaves += [
            np.ascontiguousarray(proof.commitments[:, a * ps : (a + 1) * ps]).tobytes()
            for a in range(k)
        ]
        rsize = bp.proof_size(group, proof.statement.leaf_bits, proof.batch_size)
        batches = proof.padded_leaves // proof.batch_size
        ranges = [range_header(k, batches, proof.batch_size, proof.statement.leaf_bits, rsize)]
        ranges += [p for per_asset in proof.range_proofs for p in per_asset]
        ssize = bp.proof_size(group, proof.statement.solvency_bits, 1)
        solv = [solvency_header(k, proof.statement.solvency_bits, ssize), *proof.solvency_proofs]
        files = {
            LEAVES: _write_file(tmp / LEAVES, leaves),
            RANGEPROOFS: _write_file(tmp / RANGEPROOFS, ranges),
            SOLVENCY: _write_file(tmp / SOLVENCY, solv),
        }
        if reserves is not None:
            files[RESERVES] = _write_file(tmp / RESERVES, [reserves])
        manifest = manifest_for(proof, files)
        _write_file(tmp / MANIFEST, [canonical_json(manifest) + b"\n"])
    return manifest


# -- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    """A bundle whose manifest and file integrity have been checked. Points and
    proofs inside the binary files are decoded later, through checked decoders."""

    path: Path
    manifest: dict[str, Any]
    curve: str
    epoch: str
    statement: Statement
    statement_digest: bytes
    padded_leaves: int
    batch_size: int
    assets: tuple[str, ...]
    reserves: dict[str, int]
    root_hash: bytes
    root_commitments: dict[str, bytes]
    #: Whether the manifest lists a reserves.json (checked like the other files).
    has_reserves: bool = False

    def file(self, name: str) -> Path:
        return self.path / name

    @property
    def point_size(self) -> int:
        return get_group(self.curve).point_size

    def range_proof_size(self) -> int:
        return bp.proof_size(get_group(self.curve), self.statement.leaf_bits, self.batch_size)

    def solvency_proof_size(self) -> int:
        return bp.proof_size(get_group(self.curve), self.statement.solvency_bits, 1)

    def expected_sizes(self) -> dict[str, int]:
        k, ps, p = len(self.assets), self.point_size, self.padded_leaves
        batches = p // self.batch_size
        return {
            LEAVES: len(leaves_header(p, k, ps)) + p * 32 + p * k * ps,
            RANGEPROOFS: len(range_header(k, batches, 1, 1, 1))
            + k * batches * self.range_proof_size(),
            SOLVENCY: len(solvency_header(k, 1, 1)) + k * self.solvency_proof_size(),
        }


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FormatError(f"{MANIFEST}: duplicate key {key!r}")
        out[key] = value
    return out


def _hex(value: Any, size: int, where: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size or value != value.lower():
        raise FormatError(f"{MANIFEST}: {where} must be {2 * size} lowercase hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise FormatError(f"{MANIFEST}: {where} is not hex") from None


def _uint(value: Any, where: str, limit: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= limit:
        raise FormatError(f"{MANIFEST}: {where} must be an integer in [1, {limit}]")
    return value


def read(path: str | Path, *, check_files: bool = True) -> Bundle:
    """Open and check a bundle: canonical manifest with known format and valid
    parameters, and (``check_files``) every file present with the length and
    SHA-256 the manifest records. Raises FormatError naming the file."""
    path = Path(path)
    mpath = path / MANIFEST
    if not path.is_dir():
        raise InputError(f"{path}: not a bundle directory")
    try:
        size = mpath.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise FormatError(
                f"{MANIFEST}: {size} bytes exceeds the {MAX_MANIFEST_BYTES}-byte limit"
            )
        raw = mpath.read_bytes()
    except OSError as exc:
        raise FormatError(f"{MANIFEST}: cannot read ({exc.strerror})") from None
    try:
        m = json.loads(raw.decode("utf-8"), object_pairs_hook=_reject_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError also covers integer literals past Python's 4300-digit limit
        raise FormatError(f"{MANIFEST}: not valid JSON ({exc})") from None
    if not isinstance(m, dict):
        raise FormatError(f"{MANIFEST}: not a JSON object")
    fmt = m.get("format")
    if isinstance(fmt, str) and fmt.startswith(FORMAT_PREFIX) and fmt != FORMAT:
        raise FormatError(
            f"{MANIFEST}: bundle format {fmt!r} is not supported by this version ({FORMAT})"
        )
    if fmt != FORMAT:
        raise FormatError(f"{MANIFEST}: not a zksolvency bundle (format {fmt!r})")
    if set(m) != _MANIFEST_KEYS:
        missing = sorted(_MANIFEST_KEYS - set(m))
        extra = sorted(set(m) - _MANIFEST_KEYS)
        raise FormatError(f"{MANIFEST}: missing keys {missing}, unknown keys {extra}")
    if raw != canonical_json(m) + b"\n":
        raise FormatError(
            f"{MANIFEST}: not in canonical form (sorted keys, no spaces, one final newline)"
        )
    curve = m["curve"]
    if curve not in CURVES:
        raise FormatError(f"{MANIFEST}: unknown curve {curve!r}")
    if m["generators"] != DEFAULT_DOMAIN.decode():
        raise FormatError(f"{MANIFEST}: unknown generator domain {m['generators']!r}")
    epoch = m["epoch"]
    if not isinstance(epoch, str) or not EPOCH_RE.fullmatch(epoch):
        raise FormatError(
            f"{MANIFEST}: epoch must be 1–64 characters among letters, digits, '.', '_', ':', '-'"
        )
    try:
        epoch.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"{MANIFEST}: epoch is not valid Unicode") from None
    try:
        statement = statement_from_dict(m["statement"], f"{MANIFEST}: statement")
    except ZkSolvencyError as exc:
        raise FormatError(str(exc)) from None
    if m["statement"] != statement.to_dict():
        raise FormatError(f"{MANIFEST}: statement is not in its canonical form")
    digest = _hex(m["statement_digest"], 32, "statement_digest")
    if statement.is_generic:
        raise FormatError(f"{MANIFEST}: statement has no assets")
    if statement.digest() != digest:
        raise FormatError(f"{MANIFEST}: statement_digest does not match the statement")
    assets = m["assets"]
    if (
        not isinstance(assets, list)
        or tuple(assets) != statement.asset_names
        or len(assets) > MAX_ASSETS
    ):
        raise FormatError(f"{MANIFEST}: assets must equal the statement's assets")
    padded = _uint(m["padded_leaves"], "padded_leaves", MAX_LEAVES)
    if padded & (padded - 1):
        raise FormatError(f"{MANIFEST}: padded_leaves must be a power of two")
    batch = _uint(m["batch_size"], "batch_size", 1024)
    try:
        check_batch_size(batch, padded)
        statement.check_capacity(padded, get_group(curve).order)
    except ParameterError as exc:
        raise FormatError(f"{MANIFEST}: {exc}") from None
    reserves = m["reserves"]
    if not isinstance(reserves, dict) or set(reserves) != set(assets):
        raise FormatError(f"{MANIFEST}: reserves must list exactly the assets")
    totals: dict[str, int] = {}
    for a in assets:
        v = reserves.get(a)
        if (
            not isinstance(v, str)
            or not 0 < len(v) <= 40  # reserves are < 2^128: refused before int()
            or not v.isdigit()
            or (len(v) > 1 and v[0] == "0")
            or not v.isascii()
        ):
            raise FormatError(f"{MANIFEST}: reserves[{a}] must be a canonical decimal string")
        totals[a] = int(v)
        if totals[a] >= 1 << statement.solvency_bits:
            raise FormatError(f"{MANIFEST}: reserves[{a}] exceeds 2^{statement.solvency_bits}")
    root = m["root"]
    if not isinstance(root, dict) or set(root) != {"hash", "commitments"}:
        raise FormatError(f"{MANIFEST}: root must have exactly 'hash' and 'commitments'")
    root_hash = _hex(root["hash"], 32, "root.hash")
    rc = root["commitments"]
    ps = get_group(curve).point_size
    if not isinstance(rc, dict) or set(rc) != set(assets):
        raise FormatError(f"{MANIFEST}: root.commitments must list exactly the assets")
    root_comms = {a: _hex(rc[a], ps, f"root.commitments[{a}]") for a in assets}
    b = Bundle(
        path,
        m,
        curve,
        epoch,
        statement,
        digest,
        padded,
        batch,
        tuple(assets),
        totals,
        root_hash,
        root_comms,
    )
    files = m["files"]
    if not isinstance(files, dict) or set(files) - {RESERVES} != set(FILES):
        raise FormatError(
            f"{MANIFEST}: files must list exactly {', '.join(FILES)} (and optionally {RESERVES})"
        )
    expected = b.expected_sizes()
    names = [*FILES, RESERVES] if RESERVES in files else list(FILES)
    for name in names:
        entry = files[name]
        if not isinstance(entry, dict) or set(entry) != {"bytes", "sha256"}:
            raise FormatError(f"{MANIFEST}: files[{name}] must have exactly 'bytes' and 'sha256'")
        size = entry["bytes"]
        if name == RESERVES:
            if not isinstance(size, int) or isinstance(size, bool):
                raise FormatError(f"{MANIFEST}: files[{name}].bytes must be an integer")
            if not 0 < size <= MAX_RESERVES_BYTES:
                raise FormatError(f"{MANIFEST}: files[{name}].bytes is out of range")
            expected[name] = size
        elif not isinstance(size, int) or isinstance(size, bool) or size != expected[name]:
            raise FormatError(
                f"{MANIFEST}: files[{name}].bytes is not the size the parameters imply"
            )
        _hex(entry["sha256"], 32, f"files[{name}].sha256")
        if check_files:
            _check_file(path / name, expected[name], entry["sha256"])
    if RESERVES not in files and (path / RESERVES).exists():
        raise FormatError(f"{RESERVES}: present in the bundle but not listed in its manifest")
    return dataclasses.replace(b, has_reserves=RESERVES in files)


def _check_file(path: Path, size: int, sha256: str) -> None:
    try:
        actual = path.stat().st_size
    except OSError as exc:
        raise FormatError(f"{path.name}: missing or unreadable ({exc.strerror})") from None
    if actual != size:
        raise FormatError(f"{path.name}: {actual} bytes, expected {size} (truncated or extended)")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    if h.hexdigest() != sha256:
        raise FormatError(f"{path.name}: SHA-256 does not match the manifest (file was modified)")


def read_leaves(b: Bundle) -> tuple[np.ndarray, list[np.ndarray]]:
    """(id hashes (P, 32), [commitment encodings (P, point_size) per asset]), header checked."""
    p, k, ps = b.padded_leaves, len(b.assets), b.point_size
    header = leaves_header(p, k, ps)
    data = np.memmap(b.file(LEAVES), dtype=np.uint8, mode="r")
    if data.size != len(header) + p * 32 + p * k * ps:
        raise FormatError(f"{LEAVES}: wrong size")
    if data[: len(header)].tobytes() != header:
        raise FormatError(f"{LEAVES}: header does not match the manifest")
    off = len(header)
    ids = data[off : off + p * 32].reshape(p, 32)
    off += p * 32
    cols = [data[off + a * p * ps : off + (a + 1) * p * ps].reshape(p, ps) for a in range(k)]
    return ids, cols


def range_proofs_view(b: Bundle) -> tuple[np.ndarray, int]:
    """The range proofs as one memory-mapped byte array (asset-major) and the record size."""
    k = len(b.assets)
    batches = b.padded_leaves // b.batch_size
    size = b.range_proof_size()
    header = range_header(k, batches, b.batch_size, b.statement.leaf_bits, size)
    data = np.memmap(b.file(RANGEPROOFS), dtype=np.uint8, mode="r")
    if data.size != len(header) + k * batches * size or data[: len(header)].tobytes() != header:
        raise FormatError(f"{RANGEPROOFS}: header or size does not match the manifest")
    return data[len(header) :], size


def solvency_proofs(b: Bundle) -> list[bytes]:
    k = len(b.assets)
    size = b.solvency_proof_size()
    header = solvency_header(k, b.statement.solvency_bits, size)
    data = b.file(SOLVENCY).read_bytes()
    if len(data) != len(header) + k * size or data[: len(header)] != header:
        raise FormatError(f"{SOLVENCY}: header or size does not match the manifest")
    body = data[len(header) :]
    return [body[a * size : (a + 1) * size] for a in range(k)]
