"""One epoch's private proof of solvency: assemble it, and verify it.

What is proven (DESIGN.md): every leaf commits to a balance in
[0, 2^leaf_bits) in every asset (aggregated range proofs, ``batch_size``
leaves per proof); the Merkle-sum tree binds all leaves to one root hash and
one commitment C_root[a] per asset; and for every asset a,
R[a]·B − C_root[a] commits to a value in [0, 2^solvency_bits): reserves cover
liabilities in that asset. docs/SPEC.md §11 gives the transcripts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from zksolvency import bulletproofs as bp
from zksolvency import tree as merkle
from zksolvency.circuits import Statement
from zksolvency.errors import ParameterError, ProvingError, VerificationError, ZkSolvencyError
from zksolvency.executor import default_workers, run_ordered
from zksolvency.groups import get_group
from zksolvency.kdf import EpochSecrets, seed_blinding, seed_salt
from zksolvency.pedersen import DEFAULT_DOMAIN, Generators, generators
from zksolvency.transcript import Transcript

log = logging.getLogger(__name__)

LEAF_RANGE_LABEL = b"zksolvency/solvency/v1/leaf-range"
SOLVENCY_LABEL = b"zksolvency/solvency/v1/reserves"
DEFAULT_BATCH = 16
DEFAULT_MIN_LEAVES = 1024
MAX_LEAVES = 1 << 30
#: Range-proof batches handed to a worker at a time.
BATCHES_PER_TASK = 4

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as work completes."""


def padded_leaf_count(users: int, min_leaves: int = DEFAULT_MIN_LEAVES) -> int:
    """The next power of two ≥ max(users, min_leaves)."""
    if min_leaves < 1 or min_leaves > MAX_LEAVES:
        raise ParameterError(f"--leaves must be in [1, {MAX_LEAVES}]")
    target = max(users, min_leaves, 2)
    count = 1 << (target - 1).bit_length()
    if count > MAX_LEAVES:
        raise ParameterError(f"{users} users exceed the maximum of {MAX_LEAVES} leaves")
    return count


def check_batch_size(batch_size: int, padded: int) -> None:
    if batch_size < 1 or batch_size & (batch_size - 1) or batch_size > min(padded, 1024):
        raise ParameterError("batch size must be a power of two ≤ min(padded leaves, 1024)")


def leaf_transcript(
    statement_digest: bytes, epoch: str, asset: str, batch: int, padded: int
) -> Transcript:
    t = Transcript(LEAF_RANGE_LABEL)
    t.append_message(b"statement", statement_digest)
    t.append_message(b"epoch", epoch.encode())
    t.append_message(b"asset", asset.encode())
    t.append_u64(b"padded-leaves", padded)
    t.append_u64(b"batch", batch)
    return t


def solvency_transcript(
    statement_digest: bytes, epoch: str, asset: str, reserves: int, root_hash: bytes, padded: int
) -> Transcript:
    t = Transcript(SOLVENCY_LABEL)
    t.append_message(b"statement", statement_digest)
    t.append_message(b"epoch", epoch.encode())
    t.append_message(b"asset", asset.encode())
    t.append_message(b"reserves", str(reserves).encode())
    t.append_message(b"root", root_hash)
    t.append_u64(b"padded-leaves", padded)
    return t


def reserve_difference(gens: Generators, reserves: int, root: Any) -> Any:
    """D = R·B − C_root: commits to R − L with blinding −Σr."""
    group = gens.group
    return group.add(group.mul(reserves, gens.B), group.neg(root))


# -- proving ------------------------------------------------------------------------


@dataclass(frozen=True)
class EpochProof:
    """Everything a bundle holds (no secret, no balance, no user ID)."""

    curve: str
    generators: bytes
    epoch: str
    statement: Statement
    padded_leaves: int
    batch_size: int
    reserves: dict[str, int]
    id_hashes: np.ndarray  # (P, 32) uint8
    commitments: np.ndarray  # (P, k·point_size) uint8, assets side by side
    range_proofs: list[list[bytes]]  # [asset][batch]
    solvency_proofs: list[bytes]  # [asset]
    root_hash: bytes
    root_commitments: list[bytes]


@dataclass(frozen=True)
class _Batches:
    """Consecutive leaf range-proof batches of one asset: what a task covers."""

    curve: str
    leaf_bits: int
    statement_digest: bytes
    epoch: str
    asset: str
    padded: int
    first_batch: int
    batch_size: int

    def transcript(self, batch: int) -> Transcript:
        return leaf_transcript(self.statement_digest, self.epoch, self.asset, batch, self.padded)


@dataclass(frozen=True)
class _RangeTask:
    batches: _Batches
    values: bytes  # uint64 little-endian per leaf
    blindings: bytes  # 32-byte big-endian per leaf


def _prove_ranges(task: _RangeTask) -> tuple[list[bytes], list[bytes]]:
    """Worker: prove consecutive batches; returns (commitment encodings, proofs)."""
    job = task.batches
    group = get_group(job.curve)
    gens = generators(group)
    gens.prepare(job.leaf_bits * job.batch_size)  # no-op when inherited from the parent
    values = np.frombuffer(task.values, dtype="<u8")
    m = job.batch_size
    count = len(values) // m
    encs: list[bytes] = []
    proofs: list[bytes] = []
    for b in range(count):
        vals = [int(v) for v in values[b * m : (b + 1) * m]]
        bls = [
            int.from_bytes(task.blindings[(b * m + i) * 32 : (b * m + i + 1) * 32], "big")
            for i in range(m)
        ]
        proof, V = bp.prove(gens, vals, bls, job.leaf_bits, job.transcript(job.first_batch + b))
        encs.extend(group.encode(v) for v in V)
        proofs.append(proof.to_bytes(group))
    return encs, proofs


def prove_epoch(
    statement: Statement,
    user_ids: Sequence[str],
    balances: np.ndarray,
    reserves: dict[str, int],
    master: bytes,
    epoch: str,
    *,
    curve: str = "secp256k1",
    batch_size: int = DEFAULT_BATCH,
    min_leaves: int = DEFAULT_MIN_LEAVES,
    workers: int | None = None,
    progress: Progress | None = None,
) -> EpochProof:
    """Prove solvency for one epoch. ``statement`` must be bound to the assets
    (columns of ``balances``); ``reserves`` maps each asset to its total.
    Raises ProvingError (naming the asset) if reserves do not cover liabilities."""
    assets = statement.asset_names
    k = len(assets)
    users = len(user_ids)
    if balances.shape != (users, k):
        raise ParameterError("balances must be (users, assets)")
    if set(reserves) != set(assets):
        raise ParameterError("reserves must name exactly the statement's assets")
    group = get_group(curve)
    q = group.order
    padded = padded_leaf_count(users, min_leaves)
    check_batch_size(batch_size, padded)
    statement.check_capacity(padded, q)
    digest = statement.digest()
    workers = workers or default_workers()

    # Solvency first, from plain integers: refuse before any expensive work.
    for a, asset in enumerate(assets):
        total = int(balances[:, a].sum(dtype=object)) if users else 0
        if total > reserves[asset]:
            raise ProvingError(
                f"insolvent in {asset}: liabilities {total} exceed reserves {reserves[asset]}"
            )
        if reserves[asset] - total >= 1 << statement.solvency_bits:
            raise ProvingError(
                f"{asset}: reserves − liabilities does not fit in {statement.solvency_bits} bits"
            )

    secrets_ = EpochSecrets(master, epoch, curve)
    slots = secrets_.leaf_order(list(user_ids), padded)
    id_hashes = np.empty((padded, 32), dtype=np.uint8)
    values = np.zeros((padded, k), dtype="<u8")
    blind = bytearray(padded * k * 32)
    sums = [0] * k

    def put(slot: int, seed: bytes, idh: bytes) -> None:
        id_hashes[slot] = np.frombuffer(idh, dtype=np.uint8)
        for a, asset in enumerate(assets):
            r = seed_blinding(seed, asset, q)
            sums[a] += r
            off = (a * padded + slot) * 32
            blind[off : off + 32] = r.to_bytes(32, "big")

    occupied = np.zeros(padded, dtype=bool)
    for u, uid in enumerate(user_ids):
        slot = int(slots[u])
        seed = secrets_.user_seed(uid)
        put(slot, seed, merkle.id_hash(uid, seed_salt(seed)))
        values[slot] = balances[u]
        occupied[slot] = True
        if progress and (u + 1) % 4096 == 0:
            progress("secrets", u + 1, padded)
    for slot in np.nonzero(~occupied)[0].tolist():
        seed = secrets_.padding_seed(slot)
        put(slot, seed, secrets_.padding_id_hash(slot))
    if progress:
        progress("secrets", padded, padded)

    # Range proofs for every leaf and asset, in parallel batches.
    batches = padded // batch_size
    per_task = BATCHES_PER_TASK * batch_size
    tasks: list[_RangeTask] = []
    for a, asset in enumerate(assets):
        col = np.ascontiguousarray(values[:, a])
        for start in range(0, padded, per_task):
            stop = min(start + per_task, padded)
            tasks.append(
                _RangeTask(
                    _Batches(
                        curve,
                        statement.leaf_bits,
                        digest,
                        epoch,
                        asset,
                        padded,
                        start // batch_size,
                        batch_size,
                    ),
                    col[start:stop].tobytes(),
                    bytes(blind[(a * padded + start) * 32 : (a * padded + stop) * 32]),
                )
            )
    # Fixed-base tables, built once here; worker processes inherit them (fork).
    generators(group).prepare(statement.leaf_bits * batch_size)
    ps = group.point_size
    commitments = np.empty((padded, k * ps), dtype=np.uint8)
    range_proofs: list[list[bytes]] = [[b""] * batches for _ in assets]
    done = 0
    for i, (encs, proofs) in run_ordered(_prove_ranges, tasks, workers):
        job = tasks[i].batches
        a = assets.index(job.asset)
        start = job.first_batch * batch_size
        for j, enc in enumerate(encs):
            commitments[start + j, a * ps : (a + 1) * ps] = np.frombuffer(enc, dtype=np.uint8)
        range_proofs[a][job.first_batch : job.first_batch + len(proofs)] = proofs
        done += len(proofs)
        if progress:
            progress("range proofs", done, batches * k)

    # The tree, from the commitments the range proofs were made for.
    pts = [
        [
            group.decode_unchecked(commitments[i, a * ps : (a + 1) * ps].tobytes())
            for i in range(padded)
        ]
        for a in range(k)
    ]
    built = 0

    def tree_progress(n: int) -> None:
        nonlocal built
        built += n
        if progress:
            progress("tree", built, 2 * padded - 1)

    t = merkle.build(group, epoch, id_hashes, pts, tree_progress)
    root_comms = t.root_commitments()

    # Per asset: R·B − C_root commits to R − L with blinding −Σr; prove it in range.
    gens = generators(group)
    solvency_proofs = []
    for a, asset in enumerate(assets):
        liab = int(values[:, a].sum(dtype=object))
        diff = reserves[asset] - liab
        root_pt = group.decode(root_comms[a], allow_identity=True)
        D = reserve_difference(gens, reserves[asset], root_pt)
        tr = solvency_transcript(digest, epoch, asset, reserves[asset], t.root_hash, padded)
        proof, _ = bp.prove(
            gens, [diff], [(-sums[a]) % q], statement.solvency_bits, tr, commitments=[D]
        )
        solvency_proofs.append(proof.to_bytes(group))
        if progress:
            progress("solvency", a + 1, k)
    return EpochProof(
        curve=curve,
        generators=DEFAULT_DOMAIN,
        epoch=epoch,
        statement=statement,
        padded_leaves=padded,
        batch_size=batch_size,
        reserves={a: reserves[a] for a in assets},
        id_hashes=id_hashes,
        commitments=commitments,
        range_proofs=range_proofs,
        solvency_proofs=solvency_proofs,
        root_hash=t.root_hash,
        root_commitments=root_comms,
    )


# -- verifying ---------------------------------------------------------------------


@dataclass(frozen=True)
class _VerifyTask:
    batches: _Batches
    commitments: bytes  # encodings, batch_size per batch
    proofs: bytes


def _verify_ranges(task: _VerifyTask) -> str | None:
    """Worker: batch-verify consecutive range proofs; None, or the first failure."""
    job = task.batches
    group = get_group(job.curve)
    gens = generators(group)
    ps = group.point_size
    m = job.batch_size
    size = bp.proof_size(group, job.leaf_bits, m)
    count = len(task.proofs) // size
    items = []
    decoded = []
    for b in range(count):
        batch = job.first_batch + b
        leaves = f"leaves {batch * m}–{batch * m + m - 1}"
        where = f"rangeproofs.bin: asset {job.asset} batch {batch} ({leaves})"
        try:
            proof = bp.RangeProof.from_bytes(
                task.proofs[b * size : (b + 1) * size], group, job.leaf_bits, m
            )
            V = [
                group.decode(task.commitments[(b * m + i) * ps : (b * m + i + 1) * ps])
                for i in range(m)
            ]
        except ZkSolvencyError as exc:
            return f"{where}: {exc}"
        decoded.append((where, proof, V, batch))
        items.append((proof, V, job.leaf_bits, job.transcript(batch)))
    try:
        bp.batch_verify(gens, items)
        return None
    except VerificationError:
        pass
    for where, proof, V, batch in decoded:  # find the culprit
        if not bp.is_valid(gens, proof, V, job.leaf_bits, job.transcript(batch)):
            return f"{where}: range proof does not verify"
    return "rangeproofs.bin: batch verification failed"


#: Range-proof batches per verification task (bounds the proofs held in memory).
VERIFY_BATCHES_PER_TASK = 64


@dataclass(frozen=True)
class VerifyReport:
    curve: str
    epoch: str
    statement: str
    statement_digest: str
    assets: tuple[str, ...]
    padded_leaves: int
    batch_size: int
    range_proofs: int
    reserves: dict[str, int]
    root_hash: str
    checks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "curve": self.curve,
            "epoch": self.epoch,
            "statement": self.statement,
            "statement_digest": self.statement_digest,
            "assets": list(self.assets),
            "padded_leaves": self.padded_leaves,
            "batch_size": self.batch_size,
            "range_proofs": self.range_proofs,
            "reserves": {a: str(v) for a, v in self.reserves.items()},
            "root_hash": self.root_hash,
            "checks": list(self.checks),
        }


def verify_bundle(
    path: Any, *, workers: int | None = None, progress: Progress | None = None
) -> VerifyReport:
    """Verify a bundle directory; raises FormatError / VerificationError naming
    the first failure (file, leaf or batch, asset, check). Returns a report."""
    from zksolvency import bundle as bundle_mod  # bundle imports this module

    b = bundle_mod.read(path)
    group = get_group(b.curve)
    gens = generators(group)
    k = len(b.assets)
    p = b.padded_leaves
    ps = group.point_size
    workers = workers or default_workers()
    checks = ["manifest canonical, statement digest, file lengths and SHA-256"]

    ids, cols = bundle_mod.read_leaves(b)
    pts: list[list[Any]] = []
    for a, asset in enumerate(b.assets):
        col = cols[a].tobytes()
        level = []
        for i in range(p):
            try:
                level.append(group.decode(col[i * ps : (i + 1) * ps]))
            except ZkSolvencyError as exc:
                raise type(exc)(f"leaves.bin: leaf {i} asset {asset}: {exc}") from None
        pts.append(level)
        if progress:
            progress("decode leaves", a + 1, k)
    built = 0

    def tree_progress(n: int) -> None:
        nonlocal built
        built += n
        if progress:
            progress("tree", built, 2 * p - 1)

    t = merkle.build(group, b.epoch, np.ascontiguousarray(ids), pts, tree_progress)
    if t.root_hash != b.root_hash:
        raise VerificationError(
            "leaves.bin: the recomputed root hash differs from manifest root.hash"
        )
    for asset, comm in zip(b.assets, t.root_commitments(), strict=True):
        if comm != b.root_commitments[asset]:
            raise VerificationError(
                f"leaves.bin: recomputed root commitment of {asset} differs from the manifest"
            )
    checks.append("Merkle-sum tree recomputed from every leaf; root hash and commitments match")

    proofs, size = bundle_mod.range_proofs_view(b)
    batches = p // b.batch_size
    tasks: list[_VerifyTask] = []
    for a, asset in enumerate(b.assets):
        col = cols[a]
        for first in range(0, batches, VERIFY_BATCHES_PER_TASK):
            last = min(first + VERIFY_BATCHES_PER_TASK, batches)
            tasks.append(
                _VerifyTask(
                    _Batches(
                        b.curve,
                        b.statement.leaf_bits,
                        b.statement_digest,
                        b.epoch,
                        asset,
                        p,
                        first,
                        b.batch_size,
                    ),
                    col[first * b.batch_size : last * b.batch_size].tobytes(),
                    proofs[(a * batches + first) * size : (a * batches + last) * size].tobytes(),
                )
            )
    done = 0
    for i, failure in run_ordered(_verify_ranges, tasks, workers):
        if failure is not None:
            raise VerificationError(failure)
        done += (len(tasks[i].proofs)) // size
        if progress:
            progress("range proofs", done, batches * k)
    checks.append(
        f"{batches * k} aggregated range proofs: every leaf in [0, 2^{b.statement.leaf_bits})"
    )

    solv = bundle_mod.solvency_proofs(b)
    for a, asset in enumerate(b.assets):
        try:
            proof = bp.RangeProof.from_bytes(solv[a], group, b.statement.solvency_bits, 1)
        except ZkSolvencyError as exc:
            raise type(exc)(f"solvency.bin: asset {asset}: {exc}") from None
        root_pt = group.decode(b.root_commitments[asset], allow_identity=True)
        D = reserve_difference(gens, b.reserves[asset], root_pt)
        tr = solvency_transcript(
            b.statement_digest, b.epoch, asset, b.reserves[asset], b.root_hash, p
        )
        if not bp.is_valid(gens, proof, [D], b.statement.solvency_bits, tr):
            raise VerificationError(
                f"solvency.bin: asset {asset}: reserves do not provably cover liabilities"
            )
        if progress:
            progress("solvency", a + 1, k)
    checks.append(f"per asset: reserves − liabilities in [0, 2^{b.statement.solvency_bits})")
    return VerifyReport(
        curve=b.curve,
        epoch=b.epoch,
        statement=b.statement.name,
        statement_digest=b.statement_digest.hex(),
        assets=b.assets,
        padded_leaves=p,
        batch_size=b.batch_size,
        range_proofs=batches * k,
        reserves=b.reserves,
        root_hash=b.root_hash.hex(),
        checks=tuple(checks),
    )
