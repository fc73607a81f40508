"""Checkpoints of a proving run, so that ``prove --resume`` continues after a
crash from the batches already proven (docs/SPEC.md §15).

The work directory (default ``<bundle>.work`` beside the bundle) holds::

    checkpoint.json    what the run is bound to (digests only, no secret)
    done/<name>.bin    one file per completed task, written atomically

A task file is ``MAGIC ‖ binding (32) ‖ u64 payload length ‖ payload ‖
SHA-256(everything before)``. The binding is SHA-256 over the canonical
``checkpoint.json`` body: the curve, statement digest, epoch, padded leaf
count, batch size, task layout, the liabilities digest and a key-derived tag
of the secret. A run refuses a work directory bound to anything else, so it
can never mix batches of different inputs, secrets or statements; a task file
that is damaged or bound elsewhere is ignored (proven again), and the prover
re-verifies every batch it loads before using it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from zksolvency.errors import InputError
from zksolvency.files import atomic_write

log = logging.getLogger(__name__)

FORMAT = "zksolvency-checkpoint/v1"
MAGIC = b"ZKSCKPT1"
STATE = "checkpoint.json"
DONE = "done"
_HEADER = len(MAGIC) + 32 + 8
_MAX_STATE_BYTES = 1 << 16


def default_workdir(out: Path) -> Path:
    return out.with_name(out.name + ".work")


def _canonical(body: dict[str, Any]) -> bytes:
    return (json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n").encode()


class Checkpoint:
    """A work directory bound to one run (see the module docstring)."""

    def __init__(self, path: Path, body: dict[str, Any], *, resume: bool) -> None:
        self.path = Path(path)
        self.body = {"format": FORMAT, **body}
        self.binding = hashlib.sha256(_canonical(self.body)).digest()
        state = self.path / STATE
        if self.path.exists():
            if not resume:
                raise InputError(
                    f"{self.path}: a work directory from an earlier run exists; "
                    "pass --resume to continue it, or remove it to start again"
                )
            self._check_binding(state)
        else:
            self.path.mkdir(mode=0o700, parents=False)
            atomic_write(state, _canonical(self.body))
        (self.path / DONE).mkdir(mode=0o700, exist_ok=True)

    def _check_binding(self, state: Path) -> None:
        try:
            raw = state.read_bytes()[:_MAX_STATE_BYTES]
            theirs = json.loads(raw)
        except (OSError, ValueError):
            raise InputError(
                f"{state}: unreadable checkpoint; remove {self.path} to start again"
            ) from None
        if not isinstance(theirs, dict) or theirs.get("format") != FORMAT:
            raise InputError(f"{state}: not a {FORMAT} checkpoint; remove {self.path}")
        differ = sorted(k for k in self.body if theirs.get(k) != self.body[k])
        differ += sorted(k for k in theirs if k not in self.body)
        if differ:
            raise InputError(
                f"{self.path}: the checkpoint belongs to a different run "
                f"({', '.join(differ)} differ); it cannot be resumed with these inputs — "
                "remove it or use another --workdir"
            )

    def _file(self, name: str) -> Path:
        return self.path / DONE / f"{name}.bin"

    def get(self, name: str) -> bytes | None:
        """The payload stored under ``name``, or None (absent, damaged or foreign)."""
        f = self._file(name)
        try:
            data = f.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("checkpoint %s unreadable (%s); proving it again", f, exc)
            return None
        ok = (
            len(data) >= _HEADER + 32
            and data[: len(MAGIC)] == MAGIC
            and data[len(MAGIC) : len(MAGIC) + 32] == self.binding
            and int.from_bytes(data[len(MAGIC) + 32 : _HEADER], "big") == len(data) - _HEADER - 32
            and hashlib.sha256(data[:-32]).digest() == data[-32:]
        )
        if not ok:
            log.warning("checkpoint %s is damaged or from another run; proving it again", f)
            with contextlib.suppress(OSError):
                f.unlink()
            return None
        return data[_HEADER:-32]

    def put(self, name: str, payload: bytes) -> None:
        body = MAGIC + self.binding + len(payload).to_bytes(8, "big") + payload
        atomic_write(self._file(name), body + hashlib.sha256(body).digest())

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
