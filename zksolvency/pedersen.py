"""Pedersen commitments and the generators every proof uses.

All generators come from ``hash_to_group`` on documented labels, so nobody
knows a discrete log between any two of them (docs/SPEC.md §4):

* B  (value generator, "G" in DESIGN.md)   = hash_to_group(domain, b"B")
* B̃  (blinding generator, "H")             = hash_to_group(domain, b"B-blinding")
* G_i, H_i (Bulletproofs vectors)          = hash_to_group(domain, b"G" ‖ u32(i)),
                                             hash_to_group(domain, b"H" ‖ u32(i))

A commitment to v with blinding γ is V = v·B + γ·B̃. The generators for one
(group, domain) are built once per process and grow on demand; they are held
in one fixed-base table ordered [B, B̃, G_0, H_0, G_1, H_1, …] so that a proof
of n·m bits touches only the first 2 + 2nm bases.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

from zksolvency.errors import ParameterError
from zksolvency.groups import FixedBases, Group, Point

DEFAULT_DOMAIN = b"zksolvency/generators/v1"
#: Largest n·m the generators may be asked for (64-bit values, 2^14 per proof).
MAX_CAPACITY = 1 << 20


class Generators:
    """B, B̃ and the first ``capacity`` pairs (G_i, H_i), with their fixed-base table."""

    def __init__(self, group: Group, domain: bytes = DEFAULT_DOMAIN) -> None:
        self.group = group
        self.domain = domain
        self.B = group.hash_to_group(domain, b"B")
        self.B_blinding = group.hash_to_group(domain, b"B-blinding")
        self._G: list[Point] = []
        self._H: list[Point] = []
        self._lock = threading.Lock()
        self._table = group.precompute([self.B, self.B_blinding])

    @property
    def fixed_bases(self) -> FixedBases:
        """The backend's table of B, B̃, G_0, H_0, G_1, H_1, … (see :func:`g_index`)."""
        return self._table

    @property
    def capacity(self) -> int:
        return len(self._G)

    def ensure(self, capacity: int) -> None:
        """Make sure G_i, H_i exist for i < capacity (rounded up to a power of two)."""
        if capacity > MAX_CAPACITY:
            raise ParameterError(f"generators: capacity {capacity} exceeds {MAX_CAPACITY}")
        if capacity <= len(self._G):
            return
        with self._lock:
            target = max(1, 1 << (capacity - 1).bit_length())
            start = len(self._G)
            if target <= start:
                return
            g = self.group
            new_g = [
                g.hash_to_group(self.domain, b"G" + i.to_bytes(4, "big"))
                for i in range(start, target)
            ]
            new_h = [
                g.hash_to_group(self.domain, b"H" + i.to_bytes(4, "big"))
                for i in range(start, target)
            ]
            self._G.extend(new_g)
            self._H.extend(new_h)
            interleaved: list[Point] = []
            for a, b in zip(new_g, new_h, strict=True):
                interleaved += [a, b]
            self._table.extend(interleaved)

    def prepare(self, capacity: int) -> None:
        """Precompute for proofs of up to ``capacity`` = n·m' bits (the prover
        calls this once; forked worker processes inherit the tables)."""
        self.ensure(capacity)
        self._table.prepare(2 + 2 * capacity)

    def G(self, count: int) -> list[Point]:
        self.ensure(count)
        return self._G[:count]

    def H(self, count: int) -> list[Point]:
        self.ensure(count)
        return self._H[:count]

    def msm(
        self,
        b: int,
        b_blinding: int,
        g: Sequence[int] = (),
        h: Sequence[int] = (),
        extra_scalars: Sequence[int] = (),
        extra_points: Sequence[Point] = (),
    ) -> Point:
        """b·B + b̃·B̃ + Σ g_i·G_i + Σ h_i·H_i + Σ extra, in one multi-scalar multiplication."""
        count = max(len(g), len(h))
        self.ensure(count)
        scalars = [0] * (2 + 2 * count)
        scalars[0] = b
        scalars[1] = b_blinding
        scalars[2 : 2 + 2 * len(g) : 2] = g
        scalars[3 : 3 + 2 * len(h) : 2] = h
        return self.group.msm_fixed(self._table, scalars, extra_scalars, extra_points)

    def msm_sparse(self, terms: Sequence[tuple[int, int]]) -> Point:
        """Σ k·base over (base index, k) pairs; base index 0 is B, 1 is B̃,
        2 + 2i is G_i and 3 + 2i is H_i (see :func:`g_index`, :func:`h_index`)."""
        if terms:
            self.ensure((max(i for i, _ in terms) - 2) // 2 + 1)
        return self.group.msm_fixed(
            self._table, [k for _, k in terms], indices=[i for i, _ in terms]
        )

    def commit(self, value: int, blinding: int) -> Point:
        """V = value·B + blinding·B̃."""
        return self.msm(value, blinding)


def g_index(i: int) -> int:
    """Position of G_i in the fixed-base table."""
    return 2 + 2 * i


def h_index(i: int) -> int:
    """Position of H_i in the fixed-base table."""
    return 3 + 2 * i


@functools.cache
def _generators(group: Group, domain: bytes) -> Generators:
    return Generators(group, domain)


def generators(group: Group, domain: bytes = DEFAULT_DOMAIN) -> Generators:
    """The process-wide generators of ``group`` under ``domain``."""
    return _generators(group, domain)


def commit(group: Group, value: int, blinding: int, domain: bytes = DEFAULT_DOMAIN) -> Point:
    return generators(group, domain).commit(value, blinding)
