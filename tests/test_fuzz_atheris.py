"""Smoke runs of the atheris harnesses in tests/fuzz/ (skipped without atheris).

Each harness runs in its own process for a few hundred inputs, seeded, with a
fresh corpus and crash artefacts under tmp_path: it must finish with exit 0,
report the runs it made, and leave no crash file. This checks the harnesses
and the shared properties (tests/fuzz/targets.py) still work; real fuzzing
campaigns are longer (tests/fuzz/README.md, docs/THREAT_MODEL.md section 7).

The four harnesses that prove a seed bundle or seed range proofs first spend
most of their ~5 s building fixed-base tables, so they run only with -m slow;
so do the four proof-of-reserves harnesses (~3 s each, mostly instrumenting
imports; their properties also run under hypothesis in test_fuzz_reserves.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

FUZZ_DIR = Path(__file__).parent / "fuzz"
RUNS = 400
HARNESSES = [
    pytest.param("points", id="points"),
    pytest.param("scalars", id="scalars"),
    pytest.param("rangeproof", id="rangeproof", marks=pytest.mark.slow),
    pytest.param("inclusion", id="inclusion", marks=pytest.mark.slow),
    pytest.param("manifest", id="manifest", marks=pytest.mark.slow),
    pytest.param("bundle", id="bundle", marks=pytest.mark.slow),
    pytest.param("reserves", id="reserves", marks=pytest.mark.slow),
    pytest.param("snapshot", id="snapshot", marks=pytest.mark.slow),
    pytest.param("bitcoin", id="bitcoin", marks=pytest.mark.slow),
    pytest.param("ethereum", id="ethereum", marks=pytest.mark.slow),
]


def test_every_harness_is_listed() -> None:
    found = sorted(p.stem.removeprefix("fuzz_") for p in FUZZ_DIR.glob("fuzz_*.py"))
    assert found == sorted(p.values[0] for p in HARNESSES)


@pytest.mark.parametrize("name", HARNESSES)
def test_harness_runs_clean(name: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    artefacts = tmp_path / "artefacts"
    artefacts.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            str(FUZZ_DIR / f"fuzz_{name}.py"),
            f"-atheris_runs={RUNS}",
            "-seed=1",
            f"-artifact_prefix={artefacts}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    tail = result.stderr[-4000:]
    assert result.returncode == 0, tail
    done = re.search(r"^Done (\d+) (?:runs )?in", result.stderr, re.MULTILINE)
    assert done, tail
    print(f"\n[atheris] {name}: {done.group(1)} runs")
    assert int(done.group(1)) >= RUNS
    assert not list(artefacts.iterdir()), "the fuzzer wrote a crash artefact"
    assert len(list(corpus.glob("seed-*"))) >= 2
