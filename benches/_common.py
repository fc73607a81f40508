"""Helpers shared by the benchmark scripts in ``benches/`` (not a benchmark itself).

The scripts are run as ``python benches/<name>.py``; each puts its own directory
on ``sys.path`` before ``import _common``, so this works from any working directory.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: The repository root: the parent of ``benches/``.
ROOT = Path(__file__).resolve().parents[1]


def bench_parser(doc: str) -> argparse.ArgumentParser:
    """A script's argument parser: its doc's first paragraph as the description,
    and ``--out`` (default ``benches/results``)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path("benches/results"), help="output directory"
    )
    return parser


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo``, else ``platform.processor()``."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return platform.processor() or "unknown"


def source_state() -> dict[str, str | None]:
    """Git HEAD and a digest of the package sources (others may edit them mid-run).

    ``git_head``: ``git rev-parse --short HEAD`` of :data:`ROOT` (None without git);
    ``sources_sha256``: the first 16 hex digits of SHA-256 over every
    ``zksolvency/**/*.py`` (relative path, NUL, contents), in sorted order.
    """
    digest = hashlib.sha256()
    for path in sorted((ROOT / "zksolvency").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = None
    return {"git_head": head, "sources_sha256": digest.hexdigest()[:16]}


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """write(tmp) into a temporary file beside ``path``, fsync it, then rename it over ``path``.

    An interrupted or failed write leaves the previous ``path`` intact and removes
    the temporary file.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write` of ``text`` (UTF-8)."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


#: time_medians: a time budget per comparison, and bounds on the rounds.
BUDGET_S = 10.0
MIN_RUNS = 7
MAX_RUNS = 51


@dataclass(frozen=True)
class Timing:
    ms: float
    runs: int


def time_medians(fns: Mapping[str, Callable[[], object]]) -> dict[str, Timing]:
    """Median wall time of each fn(), the fns called round robin: one warm-up
    call each, then as many rounds as fit in ``BUDGET_S`` (at least
    ``MIN_RUNS``, at most ``MAX_RUNS``), the garbage collector off while
    timing, as ``timeit`` does. Round robin, so that the machine's speed
    drifting (this VM varies by 1.5×) hits every fn alike."""
    warm = 0.0
    for fn in fns.values():
        t = time.perf_counter()
        fn()
        warm += time.perf_counter() - t
    runs = max(MIN_RUNS, min(MAX_RUNS, int(BUDGET_S / max(warm, 1e-9))))
    samples: dict[str, list[float]] = {key: [] for key in fns}
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            for key, fn in fns.items():
                t = time.perf_counter()
                fn()
                samples[key].append(time.perf_counter() - t)
    finally:
        if gc_enabled:
            gc.enable()
    return {key: Timing(round(statistics.median(ts) * 1e3, 4), runs) for key, ts in samples.items()}
