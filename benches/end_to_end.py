"""End-to-end benchmark of the real ``zksolvency`` command line, and inclusion-proof figures.

Two modes.

**End to end** (default)::

    python benches/end_to_end.py --users N [--assets K] [--workers W] [--batch-size B]
                                 [--min-leaves L] [--out benches/results] [--keep]

In a temporary directory, generates a synthetic exchange: ``users.csv`` with N
users × K assets (named BTC, ETH, USDT, SOL, … then A11, A12, …) whose balances
are drawn uniformly below 2^40 by :class:`random.SystemRandom`;
``reserves.json`` with each asset's total + 1 % (+ 1 base unit); and a master
key made by ``zksolvency keygen``. It then runs the *real CLI* as
subprocesses, exactly as an operator would:

* ``zksolvency prove … --quiet`` and ``zksolvency verify BUNDLE --json --quiet``:
  wall seconds; CPU seconds (user + system) and peak RSS of the command *and the
  worker processes it forked and reaped*, from ``os.wait4`` on the child (its
  rusage includes waited-for descendants). That peak RSS is the largest single
  process of the tree (Linux ``ru_maxrss``, KiB), not the sum over processes; a
  sampled sum of the whole tree's RSS (from ``/proc``, every 0.2 s or less
  often: the sampler keeps to ~2 % of a core) is recorded as
  ``tree_pss_mib_sampled`` in the JSON.
* ``zksolvency inspect BUNDLE --json``: padded leaves, bytes per leaf per asset
  (the bundle's bytes, summed over its files, are also counted on disk).
* ``zksolvency inclusion --user …`` once (timed; it rebuilds the whole tree), the
  proof's size in bytes, and ``zksolvency verify-inclusion PROOF --bundle
  BUNDLE`` (median of 5 wall-clock runs, which include Python start-up; the
  median of 5 ``zksolvency version`` runs is recorded as the start-up baseline).

Results: one JSON object per run appended to ``<out>/end_to_end.json`` (a JSON
list, rewritten atomically), the Markdown table ``<out>/end_to_end.md``
regenerated from that list (one row per run; the new row is printed), and,
when matplotlib is importable and at least two runs share an asset count,
``<out>/end_to_end.png`` (prove and verify wall seconds against users, log-log).

**Inclusion only**::

    python benches/end_to_end.py --inclusion-only --leaves 1048576 [--assets 1] [--users 8]

The inclusion-proof figures at a large tree (2^20 padded leaves) *without
building any range proof*: proving 2^20 leaves' range proofs through the CLI
would take most of an hour (measured: ≈ 6 ms of CPU per leaf and asset with
batches of 16 and the native module — 10⁶ users, 2^20 padded leaves, took
6 282 CPU-seconds, 54.5 minutes on 2 cores; ≈ 19 ms per leaf without the
module), and
neither an inclusion proof nor its verification touches range proofs — the
proof is the user's seed plus the sibling (hash, commitments) path, and checking
it recomputes the leaf and walks the path to the root. So this mode builds the
*real* Merkle-sum tree of the given number of leaves from real Pedersen
commitments derived exactly as ``zksolvency prove`` derives them
(:class:`zksolvency.kdf.EpochSecrets`: leaf order, user seeds and salts,
padding seeds and id hashes, per-asset blindings; ``value·B + blinding·B̃`` by
``generators(group).commit``) for a handful of real users and zero-valued
padding leaves, then builds one user's inclusion proof exactly as
:func:`zksolvency.inclusion.make` does (``InclusionProof(…)`` with
``tree.path(slot)``), writes it to ``<out>/inclusion-proof-<leaves>x<assets>.json``,
and measures its size and the time of
``inclusion.verify(parse(data), root=root_hash)`` in-process (median of 20) and
of ``zksolvency verify-inclusion FILE --root HEX`` as a subprocess (median of 5,
wall-clock including Python start-up). Results are appended to
``<out>/inclusion.json`` (a JSON list) and ``<out>/inclusion.md``. Building the
commitments is the slow step (one fixed-base MSM per leaf and asset, measured
~0.15–0.25 ms each, so ~4 minutes per asset at 2^20 leaves; the tree itself ~20 s):
progress goes to stderr; try ``--leaves 16384`` first.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.metadata
import json
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as `python benches/end_to_end.py`: make the sibling `_common` importable from any cwd.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, atomic_write, atomic_write_text, cpu_model, source_state

ASSET_NAMES = ("BTC", "ETH", "USDT", "SOL", "XRP", "ADA", "DOGE", "DOT", "LTC", "TRX")
BALANCE_BITS = 40
MIB = 1024 * 1024
INCLUSION_NOTE = (
    "inclusion-only mode: NO range proofs are built (proving 2^20 leaves would take "
    "~1.7 CPU-hours per asset, and inclusion proofs and their verification never touch "
    "range proofs); the Merkle-sum tree and its Pedersen commitments are real and "
    "derived as `zksolvency prove` derives them"
)

MD_COLUMNS = (
    "users",
    "assets",
    "padded leaves",
    "batch",
    "workers",
    "prove wall s",
    "prove CPU s",
    "verify wall s",
    "peak RSS MiB",
    "bundle bytes",
    "bytes/leaf/asset",
    "inclusion bytes",
    "verify-inclusion ms",
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- environment ---------------------------------------------------------------------
def environment() -> dict[str, Any]:
    try:
        version = importlib.metadata.version("zksolvency")
    except importlib.metadata.PackageNotFoundError:
        version = None
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "zksolvency": version,
        **source_state(),
    }


# -- running the CLI -----------------------------------------------------------------
def cli_command() -> list[str]:
    """The ``zksolvency`` console script beside this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("zksolvency")
    if script.exists():
        return [str(script)]
    found = shutil.which("zksolvency")
    if found:
        return [found]
    return [sys.executable, "-m", "zksolvency.cli"]


@dataclass
class Run:
    """One finished child process and its resource usage (child + reaped descendants)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    maxrss_mib: float  # largest single process of the tree (ru_maxrss)
    tree_pss_mib_sampled: float | None  # sampled peak of the sum over the live tree

    def check(self) -> Run:
        if self.returncode != 0:
            raise RuntimeError(
                f"{' '.join(self.args)} exited with {self.returncode}\n"
                f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}"
            )
        return self


def _parents() -> dict[int, int]:
    """pid → ppid for every process visible in /proc."""
    out: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may contain spaces and parentheses: the fields follow the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        try:
            out[int(entry.name)] = int(fields[1])
        except (IndexError, ValueError):
            continue
    return out


def _pss(pid: int) -> int:
    """Proportional set size in bytes (shared pages split between sharers), else RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class TreeRssSampler:
    """Peak of Σ PSS over a process and its descendants, sampled from /proc (PSS, not
    RSS: forked workers share the parent's pages, which RSS would count twice).

    Reading ``smaps_rollup`` walks a process's page tables: for three 500 MiB
    processes that cost ~12 % of a core at 5 samples a second, taken from the
    prover being measured. So the pause after a sample is at least
    ``OVERHEAD`` (50) times the sample's own cost: the sampler uses at most ~2 %
    of one core, and samples every ``interval`` seconds while that is cheap."""

    OVERHEAD = 50

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.enabled = os.path.isdir("/proc/self")

    def _sample(self) -> None:
        children: dict[int, list[int]] = {}
        for pid, ppid in _parents().items():
            children.setdefault(ppid, []).append(pid)
        total, stack = 0, [self.pid]
        while stack:
            pid = stack.pop()
            total += _pss(pid)
            stack.extend(children.get(pid, ()))
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            cost = time.thread_time()
            self._sample()
            cost = time.thread_time() - cost
            self._stop.wait(max(self.interval, self.OVERHEAD * cost))

    def __enter__(self) -> TreeRssSampler:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()


def run_cli(args: Sequence[str], workdir: Path, *, sample_rss: bool = False) -> Run:
    """Run ``zksolvency ARGS`` to completion; rusage from ``os.wait4`` on the child."""
    argv = [*cli_command(), *args]
    out_path = workdir / f".stdout-{os.getpid()}"
    err_path = workdir / f".stderr-{os.getpid()}"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    with open(out_path, "w+b") as out, open(err_path, "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        sampler = TreeRssSampler(proc.pid) if sample_rss else None
        if sampler:
            sampler.__enter__()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if sampler:
                sampler.__exit__()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return Run(
        args=argv,
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        maxrss_mib=usage.ru_maxrss * 1024 / MIB,  # KiB on Linux
        tree_pss_mib_sampled=(sampler.peak / MIB if sampler and sampler.peak else None),
    )


def median_wall(args: Sequence[str], workdir: Path, runs: int) -> tuple[float, list[float]]:
    walls = [run_cli(args, workdir).check().wall_s for _ in range(runs)]
    return statistics.median(walls), walls


# -- synthetic exchange --------------------------------------------------------------
def asset_names(count: int) -> list[str]:
    return [ASSET_NAMES[i] if i < len(ASSET_NAMES) else f"A{i + 1}" for i in range(count)]


def user_id(i: int) -> str:
    return f"user-{i:08d}"


def make_exchange(workdir: Path, users: int, assets: list[str], epoch: str) -> dict[str, Path]:
    rnd = random.SystemRandom()
    totals = [0] * len(assets)
    users_csv = workdir / "users.csv"
    with open(users_csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["user_id", *assets])
        for i in range(users):
            row = [rnd.getrandbits(BALANCE_BITS) for _ in assets]
            for a, v in enumerate(row):
                totals[a] += v
            w.writerow([user_id(i), *row])
    reserves_json = workdir / "reserves.json"
    reserves_json.write_text(
        json.dumps(
            {
                "epoch": epoch,
                "assets": {
                    a: {"total": str(t + t // 100 + 1)} for a, t in zip(assets, totals, strict=True)
                },
            },
            indent=2,
        )
        + "\n"
    )
    key = workdir / "master.key"
    run_cli(["keygen", "--out", str(key)], workdir).check()
    return {"users": users_csv, "reserves": reserves_json, "key": key}


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- end-to-end mode -----------------------------------------------------------------
def end_to_end(args: argparse.Namespace) -> dict[str, Any]:
    assets = asset_names(args.assets)
    epoch = time.strftime("%Y-%m")
    env = environment()
    workdir = Path(tempfile.mkdtemp(prefix="zks-e2e-"))
    log(f"working in {workdir}")
    try:
        t0 = time.perf_counter()
        files = make_exchange(workdir, args.users, assets, epoch)
        log(
            f"synthetic exchange: {args.users} users × {len(assets)} assets "
            f"({time.perf_counter() - t0:.1f} s)"
        )
        bundle = workdir / "bundle"
        prove_args = [
            "prove",
            "--liabilities", str(files["users"]),
            "--reserves", str(files["reserves"]),
            "--secret", str(files["key"]),
            "--epoch", epoch,
            "--out", str(bundle),
            "--batch-size", str(args.batch_size),
            "--leaves", str(args.min_leaves),
            "--quiet",
        ]  # fmt: skip
        if args.workers:
            prove_args += ["--workers", str(args.workers)]
        log("prove …")
        prove = run_cli(prove_args, workdir, sample_rss=True).check()
        log(
            f"prove: {prove.wall_s:.1f} s wall, {prove.cpu_s:.1f} s CPU, "
            f"{prove.maxrss_mib:.0f} MiB peak RSS"
        )

        verify_args = ["verify", str(bundle), "--json", "--quiet"]
        if args.workers:
            verify_args += ["--workers", str(args.workers)]
        log("verify …")
        verify = run_cli(verify_args, workdir, sample_rss=True).check()
        report = json.loads(verify.stdout)
        if not report.get("ok"):
            raise RuntimeError(f"verify did not report ok: {verify.stdout}")
        log(f"verify: {verify.wall_s:.1f} s wall, {verify.cpu_s:.1f} s CPU")

        info = json.loads(run_cli(["inspect", str(bundle), "--json"], workdir).check().stdout)
        on_disk = dir_bytes(bundle)

        who = user_id(random.SystemRandom().randrange(args.users))
        proof_file = workdir / "inclusion.json"
        log(f"inclusion proof for {who} …")
        make = run_cli(
            [
                "inclusion",
                "--bundle", str(bundle),
                "--liabilities", str(files["users"]),
                "--secret", str(files["key"]),
                "--out", str(proof_file),
                "--user", who,
            ],
            workdir,
        ).check()  # fmt: skip
        vi_med, vi_all = median_wall(
            ["verify-inclusion", str(proof_file), "--bundle", str(bundle)], workdir, 5
        )
        startup_med, _ = median_wall(["version"], workdir, 5)
        k = len(assets)
        padded = info["padded_leaves"]
        record: dict[str, Any] = {
            "benchmark": "end_to_end",
            "users": args.users,
            "assets": k,
            "asset_names": assets,
            "balance_bits": BALANCE_BITS,
            "curve": info["curve"],
            "padded_leaves": padded,
            "batch_size": info["batch_size"],
            "workers": args.workers or len(os.sched_getaffinity(0)),
            "workers_requested": args.workers,
            "prove": {
                "wall_s": round(prove.wall_s, 3),
                "cpu_s": round(prove.cpu_s, 3),
                "user_s": round(prove.user_s, 3),
                "sys_s": round(prove.sys_s, 3),
                "peak_rss_mib": round(prove.maxrss_mib, 1),
                "tree_pss_mib_sampled": _round(prove.tree_pss_mib_sampled, 1),
                "reported_s": _prove_seconds(prove.stdout),
            },
            "verify": {
                "wall_s": round(verify.wall_s, 3),
                "cpu_s": round(verify.cpu_s, 3),
                "user_s": round(verify.user_s, 3),
                "sys_s": round(verify.sys_s, 3),
                "peak_rss_mib": round(verify.maxrss_mib, 1),
                "tree_pss_mib_sampled": _round(verify.tree_pss_mib_sampled, 1),
                "reported_s": report.get("seconds"),
                "range_proofs": report.get("range_proofs"),
            },
            "peak_rss_mib": round(max(prove.maxrss_mib, verify.maxrss_mib), 1),
            "bundle_bytes": on_disk,
            "bundle_bytes_inspect": info["total_bytes"],
            "bundle_files": info["bytes"],
            "bytes_per_leaf_per_asset": round(on_disk / (padded * k), 2),
            "range_proof_bytes_per_leaf_per_asset": info["range_proof_bytes_per_leaf_per_asset"],
            "inclusion": {
                "user": who,
                "bytes": proof_file.stat().st_size,
                "make_wall_s": round(make.wall_s, 3),
                "make_cpu_s": round(make.cpu_s, 3),
                "verify_wall_ms_median5": round(vi_med * 1000, 1),
                "verify_wall_ms_all": [round(w * 1000, 1) for w in vi_all],
                "cli_startup_ms_median5": round(startup_med * 1000, 1),
            },
            "environment": env,
        }
        return record
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _prove_seconds(stdout: str) -> float | None:
    """The 'in X s' figure `zksolvency prove` prints (excludes start-up and input parsing)."""
    m = re.search(r"\bin ([0-9]+(?:\.[0-9]+)?) s\b", stdout)
    return float(m.group(1)) if m else None


def md_row(r: dict[str, Any]) -> list[str]:
    return [
        str(r["users"]),
        str(r["assets"]),
        str(r["padded_leaves"]),
        str(r["batch_size"]),
        str(r["workers"]),
        f"{r['prove']['wall_s']:.1f}",
        f"{r['prove']['cpu_s']:.1f}",
        f"{r['verify']['wall_s']:.1f}",
        f"{r['peak_rss_mib']:.0f}",
        str(r["bundle_bytes"]),
        f"{r['bytes_per_leaf_per_asset']:.1f}",
        str(r["inclusion"]["bytes"]),
        f"{r['inclusion']['verify_wall_ms_median5']:.0f}",
    ]


def md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def end_to_end_markdown(records: Sequence[dict[str, Any]]) -> str:
    lines = [
        "# End-to-end benchmark (real CLI, subprocesses)",
        "",
        "Written by `benches/end_to_end.py`; one row per run, from `end_to_end.json`.",
        "Balances uniform below 2^40; reserves = totals + 1 %; curve secp256k1.",
        "CPU s: user + system of the command and the worker processes it reaped.",
        "Peak RSS: largest single process (ru_maxrss) over prove and verify; the JSON",
        "also has a sampled peak of the summed PSS of the process tree.",
        "verify-inclusion ms: median of 5 wall-clock CLI runs, Python start-up included",
        "(see `cli_startup_ms_median5`).",
        "",
        md_line(MD_COLUMNS),
        md_line(["---:"] * len(MD_COLUMNS)),
    ]
    lines += [md_line(md_row(r)) for r in records]
    return "\n".join(lines) + "\n"


def plot_end_to_end(records: Sequence[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    groups: dict[int, list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault(r["assets"], []).append(r)
    groups = {k: v for k, v in groups.items() if len({r["users"] for r in v}) >= 2}
    if not groups:
        return False
    fig, ax = plt.subplots(figsize=(7, 5))
    for k, rows in sorted(groups.items()):
        best: dict[int, dict[str, Any]] = {}
        for r in rows:  # the latest run per user count
            best[r["users"]] = r
        xs = sorted(best)
        ax.plot(xs, [best[x]["prove"]["wall_s"] for x in xs], "o-", label=f"prove, {k} assets")
        ax.plot(xs, [best[x]["verify"]["wall_s"] for x in xs], "s--", label=f"verify, {k} assets")
        for x in xs:  # the padded leaf count is what the cost follows
            ax.annotate(
                f"{best[x]['padded_leaves']} leaves",
                (x, best[x]["prove"]["wall_s"]),
                textcoords="offset points",
                xytext=(4, -12),
                fontsize=8,
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("users")
    ax.set_ylabel("wall seconds")
    ax.set_title("zksolvency prove / verify (CLI, end to end)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)
    return True


# -- inclusion-only mode -------------------------------------------------------------
def synthetic_leaves(
    secrets_: Any,
    user_ids: Sequence[str],
    balances: Sequence[Sequence[int]],
    assets: Sequence[str],
    padded: int,
    group: Any,
) -> tuple[Any, list[list[Any]], Any]:
    """(id hashes (P, 32), points[asset][slot], slots of the users): the leaves
    ``prove_epoch`` makes for these users, with zero-valued padding leaves."""
    import numpy as np

    from zksolvency import tree as merkle
    from zksolvency.kdf import seed_blinding, seed_salt
    from zksolvency.pedersen import generators

    gens = generators(group)
    q = group.order
    k = len(assets)
    slots = secrets_.leaf_order(list(user_ids), padded)
    owner = {int(s): u for u, s in enumerate(slots)}
    gens.commit(0, 1)  # warm the fixed-base table
    id_hashes = np.empty((padded, 32), dtype=np.uint8)
    points: list[list[Any]] = [[None] * padded for _ in assets]
    t0 = time.perf_counter()
    last = t0
    for slot in range(padded):
        u = owner.get(slot)
        if u is not None:
            seed = secrets_.user_seed(user_ids[u])
            idh = merkle.id_hash(user_ids[u], seed_salt(seed))
            vals = balances[u]
        else:
            seed = secrets_.padding_seed(slot)
            idh = secrets_.padding_id_hash(slot)
            vals = [0] * k
        id_hashes[slot] = np.frombuffer(idh, dtype=np.uint8)
        for a, asset in enumerate(assets):
            points[a][slot] = gens.commit(vals[a], seed_blinding(seed, asset, q))
        now = time.perf_counter()
        if now - last >= 5 or slot + 1 == padded:
            last = now
            done = slot + 1
            rate = done / (now - t0)
            log(
                f"  commitments {done}/{padded} ({100 * done / padded:.0f} %), "
                f"{1e6 / rate / k:.0f} µs per commitment, ETA {(padded - done) / rate:.0f} s"
            )
    return id_hashes, points, slots


def inclusion_only(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from zksolvency import inclusion as inc
    from zksolvency import tree as merkle
    from zksolvency.groups import get_group
    from zksolvency.kdf import EpochSecrets, liabilities_digest

    padded = args.leaves
    if padded < 2 or padded & (padded - 1):
        raise SystemExit("--leaves must be a power of two ≥ 2")
    users = min(args.users, padded)
    assets = asset_names(args.assets)
    k = len(assets)
    env = environment()
    log(f"NOTE: {INCLUSION_NOTE}")
    curve = "secp256k1"
    group = get_group(curve)
    epoch = time.strftime("%Y-%m")
    master = secrets.token_bytes(32)
    rnd = random.SystemRandom()
    user_ids = [user_id(i) for i in range(users)]
    balances = [[rnd.getrandbits(BALANCE_BITS) for _ in assets] for _ in user_ids]
    data = liabilities_digest(user_ids, assets, np.array(balances, dtype="<u8").reshape(-1, k))
    secrets_ = EpochSecrets(master, epoch, curve, data)

    # Leaves: the same derivations as prove_epoch (users, then zero-valued padding).
    t0 = time.perf_counter()
    id_hashes, points, slots = synthetic_leaves(secrets_, user_ids, balances, assets, padded, group)
    leaves_s = time.perf_counter() - t0
    log(f"leaves: {padded} × {k} commitments in {leaves_s:.1f} s")

    built = 0
    t1 = time.perf_counter()
    last = t1

    def tree_progress(n: int) -> None:
        nonlocal built, last
        built += n
        now = time.perf_counter()
        if now - last >= 5 or built == 2 * padded - 1:
            last = now
            log(f"  tree nodes {built}/{2 * padded - 1}")

    t = merkle.build(group, epoch, id_hashes, points, tree_progress)
    tree_s = time.perf_counter() - t1
    del points
    log(f"tree: {tree_s:.1f} s; root {t.root_hash.hex()}")

    # One user's inclusion proof, exactly as inclusion.make builds it.
    u = rnd.randrange(users)
    uid = user_ids[u]
    slot = int(slots[u])
    seed = secrets_.user_seed(uid)
    path = b"".join(h + c for h, c in t.path(slot))
    proof = inc.InclusionProof(
        curve, epoch, uid, tuple(assets), tuple(balances[u]), seed, slot, path, t.root_hash
    )
    data = proof.to_json()
    args.out.mkdir(parents=True, exist_ok=True)
    proof_file = args.out / f"inclusion-proof-{padded}x{k}.json"
    atomic_write(proof_file, lambda tmp: tmp.write_bytes(data))
    result = inc.verify(inc.parse(data), root=t.root_hash)  # also a correctness check
    assert result.levels == padded.bit_length() - 1

    times = []
    for _ in range(20):
        s = time.perf_counter()
        inc.verify(inc.parse(proof_file.read_bytes()), root=t.root_hash)
        times.append(time.perf_counter() - s)
    workdir = Path(tempfile.mkdtemp(prefix="zks-incl-"))
    try:
        cli_med, cli_all = median_wall(
            ["verify-inclusion", str(proof_file), "--root", t.root_hash.hex()], workdir, 5
        )
        startup_med, _ = median_wall(["version"], workdir, 5)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "benchmark": "inclusion_only",
        "note": INCLUSION_NOTE,
        "range_proofs_built": False,
        "curve": curve,
        "padded_leaves": padded,
        "levels": result.levels,
        "assets": k,
        "asset_names": assets,
        "real_users": users,
        "user": uid,
        "leaf_index": slot,
        "root_hash": t.root_hash.hex(),
        "proof_file": str(
            proof_file.relative_to(ROOT) if proof_file.is_relative_to(ROOT) else proof_file
        ),
        "proof_bytes": len(data),
        "path_bytes": len(path),
        "verify_in_process_ms_median20": round(statistics.median(times) * 1000, 3),
        "verify_in_process_ms_min": round(min(times) * 1000, 3),
        "verify_cli_wall_ms_median5": round(cli_med * 1000, 1),
        "verify_cli_wall_ms_all": [round(w * 1000, 1) for w in cli_all],
        "cli_startup_ms_median5": round(startup_med * 1000, 1),
        "build_leaves_s": round(leaves_s, 1),
        "build_leaves_us_per_commitment": round(leaves_s / (padded * k) * 1e6, 1),
        "build_tree_s": round(tree_s, 1),
        "environment": env,
    }


def inclusion_markdown(records: Sequence[dict[str, Any]]) -> str:
    cols = (
        "padded leaves",
        "levels",
        "assets",
        "proof bytes",
        "verify in-process ms (median 20)",
        "verify-inclusion CLI ms (median 5)",
        "CLI start-up ms",
        "commitments s",
        "tree s",
    )
    lines = [
        "# Inclusion proofs at large trees (no range proofs)",
        "",
        "Written by `benches/end_to_end.py --inclusion-only`. " + INCLUSION_NOTE + ".",
        "CLI times are wall-clock of `zksolvency verify-inclusion FILE --root HEX`,",
        "Python start-up included (`zksolvency version` as the start-up baseline).",
        "",
        md_line(cols),
        md_line(["---:"] * len(cols)),
    ]
    for r in records:
        lines.append(
            md_line(
                [
                    str(r["padded_leaves"]),
                    str(r["levels"]),
                    str(r["assets"]),
                    str(r["proof_bytes"]),
                    f"{r['verify_in_process_ms_median20']:.2f}",
                    f"{r['verify_cli_wall_ms_median5']:.0f}",
                    f"{r['cli_startup_ms_median5']:.0f}",
                    f"{r['build_leaves_s']:.0f}",
                    f"{r['build_tree_s']:.0f}",
                ]
            )
        )
    return "\n".join(lines) + "\n"


# -- output --------------------------------------------------------------------------
def append_json(path: Path, record: dict[str, Any]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    if path.exists():
        records = json.loads(path.read_text())
        if not isinstance(records, list):
            raise SystemExit(f"{path}: expected a JSON list")
    records.append(record)
    text = json.dumps(records, indent=2) + "\n"
    atomic_write_text(path, text)
    return records


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=None, help="users (end to end; default 1000)")
    p.add_argument("--assets", type=int, default=None, help="assets (default 3; inclusion: 1)")
    p.add_argument("--workers", type=int, default=None, help="prove/verify --workers")
    p.add_argument("--batch-size", type=int, default=16, help="prove --batch-size")
    p.add_argument("--min-leaves", type=int, default=1024, help="prove --leaves (minimum)")
    p.add_argument("--out", type=Path, default=ROOT / "benches" / "results")
    p.add_argument("--keep", action="store_true", help="keep the temporary exchange and bundle")
    p.add_argument("--inclusion-only", action="store_true", help="inclusion figures only")
    p.add_argument("--leaves", type=int, default=1 << 20, help="inclusion-only: padded leaves")
    args = p.parse_args(argv)
    if args.assets is None:
        args.assets = 1 if args.inclusion_only else 3
    if args.users is None:
        args.users = 8 if args.inclusion_only else 1000
    if args.users < 1 or args.assets < 1:
        p.error("--users and --assets must be ≥ 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if args.inclusion_only:
        record = inclusion_only(args)
        record["elapsed_s"] = round(time.perf_counter() - start, 1)
        records = append_json(args.out / "inclusion.json", record)
        md = inclusion_markdown(records)
        atomic_write_text(args.out / "inclusion.md", md)
        print(INCLUSION_NOTE)
        print(
            f"{record['padded_leaves']} padded leaves ({record['levels']} levels), "
            f"{record['assets']} asset(s): inclusion proof {record['proof_bytes']} bytes; "
            f"verify in-process {record['verify_in_process_ms_median20']:.2f} ms (median of 20); "
            f"`zksolvency verify-inclusion --root` {record['verify_cli_wall_ms_median5']:.0f} ms "
            f"wall (median of 5; Python start-up alone {record['cli_startup_ms_median5']:.0f} ms)"
        )
        print(f"total {record['elapsed_s']} s → {args.out / 'inclusion.json'}")
        return 0
    record = end_to_end(args)
    record["elapsed_s"] = round(time.perf_counter() - start, 1)
    records = append_json(args.out / "end_to_end.json", record)
    md = end_to_end_markdown(records)
    atomic_write_text(args.out / "end_to_end.md", md)
    plotted = plot_end_to_end(records, args.out / "end_to_end.png")
    print(md_line(MD_COLUMNS))
    print(md_line(md_row(record)))
    print(
        f"total {record['elapsed_s']} s → {args.out / 'end_to_end.json'}"
        + (f", {args.out / 'end_to_end.png'}" if plotted else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
