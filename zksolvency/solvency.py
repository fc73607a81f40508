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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zksolvency import bulletproofs as bp
from zksolvency import tree as merkle
from zksolvency.checkpoint import Checkpoint
from zksolvency.circuits import EPOCH_RE, Statement
from zksolvency.errors import ParameterError, ProvingError, VerificationError, ZkSolvencyError
from zksolvency.executor import Executor, LocalExecutor
from zksolvency.groups import get_group
from zksolvency.kdf import (
    EpochSecrets,
    NonceRng,
    liabilities_digest,
    lp,
    seed_blinding,
    seed_salt,
)
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
    #: Batches reused from a checkpoint (not part of the bundle).
    resumed_batches: int = 0


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

    def nonce_context(self, batch: int) -> bytes:
        """Everything the batch's transcript binds, for :class:`NonceRng`."""
        return b"".join(
            [
                b"leaf-range",
                lp(self.curve.encode()),
                self.statement_digest,
                lp(self.epoch.encode()),
                lp(self.asset.encode()),
                self.padded.to_bytes(8, "big"),
                batch.to_bytes(8, "big"),
                self.leaf_bits.to_bytes(8, "big"),
                self.batch_size.to_bytes(8, "big"),
            ]
        )


@dataclass(frozen=True)
class _RangeTask:
    batches: _Batches
    values: bytes  # uint64 little-endian per leaf
    blindings: bytes  # 32-byte big-endian per leaf
    nonce_key: bytes
    #: A checkpointed result to re-verify and reuse instead of proving again.
    cached: bytes | None = None


def _prove_ranges(task: _RangeTask) -> tuple[bytes, bool]:
    """Worker: prove consecutive batches. Returns (payload, reused) where the
    payload is every leaf's commitment encoding followed by every proof, and
    ``reused`` says a checkpointed payload was checked and kept."""
    job = task.batches
    group = get_group(job.curve)
    gens = generators(group)
    gens.prepare(job.leaf_bits * job.batch_size)  # no-op when inherited from the parent
    values = np.frombuffer(task.values, dtype="<u8")
    m = job.batch_size
    count = len(values) // m
    vals = [[int(v) for v in values[b * m : (b + 1) * m]] for b in range(count)]
    bls = [
        [
            int.from_bytes(task.blindings[(b * m + i) * 32 : (b * m + i + 1) * 32], "big")
            for i in range(m)
        ]
        for b in range(count)
    ]
    if task.cached is not None and _cached_is_valid(task, gens, vals, bls):
        return task.cached, True
    encs: list[bytes] = []
    proofs: list[bytes] = []
    for b in range(count):
        batch = job.first_batch + b
        witness = (
            task.values[b * m * 8 : (b + 1) * m * 8] + task.blindings[b * m * 32 : (b + 1) * m * 32]
        )
        rng = NonceRng(task.nonce_key, job.nonce_context(batch), witness)
        proof, V = bp.prove(gens, vals[b], bls[b], job.leaf_bits, job.transcript(batch), rng=rng)
        encs.extend(group.encode(v) for v in V)
        proofs.append(proof.to_bytes(group))
    return b"".join(encs) + b"".join(proofs), False


def _cached_is_valid(
    task: _RangeTask, gens: Generators, vals: list[list[int]], bls: list[list[int]]
) -> bool:
    """A checkpointed payload is reused only if its commitments open to this
    task's values and blindings and its proofs verify."""
    job = task.batches
    group = gens.group
    ps = group.point_size
    m = job.batch_size
    count = len(vals)
    size = bp.proof_size(group, job.leaf_bits, m)
    data = task.cached or b""
    if len(data) != count * (m * ps + size):
        return False
    items = []
    try:
        for b in range(count):
            V = [gens.commit(v, r) for v, r in zip(vals[b], bls[b], strict=True)]
            for i, point in enumerate(V):
                at = (b * m + i) * ps
                if group.encode(point) != data[at : at + ps]:
                    return False
            at = count * m * ps + b * size
            proof = bp.RangeProof.from_bytes(data[at : at + size], group, job.leaf_bits, m)
            items.append((proof, V, job.leaf_bits, job.transcript(job.first_batch + b)))
        bp.batch_verify(gens, items)
    except ZkSolvencyError:
        return False
    return True


@dataclass
class Leaves:
    """Every leaf's secrets and values, in slot order (docs/SPEC.md §9–§10)."""

    secrets: EpochSecrets
    data_digest: bytes
    id_hashes: np.ndarray  # (P, 32) uint8
    values: np.ndarray  # (P, k) uint64; padding is 0
    blindings: bytearray  # 32-byte big-endian, asset-major: [(a·P + slot)·32 …]
    sums: list[int]  # per asset, Σ blindings (as integers; reduce mod q)

    def blinding(self, a: int, slot: int) -> int:
        off = (a * self.values.shape[0] + slot) * 32
        return int.from_bytes(self.blindings[off : off + 32], "big")


def derive_leaves(
    assets: Sequence[str],
    user_ids: Sequence[str],
    balances: np.ndarray,
    master: bytes,
    epoch: str,
    curve: str,
    padded: int,
    progress: Progress | None = None,
) -> Leaves:
    """Place the users among ``padded`` slots and derive every leaf's id hash
    and blindings from the master secret (users, then padding)."""
    k = len(assets)
    q = get_group(curve).order
    data_digest = liabilities_digest(user_ids, assets, balances)
    secrets_ = EpochSecrets(master, epoch, curve, data_digest)
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
    return Leaves(secrets_, data_digest, id_hashes, values, blind, sums)


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
    executor: Executor | None = None,
    workdir: Path | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> EpochProof:
    """Prove solvency for one epoch. ``statement`` must be bound to the assets
    (columns of ``balances``); ``reserves`` maps each asset to its total.
    Raises ProvingError (naming the asset) if reserves do not cover liabilities.

    Range-proof batches run on ``executor`` (default: a local pool of
    ``workers`` processes). With ``workdir``, each completed task is
    checkpointed there and ``resume=True`` continues a run that was
    interrupted (docs/SPEC.md §15). The bundle is a deterministic function
    of the inputs, the secret and the epoch, whichever executor ran it and
    however often it was resumed."""
    assets = statement.asset_names
    k = len(assets)
    users = len(user_ids)
    if not isinstance(epoch, str) or not EPOCH_RE.fullmatch(epoch):
        raise ParameterError(f"epoch {epoch!r}: use 1–64 of letters, digits, '.', '_', ':', '-'")
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

    leaves = derive_leaves(assets, user_ids, balances, master, epoch, curve, padded, progress)
    secrets_, data_digest = leaves.secrets, leaves.data_digest
    id_hashes, values, blind, sums = leaves.id_hashes, leaves.values, leaves.blindings, leaves.sums
    checkpoint = None
    if workdir is not None:
        checkpoint = Checkpoint(
            workdir,
            {
                "curve": curve,
                "statement": digest.hex(),
                "epoch": epoch,
                "padded_leaves": padded,
                "batch_size": batch_size,
                "batches_per_task": BATCHES_PER_TASK,
                "leaf_bits": statement.leaf_bits,
                "liabilities": data_digest.hex(),
                "secret": secrets_.checkpoint_tag().hex(),
            },
            resume=resume,
        )
    # Range proofs for every leaf and asset, in parallel batches.
    batches = padded // batch_size
    per_task = BATCHES_PER_TASK * batch_size
    nonce_key = secrets_.nonce_key()
    layout = [(a, start) for a in range(k) for start in range(0, padded, per_task)]

    def task_name(a: int, start: int) -> str:
        return f"{a}-{start // batch_size}"

    def tasks() -> Iterator[_RangeTask]:
        for a, start in layout:
            stop = min(start + per_task, padded)
            yield _RangeTask(
                _Batches(
                    curve,
                    statement.leaf_bits,
                    digest,
                    epoch,
                    assets[a],
                    padded,
                    start // batch_size,
                    batch_size,
                ),
                np.ascontiguousarray(values[start:stop, a]).tobytes(),
                bytes(blind[(a * padded + start) * 32 : (a * padded + stop) * 32]),
                nonce_key,
                checkpoint.get(task_name(a, start)) if checkpoint else None,
            )

    # Fixed-base tables, built once here; local worker processes inherit them (fork).
    generators(group).prepare(statement.leaf_bits * batch_size)
    ps = group.point_size
    size = bp.proof_size(group, statement.leaf_bits, batch_size)
    commitments = np.empty((padded, k * ps), dtype=np.uint8)
    range_proofs: list[list[bytes]] = [[b""] * batches for _ in assets]
    done = resumed = 0
    run = executor or LocalExecutor(workers)
    for i, (payload, reused) in run.run(_prove_ranges, tasks()):
        a, start = layout[i]
        count = min(per_task, padded - start) // batch_size
        first = start // batch_size
        enc_bytes = count * batch_size * ps
        commitments[start : start + count * batch_size, a * ps : (a + 1) * ps] = np.frombuffer(
            payload, dtype=np.uint8, count=enc_bytes
        ).reshape(-1, ps)
        range_proofs[a][first : first + count] = [
            payload[enc_bytes + j * size : enc_bytes + (j + 1) * size] for j in range(count)
        ]
        if reused:  # only a checkpointed payload can be reused
            resumed += count
        elif checkpoint:
            checkpoint.put(task_name(a, start), payload)
        done += count
        if progress:
            progress("range proofs", done, batches * k)
    blind.clear()  # the secrets are no longer needed

    # The tree, from the commitments the range proofs were made for.
    built = 0

    def tree_progress(n: int) -> None:
        nonlocal built
        built += n
        if progress:
            progress("tree", built, 2 * padded - 1)

    t = merkle.build_encoded(group, epoch, id_hashes, commitments, progress=tree_progress)
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
        blinding = (-sums[a]) % q
        context = b"solvency" + lp(asset.encode()) + str(reserves[asset]).encode() + t.root_hash
        rng = NonceRng(
            nonce_key, context + digest, diff.to_bytes(32, "big") + blinding.to_bytes(32, "big")
        )
        proof, _ = bp.prove(
            gens, [diff], [blinding], statement.solvency_bits, tr, commitments=[D], rng=rng
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
        resumed_batches=resumed,
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
    path: Any,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Verify a bundle directory; raises FormatError / VerificationError naming
    the first failure (file, leaf or batch, asset, check). Returns a report.

    Range proofs stream from the memory-mapped file: at most a window of
    ``4 × workers`` tasks of ``VERIFY_BATCHES_PER_TASK`` proofs is in memory."""
    from zksolvency import bundle as bundle_mod  # bundle imports this module

    b = bundle_mod.read(path)
    group = get_group(b.curve)
    gens = generators(group)
    k = len(b.assets)
    p = b.padded_leaves
    checks = ["manifest canonical, statement digest, file lengths and SHA-256"]

    ids, cols = bundle_mod.read_leaves(b)
    comms = np.concatenate(cols, axis=1)  # (P, k·point size), as the tree hashes them

    def decode(i: int, a: int, data: bytes) -> Any:
        try:
            return group.decode(data)
        except ZkSolvencyError as exc:
            raise type(exc)(f"leaves.bin: leaf {i} asset {b.assets[a]}: {exc}") from None

    built = 0

    def tree_progress(n: int) -> None:
        nonlocal built
        built += n
        if progress:
            progress("tree", built, 2 * p - 1)

    t = merkle.build_encoded(
        group, b.epoch, np.ascontiguousarray(ids), comms, decode=decode, progress=tree_progress
    )
    del comms
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
    del t

    proofs, size = bundle_mod.range_proofs_view(b)
    batches = p // b.batch_size
    layout = [(a, first) for a in range(k) for first in range(0, batches, VERIFY_BATCHES_PER_TASK)]

    def tasks() -> Iterator[_VerifyTask]:
        for a, first in layout:
            last = min(first + VERIFY_BATCHES_PER_TASK, batches)
            yield _VerifyTask(
                _Batches(
                    b.curve,
                    b.statement.leaf_bits,
                    b.statement_digest,
                    b.epoch,
                    b.assets[a],
                    p,
                    first,
                    b.batch_size,
                ),
                cols[a][first * b.batch_size : last * b.batch_size].tobytes(),
                proofs[(a * batches + first) * size : (a * batches + last) * size].tobytes(),
            )

    done = 0
    run = executor or LocalExecutor(workers)
    for i, failure in run.run(_verify_ranges, tasks()):
        if failure is not None:
            raise VerificationError(failure)
        a, first = layout[i]
        done += min(VERIFY_BATCHES_PER_TASK, batches - first)
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
