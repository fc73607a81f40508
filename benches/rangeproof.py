"""Range-proof benchmark sweep: prove / verify / batch-verify times on one core.

Usage::

    python benches/rangeproof.py [--quick] [--out benches/results]

What is measured (all through :func:`zksolvency.bench.rangeproof`, medians):

* **Fast backends** (secp256k1/coincurve, bls12_381/arkworks) over
  n ∈ {8, 16, 32, 64} bits and m ∈ {1, 2, 4, 8, 16, 32, 64} values per
  aggregated proof. secp256k1/coincurve runs its MSMs in the optional native
  module when it is built (``secp256k1_coincurve.NATIVE``).
* **secp256k1/coincurve without the native module** (role ``pure``, backend
  shown as "coincurve (no native)"): the same backend with
  ``ZKSOLVENCY_NATIVE=0`` in its process's environment, i.e. the pure-Python
  MSMs on coincurve's exported functions, what an install without a C
  compiler gets; only at n = 64, m ∈ {1, 16} (same schedule as the fast
  rows). Not in the zkbp ratios nor in the plot, which compare the default
  (fast) rows only.
* **Reference backends** (py_ecc) only at n ∈ {8, 16}, m ∈ {1, 2} with
  runs = 1, batch = 2: they are pure Python and two to three orders of
  magnitude slower (a 16×2 BLS12-381 proof takes tens of seconds).
* **zkbp** (JPMorgan's single-value Bulletproofs over BN254, in Rust), when
  importable, for every n of the sweep it accepts: its inner-product argument
  asserts that n is a power of two (1 … 128 work; 7, 24, 48, 63 panic), so all
  of {8, 16, 32, 64}. The script prints zkbp time / our time for m = 1 (above
  1: we are faster). Measured by :func:`zksolvency.bench.zkbp_rangeproof`,
  which draws values v < 2^min(n, 31): zkbp 0.1.5's ``commit`` and
  ``range_proof_single`` take the value as a 32-bit signed int (a
  Bulletproof's cost does not depend on v).

Every measurement runs in a fresh process (``spawn``), one at a time, pinned
to one core (``one_core()`` in the parent; children inherit the affinity and
``RAYON_NUM_THREADS=1``). So ``setup_ms`` is the cold cost of hashing the
generators, building their comb tables and one warm-up proof for that (n, m),
and no point warms the caches of the next. The spawn costs ~1 s per point.

Runs and batch size per point (:func:`schedule`) were chosen from the time
of one proof measured on the 2-core x86-64 VM this was written on (AMD EPYC,
one core; n = 64 unless noted; the library was changing, so these are
orders of magnitude, not results; measured before the native module, so
these are the pure rows' magnitudes):

=============== ============ ============ =========== ==========
n·m             secp256k1    BLS12-381    setup secp  runs/batch
=============== ============ ============ =========== ==========
8 (n = 8)       4 ms         11 ms        0.2 s       15 / 16
64              17 ms        88 ms        1.5 s       15 / 16
256             80 ms        0.31 s       1.7 s       11 / 16
512             0.13 s       0.38 s       3 s         9 / 16
1024            0.27 s       0.79 s       6.5 s       7 / 8
2048            1.2 s        1.4 s        14 s        5 / 8
4096            1.6 s        2.6 s        32 s        5 / 8
=============== ============ ============ =========== ==========

``rangeproof()`` proves max(runs, batch) proofs, verifies ``runs`` of them
and batch-verifies ``batch`` of them max(3, runs // 2) times, so a point
costs about max(runs, batch) · prove + setup (+ ~1 s to spawn). The
exception is secp256k1 n = 64, m = 64 (a headline figure: 4096 range bits),
which gets runs = 7 and batch = 16 (~1.5 min on its own). With the previous
schedule (one step fewer runs) the whole default sweep took 7 minutes; this
one about 8–10 (the JSON header has ``elapsed_s``), plus ~20 s for the two
pure points; on a noisy machine allow 1.5×, still under 25 minutes.

``--quick`` (CI smoke test): n ∈ {8, 64}, m ∈ {1, 2}, secp256k1 fast only,
runs = 3, batch = 4, one pure point (n = 64, m = 1), plus zkbp at n ∈ {8, 64}
if present; ~10 s.

Every zksolvency result records the MSM engine that ran (``msm``, from
``zksolvency.bench.msm_engine``); the Markdown lists it per backend under the
table, and a pure row that reports the native engine is an error.

Outputs (written to temporary files and renamed, so an interrupted run leaves
the previous outputs intact): ``<out>/rangeproof.json`` (header + results),
``<out>/rangeproof.md`` (the table, also printed) and, when matplotlib is
importable, ``<out>/rangeproof.png`` (prove and verify ms against m, log-log,
one line per curve and n).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as `python benches/rangeproof.py`: make the sibling `_common` importable from any cwd.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import atomic_write, atomic_write_text, bench_parser, cpu_model, source_state

from zksolvency import bench

BITS = (8, 16, 32, 64)
VALUES = (1, 2, 4, 8, 16, 32, 64)
FAST = (("secp256k1", "coincurve"), ("bls12_381", "arkworks"))
REFERENCE = (("secp256k1", "py_ecc"), ("bls12_381", "py_ecc"))
REFERENCE_BITS = (8, 16)
REFERENCE_VALUES = (1, 2)
QUICK_BITS = (8, 64)
QUICK_VALUES = (1, 2)
#: secp256k1/coincurve with the native module off (role "pure"): these points only.
PURE = ("secp256k1", "coincurve")
PURE_BITS = (64,)
PURE_VALUES = (1, 16)
QUICK_PURE_VALUES = (1,)
PURE_ENV = (("ZKSOLVENCY_NATIVE", "0"),)
ZKBP_RUNS = 15
QUICK_RUNS = 3
#: (largest n·m, runs, batch), see the module docstring.
SCHEDULE = (
    (128, 15, 16),
    (256, 11, 16),
    (512, 9, 16),
    (1024, 7, 8),
    (2048, 5, 8),
    (4096, 5, 8),
)
#: (curve, n, m) -> (runs, batch) overriding SCHEDULE for headline figures.
HEADLINE = {("secp256k1", 64, 64): (7, 16)}
VERSIONED = ("zksolvency", "coincurve", "py_arkworks_bls12381", "py_ecc", "numpy", "zkbp")


@dataclass(frozen=True)
class Case:
    """One call of ``bench.rangeproof``."""

    curve: str
    backend: str
    bits: int
    values: int
    runs: int
    batch: int
    role: str  # "fast", "pure" (fast backend, native module off) or "reference"
    env: tuple[tuple[str, str], ...] = ()  # set in the measuring process's environment

    def label(self) -> str:
        return (
            f"{self.curve}/{self.backend} n={self.bits} m={self.values} "
            f"runs={self.runs} batch={self.batch}" + "".join(f" {k}={v}" for k, v in self.env)
        )


def schedule(curve: str, bits: int, values: int) -> tuple[int, int]:
    """(runs, batch) for one point of the default sweep: fewer for big n·m."""
    if (curve, bits, values) in HEADLINE:
        return HEADLINE[(curve, bits, values)]
    size = bits * values
    for limit, runs, batch in SCHEDULE:
        if size <= limit:
            return runs, batch
    raise ValueError(f"no schedule for n·m = {size}")


def plan(quick: bool) -> list[Case]:
    """The cases of one run, fast backends first, then the pure points."""
    if quick:
        curve, backend = FAST[0]
        return [
            Case(curve, backend, n, m, QUICK_RUNS, 4, "fast")
            for n in QUICK_BITS
            for m in QUICK_VALUES
        ] + [
            Case(*PURE, n, m, QUICK_RUNS, 4, "pure", PURE_ENV)
            for n in PURE_BITS
            for m in QUICK_PURE_VALUES
        ]
    cases = [
        Case(curve, backend, n, m, *schedule(curve, n, m), "fast")
        for curve, backend in FAST
        for n in BITS
        for m in VALUES
    ]
    cases += [
        Case(*PURE, n, m, *schedule(PURE[0], n, m), "pure", PURE_ENV)
        for n in PURE_BITS
        for m in PURE_VALUES
    ]
    cases += [
        Case(curve, backend, n, m, 1, 2, "reference")
        for curve, backend in REFERENCE
        for n in REFERENCE_BITS
        for m in REFERENCE_VALUES
    ]
    return cases


def zkbp_bits(bits: Iterable[int]) -> list[int]:
    """The n zkbp accepts: its inner-product argument panics unless n is a power of two."""
    return [n for n in bits if n > 0 and n & (n - 1) == 0]


@contextmanager
def environment(env: Sequence[tuple[str, str]]) -> Iterator[None]:
    """Set these variables in os.environ (inherited by processes spawned meanwhile)."""
    old = {key: os.environ.get(key) for key, _ in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def in_fresh_process(
    fn: Callable[..., Any], *args: Any, env: Sequence[tuple[str, str]] = ()
) -> Any:
    """fn(*args) in a newly spawned interpreter (inherits CPU affinity and env, plus ``env``)."""
    ctx = multiprocessing.get_context("spawn")
    with environment(env), ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


def run_case(case: Case) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = in_fresh_process(
        bench.rangeproof,
        case.curve,
        case.backend,
        case.bits,
        case.values,
        case.runs,
        case.batch,
        env=case.env,
    )
    if case.role == "pure" and str(result.get("msm", "")).startswith("native"):
        raise RuntimeError(f"{case.label()}: the native module ran all the same")
    out = {"library": "zksolvency", "role": case.role, **result, "wall_s": elapsed(t0)}
    if case.env:
        out["env"] = dict(case.env)
    return out


def run_zkbp(bits: int, runs: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = in_fresh_process(bench.zkbp_rangeproof, bits, runs)
    if result is None:  # importable in the parent but not in the child: a broken install
        raise RuntimeError("zkbp became unimportable in the benchmark process")
    return {**result, "role": "comparison", "backend": "zkbp", "runs": runs, "wall_s": elapsed(t0)}


def elapsed(t0: float) -> float:
    return round(time.perf_counter() - t0, 2)


# -- header ------------------------------------------------------------------------
def versions(names: Sequence[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def header(quick: bool, pinned: bool, load: Sequence[float]) -> dict[str, Any]:
    return {
        "benchmark": "rangeproof",
        "mode": "quick" if quick else "full",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "pinned_to_one_core": pinned,
        # load before this script started (its own process adds ~1 from then on)
        "loadavg_at_start": list(load),
        "versions": versions(VERSIONED),
        "note": (
            "medians over 'runs'; each point in a fresh process; role 'pure' is "
            "secp256k1/coincurve with ZKSOLVENCY_NATIVE=0 (native MSM module off), "
            "at a few points only; reference (py_ecc) backends only at small n "
            "and m (orders of magnitude slower); zkbp is single-value BN254 "
            "Bulletproofs in Rust; 'msm' in each result names the MSM engine that ran"
        ),
    }


# -- comparison and report -----------------------------------------------------------
def ratios(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """zkbp time / our time for m = 1 on each fast backend (above 1: ours is faster).

    Only role "fast" rows (the default configuration: native module on when
    built), not the "pure" ones."""
    zk = {r["bits"]: r for r in results if r.get("library") == "zkbp"}
    out = []
    for r in results:
        if r["role"] != "fast" or r["values"] != 1 or r["bits"] not in zk:
            continue
        z = zk[r["bits"]]
        out.append(
            {
                "curve": r["curve"],
                "backend": r["backend"],
                "bits": r["bits"],
                "prove_ratio": round(z["prove_ms"] / r["prove_ms"], 2),
                "verify_ratio": round(z["verify_ms"] / r["verify_ms"], 2),
            }
        )
    return out


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value < 10:
            return f"{value:.3g}"
        return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}"
    return str(value)


def backend_label(r: dict[str, Any]) -> str:
    """The backend column: marks zkbp as Rust and the pure rows as native-off."""
    if r.get("library") == "zkbp":
        return f"{r['backend']} (Rust)"
    if r["role"] == "pure":
        return f"{r['backend']} (no native)"
    return r["backend"]


def engines(results: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(curve/backend label, MSM engine) per backend row group, in order of appearance."""
    out: dict[str, list[str]] = {}
    for r in results:
        if "msm" in r:
            seen = out.setdefault(f"{r['curve']}/{backend_label(r)}", [])
            if r["msm"] not in seen:
                seen.append(r["msm"])
    return [(key, " / ".join(seen)) for key, seen in out.items()]


def markdown(head: dict[str, Any], results: Sequence[dict[str, Any]]) -> str:
    pure = [f"n = {r['bits']}, m = {r['values']}" for r in results if r["role"] == "pure"]
    lines = [
        f"# Range proofs, one core ({head['mode']} run, {head['date']})",
        "",
        f"CPU: {head['cpu_model']} ({head['cpu_count']} cores, pinned to one: "
        f"{head['pinned_to_one_core']}; load average before start "
        f"{'/'.join(map(str, head['loadavg_at_start']))}); Python {head['python']}; "
        + ", ".join(f"{k} {v}" for k, v in head["versions"].items() if v),
        "",
        f"Sources: git {head['source_at_start']['git_head']} + working tree (sha256 "
        f"{head['source_at_start']['sources_sha256']} at start, "
        f"{head['source_at_end']['sources_sha256']} at end"
        + ("" if head["source_at_start"] == head["source_at_end"] else ": CHANGED mid-run")
        + ").",
        "",
        "Medians. "
        + (
            '"coincurve (no native)" rows are secp256k1/coincurve with '
            "`ZKSOLVENCY_NATIVE=0` (the pure-Python MSMs on coincurve, without the native "
            f"module), only at {'; '.join(pure)}; the zkbp ratios and the plot use the "
            "default rows. "
            if pure
            else ""
        )
        + "Reference (py_ecc) backends are measured only at small sizes "
        "(n ≤ 16, m ≤ 2, runs = 1, batch = 2): they are orders of magnitude slower. "
        "zkbp is single-value (m = 1) Bulletproofs over BN254 in Rust, for comparison. "
        "Setup = cold generator hashing, comb tables and one warm-up prove + verify.",
        "",
        "| curve | backend | n | m | prove ms | verify ms | batch verify ms/value "
        "| proof bytes | setup ms | runs/batch |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        runs = f"{r['runs']}/{r['batch_proofs']}" if "batch_proofs" in r else f"{r['runs']}/—"
        cells = [
            r["curve"],
            backend_label(r),
            r["bits"],
            r["values"],
            fmt(r["prove_ms"]),
            fmt(r["verify_ms"]),
            fmt(r.get("batch_verify_ms_per_value")),
            r["proof_bytes"],
            fmt(r.get("setup_ms")),
            runs,
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    engine_list = engines(results)
    if engine_list:
        lines += ["", "MSM engine per backend (`msm` in the JSON):", ""]
        lines += [f"- {key}: {engine}" for key, engine in engine_list]
    comparison = ratios(results)
    if comparison:
        lines += [
            "",
            "zkbp time / our time at m = 1 (above 1: ours is faster):",
            "",
            "| curve | backend | n | prove ratio | verify ratio |",
            "|---|---|--:|--:|--:|",
        ]
        lines += [
            f"| {c['curve']} | {c['backend']} | {c['bits']} | {c['prove_ratio']} "
            f"| {c['verify_ratio']} |"
            for c in comparison
        ]
    lines += ["", f"Total runtime: {head.get('elapsed_s', '?')} s.", ""]
    return "\n".join(lines)


def plot(results: Sequence[dict[str, Any]], path: Path) -> bool:
    """Prove and verify ms against m (log-log) per curve and n; False without matplotlib."""
    if importlib.util.find_spec("matplotlib") is None:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _pos: f"{v:g}")
    fast = [r for r in results if r["role"] == "fast"]
    series = sorted({(r["curve"], r["backend"], r["bits"]) for r in fast})
    colour = {n: f"C{i}" for i, n in enumerate(sorted({s[2] for s in series}))}
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    for ax, key, title in zip(axes, ("prove_ms", "verify_ms"), ("prove", "verify"), strict=True):
        for curve, backend, bits in series:
            pts = sorted(
                (r["values"], r[key])
                for r in fast
                if (r["curve"], r["backend"], r["bits"]) == (curve, backend, bits)
            )
            ax.plot(
                *zip(*pts, strict=True),
                "-" if curve == "secp256k1" else "--",
                color=colour[bits],
                marker="o" if curve == "secp256k1" else "s",
                label=f"{curve} ({backend}) n={bits}",
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(sorted({r["values"] for r in fast}))
        ax.xaxis.set_major_formatter(plain)
        ax.yaxis.set_major_formatter(plain)
        ax.set_xlabel("m (values per proof)")
        ax.set_ylabel("ms (median, one core)")
        ax.set_title(f"range proof: {title}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=120))
    plt.close(fig)
    return True


def write_outputs(out: Path, head: dict[str, Any], results: list[dict[str, Any]]) -> str:
    out.mkdir(parents=True, exist_ok=True)
    table = markdown(head, results)
    doc = {"header": {**head, "zkbp_ratios": ratios(results)}, "results": results}
    atomic_write_text(out / "rangeproof.json", json.dumps(doc, indent=2) + "\n")
    atomic_write_text(out / "rangeproof.md", table)
    if not plot(results, out / "rangeproof.png"):
        print("matplotlib not importable: no plot written")
    return table


# -- main ------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny subset for CI smoke tests")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    load = [round(x, 2) for x in os.getloadavg()]
    pinned = bench.one_core()
    source_at_start = source_state()
    cases = plan(args.quick)
    have_zkbp = importlib.util.find_spec("zkbp") is not None
    zk_bits = zkbp_bits(QUICK_BITS if args.quick else BITS) if have_zkbp else []
    total = len(cases) + len(zk_bits)
    print(f"{total} measurements, one at a time on one core (pinned: {pinned})", flush=True)
    if not have_zkbp:
        print("zkbp not importable: no comparison (pip install zkbp)", flush=True)
    print(
        "reference (py_ecc) backends: only n ∈ {8, 16}, m ∈ {1, 2}, runs = 1, batch = 2 "
        "(orders of magnitude slower)"
        if not args.quick
        else "quick mode: secp256k1 fast backend only (and one point without native)",
        flush=True,
    )
    print(
        "coincurve without the native module (ZKSOLVENCY_NATIVE=0): "
        + ", ".join(f"n={c.bits} m={c.values}" for c in cases if c.role == "pure"),
        flush=True,
    )
    results: list[dict[str, Any]] = []
    for i, case in enumerate(cases, 1):
        print(f"[{i}/{total}] {case.label()} ...", end=" ", flush=True)
        results.append(run_case(case))
        r = results[-1]
        print(f"prove {r['prove_ms']} ms, verify {r['verify_ms']} ms ({r['wall_s']} s)", flush=True)
    zk_runs = QUICK_RUNS if args.quick else ZKBP_RUNS
    for j, bits in enumerate(zk_bits, len(cases) + 1):
        print(f"[{j}/{total}] zkbp n={bits} runs={zk_runs} ...", end=" ", flush=True)
        results.append(run_zkbp(bits, zk_runs))
        r = results[-1]
        print(f"prove {r['prove_ms']} ms, verify {r['verify_ms']} ms ({r['wall_s']} s)", flush=True)
    source_at_end = source_state()
    head = {
        **header(args.quick, pinned, load),
        "elapsed_s": elapsed(t0),
        "source_at_start": source_at_start,
        "source_at_end": source_at_end,
    }
    if source_at_end != source_at_start:
        print("WARNING: zksolvency sources changed during the run; points may mix versions")
    table = write_outputs(args.out, head, results)
    print()
    print(table)
    for c in ratios(results):
        if c["curve"] == "secp256k1" and c["bits"] == 64:
            print(
                f"zkbp / ours, secp256k1 n=64 m=1: prove {c['prove_ratio']}×, "
                f"verify {c['verify_ratio']}×"
            )
    print(f"wrote {args.out}/rangeproof.json, rangeproof.md (total {head['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
