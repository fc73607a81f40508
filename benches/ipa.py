"""The native inner-product prover: where it switches to explicit generators,
and where a range proof's time goes.

Usage::

    python benches/ipa.py [--out benches/results]

On one core (``zksolvency.bench.one_core()``), secp256k1 on coincurve with the
native module (the script refuses to run without it), the process-wide
generators prepared for 1 024 bits (the comb tables a 16 × 64-bit prover uses).
Timings are interleaved medians (``_common.time_medians``).

1. **Switch sweep.** ``Secp256k1Coincurve.ipa_prove_fixed`` on random vectors of
   length N ∈ {512, 1024} with the switch to explicit generators at
   s ∈ {0 (never), 16, 32, 64, 128, 256, N}: the library's choice is
   ``inner_product.EXPLICIT_SWITCH`` (for both kinds of rounds). Every s must give the same proof
   (checked before timing).
2. **Python rounds.** ``inner_product.prove`` with ``ipa_prove_fixed`` patched
   out (the pure-Python rounds, still on the native comb), N = 1024, at
   ``EXPLICIT_SWITCH`` ∈ {32, 64, 128} (patched).
3. **A range proof's stages.** ``range_proof.prove`` of 16 × 64-bit values with
   the prover's nonce generator (``kdf.NonceRng``), with the time inside
   ``inner_product.prove``, inside ``Generators.msm`` (A, S, T1, T2 and the
   commitments) and in the vector helpers (``range_poly`` / ``range_eval``)
   recorded separately; the rest is Python (transcript, nonces, bookkeeping).
   Median over the runs.

Writes ``<out>/ipa.json`` and ``<out>/ipa.md`` (temporary files, then renamed)
and prints the tables. Runtime about 2–3 minutes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import atomic_write_text, bench_parser, cpu_model, source_state, time_medians

from zksolvency import bench
from zksolvency.bulletproofs import inner_product as ipp
from zksolvency.bulletproofs import range_proof as rp
from zksolvency.groups import get_group
from zksolvency.groups import secp256k1_coincurve as cc
from zksolvency.kdf import NonceRng
from zksolvency.pedersen import Generators, generators
from zksolvency.transcript import Transcript

SIZES = (512, 1024)
SWITCHES = (0, 16, 32, 64, 128, 256)
PY_SWITCHES = (32, 64, 128)
STAGE_RUNS = 25


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def vectors(n: int, seed: int) -> tuple[list[int], list[int], list[int], int]:
    rng = random.Random(seed)
    q = cc.Secp256k1Coincurve.order
    a = [rng.randrange(q) for _ in range(n)]
    b = [rng.randrange(q) for _ in range(n)]
    hf = [rng.randrange(1, q) for _ in range(n)]
    return a, b, hf, rng.randrange(1, q)


def native_call(gens: Generators, n: int, switch: int) -> Callable[[], Any]:
    group = gens.group
    a, b, hf, w = vectors(n, n)

    def call() -> Any:
        tr = Transcript(b"bench-ipa")
        tr.append_u64(b"ipp-n", n)  # as inner_product.prove starts

        def on_round(L: Any, R: Any) -> int:
            tr.append_point(b"L", group, L)
            tr.append_point(b"R", group, R)
            return tr.challenge_scalar(b"u", group.order)

        out = group.ipa_prove_fixed(gens.fixed_bases, w, hf, a, b, switch, on_round)
        if out is None:
            raise SystemExit("ipa.py: the native prover did not run (tables not built?)")
        return [group.encode(p) for p in out[0] + out[1]], out[2], out[3]

    return call


def python_call(gens: Generators, n: int, switch: int) -> Callable[[], Any]:
    group = gens.group
    a, b, hf, w = vectors(n, n)

    def call() -> Any:
        with (
            patched(cc.Secp256k1Coincurve, "ipa_prove_fixed", lambda *_a, **_k: None),
            patched(ipp, "EXPLICIT_SWITCH", switch),
        ):
            proof = ipp.prove(gens, w, hf, a, b, Transcript(b"bench-ipa"))
        return [group.encode(p) for p in proof.L + proof.R], proof.a, proof.b

    return call


def switch_sweep(log: Callable[[str], None], gens: Generators) -> list[dict[str, Any]]:
    rows = []
    for n in SIZES:
        switches = [s for s in SWITCHES if s < n] + [n]
        fns = {str(s): native_call(gens, n, s) for s in switches}
        results = {key: fn() for key, fn in fns.items()}
        if len({repr(r) for r in results.values()}) != 1:
            raise SystemExit(f"ipa.py: N = {n}: the switches disagree")
        timings = time_medians(fns)
        best = min(timings, key=lambda k: timings[k].ms)
        for s in switches:
            t = timings[str(s)]
            rows.append({"n": n, "switch": s, "ms": t.ms, "runs": t.runs, "best": str(s) == best})
        log(f"N = {n}: " + ", ".join(f"s={s}: {timings[str(s)].ms:.1f} ms" for s in switches))
    return rows


def python_sweep(log: Callable[[str], None], gens: Generators) -> list[dict[str, Any]]:
    n = 1024
    fns = {str(s): python_call(gens, n, s) for s in PY_SWITCHES}
    want = native_call(gens, n, ipp.EXPLICIT_SWITCH)()
    for key, fn in fns.items():
        if repr(fn()) != repr(want):
            raise SystemExit(f"ipa.py: Python rounds at switch {key} disagree with native")
    timings = time_medians(fns)
    log(
        "Python rounds, N = 1024: " + ", ".join(f"s={k}: {t.ms:.1f} ms" for k, t in timings.items())
    )
    return [{"n": n, "switch": int(k), "ms": t.ms, "runs": t.runs} for k, t in timings.items()]


def stages(log: Callable[[str], None], gens: Generators) -> dict[str, Any]:
    """Median time of each stage of a 16 × 64-bit proof (see the module doc)."""
    group = gens.group
    rng = random.Random(16)
    values = [rng.randrange(1 << 64) for _ in range(16)]
    blindings = [rng.randrange(1, group.order) for _ in range(16)]
    spent: dict[str, float] = {}

    def timed(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - t

        return wrapper

    cls = type(group)
    samples: dict[str, list[float]] = {k: [] for k in ("total", "ipa", "msm", "vectors", "rest")}
    with (
        patched(rp.inner_product, "prove", timed("ipa", ipp.prove)),
        patched(Generators, "msm", timed("msm", Generators.msm)),
        patched(cls, "range_poly", timed("vectors", cls.range_poly)),
        patched(cls, "range_eval", timed("vectors", cls.range_eval)),
    ):
        for i in range(STAGE_RUNS + 2):
            spent.clear()
            nonces = NonceRng(b"bench" * 6 + b"!!", i.to_bytes(4, "big"), b"stages")
            t = time.perf_counter()
            rp.prove(gens, values, blindings, 64, Transcript(b"bench-rp"), rng=nonces)
            total = time.perf_counter() - t
            if i < 2:
                continue  # warm-up
            samples["total"].append(total)
            for key in ("ipa", "msm", "vectors"):
                samples[key].append(spent.get(key, 0.0))
            samples["rest"].append(total - sum(spent.values()))
    out = {k: round(statistics.median(v) * 1e3, 2) for k, v in samples.items()}
    out["runs"] = STAGE_RUNS
    log(f"16 × 64-bit proof: {out}")
    return out


def markdown(doc: dict[str, Any]) -> str:
    head = doc["header"]
    lines = [
        "# Native inner-product prover",
        "",
        f"{head['date']} · {head['cpu']} · {head['cpus']} CPUs · pinned to one core: "
        f"{head['pinned']} · git {head['git_head']} · library switch {head['explicit_switch']}",
        "",
        "## Switch to explicit generators (native `ipa_prove`, median ms)",
        "",
        "| N | switch s | ms | |",
        "|--:|--:|--:|---|",
    ]
    for r in doc["switch_sweep"]:
        s = "never" if r["switch"] == 0 else str(r["switch"])
        lines.append(f"| {r['n']} | {s} | {r['ms']:.1f} | {'fastest' if r['best'] else ''} |")
    lines += ["", "## Python rounds (N = 1024, median ms)", "", "| switch s | ms |", "|--:|--:|"]
    lines += [f"| {r['switch']} | {r['ms']:.1f} |" for r in doc["python_rounds"]]
    st = doc["stages"]
    lines += [
        "",
        f"## A 16 × 64-bit range proof (median of {st['runs']} runs, ms)",
        "",
        "| total | inner product | fixed-base MSMs (A, S, T1, T2, V) | vectors | rest (Python) |",
        "|--:|--:|--:|--:|--:|",
        f"| {st['total']:.1f} | {st['ipa']:.1f} | {st['msm']:.1f} | {st['vectors']:.1f} "
        f"| {st['rest']:.1f} |",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return bench_parser(__doc__).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not cc.NATIVE:
        print("ipa.py: the native secp256k1 module is not in use", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    pinned = bench.one_core()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f} s] {msg}", flush=True)

    gens = generators(get_group("secp256k1", "coincurve"))
    gens.prepare(1024)
    log("tables built")
    doc: dict[str, Any] = {
        "header": {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "cpu": cpu_model(),
            "cpus": os.cpu_count(),
            "pinned": pinned,
            **source_state(),
            "explicit_switch": ipp.EXPLICIT_SWITCH,
        },
        "switch_sweep": switch_sweep(log, gens),
        "python_rounds": python_sweep(log, gens),
        "stages": stages(log, gens),
    }
    doc["header"]["elapsed_s"] = round(time.perf_counter() - t0, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    report = markdown(doc)
    atomic_write_text(args.out / "ipa.json", json.dumps(doc, indent=2) + "\n")
    atomic_write_text(args.out / "ipa.md", report)
    print()
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
