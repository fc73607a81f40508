"""The narrow interface every prime-order group backend implements.

A backend is an object satisfying :class:`Group`. Points are opaque values of
the backend's own type: protocol code never looks inside them, it only hands
them back to the backend that made them. Scalars are Python ``int`` s; every
method reduces them modulo :attr:`Group.order` itself.

Untrusted bytes enter only through :meth:`Group.decode`, which checks length,
canonical form, curve equation and subgroup membership, and rejects the
identity unless the caller allows it. :meth:`Group.decode_unchecked` is for
bytes this program wrote itself (for example a cache) and must never see input
from outside.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from zksolvency.errors import ParameterError

Point = Any
"""An opaque group element of some backend (each backend documents its type)."""


@runtime_checkable
class FixedBases(Protocol):
    """Precomputation for a list of points that never change (the generators).

    Returned by :meth:`Group.precompute`; only the backend that made it can use it.
    """

    @property
    def points(self) -> Sequence[Point]: ...

    def __len__(self) -> int: ...

    def extend(self, points: Sequence[Point]) -> None:
        """Append more bases (tables for existing ones are kept)."""
        ...

    def prepare(self, count: int) -> None:
        """Build now whatever makes MSMs over the first ``count`` bases fast
        (worth it only when many MSMs will follow)."""
        ...


class ListBases:
    """The "precomputation" of backends that need none: the list of points itself."""

    def __init__(self, points: Sequence[Point]) -> None:
        self._points = list(points)

    @property
    def points(self) -> Sequence[Point]:
        return self._points

    def __len__(self) -> int:
        return len(self._points)

    def extend(self, points: Sequence[Point]) -> None:
        self._points.extend(points)

    def prepare(self, count: int) -> None:
        """Nothing to build."""


def fixed_indices(
    table: FixedBases, scalars: Sequence[int], indices: Sequence[int] | None
) -> Sequence[int]:
    """The base index of each scalar in ``msm_fixed`` (validating the arguments)."""
    if indices is None:
        if len(scalars) > len(table):
            raise ParameterError("msm_fixed: more scalars than bases")
        return range(len(scalars))
    if len(indices) != len(scalars):
        raise ParameterError("msm_fixed: indices and scalars differ in length")
    if indices and not 0 <= min(indices) <= max(indices) < len(table):
        raise ParameterError("msm_fixed: base index out of range")
    return indices


def fixed_points(
    table: FixedBases, scalars: Sequence[int], indices: Sequence[int] | None
) -> list[Point]:
    """The bases ``msm_fixed`` pairs with ``scalars``."""
    return [table.points[i] for i in fixed_indices(table, scalars, indices)]


class TablelessFixedBases:
    """``precompute`` / ``msm_fixed`` for backends without fixed-base tables
    (mixed into their classes): the bases are kept as a list and ``msm_fixed``
    is one ``msm`` over them and the extra points."""

    def precompute(self, points: Sequence[Point]) -> ListBases:
        return ListBases(points)

    def msm_fixed(
        self,
        table: FixedBases,
        scalars: Sequence[int],
        extra_scalars: Sequence[int] = (),
        extra_points: Sequence[Point] = (),
        *,
        indices: Sequence[int] | None = None,
    ) -> Point:
        if not isinstance(table, ListBases):
            raise ParameterError("msm_fixed: table was not made by this backend")
        if len(extra_scalars) != len(extra_points):
            raise ParameterError("msm_fixed: extra scalars and points differ in length")
        points = fixed_points(table, scalars, indices) + list(extra_points)
        msm = self.msm  # type: ignore[attr-defined]  # provided by the backend class
        return msm(list(scalars) + list(extra_scalars), points)


@runtime_checkable
class Group(Protocol):
    """A cyclic group of prime order, written additively."""

    #: Curve name used in encodings and transcripts, e.g. ``"secp256k1"``.
    curve: str
    #: Implementation name, e.g. ``"coincurve"`` or ``"py_ecc"``.
    backend: str
    #: The prime group order q (scalars live in GF(q)).
    order: int
    #: Length in bytes of :meth:`encode` output.
    point_size: int
    #: Length in bytes of an encoded scalar (big-endian, canonical: < order).
    scalar_size: int

    def identity(self) -> Point:
        """The neutral element."""
        ...

    def generator(self) -> Point:
        """The curve's standard generator (not used as a Pedersen base)."""
        ...

    def add(self, a: Point, b: Point) -> Point:
        """a + b."""
        ...

    def neg(self, a: Point) -> Point:
        """-a."""
        ...

    def mul(self, k: int, a: Point) -> Point:
        """k·a (k taken mod the order)."""
        ...

    def msm(self, scalars: Sequence[int], points: Sequence[Point]) -> Point:
        """Σ scalars[i]·points[i] over equal-length sequences."""
        ...

    def precompute(self, points: Sequence[Point]) -> FixedBases:
        """Tables for points that will be reused as bases many times."""
        ...

    def msm_fixed(
        self,
        table: FixedBases,
        scalars: Sequence[int],
        extra_scalars: Sequence[int] = (),
        extra_points: Sequence[Point] = (),
        *,
        indices: Sequence[int] | None = None,
    ) -> Point:
        """Σ scalars[t]·table.points[indices[t]] + Σ extra_scalars[j]·extra_points[j].

        Without ``indices``, scalars[t] goes with base t and may be shorter than
        the table (missing scalars are zero).
        """
        ...

    def eq(self, a: Point, b: Point) -> bool:
        """Group-element equality (never a comparison of encodings)."""
        ...

    def is_identity(self, a: Point) -> bool: ...

    def encode(self, a: Point) -> bytes:
        """Canonical compressed encoding, :attr:`point_size` bytes."""
        ...

    def decode(self, data: bytes, *, allow_identity: bool = False) -> Point:
        """Checked decoding of untrusted bytes; raises :class:`FormatError`."""
        ...

    def decode_unchecked(self, data: bytes) -> Point:
        """Decoding without the subgroup and canonicity checks.

        Dangerous: only for bytes this program produced itself.
        """
        ...

    def hash_to_group(self, domain: bytes, msg: bytes) -> Point:
        """A point with unknown discrete log, derived from ``domain`` and ``msg``
        (the algorithm per curve is specified in docs/SPEC.md)."""
        ...
