"""Micro-benchmarks of the proof system, shared by ``zksolvency bench`` and benches/.

All timings are wall-clock medians over ``runs`` repetitions in this process,
after one warm-up that builds the generators' fixed-base tables (reported
separately as ``setup_ms``). Pin the process to one core (``one_core()``) to
measure "one core" figures.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import time
from typing import Any

from zksolvency import bulletproofs as bp
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
from zksolvency.transcript import Transcript

LABEL = b"zksolvency-bench"


def one_core() -> bool:
    """Pin this process (and native thread pools started later) to one CPU."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return True
    return False


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1e3, 3)


def msm_engine(group: Any) -> str:
    """Which multi-scalar multiplication this backend runs (benchmarks record it)."""
    if group.backend == "coincurve":
        from zksolvency.groups import secp256k1_coincurve

        if secp256k1_coincurve.NATIVE:
            return "native (libsecp256k1 internals, zksolvency/groups/_secp256k1_native.c)"
        return "coincurve (pubkey_combine / tweak_mul)"
    return group.backend


def rangeproof(
    curve: str = "secp256k1",
    backend: str | None = None,
    bits: int = 64,
    values: int = 1,
    runs: int = 7,
    batch: int = 16,
) -> dict[str, Any]:
    """Time prove / verify of one m-value proof, and batch verification of
    ``batch`` such proofs (per value). Values and blindings are random."""
    group = get_group(curve, backend)
    gens = generators(group)
    q = group.order
    rng = secrets.SystemRandom()

    def fresh() -> tuple[bp.RangeProof, list[Any]]:
        vals = [rng.randrange(1 << bits) for _ in range(values)]
        bls = [rng.randrange(1, q) for _ in range(values)]
        return bp.prove(gens, vals, bls, bits, Transcript(LABEL))

    t0 = time.perf_counter()
    gens.prepare(bits * bp.padded_m(values))  # fixed-base tables, as a prover builds them once
    warm, warm_v = fresh()
    bp.verify(gens, warm, warm_v, bits, Transcript(LABEL))
    setup = time.perf_counter() - t0

    prove_t: list[float] = []
    verify_t: list[float] = []
    proofs = []
    for _ in range(max(runs, batch)):
        t = time.perf_counter()
        proof, V = fresh()
        prove_t.append(time.perf_counter() - t)
        proofs.append((proof, V))
    for proof, V in proofs[:runs]:
        t = time.perf_counter()
        bp.verify(gens, proof, V, bits, Transcript(LABEL))
        verify_t.append(time.perf_counter() - t)
    batch_t: list[float] = []
    for _ in range(max(3, runs // 2)):
        items = [(p, V, bits, Transcript(LABEL)) for p, V in proofs[:batch]]
        t = time.perf_counter()
        bp.batch_verify(gens, items)
        batch_t.append(time.perf_counter() - t)
    return {
        "curve": curve,
        "backend": group.backend,
        "msm": msm_engine(group),
        "bits": bits,
        "values": values,
        "runs": runs,
        "batch_proofs": batch,
        "prove_ms": _median_ms(prove_t[:runs]),
        "verify_ms": _median_ms(verify_t),
        "batch_verify_ms": _median_ms(batch_t),
        "batch_verify_ms_per_value": round(statistics.median(batch_t) * 1e3 / (batch * values), 4),
        "proof_bytes": len(proofs[0][0].to_bytes(group)),
        "setup_ms": round(setup * 1e3, 1),
    }


def zkbp_rangeproof(bits: int = 64, runs: int = 7) -> dict[str, Any] | None:
    """The same single-value measurement for JPMorgan's zkbp (BN254, Rust), if installed."""
    try:
        import zkbp  # type: ignore[import-not-found]
    except ImportError:
        return None
    gh = zkbp.gen_GH()
    prove_t: list[float] = []
    verify_t: list[float] = []
    rnd = random.SystemRandom()
    for _ in range(runs):
        v = rnd.randrange(1 << min(bits, 31))  # zkbp takes values as 32-bit ints; cost is the same
        r = zkbp.gen_r()
        cm = zkbp.commit(v, r, gh)
        t = time.perf_counter()
        proof = zkbp.range_proof_single(n_bit=bits, val=v, gh=gh, r=r)
        prove_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        ok = zkbp.range_proof_single_verify(proof, bits, gh, cm)
        verify_t.append(time.perf_counter() - t)
        if not ok:
            raise RuntimeError("zkbp rejected its own proof")
    return {
        "library": "zkbp",
        "curve": zkbp.curve_name(),
        "bits": bits,
        "values": 1,
        "prove_ms": _median_ms(prove_t),
        "verify_ms": _median_ms(verify_t),
        "proof_bytes": len(proof),
    }
