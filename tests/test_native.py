"""The optional native MSM (zksolvency/groups/_secp256k1_native.c) against
independent computation: py_ecc (the reference backend), coincurve's own
``tweak_mul`` / ``pubkey_combine``, and the pure-Python comb, never the native
module itself.

Large MSMs use bases with known discrete logs (P_i = d_i·G made by coincurve's
``tweak_mul``), so that one py_ecc multiplication checks them:
Σ k_i·P_i = (Σ k_i·d_i)·G.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from zksolvency import bulletproofs as bp
from zksolvency.groups import get_group
from zksolvency.groups import secp256k1 as sec
from zksolvency.groups import secp256k1_coincurve as cc
from zksolvency.pedersen import Generators, generators
from zksolvency.transcript import Transcript

pytestmark = pytest.mark.skipif(not cc.NATIVE, reason="native secp256k1 module not in use")

FAST = get_group("secp256k1", "coincurve")
REF = get_group("secp256k1", "py_ecc")
Q = FAST.order
NATIVE: Any = cc._NATIVE
HOT = (cc.HOT_SHAPE.teeth, cc.HOT_SHAPE.columns)
COLD = (cc.COLD_SHAPE.teeth, cc.COLD_SHAPE.columns)
SHAPES = [cc.HOT_SHAPE, cc.COLD_SHAPE]
EDGE_SCALARS = [0, 1, 2, 3, Q - 1, Q - 2, Q // 2, Q // 2 + 1, 2**255, 2**256 - Q]
SCALARS = st.one_of(st.sampled_from(EDGE_SCALARS), st.integers(0, Q - 1))
_NAMES = {Q - 2: "q-2", Q - 1: "q-1", Q: "q", Q + 1: "q+1", Q // 2: "q//2", 2**256 - 1: "2^256-1"}


def kid(k: int) -> str:
    """A short test id for a scalar."""
    return _NAMES.get(k, str(k) if k < 1 << 32 else f"0x{k:x}"[:12])


#: bases with unknown discrete logs, in both backends
BASES = [FAST.hash_to_group(b"native-test", bytes([i])) for i in range(5)]
REF_BASES = [REF.decode(FAST.encode(p)) for p in BASES]


# -- helpers (all pure Python / coincurve) ------------------------------------------------


def raw(p: cc.Secp256k1Point) -> bytes:
    """The 64 storage bytes of a coincurve point."""
    return bytes(cc.ffi.buffer(p._p, 64))


def enc(out: bytes | None) -> bytes:
    """coincurve's SEC1 encoding of a native result (the identity for None)."""
    if out is None:
        return sec.IDENTITY_ENCODING
    assert len(out) == 64
    p = cc.ffi.new("secp256k1_pubkey *")
    cc.ffi.memmove(p, out, 64)
    return FAST.encode(cc.Secp256k1Point(p))


def scalar_bytes(ks: Sequence[int]) -> bytes:
    return b"".join(k.to_bytes(32, "big") for k in ks)


class Buf:
    """Bytes pinned in a numpy array, addressable by the native code."""

    def __init__(self, data: bytes) -> None:
        self.arr = np.frombuffer(data, dtype=np.uint8)
        self.addr = int(self.arr.ctypes.data)

    def at(self, row: int) -> int:
        return self.addr + 64 * row


def addresses(addrs: Sequence[int]) -> bytes:
    return np.asarray(addrs, dtype=np.uint64).tobytes()


@functools.cache
def table(base: int, shape: tuple[int, int], negate: bool = False) -> Buf:
    p = FAST.neg(BASES[base]) if negate else BASES[base]
    return Buf(NATIVE.comb_table(raw(p), *shape))


@functools.cache
def points_buf(rows: tuple[tuple[int, bool], ...]) -> Buf:
    """±BASES[i] for each (i, negate), contiguous (for units)."""
    return Buf(b"".join(raw(FAST.neg(BASES[i]) if n else BASES[i]) for i, n in rows))


def comb(
    terms: Sequence[tuple[Buf, int]], units: Sequence[int] = (), shape: tuple[int, int] = HOT
) -> bytes | None:
    return NATIVE.comb_msm(
        addresses([t.addr for t, _ in terms]),
        scalar_bytes([k for _, k in terms]),
        shape[0],
        shape[1],
        addresses(units),
    )


def comb_scalar(i: int, teeth: int, columns: int) -> int:
    """entry[i] = (Σ_t ±2^(t·d))·P, the sign of term t being bit t of i."""
    return sum((1 if i >> t & 1 else -1) << (t * columns) for t in range(teeth))


def recoded_index(k: int, teeth: int, columns: int, col: int) -> int:
    """The table entry a scalar uses in one column (docs in CombTable)."""
    big = (k + (Q if k % 2 == 0 else 0) + (1 << (teeth * columns)) - 1) >> 1
    return sum(((big >> (t * columns + col)) & 1) << t for t in range(teeth))


@functools.cache
def dlog_points(n: int) -> tuple[list[int], list[cc.Secp256k1Point]]:
    """n points with known discrete logs (coincurve tweak_mul)."""
    rng = random.Random(7)
    dlogs = [rng.randrange(1, Q) for _ in range(n)]
    return dlogs, [FAST.mul(d, FAST.generator()) for d in dlogs]


def ref_of_dlog(k: int) -> Any:
    return REF.mul(k % Q, REF.generator())


def random_scalars(rng: random.Random, n: int) -> list[int]:
    ks = [rng.randrange(Q) for _ in range(n)]
    for i, k in enumerate([2, 0, 1, Q - 1, Q - 2][:n]):
        ks[(i * 7) % n] = k
    return ks


class Spy:
    """Delegates to the native module, counting calls per function."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.inner, name)

        def wrapped(*args: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            return fn(*args)

        return wrapped


# -- 1. comb tables ---------------------------------------------------------------------


def test_storage_layout_is_affine_little_endian() -> None:
    """The 64 bytes the native code reads are x ‖ y little-endian (independent check)."""
    for p, r in zip(BASES, REF_BASES, strict=True):
        assert raw(p) == r[0].to_bytes(32, "little") + r[1].to_bytes(32, "little")
        assert NATIVE.compress(raw(p)) == REF.encode(r)


@pytest.mark.parametrize(
    "shape",
    [*SHAPES, cc.CombShape.of(5), cc.CombShape.of(7)],
    ids=["hot", "cold", "teeth5", "teeth7"],
)
@pytest.mark.parametrize("base", [0, 1])
def test_comb_table_equals_python_build(
    monkeypatch: pytest.MonkeyPatch, shape: cc.CombShape, base: int
) -> None:
    p = FAST.generator() if base == 0 else BASES[0]
    native = NATIVE.comb_table(raw(p), shape.teeth, shape.columns)
    assert len(native) == 32 << shape.teeth  # the upper half: top tooth positive
    monkeypatch.setattr(cc, "_NATIVE", None)
    python = cc.CombTable([p])
    # other shapes than hot/cold need their slots (the Python build handles any shape)
    python._tables.setdefault(shape, [None])
    python._addr.setdefault(shape, np.zeros(1, dtype=np.uint64))
    python._build(shape, 0)
    built = python._tables[shape][0]
    assert built is not None
    assert built.tobytes()[len(native) :] == native


@pytest.mark.parametrize("shape", SHAPES, ids=["hot", "cold"])
def test_comb_table_entries_match_reference(shape: cc.CombShape) -> None:
    h, d = shape.teeth, shape.columns
    data = NATIVE.comb_table(raw(BASES[1]), h, d)
    top = 1 << (h - 1)
    rng = random.Random(h)
    for i in [0, 1, 2, top - 2, top - 1, *rng.sample(range(top), 3)]:  # entry[top + i]
        expected = REF.mul(comb_scalar(top + i, h, d), REF_BASES[1])
        assert enc(data[64 * i : 64 * i + 64]) == REF.encode(expected), i


def test_comb_table_small_shape_literal() -> None:
    """teeth 2, columns 1: the entries are −3P, −P, P, 3P; the table holds P, 3P."""
    data = NATIVE.comb_table(raw(BASES[2]), 2, 1)
    want = [REF.mul(k, REF_BASES[2]) for k in (1, 3)]
    assert len(data) == 128
    assert [enc(data[64 * i : 64 * i + 64]) for i in range(2)] == [REF.encode(w) for w in want]


# -- 2. agreement with the reference on random inputs -----------------------------------


@settings(max_examples=40, deadline=None)
@given(
    terms=st.lists(st.tuples(st.integers(0, len(BASES) - 1), SCALARS), max_size=4),
    units=st.lists(st.tuples(st.integers(0, len(BASES) - 1), st.booleans()), max_size=3),
    hot=st.booleans(),
)
@example(terms=[(0, k) for k in (0, 1, 2, Q - 1, Q - 2)], units=[], hot=True)
@example(terms=[(0, 5), (0, 5)], units=[], hot=False)
@example(terms=[(1, 9), (1, Q - 9)], units=[(2, False), (2, True)], hot=True)
def test_comb_msm_matches_reference(
    terms: list[tuple[int, int]], units: list[tuple[int, bool]], hot: bool
) -> None:
    shape = HOT if hot else COLD
    buf = points_buf(tuple(units))
    got = comb(
        [(table(i, shape), k) for i, k in terms], [buf.at(j) for j in range(len(units))], shape
    )
    ks = [k for _, k in terms] + [Q - 1 if neg else 1 for _, neg in units]
    pts = [REF_BASES[i] for i, _ in terms] + [REF_BASES[i] for i, _ in units]
    assert enc(got) == REF.encode(REF.msm(ks, pts))


@settings(max_examples=30, deadline=None)
@given(terms=st.lists(st.tuples(st.integers(0, len(BASES) - 1), SCALARS), max_size=4))
@example(terms=[(0, k) for k in (0, 1, 2, Q - 1, Q - 2)])
@example(terms=[(3, 11), (3, Q - 11)])
def test_msm_matches_reference(terms: list[tuple[int, int]]) -> None:
    got = NATIVE.msm(b"".join(raw(BASES[i]) for i, _ in terms), scalar_bytes([k for _, k in terms]))
    expected = REF.msm([k for _, k in terms], [REF_BASES[i] for i, _ in terms])
    assert enc(got) == REF.encode(expected)


_FIXED = FAST.precompute(BASES)
_FIXED.prepare(len(BASES))


@settings(max_examples=30, deadline=None)
@given(
    ks=st.lists(SCALARS, min_size=1, max_size=len(BASES)),
    extra=st.lists(st.tuples(st.integers(0, len(BASES) - 1), SCALARS), max_size=2),
)
@example(ks=[1, Q - 1, 0, 2, Q - 2], extra=[(0, Q - 1)])
def test_msm_fixed_matches_reference(ks: list[int], extra: list[tuple[int, int]]) -> None:
    got = FAST.msm_fixed(_FIXED, ks, [k for _, k in extra], [BASES[i] for i, _ in extra])
    expected = REF.msm(
        ks + [k for _, k in extra], REF_BASES[: len(ks)] + [REF_BASES[i] for i, _ in extra]
    )
    assert FAST.encode(got) == REF.encode(expected)


@pytest.mark.parametrize("n", [1, 2, 65, 130, 131, 257])
@pytest.mark.parametrize("shape", [HOT, COLD], ids=["hot", "cold"])
def test_comb_msm_sizes(n: int, shape: tuple[int, int]) -> None:
    rng = random.Random(n)
    dlogs, points = dlog_points(n)
    tables = [Buf(NATIVE.comb_table(raw(p), *shape)) for p in points]
    ks = random_scalars(rng, n)
    # a few ±1 units too: +P_0, −P_(n−1)
    units = Buf(raw(points[0]) + raw(FAST.neg(points[-1])))
    got = comb(list(zip(tables, ks, strict=True)), [units.at(0), units.at(1)], shape)
    total = sum(k * d for k, d in zip(ks, dlogs, strict=True)) + dlogs[0] - dlogs[-1]
    assert enc(got) == REF.encode(ref_of_dlog(total))


@pytest.mark.parametrize("n", [1, 2, 65, 87, 88, 89, 130, 300, 1000])
def test_msm_sizes(n: int) -> None:
    rng = random.Random(n)
    dlogs, points = dlog_points(n)
    ks = random_scalars(rng, n)
    got = NATIVE.msm(b"".join(raw(p) for p in points), scalar_bytes(ks))
    total = sum(k * d for k, d in zip(ks, dlogs, strict=True))
    assert enc(got) == REF.encode(ref_of_dlog(total))


@pytest.mark.parametrize(
    ("n", "prepared"),
    [(n, True) for n in (1, 2, 65, 130, 131, 200)] + [(n, False) for n in (130, 200)],
)
def test_msm_fixed_sizes_and_path(monkeypatch: pytest.MonkeyPatch, n: int, prepared: bool) -> None:
    spy = Spy(NATIVE)
    monkeypatch.setattr(cc, "_NATIVE", spy)
    rng = random.Random(1000 + n)
    dlogs, points = dlog_points(n)
    fixed = FAST.precompute(points)
    if prepared:
        fixed.prepare(n)
    ks = random_scalars(rng, n)
    extra_dlogs = [rng.randrange(1, Q) for _ in range(2)]
    extra_ks = [rng.randrange(Q), Q - 1]
    extra = [FAST.mul(d, FAST.generator()) for d in extra_dlogs]
    got = FAST.msm_fixed(fixed, ks, extra_ks, extra)
    total = sum(k * d for k, d in zip(ks + extra_ks, dlogs + extra_dlogs, strict=True))
    assert FAST.encode(got) == REF.encode(ref_of_dlog(total))
    # prepared tables run the comb; a one-off MSM over unbuilt tables runs msm
    assert spy.calls.get("comb_msm", 0) == (1 if prepared else 0)
    assert spy.calls.get("msm", 0) >= (0 if prepared else 1)


# -- 3. edge cases of the batch-affine sums ---------------------------------------------


@pytest.mark.parametrize("shape", [HOT, COLD], ids=["hot", "cold"])
@pytest.mark.parametrize("copies", [2, 3, 4, 8])
@pytest.mark.parametrize("k", [1, 2, Q - 1, Q - 2, 0xDEADBEEF << 200], ids=kid)
def test_same_base_same_scalar_doubles(shape: tuple[int, int], copies: int, k: int) -> None:
    """Equal points in every column: the first level (and, for 4 and 8 copies,
    later levels) must double."""
    t = table(0, shape)
    got = comb([(t, k)] * copies, shape=shape)
    assert enc(got) == REF.encode(REF.mul(copies * k, REF_BASES[0]))


@pytest.mark.parametrize("shape", [HOT, COLD], ids=["hot", "cold"])
@pytest.mark.parametrize("k", [1, 2, 12345, Q - 1, Q // 2], ids=kid)
def test_base_with_k_and_minus_k_is_identity(shape: tuple[int, int], k: int) -> None:
    t = table(1, shape)
    assert comb([(t, k), (t, Q - k)], shape=shape) is None
    assert comb([(t, Q - k), (t, k), (t, k), (t, Q - k)], shape=shape) is None


@pytest.mark.parametrize("shape", [HOT, COLD], ids=["hot", "cold"])
def test_opposite_points_in_every_column(shape: tuple[int, int]) -> None:
    """Tables of P and −P with the same scalar: every column pair cancels, so
    the column sums are the identity, alone or followed by other points."""
    k, j, m = 0x1234567890ABCDEF << 100, 77, Q - 3
    tp, tn, t2, t3 = table(0, shape), table(0, shape, negate=True), table(2, shape), table(3, shape)
    assert comb([(tp, k), (tn, k)], shape=shape) is None
    b = REF.mul(j, REF_BASES[2])
    bc = REF.add(b, REF.mul(m, REF_BASES[3]))
    cases = [
        ([(tp, k), (tn, k), (t2, j)], b),
        ([(t2, j), (tp, k), (tn, k)], b),
        ([(tp, k), (tn, k), (t2, j), (t3, m)], bc),
        ([(t2, j), (t3, m), (tp, k), (tn, k)], bc),
        ([(tp, k), (tn, k), (tp, k), (tn, k), (t2, j)], b),
    ]
    for terms, want in cases:
        assert enc(comb(terms, shape=shape)) == REF.encode(want)
    # the same with units following the cancelled column 0
    units = points_buf(((4, False),))
    got = comb([(tp, k), (tn, k)], [units.at(0)], shape)
    assert enc(got) == REF.encode(REF_BASES[4])


@pytest.mark.parametrize("shape", [HOT, COLD], ids=["hot", "cold"])
@pytest.mark.parametrize("k", [1, 2, 0xABCDEF << 150, Q - 1], ids=kid)
@pytest.mark.parametrize("negate", [False, True], ids=["double", "cancel"])
def test_unit_equal_or_opposite_to_column_zero_entry(
    shape: tuple[int, int], k: int, negate: bool
) -> None:
    """A unit that is (±) the comb entry the term uses in column 0: the pair
    (entry, unit) in column 0 is a doubling or a cancellation."""
    h, d = shape
    t = table(0, shape)
    e0 = recoded_index(k, h, d, 0)
    row = ((1 << h) - 1) ^ e0 if negate else e0  # entry[~i] = −entry[i]
    top = 1 << (h - 1)
    if row >= top:  # stored in the (upper half) table itself
        unit = t.at(row - top)
    else:
        stored = t.arr[64 * (top - 1 - row) : 64 * (top - row)].tobytes()
        point = cc.ffi.new("secp256k1_pubkey *")
        cc.ffi.memmove(point, stored, 64)
        unit_buf = Buf(raw(FAST.neg(cc.Secp256k1Point(point))))
        unit = unit_buf.addr
    got = comb([(t, k)], [unit], shape)
    want = k + comb_scalar(row, h, d)
    assert enc(got) == REF.encode(REF.mul(want, REF_BASES[0]))


@pytest.mark.parametrize(
    "rows",
    [
        ((0, False), (0, True)),
        ((0, False), (0, False)),
        ((0, False), (0, True), (0, False)),
        ((0, False), (0, False), (0, True), (0, True)),
        ((0, False), (0, True), (1, False), (1, True)),
        ((1, False), (0, False), (0, True)),
        ((0, False), (1, False), (2, True)),
        ((3, True),),
    ],
)
@pytest.mark.parametrize("shape", [HOT, COLD], ids=["hot", "cold"])
def test_units_only(rows: tuple[tuple[int, bool], ...], shape: tuple[int, int]) -> None:
    buf = points_buf(rows)
    got = comb([], [buf.at(j) for j in range(len(rows))], shape)
    expected = REF.msm([Q - 1 if n else 1 for _, n in rows], [REF_BASES[i] for i, _ in rows])
    assert enc(got) == REF.encode(expected)
    if expected is None:
        assert got is None


def test_zero_terms_and_zero_scalars() -> None:
    t0, t1 = table(0, HOT), table(1, HOT)
    assert comb([]) is None
    assert comb([(t0, 0)]) is None
    assert comb([(t0, 0), (t1, 0)], shape=HOT) is None
    assert enc(comb([(t0, 0), (t1, 5)])) == REF.encode(REF.mul(5, REF_BASES[1]))
    assert NATIVE.msm(b"", b"") is None
    assert NATIVE.msm(raw(BASES[0]) * 2, scalar_bytes([0, 0])) is None
    assert NATIVE.msm(raw(BASES[0]) * 2, scalar_bytes([7, Q - 7])) is None


def test_msm_fixed_repeated_indices_and_identity() -> None:
    t = FAST.precompute(BASES)
    t.prepare(len(BASES))
    got = FAST.msm_fixed(t, [9, 9, 9], indices=[2, 2, 2])
    assert FAST.encode(got) == REF.encode(REF.mul(27, REF_BASES[2]))
    assert FAST.is_identity(FAST.msm_fixed(t, [9, Q - 9], indices=[2, 2]))
    assert FAST.is_identity(FAST.msm_fixed(t, [0, 0, 0]))
    assert FAST.is_identity(FAST.msm_fixed(t, [1, Q - 1], indices=[4, 4]))


# -- 4. invalid arguments ---------------------------------------------------------------

ZERO_POINT = bytes(64)


@pytest.mark.parametrize("bad", [Q, Q + 1, 2**256 - 1], ids=kid)
def test_unreduced_scalar_rejected(bad: int) -> None:
    t = table(0, HOT)
    for terms in ([(t, bad)], [(t, 5), (t, bad)], [(t, bad), (t, 5)]):
        with pytest.raises(ValueError, match="not reduced"):
            comb(terms)
    with pytest.raises(ValueError, match="not reduced"):
        NATIVE.msm(raw(BASES[0]) * 2, scalar_bytes([3, bad]))


def test_comb_msm_wrong_lengths() -> None:
    t = table(0, HOT)
    good_t, good_s = addresses([t.addr]), scalar_bytes([5])
    cases = [
        (good_t[:7], b"", b""),  # addresses not a multiple of 8
        (good_t + b"\0", good_s, b""),
        (good_t, good_s[:31], b""),  # scalars not a multiple of 32
        (good_t, good_s + b"\0", b""),
        (good_t, good_s * 2, b""),  # two scalars, one table
        (good_t * 2, good_s, b""),
        (b"", good_s, b""),
        (good_t, good_s, addresses([t.addr])[:5]),  # units not a multiple of 8
    ]
    for tables, scalars, units in cases:
        with pytest.raises(ValueError, match="comb_msm"):
            NATIVE.comb_msm(tables, scalars, *HOT, units)
    # still usable afterwards
    assert enc(NATIVE.comb_msm(good_t, good_s, *HOT, b"")) == REF.encode(REF.mul(5, REF_BASES[0]))


@pytest.mark.parametrize(
    ("teeth", "columns"),
    [
        *[(1, 257), (0, 300), (-1, 22), (17, 16)],  # teeth
        *[(12, 0), (12, -1), (4, 65)],  # columns
        *[(2, 64), (16, 20), (10, 25), (12, 21), (5, 64)],  # teeth·columns ∉ [257, 319]
    ],
)
def test_comb_msm_shape_out_of_range(teeth: int, columns: int) -> None:
    t = table(0, HOT)
    with pytest.raises(ValueError, match="out of range"):
        NATIVE.comb_msm(addresses([t.addr]), scalar_bytes([5]), teeth, columns, b"")
    with pytest.raises(ValueError, match="out of range"):
        NATIVE.comb_msm(b"", b"", teeth, columns, b"")


def test_comb_msm_rejects_non_points() -> None:
    zeros = Buf(bytes(64 << HOT[0]))  # a "table" of all-zero entries
    with pytest.raises(ValueError, match="not a point"):
        comb([(zeros, 5)])
    zero_unit = Buf(ZERO_POINT)
    with pytest.raises(ValueError, match="not a point"):
        comb([], [zero_unit.addr])
    with pytest.raises(ValueError, match="not a point"):
        comb([(table(0, HOT), 5)], [points_buf(((0, False),)).addr, zero_unit.addr])


def test_msm_wrong_lengths_and_non_points() -> None:
    p, s = raw(BASES[0]), scalar_bytes([5])
    cases = [
        (p[:63], s),  # points not a multiple of 64
        (p + b"\0", s),
        (p, s[:31]),  # scalars not a multiple of 32
        (p, s + b"\0"),
        (p * 2, s),
        (p, s * 2),
        (b"", s),
        (p, b""),
    ]
    for points, scalars in cases:
        with pytest.raises(ValueError, match="msm"):
            NATIVE.msm(points, scalars)
    for points, ks in [(ZERO_POINT, [5]), (p + ZERO_POINT, [5, 6]), (ZERO_POINT + p, [0, 1])]:
        with pytest.raises(ValueError, match="not a point"):
            NATIVE.msm(points, scalar_bytes(ks))
    assert enc(NATIVE.msm(p, s)) == REF.encode(REF.mul(5, REF_BASES[0]))


def test_compress_invalid() -> None:
    # not a point: None (the layout self-test compares it with coincurve's encoding)
    assert NATIVE.compress(ZERO_POINT) is None
    off_curve = (1).to_bytes(32, "little") * 2  # (1, 1): 1 ≠ 1 + 7
    assert NATIVE.compress(off_curve) is None
    for bad in (b"", ZERO_POINT[:63], ZERO_POINT + b"\0", raw(BASES[0])[:32]):
        with pytest.raises(ValueError, match="64"):
            NATIVE.compress(bad)


def test_comb_table_invalid() -> None:
    p = raw(BASES[0])
    with pytest.raises(ValueError, match="not a point"):
        NATIVE.comb_table(ZERO_POINT, *HOT)
    for bad in (b"", p[:63], p + b"\0"):
        with pytest.raises(ValueError, match="64"):
            NATIVE.comb_table(bad, *HOT)
    for teeth, columns in [(1, 257), (0, 22), (17, 16), (-3, 22), (12, 0), (12, 65), (12, -1)]:
        with pytest.raises(ValueError, match="out of range"):
            NATIVE.comb_table(p, teeth, columns)


# -- 5. switch and end to end -----------------------------------------------------------


def test_load_native_respects_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKSOLVENCY_NATIVE", "0")
    assert cc._load_native() is None
    monkeypatch.setenv("ZKSOLVENCY_NATIVE", "1")
    assert cc._load_native() is NATIVE
    monkeypatch.delenv("ZKSOLVENCY_NATIVE")
    assert cc._load_native() is NATIVE


def test_native_64_bit_proof_verifies_with_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 64-bit proof (hot tables over all 130 bases, ±1 bit vectors as units)
    made natively verifies with py_ecc, and a wrong commitment does not."""
    spy = Spy(NATIVE)
    monkeypatch.setattr(cc, "_NATIVE", spy)
    gens = Generators(FAST)  # fresh: tables built here, through the spy
    gens.prepare(64)
    rng = random.Random(64)
    value = (1 << 64) - 12345
    proof, V = bp.prove(gens, [value], [rng.randrange(1, Q)], 64, Transcript(b"native"), rng=rng)
    assert spy.calls.get("comb_msm", 0) > 0
    ref_gens = generators(REF)
    ref_proof = bp.RangeProof.from_bytes(proof.to_bytes(FAST), REF, 64, 1)
    ref_V = REF.decode(FAST.encode(V[0]))
    bp.verify(ref_gens, ref_proof, [ref_V], 64, Transcript(b"native"))
    wrong = REF.add(ref_V, REF.generator())
    assert not bp.is_valid(ref_gens, ref_proof, [wrong], 64, Transcript(b"native"))
