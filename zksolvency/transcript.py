"""Fiat–Shamir transcript: labelled, length-prefixed appends into one SHA-512 state.

Every append absorbs ``u32(len(label)) ‖ label ‖ u64(len(data)) ‖ data``, so no
two different sequences of appends absorb the same bytes. A challenge absorbs
its label, takes the 64-byte SHA-512 digest of everything absorbed so far,
reduces it modulo the group order (a 512-bit value reduced mod a 256-bit q is
within 2^-256 of uniform), absorbs the digest back (so later challenges depend
on earlier ones), and rejects zero. docs/SPEC.md §3 is the byte-level spec.

A protocol starts with a domain separator that names it and its version and
binds its parameters; :meth:`Transcript.append_point` rejects the identity
where a prover message may not be the identity (A, S, T1, T2, L, R).
"""

from __future__ import annotations

import hashlib
from typing import Any

from zksolvency.errors import VerificationError

TRANSCRIPT_TAG = b"zksolvency/transcript/v1"


class Transcript:
    """A running Fiat–Shamir transcript. ``copy()`` forks it (for batch verification)."""

    __slots__ = ("_h",)

    def __init__(self, label: bytes, *, _state: Any = None) -> None:
        if _state is not None:
            self._h = _state
            return
        self._h = hashlib.sha512()
        self._absorb(b"init", TRANSCRIPT_TAG)
        self._absorb(b"label", label)

    def _absorb(self, label: bytes, data: bytes) -> None:
        self._h.update(len(label).to_bytes(4, "big"))
        self._h.update(label)
        self._h.update(len(data).to_bytes(8, "big"))
        self._h.update(data)

    def copy(self) -> Transcript:
        return Transcript(b"", _state=self._h.copy())

    def append_message(self, label: bytes, data: bytes) -> None:
        self._absorb(label, bytes(data))

    def append_u64(self, label: bytes, value: int) -> None:
        self._absorb(label, value.to_bytes(8, "big"))

    def append_scalar(self, label: bytes, value: int, size: int = 32) -> None:
        self._absorb(label, value.to_bytes(size, "big"))

    def append_point(
        self, label: bytes, group: Any, point: Any, *, allow_identity: bool = False
    ) -> None:
        """Absorb a point's canonical encoding; refuse the identity unless allowed."""
        if not allow_identity and group.is_identity(point):
            raise VerificationError(f"transcript: {label.decode()} is the identity")
        self._absorb(label, group.encode(point))

    def challenge_bytes(self, label: bytes) -> bytes:
        self._absorb(b"challenge", label)
        digest = self._h.copy().digest()
        self._absorb(b"challenge-output", digest)
        return digest

    def challenge_scalar(self, label: bytes, order: int) -> int:
        """A challenge in [1, order): 64 bytes reduced mod order, zero rejected."""
        c = int.from_bytes(self.challenge_bytes(label), "big") % order
        if c == 0:
            raise VerificationError(f"transcript: challenge {label.decode()} is zero")
        return c
