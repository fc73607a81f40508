"""Issue 4: deterministic bundles, checkpoint and resume (with a real SIGKILL),
and the Dask executor.

The bundle is a deterministic function of the inputs, the secret and the
epoch (docs/SPEC.md §9, §15), so an interrupted-and-resumed run and a run on
another executor must write exactly the bytes of an uninterrupted local run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ASSETS, EPOCH, MASTER, small_exchange

from zksolvency import bundle, kdf
from zksolvency.checkpoint import DONE, Checkpoint
from zksolvency.circuits import load_statement
from zksolvency.errors import InputError, ParameterError
from zksolvency.executor import LocalExecutor, make_executor
from zksolvency.groups import secp256k1_coincurve
from zksolvency.kdf import EpochSecrets, NonceRng, liabilities_digest
from zksolvency.solvency import EpochProof, prove_epoch, verify_bundle

FAST = {"min_leaves": 32, "batch_size": 4}


def _prove(users, balances, reserves, master=MASTER, **kw) -> EpochProof:
    st = load_statement().bind(ASSETS)
    return prove_epoch(st, users, balances, reserves, master, EPOCH, **{**FAST, **kw})


def _same(a: EpochProof, b: EpochProof) -> None:
    assert a.root_hash == b.root_hash
    assert np.array_equal(a.commitments, b.commitments)
    assert np.array_equal(a.id_hashes, b.id_hashes)
    assert a.range_proofs == b.range_proofs
    assert a.solvency_proofs == b.solvency_proofs


@pytest.fixture(scope="module")
def exchange():
    return small_exchange(12, seed=4)


@pytest.fixture(scope="module")
def reference(exchange) -> EpochProof:
    return _prove(*exchange, workers=1)


# -- determinism -------------------------------------------------------------------------


def test_same_inputs_give_the_same_bundle_on_one_or_two_processes(exchange, reference) -> None:
    _same(reference, _prove(*exchange, workers=2))


def test_another_secret_shares_no_commitment_hash_or_proof(exchange, reference) -> None:
    other = _prove(*exchange, master=bytes(range(2, 34)), workers=1)
    mine = {reference.commitments[i].tobytes() for i in range(reference.padded_leaves)}
    assert not mine & {other.commitments[i].tobytes() for i in range(other.padded_leaves)}
    assert not {r.tobytes() for r in reference.id_hashes} & {r.tobytes() for r in other.id_hashes}
    assert not set(reference.range_proofs[0]) & set(other.range_proofs[0])


def test_changed_balances_in_the_same_epoch_get_unrelated_blindings(exchange, reference) -> None:
    """Reusing an epoch label with other data must not let C − C′ of a user's
    two leaves reveal the change (the data digest enters the epoch key)."""
    users, balances, reserves = exchange
    changed = balances.copy()
    changed[0, 0] += 1
    other = _prove(users, changed, {**reserves, "BTC": reserves["BTC"] + 1}, workers=1)
    assert not {r.tobytes() for r in reference.id_hashes} & {r.tobytes() for r in other.id_hashes}
    mine = {reference.commitments[i].tobytes() for i in range(reference.padded_leaves)}
    assert not mine & {other.commitments[i].tobytes() for i in range(other.padded_leaves)}


def test_liabilities_digest_binds_ids_order_assets_and_balances(exchange) -> None:
    users, balances, _ = exchange
    d = liabilities_digest(users, ASSETS, balances)
    assert d != liabilities_digest([*users[:-1], users[-1] + "x"], ASSETS, balances)
    assert d != liabilities_digest(users[::-1], ASSETS, balances[::-1])
    assert d != liabilities_digest(users, ASSETS[::-1], balances)
    bumped = balances.copy()
    bumped[3, 1] += 1
    assert d != liabilities_digest(users, ASSETS, bumped)
    assert d == liabilities_digest(list(users), list(ASSETS), balances.copy())


def test_nonce_rng_is_deterministic_and_bound_to_context_and_witness() -> None:
    q = (1 << 255) - 19

    def draw(key: bytes, ctx: bytes, wit: bytes) -> list[int]:
        rng = NonceRng(key, ctx, wit)
        return [rng.randrange(1, q) for _ in range(3)]

    base = draw(b"k" * 32, b"ctx", b"wit")
    assert base == draw(b"k" * 32, b"ctx", b"wit")
    assert len(set(base)) == 3
    assert all(1 <= x < q for x in base)
    for other in (draw(b"K" * 32, b"ctx", b"wit"), draw(b"k" * 32, b"ctx2", b"wit")):
        assert not set(base) & set(other)
    assert not set(base) & set(draw(b"k" * 32, b"ctx", b"wit2"))
    rng = NonceRng(b"k" * 32, b"c", b"w")
    many = [rng.randrange(1, q) for _ in range(5000)]  # past the first buffered block
    assert len(set(many)) == 5000


def test_nonce_rng_bulk_draws_continue_the_same_stream() -> None:
    """draws(count) gives exactly the values of count randrange calls, in
    any mix, across the buffer's growth; the stream is SHAKE-256, 64 bytes a value."""
    q = (1 << 255) - 19
    one = NonceRng(b"k" * 32, b"c", b"w")
    singles = [one.randrange(1, q) for _ in range(3000)]
    bulk = NonceRng(b"k" * 32, b"c", b"w")
    mixed = [*bulk.draws(1, q, 5), bulk.randrange(1, q), *bulk.draws(1, q, 2994)]
    assert mixed == singles
    stream = hashlib.shake_256(kdf.NONCE_TAG + kdf.lp(b"k" * 32) + kdf.lp(b"c") + kdf.lp(b"w"))
    first = int.from_bytes(stream.digest(64), "big")
    assert singles[0] == 1 + first % (q - 1)
    with pytest.raises(ParameterError):
        bulk.draws(1, 2, 3)


# -- checkpoint and resume ----------------------------------------------------------------


def test_resume_reuses_checkpointed_batches_and_writes_the_same_bundle(
    exchange, reference, tmp_path: Path
) -> None:
    work = tmp_path / "b.work"
    first = _prove(*exchange, workers=1, workdir=work)
    _same(reference, first)
    stored = sorted((work / DONE).iterdir())
    assert len(stored) == 4  # 2 assets × 16 batches / 4 batches per task
    # Drop half the tasks, damage one more: resume re-proves those and reuses the rest.
    for f in stored[:2]:
        f.unlink()
    damaged = bytearray(stored[2].read_bytes())
    damaged[100] ^= 1
    stored[2].write_bytes(bytes(damaged))
    again = _prove(*exchange, workers=1, workdir=work, resume=True)
    _same(reference, again)
    assert again.resumed_batches == 4  # one task of four batches was intact


def test_a_forged_but_well_formed_checkpoint_is_re_verified_not_trusted(
    exchange, reference, tmp_path: Path
) -> None:
    """Someone with write access to the work directory rewrites a task file
    with a valid checksum but another proof: the prover checks every batch it
    loads, finds the forgery, and proves the batch again."""
    work = tmp_path / "b.work"
    _prove(*exchange, workers=1, workdir=work)
    users, balances, _ = exchange
    st = load_statement().bind(ASSETS)
    secrets_ = EpochSecrets(MASTER, EPOCH, "secp256k1", liabilities_digest(users, ASSETS, balances))
    cp = Checkpoint(work, _binding(st, secrets_, balances, users), resume=True)
    name = "0-0"
    payload = bytearray(cp.get(name) or b"")
    assert payload
    payload[-5] ^= 1  # a scalar of the last proof
    cp.put(name, bytes(payload))
    again = _prove(*exchange, workers=1, workdir=work, resume=True)
    _same(reference, again)
    assert again.resumed_batches == 12  # the other three tasks


def _binding(st, secrets_, balances, users) -> dict:
    return {
        "curve": "secp256k1",
        "statement": st.digest().hex(),
        "epoch": EPOCH,
        "padded_leaves": 32,
        "batch_size": 4,
        "batches_per_task": 4,
        "leaf_bits": st.leaf_bits,
        "liabilities": liabilities_digest(users, ASSETS, balances).hex(),
        "secret": secrets_.checkpoint_tag().hex(),
    }


def test_resume_refuses_a_checkpoint_of_other_inputs(exchange, tmp_path: Path) -> None:
    users, balances, reserves = exchange
    work = tmp_path / "b.work"
    _prove(users, balances, reserves, workers=1, workdir=work)
    changed = balances.copy()
    changed[1, 1] += 7
    bumped = {**reserves, "ETH": reserves["ETH"] + 7}
    with pytest.raises(InputError, match=r"different run \(liabilities differ\)"):
        _prove(users, changed, bumped, workers=1, workdir=work, resume=True)
    with pytest.raises(InputError, match=r"different run \(secret differ\)"):
        _prove(*exchange, master=bytes(range(3, 35)), workers=1, workdir=work, resume=True)
    with pytest.raises(InputError, match=r"different run \(batch_size differ\)"):
        _prove(*exchange, workers=1, workdir=work, resume=True, batch_size=8)
    with pytest.raises(InputError, match=r"pass --resume"):
        _prove(*exchange, workers=1, workdir=work)


def test_checkpoint_files_hold_no_secret(exchange, tmp_path: Path) -> None:
    users, _balances, _ = exchange
    work = tmp_path / "b.work"
    _prove(*exchange, workers=1, workdir=work)
    blob = b"".join(f.read_bytes() for f in sorted(work.rglob("*")) if f.is_file())
    assert MASTER not in blob
    assert MASTER.hex().encode() not in blob
    for uid in users:
        assert uid.encode() not in blob
    assert oct(work.stat().st_mode & 0o777) == oct(0o700)


def _cli(*args: str | Path) -> list[str]:
    exe = Path(sys.executable).with_name("zksolvency")
    return [str(exe), *map(str, args)]


def _write_inputs(tmp_path: Path, users, balances, reserves) -> dict[str, Path]:
    liab = tmp_path / "users.csv"
    liab.write_text(
        "user_id,BTC,ETH\n"
        + "".join(f"{u},{int(b[0])},{int(b[1])}\n" for u, b in zip(users, balances, strict=True))
    )
    res = tmp_path / "reserves.json"
    totals = ", ".join(f'"{a}": {{"total": "{v}"}}' for a, v in reserves.items())
    res.write_text(f'{{"epoch": "{EPOCH}", "assets": {{{totals}}}}}')
    key = tmp_path / "master.key"
    key.write_text(MASTER.hex() + "\n")
    key.chmod(0o600)
    return {"liabilities": liab, "reserves": res, "secret": key}


def _digest_dir(d: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(d.iterdir())}


def test_sigkill_mid_proof_then_resume_gives_the_uninterrupted_bundle(tmp_path: Path) -> None:
    """A real `zksolvency prove` is killed with SIGKILL (with its whole
    process group) once some batches are checkpointed; `--resume` finishes,
    reuses them, and writes exactly the bytes of an uninterrupted run."""
    users, balances, reserves = small_exchange(40, seed=9)
    files = _write_inputs(tmp_path, users, balances, reserves)
    common = [f"--{k}={v}" for k, v in files.items()]
    common += ["--epoch", EPOCH, "--leaves", "64", "--batch-size", "4", "--workers", "2", "-q"]
    full = tmp_path / "full"
    subprocess.run(_cli("prove", *common, "--out", full), check=True, capture_output=True)

    out = tmp_path / "killed"
    work = tmp_path / "killed.work"
    proc = subprocess.Popen(
        _cli("prove", *common, "--out", out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        done = list((work / DONE).glob("*.bin")) if (work / DONE).exists() else []
        if len(done) >= 2:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    assert work.exists()

    res = subprocess.run(
        _cli("prove", *common, "--out", out, "--resume"), capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "resumed:" in res.stdout
    assert not work.exists()  # removed once the bundle is written
    assert _digest_dir(out) == _digest_dir(full)
    verify_bundle(out, workers=1)


# -- executors ------------------------------------------------------------------------------


def test_make_executor_parses_specs() -> None:
    assert isinstance(make_executor(None, 2), LocalExecutor)
    assert make_executor("local", 3).workers == 3
    from zksolvency.errors import ParameterError

    with pytest.raises(ParameterError, match="use 'local' or 'dask://HOST:PORT'"):
        make_executor("spark://x:1")


def test_dask_local_cluster_writes_the_same_bundle(exchange, reference, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from zksolvency.executor import DaskExecutor

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run = DaskExecutor.from_client(client)
        assert run.workers == 2
        proof = _prove(*exchange, executor=run)
        # and through the CLI spelling: dask://HOST:PORT
        address = cluster.scheduler_address.removeprefix("tcp://")
        spec = make_executor(f"dask://{address}")
        try:
            report = verify_bundle(_write(proof, tmp_path), executor=spec)
        finally:
            spec.close()
    _same(reference, proof)
    assert report.range_proofs == 16


def _write(proof: EpochProof, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    bundle.write(out, dataclasses.replace(proof))
    return out


def test_dask_executor_without_scheduler_fails_with_one_line(monkeypatch) -> None:
    pytest.importorskip("distributed")
    from zksolvency import executor
    from zksolvency.errors import ParameterError
    from zksolvency.executor import DaskExecutor

    monkeypatch.setattr(executor, "DASK_CONNECT_TIMEOUT", 2)

    with pytest.raises(ParameterError, match="cannot reach the scheduler"):
        DaskExecutor("dask://127.0.0.1:1")


@pytest.fixture(autouse=True)
def _no_leftover_workdirs(tmp_path: Path):
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)


def _square(x: int) -> int:
    return x * x


def test_executor_draws_tasks_lazily_within_its_window() -> None:
    """Verification streams: tasks (slices of rangeproofs.bin) are drawn from
    a generator, never more than ``window`` ahead of the results consumed."""
    drawn = 0

    def tasks():
        nonlocal drawn
        for i in range(40):
            drawn += 1
            yield i

    seen = []
    for i, result in LocalExecutor(2).run(_square, tasks(), window=3):
        assert drawn - len(seen) <= 3
        seen.append((i, result))
    assert sorted(seen) == [(i, i * i) for i in range(40)]
    drawn = 0
    seen = []
    for i, result in LocalExecutor(1).run(_square, tasks()):
        assert drawn - len(seen) <= 1
        seen.append((i, result))
    assert len(seen) == 40


@pytest.mark.skipif(not secp256k1_coincurve.NATIVE, reason="native MSM module not built")
def test_native_and_pure_msm_write_the_same_bundle(tmp_path: Path) -> None:
    """The native MSM module is an implementation detail: a real `zksolvency
    prove` with it and one with ZKSOLVENCY_NATIVE=0 write identical bytes."""
    users, balances, reserves = small_exchange(12, seed=4)
    files = _write_inputs(tmp_path, users, balances, reserves)
    common = [f"--{k}={v}" for k, v in files.items()]
    common += ["--epoch", EPOCH, "--leaves", "16", "--batch-size", "4", "--workers", "1", "-q"]
    digests = {}
    for native in ("1", "0"):
        out = tmp_path / f"native-{native}"
        env = {**os.environ, "ZKSOLVENCY_NATIVE": native}
        cmd = _cli("prove", *common, "--out", out)
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        digests[native] = _digest_dir(out)
    assert digests["1"] == digests["0"]
    assert len(digests["1"]) >= 3
