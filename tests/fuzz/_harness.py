"""The driver every atheris harness here shares (README.md says how to run them).

A harness defines ``one_input(data)`` and a list of seed inputs; :func:`main`
puts the seeds into a corpus directory (the first directory on the command
line, else a temporary one), sets ``-max_len`` and ``-dict``
unless they were given, and hands over to libFuzzer. The first byte of every
input selects the target (curve, parameters, file); the rest is the untrusted
bytes. Harnesses import ``targets`` (hence ``zksolvency``) and the group
backends inside ``atheris.instrument_imports``, so libFuzzer sees their
coverage.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def workdir(name: str) -> Path:
    """A temporary directory, removed at exit after ``-atheris_runs`` (libFuzzer's
    own exits, e.g. ``-max_total_time`` or a crash, skip Python's atexit)."""
    path = Path(tempfile.mkdtemp(prefix=f"zksolvency-fuzz-{name}-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _has_flag(argv: Sequence[str], flag: str) -> bool:
    return any(a.startswith(f"-{flag}=") for a in argv)


def main(
    name: str,
    one_input: Callable[[bytes], None],
    seeds: Sequence[bytes],
    *,
    dictionary: str | None = None,
) -> None:
    import atheris

    argv = list(sys.argv)
    paths = [Path(a) for a in argv[1:] if not a.startswith("-")]
    if paths and all(p.is_file() for p in paths):
        # reproduction: libFuzzer runs each given file once
        print(f"[fuzz] {name}: running {len(paths)} file(s)", file=sys.stderr, flush=True)
    else:
        if paths:
            corpus = paths[0]
            corpus.mkdir(parents=True, exist_ok=True)
        else:  # a throwaway corpus: pass a directory to keep what the fuzzer finds
            corpus = workdir(f"{name}-corpus")
            argv.append(str(corpus))
        for i, seed in enumerate(seeds):
            (corpus / f"seed-{i:04d}").write_bytes(seed)
        if not _has_flag(argv, "max_len"):
            argv.append(f"-max_len={2 * max(len(s) for s in seeds) + 64}")
        print(f"[fuzz] {name}: corpus {corpus} ({len(seeds)} seeds)", file=sys.stderr, flush=True)
    if dictionary and not _has_flag(argv, "dict"):
        argv.append(f"-dict={HERE / dictionary}")
    atheris.Setup(argv, one_input)
    atheris.Fuzz()
