"""Multi-scalar multiplication strategies: the measurements behind the MSM thresholds.

Usage::

    python benches/msm.py [--sizes 1,2,4,…] [--out benches/results]

On one core (``zksolvency.bench.one_core()``), random points (``hash_to_group``)
and random nonzero scalars. Timings are medians (:func:`time_medians`): the
strategies compared at one size are called in turn, round robin, so that the
machine's speed drifting (this VM varies by 1.5×) hits them alike; one warm-up
call each, then as many rounds as fit in ~10 s (at least 7, at most 51), with
the garbage collector off while timing, as ``timeit`` does.

secp256k1 on coincurve (``zksolvency.groups.secp256k1_coincurve``), for
N ∈ {1, 2, 4, …, 8192} (``--sizes``). Strategies (a)–(c) are the pure-Python
paths (what the library runs without the native module): they are timed with
``_NATIVE`` = None and ``NATIVE`` = False patched in for each call (``NATIVE``
picks the comb's table shapes), so that a loaded native module does not run
them in C instead:

(a) scalar by scalar: ``Secp256k1Coincurve().msm`` with ``PIPPENGER_MIN_TERMS``
    patched out of reach (one ``tweak_mul`` per term, then one ``combine``);
(b) ``pippenger(scalars, raw, raw_neg)`` directly, and separately the
    ``_raw_arrays`` copy that ``msm`` makes before calling it; the crossover
    against (a) compares (a) with (b) + raw arrays, i.e. the two ``msm`` paths.
    Between the last N where (a) wins and the first where (b) wins, three more
    sizes (geometric steps) are measured to narrow the crossover;
(c) the fixed-base comb: ``precompute(points)``, ``prepare(N)`` (as a
    prover does; without it ``msm_fixed`` builds only the hot bases' tables
    and runs Pippenger beyond them), then ``msm_fixed(table, scalars)`` with
    ``COMB_MIN_TERMS`` patched to 0 (so that it is the comb even at N < 3), for
    N ≤ ``COMB_MAX_BASES``, on a fresh table per N. prepare + first call −
    median call is reported as the one-time build cost per base (of whatever
    table shapes the library picks for that N);

and, when the native module is loaded (``secp256k1_coincurve.NATIVE``), what
the library runs with it:

(d) the native comb: ``msm_fixed`` on a fresh table per N, ``prepare(N)`` (native
    table build: h = 12 for every base) + first call − median call reported as
    the build cost per base, as for (c); natively ``msm_fixed`` takes the comb
    whenever the tables exist, whatever N;
(e) the native variable-base MSM: ``Secp256k1Coincurve().msm`` (libsecp256k1's
    ``ecmult_multi_var``, Strauss / Pippenger), for N ≥ 2 (one term is a
    ``tweak_mul``, i.e. (a)). Its time includes copying the point structs.

(f) Pippenger window widths c ∈ {4, …, 11} at N ∈ {512, 2048, 8192} (those ≤
    the largest N measured; ``_pippenger_window`` patched), against the width
    the library picks.

BLS12-381 on arkworks, N ∈ {1, …, 1024}: ``Bls12381Arkworks().msm`` with
``MULTIEXP_MIN_TERMS`` patched so that it sums ``P·Scalar(k)`` term by term,
and so that it calls ``G1Point.multiexp_unchecked``.

Every strategy's result is checked against the others' before timing.
Nothing in the library is changed: the script reports what the thresholds
should be. Writes ``<out>/msm.json`` and ``<out>/msm.md`` (temporary files,
then renamed) and prints the tables. Runtime about 5–7 minutes; at N = 2048
the pure and native comb tables take ~0.7 GiB together.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

# Run as `python benches/msm.py`: make the sibling `_common` importable from any cwd.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BUDGET_S,
    MAX_RUNS,
    MIN_RUNS,
    atomic_write_text,
    bench_parser,
    cpu_model,
    source_state,
    time_medians,
)

from zksolvency import bench
from zksolvency.groups import bls12_381_arkworks as ark
from zksolvency.groups import secp256k1_coincurve as cc

SIZES = tuple(1 << i for i in range(14))  # 1 … 8192
BLS_MAX = 1024
WINDOW_SIZES = (512, 2048, 8192)
WINDOWS = tuple(range(4, 12))
REFINE_STEPS = 4  # the bracket is split into this many geometric steps
DOMAIN = b"zksolvency/bench/msm"
NEVER = 1 << 62  # a term count no MSM reaches


@contextmanager
def patched(module: Any, name: str, value: Any) -> Iterator[None]:
    """Temporarily set module.name = value (the library is never edited)."""
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def with_patch(module: Any, name: str, value: Any, fn: Callable[[], Any]) -> Callable[[], Any]:
    """fn, called with module.name = value for the duration of each call."""

    def call() -> Any:
        with patched(module, name, value):
            return fn()

    return call


def pure(fn: Callable[[], Any]) -> Callable[[], Any]:
    """fn, called with the native module off: ``_NATIVE`` routes the work to C,
    ``NATIVE`` picks the comb shapes (``_shape_for``)."""
    return with_patch(cc, "_NATIVE", None, with_patch(cc, "NATIVE", False, fn))


def constant_window(c: int) -> Callable[[int], int]:
    return lambda _n: c


def random_scalars(count: int, order: int) -> list[int]:
    return [secrets.randbelow(order - 1) + 1 for _ in range(count)]


def check_equal(group: Any, label: str, results: Sequence[Any]) -> None:
    if not all(group.eq(results[0], r) for r in results[1:]):
        raise RuntimeError(f"MSM strategies disagree at {label}")


# -- secp256k1 -----------------------------------------------------------------------
def comb_first_call_ms(
    table: cc.CombTable,
    n: int,
    call: Callable[[], Any],
    wrap: Callable[[Callable[[], Any]], Callable[[], Any]],
    label: str,
) -> float:
    """prepare(n) + the first call (ms), both under ``wrap``; checks the tables exist."""
    t0 = time.perf_counter()
    # as a prover does: msm_fixed builds only the hot bases' tables itself
    wrap(partial(table.prepare, n))()
    call()
    ms = (time.perf_counter() - t0) * 1e3
    if not wrap(partial(table.use_comb, n))():
        raise RuntimeError(f"comb tables for N={n} not built: {label} would not time the comb")
    return ms


def secp_row(
    group: cc.Secp256k1Coincurve, points: Sequence[cc.Secp256k1Point], ks: list[int]
) -> dict[str, Any]:
    """(a), (b) and, for N ≤ COMB_MAX_BASES, (c) at N = len(ks); with the native
    module, (d) for N ≤ COMB_MAX_BASES and (e) for N ≥ 2."""
    n = len(ks)
    points = points[:n]
    structs = [p._p for p in points]
    raw, neg = cc._raw_arrays(structs)
    fns = {
        "scalar": pure(
            with_patch(cc, "PIPPENGER_MIN_TERMS", NEVER, partial(group.msm, ks, points))
        ),
        # pippenger and _raw_arrays are pure Python whatever NATIVE says
        "pippenger": partial(cc.pippenger, ks, raw, neg),
        "raw_arrays": partial(cc._raw_arrays, structs),
    }
    build_ms: dict[str, float] = {}
    if n <= cc.COMB_MAX_BASES:
        table = group.precompute(points)
        # COMB_MIN_TERMS patched to 0: below it msm_fixed would multiply term by term
        fns["comb"] = pure(with_patch(cc, "COMB_MIN_TERMS", 0, partial(group.msm_fixed, table, ks)))
        build_ms["comb"] = comb_first_call_ms(table, n, fns["comb"], pure, "(c)")
        if cc.NATIVE:
            native_table = group.precompute(points)
            fns["native_comb"] = partial(group.msm_fixed, native_table, ks)
            build_ms["native_comb"] = comb_first_call_ms(
                native_table, n, fns["native_comb"], lambda fn: fn, "(d)"
            )
    if cc.NATIVE and n >= 2:
        fns["native_msm"] = partial(group.msm, ks, points)
    check_equal(group, f"N={n}", [fn() for key, fn in fns.items() if key != "raw_arrays"])
    t = time_medians(fns)

    def ms(key: str) -> float | None:
        return t[key].ms if key in t else None

    def per_base(key: str) -> float | None:
        if key not in build_ms:
            return None
        return round(max(build_ms[key] - t[key].ms, 0.0) / n, 3)

    return {
        "n": n,
        "scalar_ms": t["scalar"].ms,
        "pippenger_ms": t["pippenger"].ms,
        "raw_arrays_ms": t["raw_arrays"].ms,
        "pippenger_total_ms": round(t["pippenger"].ms + t["raw_arrays"].ms, 4),
        "comb_ms": ms("comb"),
        "comb_build_ms_per_base": per_base("comb"),
        "native_comb_ms": ms("native_comb"),
        "native_comb_build_ms_per_base": per_base("native_comb"),
        "native_msm_ms": ms("native_msm"),
        "window": cc._pippenger_window(n),
        "runs": t["scalar"].runs,
    }


def crossover(rows: Sequence[dict[str, Any]], slow: str, fast: str) -> dict[str, Any]:
    """Where ``fast`` starts to beat ``slow`` for good.

    ``from_n``: the smallest measured N from which ``fast`` wins at every larger
    measured N; ``interpolated``: N where log(t_fast / t_slow) crosses 0, linear
    in log N between the two sizes around ``from_n``.
    """
    rows = sorted(rows, key=lambda r: r["n"])
    if not rows:
        return {"from_n": None, "interpolated": None}
    wins = [r[fast] < r[slow] for r in rows]
    k = len(rows)
    while k > 0 and wins[k - 1]:
        k -= 1
    if k == len(rows):
        return {"from_n": None, "interpolated": None, "last_slow_wins": rows[-1]["n"]}
    out: dict[str, Any] = {"from_n": rows[k]["n"], "interpolated": rows[k]["n"]}
    if k > 0:
        lo, hi = rows[k - 1], rows[k]
        r_lo = math.log(lo[fast] / lo[slow])
        r_hi = math.log(hi[fast] / hi[slow])
        frac = r_lo / (r_lo - r_hi)
        at = lo["n"] * (hi["n"] / lo["n"]) ** frac
        out["interpolated"] = round(at) if at >= 100 else round(at, 1)
        out["last_slow_wins"] = lo["n"]
    return out


def refine_sizes(lo: int, hi: int) -> list[int]:
    """Sizes strictly between lo and hi in REFINE_STEPS geometric steps."""
    sizes = {round(lo * (hi / lo) ** (i / REFINE_STEPS)) for i in range(1, REFINE_STEPS)}
    return sorted(s for s in sizes if lo < s < hi)


def row_summary(r: dict[str, Any]) -> str:
    text = (
        f"N={r['n']}: scalar {r['scalar_ms']} ms, pippenger {r['pippenger_total_ms']} ms, "
        f"comb {r['comb_ms']} ms"
    )
    if cc.NATIVE:
        text += f"; native comb {r['native_comb_ms']} ms, native msm {r['native_msm_ms']} ms"
    return text


def secp_sweep(log: Callable[[str], None], sizes: Sequence[int]) -> dict[str, Any]:
    group = cc.Secp256k1Coincurve()
    t0 = time.perf_counter()
    points = [group.hash_to_group(DOMAIN, i.to_bytes(4, "big")) for i in range(max(sizes))]
    log(
        f"secp256k1: {len(points)} points hashed in {time.perf_counter() - t0:.1f} s; "
        f"native module {'loaded' if cc.NATIVE else 'not loaded'}"
    )
    scalars = random_scalars(max(sizes), group.order)

    rows = []
    for n in sizes:
        rows.append(secp_row(group, points, scalars[:n]))
        log(row_summary(rows[-1]))
    first = crossover(rows, "scalar_ms", "pippenger_total_ms")
    if first.get("last_slow_wins") and first["from_n"]:
        for n in refine_sizes(first["last_slow_wins"], first["from_n"]):
            rows.append({**secp_row(group, points, scalars[:n]), "refine": True})
            log(row_summary(rows[-1]))
    rows.sort(key=lambda r: r["n"])

    windows = []
    for n in (w for w in WINDOW_SIZES if w <= max(sizes)):
        ks = scalars[:n]
        raw, neg = cc._raw_arrays([p._p for p in points[:n]])
        fns = {
            str(c): with_patch(
                cc, "_pippenger_window", constant_window(c), partial(cc.pippenger, ks, raw, neg)
            )
            for c in WINDOWS
        }
        t = time_medians(fns)
        windows += [{"n": n, "c": c, "ms": t[str(c)].ms, "runs": t[str(c)].runs} for c in WINDOWS]
        log(f"windows at N={n} done")
    return {
        "rows": rows,
        "crossover_scalar_vs_pippenger": crossover(rows, "scalar_ms", "pippenger_total_ms"),
        "crossover_scalar_vs_comb": crossover(
            [r for r in rows if r["comb_ms"] is not None], "scalar_ms", "comb_ms"
        ),
        # natively: where the comb (tables built) starts to beat ecmult_multi for good
        "crossover_native_msm_vs_native_comb": crossover(
            [r for r in rows if r["native_comb_ms"] is not None and r["native_msm_ms"] is not None],
            "native_msm_ms",
            "native_comb_ms",
        ),
        "windows": windows,
        "best_window": best_windows(windows),
    }


def best_windows(windows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in sorted({w["n"] for w in windows}):
        at_n = [w for w in windows if w["n"] == n]
        best = min(at_n, key=lambda w: w["ms"])
        chosen = cc._pippenger_window(n)
        chosen_ms = next(w["ms"] for w in at_n if w["c"] == chosen)
        out.append(
            {
                "n": n,
                "best_c": best["c"],
                "best_ms": best["ms"],
                "library_c": chosen,
                "library_ms": chosen_ms,
                "library_loss_pct": round(100 * (chosen_ms / best["ms"] - 1), 1),
            }
        )
    return out


# -- BLS12-381 -----------------------------------------------------------------------
def bls_sweep(log: Callable[[str], None], sizes: Sequence[int]) -> dict[str, Any]:
    group = ark.Bls12381Arkworks()
    sizes = [n for n in sizes if n <= BLS_MAX]
    if not sizes:
        return {"rows": [], "crossover_term_vs_multiexp": crossover([], "term_ms", "multiexp_ms")}
    points = [group.hash_to_group(DOMAIN, i.to_bytes(4, "big")) for i in range(max(sizes))]
    scalars = random_scalars(max(sizes), group.order)
    rows = []
    for n in sizes:
        msm = partial(group.msm, scalars[:n], points[:n])
        fns = {
            "term": with_patch(ark, "MULTIEXP_MIN_TERMS", NEVER, msm),
            "multiexp": with_patch(ark, "MULTIEXP_MIN_TERMS", 0, msm),
        }
        check_equal(group, f"BLS N={n}", [fn() for fn in fns.values()])
        t = time_medians(fns)
        rows.append(
            {
                "n": n,
                "term_ms": t["term"].ms,
                "multiexp_ms": t["multiexp"].ms,
                "runs": t["term"].runs,
            }
        )
        log(f"BLS N={n}: term by term {t['term'].ms} ms, multiexp {t['multiexp'].ms} ms")
    return {"rows": rows, "crossover_term_vs_multiexp": crossover(rows, "term_ms", "multiexp_ms")}


# -- report ----------------------------------------------------------------------------
def library_constants() -> dict[str, Any]:
    """The thresholds in force (read, whatever the library currently defines)."""
    out: dict[str, Any] = {
        f"secp256k1_coincurve.{name}": value
        for name, value in vars(cc).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, int)
    }
    out |= {
        f"secp256k1_coincurve.{name}.teeth": value.teeth
        for name, value in vars(cc).items()
        if name.isupper() and not name.startswith("_") and hasattr(value, "teeth")
    }
    out |= {
        f"secp256k1_coincurve._pippenger_window({n})": cc._pippenger_window(n) for n in WINDOW_SIZES
    }
    out["bls12_381_arkworks.MULTIEXP_MIN_TERMS"] = ark.MULTIEXP_MIN_TERMS
    return out


def native_state() -> dict[str, Any]:
    """Whether the optional native module was built, and whether this run loaded it."""
    return {
        "built": importlib.util.find_spec("zksolvency.groups._secp256k1_native") is not None,
        "loaded": cc.NATIVE,
        "ZKSOLVENCY_NATIVE": os.environ.get("ZKSOLVENCY_NATIVE"),
    }


def header(pinned: bool, load: Sequence[float], sizes: Sequence[int]) -> dict[str, Any]:
    names = ("zksolvency", "coincurve", "py_arkworks_bls12381", "numpy")
    return {
        "benchmark": "msm",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "pinned_to_one_core": pinned,
        # load before this script started (its own process adds ~1 from then on)
        "loadavg_at_start": list(load),
        "versions": {n: importlib.metadata.version(n) for n in names},
        "source": source_state(),
        "native_module": native_state(),
        "sizes": list(sizes),
        "library_constants": library_constants(),
        "timing": {
            "statistic": "median, strategies interleaved, one warm-up each, GC off",
            "budget_s": BUDGET_S,
            "min_runs": MIN_RUNS,
            "max_runs": MAX_RUNS,
        },
    }


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 10:
        return f"{value:.3g}"
    return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}"


def per_term(ms: float | None, n: int) -> float | None:
    """µs per term."""
    return None if ms is None else ms * 1e3 / n


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    align = ["---"] + ["--:"] * (len(columns) - 1)
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def markdown(head: dict[str, Any], secp: dict[str, Any], bls: dict[str, Any]) -> str:
    consts = head["library_constants"]
    cross = secp["crossover_scalar_vs_pippenger"]
    ccross = secp["crossover_scalar_vs_comb"]
    ncross = secp["crossover_native_msm_vs_native_comb"]
    bcross = bls["crossover_term_vs_multiexp"]
    native = head["native_module"]
    lines = [
        f"# MSM strategies, one core ({head['date']})",
        "",
        f"CPU: {head['cpu_model']} ({head['cpu_count']} cores, pinned to one: "
        f"{head['pinned_to_one_core']}; load average before start "
        f"{'/'.join(map(str, head['loadavg_at_start']))}); Python {head['python']}; "
        + ", ".join(f"{k} {v}" for k, v in head["versions"].items()),
        "",
        "Medians (ms), strategies interleaved round robin, random points and scalars. "
        f"Sources: git {head['source']['git_head']} + working tree "
        f"(sha256 {head['source']['sources_sha256']}).",
        "",
        "Library constants in force: "
        + ", ".join(f"`{k}` = {v}" for k, v in consts.items())
        + ". Native module (`zksolvency/groups/_secp256k1_native.c`): built "
        f"{native['built']}, loaded in this run {native['loaded']}. With it loaded, the "
        "library runs `msm_fixed` through the native comb whenever the tables of the bases "
        "it touches are built (any number of terms, h = 12 for every base; without tables, "
        "the native `msm`), and `msm` with ≥ 2 terms through the native `ecmult_multi_var`; "
        "COMB_MIN_TERMS, PIPPENGER_MIN_TERMS, the cold shape and `_pippenger_window` apply "
        "only without it: the comb from COMB_MIN_TERMS = "
        f"{consts['secp256k1_coincurve.COMB_MIN_TERMS']} nonzero terms when the tables are "
        "built, otherwise scalar by scalar below PIPPENGER_MIN_TERMS = "
        f"{consts['secp256k1_coincurve.PIPPENGER_MIN_TERMS']} terms and Pippenger from there.",
        "",
        "## secp256k1 (coincurve)",
        "",
        "Without the native module ((a)–(c) run with `_NATIVE` = None and `NATIVE` = False "
        "patched in for each call: the pure-Python paths): "
        "(a) scalar by scalar (`tweak_mul` per term + one `combine`); (b) `pippenger` "
        "(+ the `_raw_arrays` copy `msm` makes); (c) fixed-base comb `msm_fixed` "
        f"(N ≤ COMB_MAX_BASES = {consts['secp256k1_coincurve.COMB_MAX_BASES']}, tables "
        "prebuilt; build = one-time cost per base of the tables the first call at that N "
        "builds). "
        "Rows marked * refine the crossover.",
        "",
    ]
    lines += table(
        [
            "N",
            "(a) scalar",
            "(b) Pippenger",
            "raw arrays",
            "(b) + raw",
            "(c) comb",
            "comb build ms/base",
            "c",
            "µs/term (a)",
            "µs/term (b)",
            "µs/term (c)",
        ],
        [
            [
                f"{r['n']}{'*' if r.get('refine') else ''}",
                fmt(r["scalar_ms"]),
                fmt(r["pippenger_ms"]),
                fmt(r["raw_arrays_ms"]),
                fmt(r["pippenger_total_ms"]),
                fmt(r["comb_ms"]),
                fmt(r["comb_build_ms_per_base"]),
                r["window"],
                fmt(r["scalar_ms"] * 1e3 / r["n"]),
                fmt(r["pippenger_total_ms"] * 1e3 / r["n"]),
                fmt(None if r["comb_ms"] is None else r["comb_ms"] * 1e3 / r["n"]),
            ]
            for r in secp["rows"]
        ],
    )
    lines += ["", "### With the native module", ""]
    if native["loaded"]:
        lines += [
            "What the library runs when the native module is loaded: (d) native comb "
            "`msm_fixed` (fresh tables per N, prebuilt, h = 12 for every base; build = "
            "one-time native cost per base, as for (c)); (e) native `msm` "
            "(libsecp256k1's `ecmult_multi_var`, Strauss / Pippenger; N ≥ 2, one term is a "
            "`tweak_mul`; includes copying the point structs).",
            "",
        ]
        lines += table(
            [
                "N",
                "(d) native comb",
                "native build ms/base",
                "(e) native msm",
                "µs/term (d)",
                "µs/term (e)",
                "(e) / (d)",
            ],
            [
                [
                    f"{r['n']}{'*' if r.get('refine') else ''}",
                    fmt(r["native_comb_ms"]),
                    fmt(r["native_comb_build_ms_per_base"]),
                    fmt(r["native_msm_ms"]),
                    fmt(per_term(r["native_comb_ms"], r["n"])),
                    fmt(per_term(r["native_msm_ms"], r["n"])),
                    "—"
                    if r["native_comb_ms"] is None or r["native_msm_ms"] is None
                    else f"{r['native_msm_ms'] / r['native_comb_ms']:.2f}",
                ]
                for r in secp["rows"]
            ],
        )
    else:
        lines.append(
            f"Not loaded in this run (built: {native['built']}; ZKSOLVENCY_NATIVE = "
            f"{native['ZKSOLVENCY_NATIVE']}): (d) native comb and (e) native msm not measured."
        )
    lines += [
        "",
        "### Pippenger window width (ms; **bold** = best, _italic_ = library's choice)",
        "",
    ]
    sizes = sorted({w["n"] for w in secp["windows"]})
    by = {(w["n"], w["c"]): w["ms"] for w in secp["windows"]}
    best = {b["n"]: b for b in secp["best_window"]}

    def cell(n: int, c: int) -> str:
        text = fmt(by[(n, c)])
        if c == best[n]["best_c"]:
            text = f"**{text}**"
        if c == best[n]["library_c"]:
            text = f"_{text}_"
        return text

    if sizes:
        lines += table(
            ["c"] + [f"N={n}" for n in sizes],
            [[c] + [cell(n, c) for n in sizes] for c in WINDOWS],
        )
    else:
        lines.append(f"Not measured (N ∈ {WINDOW_SIZES}, all above the largest N of this run).")
    lines += [
        "",
        "## BLS12-381 (arkworks)",
        "",
    ]
    lines += table(
        ["N", "term by term", "multiexp_unchecked", "term / multiexp"],
        [
            [
                r["n"],
                fmt(r["term_ms"]),
                fmt(r["multiexp_ms"]),
                f"{r['term_ms'] / r['multiexp_ms']:.2f}",
            ]
            for r in bls["rows"]
        ],
    )
    lines += [
        "",
        "## What the thresholds should be",
        "",
        "The secp256k1 thresholds and windows are those of the pure-Python path (used "
        "without the native module).",
        "",
        f"- secp256k1 scalar-by-scalar vs Pippenger: Pippenger wins from N = {cross['from_n']} "
        f"on (log-interpolated crossover ≈ {cross['interpolated']}); library "
        f"PIPPENGER_MIN_TERMS = {consts['secp256k1_coincurve.PIPPENGER_MIN_TERMS']}.",
        f"- secp256k1 scalar-by-scalar vs comb (tables built): the comb wins from N = "
        f"{ccross['from_n']} on (interpolated ≈ {ccross['interpolated']}); library "
        f"COMB_MIN_TERMS = {consts.get('secp256k1_coincurve.COMB_MIN_TERMS', '— (none)')}.",
    ]
    if native["loaded"]:
        lines.append(
            f"- secp256k1 native: `ecmult_multi` vs comb (tables built): the comb wins from "
            f"N = {ncross['from_n']} on (interpolated ≈ {ncross['interpolated']}); the library "
            "takes the native comb whenever the tables are built, whatever N."
        )
    lines += [
        f"- Pippenger window at N = {b['n']}: best c = {b['best_c']} ({fmt(b['best_ms'])} ms); "
        f"library picks c = {b['library_c']} ({fmt(b['library_ms'])} ms, "
        f"+{b['library_loss_pct']} %)."
        for b in secp["best_window"]
    ]
    lines += [
        f"- BLS12-381 term by term vs multiexp: multiexp wins from N = {bcross['from_n']} on "
        f"(interpolated ≈ {bcross['interpolated']}); library MULTIEXP_MIN_TERMS = "
        f"{consts['bls12_381_arkworks.MULTIEXP_MIN_TERMS']}.",
        "",
        f"Total runtime: {head.get('elapsed_s', '?')} s.",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=SIZES,
        help="comma-separated term counts N (default 1,2,4,…,8192; BLS12-381 takes those "
        f"≤ {BLS_MAX}, the window sweep those of {WINDOW_SIZES} ≤ the largest)",
    )
    return parser.parse_args(argv)


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of integers: {text!r}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return tuple(sizes)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    load = [round(x, 2) for x in os.getloadavg()]
    pinned = bench.one_core()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f} s] {msg}", flush=True)

    secp = secp_sweep(log, args.sizes)
    bls = bls_sweep(log, args.sizes)
    head = {**header(pinned, load, args.sizes), "elapsed_s": round(time.perf_counter() - t0, 1)}
    report = markdown(head, secp, bls)
    args.out.mkdir(parents=True, exist_ok=True)
    doc = {"header": head, "secp256k1": secp, "bls12_381": bls}
    atomic_write_text(args.out / "msm.json", json.dumps(doc, indent=2) + "\n")
    atomic_write_text(args.out / "msm.md", report)
    print()
    print(report)
    cross = secp["crossover_scalar_vs_pippenger"]
    ccross = secp["crossover_scalar_vs_comb"]
    print(
        f"crossover scalar-by-scalar → Pippenger: N = {cross['from_n']} "
        f"(interpolated {cross['interpolated']}; library {cc.PIPPENGER_MIN_TERMS})"
    )
    print(
        f"crossover scalar-by-scalar → comb: N = {ccross['from_n']} "
        f"(interpolated {ccross['interpolated']})"
    )
    if cc.NATIVE:
        ncross = secp["crossover_native_msm_vs_native_comb"]
        print(
            f"native: crossover ecmult_multi → comb: N = {ncross['from_n']} "
            f"(interpolated {ncross['interpolated']})"
        )
    else:
        print("native module not loaded: native strategies not measured")
    print(f"wrote {args.out}/msm.json, msm.md ({head['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
