"""Fast secp256k1 backend on libsecp256k1 (through coincurve's cffi bindings).

libsecp256k1 exposes no multi-scalar multiplication, so this module builds
two from the primitives it does expose:

* ``secp256k1_ec_pubkey_combine`` adds any number of points in one C call
  (constant-time mixed additions, one field inversion at the end). A C-level
  addition costs ~0.4 µs here while a Python-level call costs ~4 µs, so both
  algorithms below are arranged to make few calls that each add many points.
* ``secp256k1_ec_pubkey_tweak_mul`` multiplies one point by one scalar (~50 µs).

Fixed bases (the Pedersen and Bulletproofs generators) use a signed comb
(:class:`CombTable`): per base, 2^h precomputed points; a scalar costs ⌈257/h⌉
C additions and an MSM costs ⌈257/h⌉ Python calls, whatever its size.
Variable bases use scalar-by-scalar ``tweak_mul`` below a measured crossover
and a bucket (Pippenger) method above it. docs/notes-msm.md has the maths and
benches/msm.py the measurements behind the thresholds.

When the optional native module (``_secp256k1_native.c``, libsecp256k1's own
internal arithmetic compiled by setup.py) is present and passes its layout
self-test, the same algorithms run in C instead: a comb MSM is one call (its
column sums by batch-affine additions, ~0.2–0.4 µs each, then Horner), a comb
table (the half of it with the top tooth positive, 64-byte aligned) is built
in ~2 ms, and variable-base MSMs run libsecp256k1's ``ecmult_multi_var``
(Strauss / Pippenger). The inner-product prover's rounds and the range
prover's vector arithmetic have native versions too (:meth:`ipa_prove_fixed`,
:meth:`range_poly`, :meth:`range_eval`). ``NATIVE`` says which is in use;
``ZKSOLVENCY_NATIVE=0`` turns it off. Both paths give the same points and the
same proofs (tests/test_native.py, tests/test_native_ipa.py).

Points are :class:`Secp256k1Point`: a cffi ``secp256k1_pubkey`` (an opaque
64-byte struct) or ``None`` inside for the identity, which libsecp256k1 cannot
represent.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from coincurve._libsecp256k1 import ffi, lib

from zksolvency.errors import FormatError, InternalError, ParameterError
from zksolvency.field import pack_scalars
from zksolvency.groups import secp256k1 as sec
from zksolvency.groups.base import fixed_indices

# Our own context, so that an illegal argument (a bug: libsecp256k1's default
# handler aborts the process) is recorded and raised as InternalError instead.
# Calls return normally after the callback, possibly with garbage: every code
# path checks _ILLEGAL (``_check_illegal``) before trusting a result.
_CTX = ffi.gc(lib.secp256k1_context_create(1), lib.secp256k1_context_destroy)  # CONTEXT_NONE
lib.secp256k1_context_randomize(_CTX, os.urandom(32))
_ILLEGAL: list[bytes] = []


@ffi.callback("void(char *, void *)")
def _on_illegal(message: Any, _data: Any) -> None:
    _ILLEGAL.append(ffi.string(message))


lib.secp256k1_context_set_illegal_callback(_CTX, _on_illegal, ffi.NULL)


def _check_illegal() -> None:
    if _ILLEGAL:
        messages = b"; ".join(_ILLEGAL).decode(errors="replace")
        _ILLEGAL.clear()
        raise InternalError(f"libsecp256k1 rejected an argument: {messages}")


_COMPRESSED = 258  # SECP256K1_EC_COMPRESSED
_STRUCT = 64  # sizeof(secp256k1_pubkey)
_Q = sec.ORDER
_Q_MINUS_1 = _Q - 1


def _struct_bytes(p: Any) -> bytes:
    return bytes(ffi.buffer(p, _STRUCT))


def _b32(k: int) -> bytes:
    return (k % _Q).to_bytes(32, "big")


def _packed(v: Sequence[int] | bytes) -> bytes:
    """A packed vector as is (the native side checks it is reduced), else packed."""
    return v if isinstance(v, bytes) else pack_scalars([k % _Q for k in v])


def _load_native() -> Any:
    """The native module if built, enabled, and reading coincurve's structs as
    coincurve writes them (the 64-byte pubkey struct is opaque: check, don't assume)."""
    if os.environ.get("ZKSOLVENCY_NATIVE", "1") == "0":
        return None
    try:
        from zksolvency.groups import _secp256k1_native as native
    except ImportError:
        return None
    g = _new()
    if not lib.secp256k1_ec_pubkey_parse(_CTX, g, sec.compress(sec.GX, sec.GY), 33):
        return None
    probe = [g, _tweak_mul(g, 3), _tweak_mul(g, _Q - 5)]
    raw = [_struct_bytes(p) for p in probe]
    for r, p in zip(raw, probe, strict=True):
        if native.compress(r) != _encode(Secp256k1Point(p)):
            return None
    # 2·G + 7·(3G) + 1·(−5G) = 18·G
    got = native.msm(b"".join(raw), pack_scalars((2, 7, 1)))
    if got is None or native.compress(got) != _encode(Secp256k1Point(_tweak_mul(g, 18))):
        return None
    _check_illegal()
    return native


@dataclass(frozen=True, eq=False)  # compared by identity: two shapes exist
class CombShape:
    """Signed comb parameters: h teeth, d = ⌈257/h⌉ columns (h·d ≥ 257 so that
    the recoding, which may add q once, fits)."""

    teeth: int
    columns: int
    offset: int  # 2^(h·d) − 1
    nbytes: int  # bytes of a recoded scalar
    weights: np.ndarray  # 2^t for t < h

    @classmethod
    def of(cls, teeth: int) -> CombShape:
        d = -(-257 // teeth)
        return cls(
            teeth,
            d,
            (1 << (teeth * d)) - 1,
            (teeth * d + 7) // 8,
            np.left_shift(1, np.arange(teeth, dtype=np.int64)),
        )


#: Tables of 2^12 points (256 KiB) for the first HOT_BASES bases — B, B̃ and
#: (G_i, H_i) for i < 64, all a single 64-bit proof uses — and of 2^10 points
#: (64 KiB) beyond: 22 vs 26 additions per product. Chosen with benches/msm.py.
HOT_SHAPE = CombShape.of(12)
COLD_SHAPE = CombShape.of(10)
HOT_BASES = 130
#: An MSM over fixed bases uses the comb when its tables are built: the hot
#: ones are built on first use; the others only by ``prepare`` (provers, who
#: run many MSMs over the same bases), up to this many bases: 2 + 2·1024 covers
#: aggregated 64-bit proofs of 16 values (~130 MiB of tables). Otherwise, as in
#: a verifier's one big MSM, Pippenger.
COMB_MAX_BASES = 2050
#: Fewer nonzero terms than this skip the comb: a comb MSM costs ~22 calls
#: whatever its size (crossover ≈ 7–8 terms in benches/results/msm.md).
COMB_MIN_TERMS = 8
#: Below this many terms a variable-base MSM multiplies point by point
#: (crossover ≈ 600 terms in benches/results/msm.md).
PIPPENGER_MIN_TERMS = 600


class Secp256k1Point:
    """An element of secp256k1; ``_p`` is a cffi ``secp256k1_pubkey *`` or None (identity)."""

    __slots__ = ("_p",)

    def __init__(self, p: Any) -> None:
        self._p = p

    def __repr__(self) -> str:
        return f"Secp256k1Point({_encode(self).hex()})"


def _new() -> Any:
    return ffi.new("secp256k1_pubkey *")


def _copy(p: Any) -> Any:
    q = _new()
    ffi.memmove(q, p, _STRUCT)
    return q


def _encode(a: Secp256k1Point) -> bytes:
    if a._p is None:
        return sec.IDENTITY_ENCODING
    out = ffi.new("unsigned char[33]")
    outlen = ffi.new("size_t *", 33)
    lib.secp256k1_ec_pubkey_serialize(_CTX, out, outlen, a._p, _COMPRESSED)
    _check_illegal()
    return bytes(ffi.buffer(out, 33))


def _combine(out: Any, ptrs: Any, count: int) -> bool:
    """out ← Σ ptrs[0..count); False (out unusable) if the sum is the identity.

    ``out`` must not alias an input: the library zeroes it before reading them.
    """
    if count <= 0:
        return False
    ok = bool(lib.secp256k1_ec_pubkey_combine(_CTX, out, ptrs, count))
    _check_illegal()
    return ok


def _sum_structs(structs: Sequence[Any]) -> Secp256k1Point:
    """Σ of a list of cffi pubkey pointers (may be empty)."""
    if not structs:
        return Secp256k1Point(None)
    arr = ffi.new("secp256k1_pubkey *[]", list(structs))
    out = _new()
    return Secp256k1Point(out if _combine(out, arr, len(structs)) else None)


def _tweak_mul(p: Any, k: int) -> Any:
    """k·p for 0 < k < q, as a new struct."""
    q = _copy(p)
    ok = lib.secp256k1_ec_pubkey_tweak_mul(_CTX, q, k.to_bytes(32, "big"))
    _check_illegal()
    if not ok:
        raise InternalError("secp256k1: tweak_mul failed")  # unreachable for 0 < k < q
    return q


def _addresses(buf: np.ndarray) -> int:
    return int(buf.ctypes.data)


def _cache_aligned(data: bytes) -> np.ndarray:
    """A copy of ``data`` starting on a 64-byte boundary: every 64-byte table
    entry then sits in one cache line, not two (the comb's gathers are random
    accesses; measured ~20 % faster for a 1 025-term MSM)."""
    raw = np.empty(len(data) + 64, dtype=np.uint8)
    start = -_addresses(raw) % 64
    out = raw[start : start + len(data)]
    out[:] = np.frombuffer(data, dtype=np.uint8)
    return out


def _row_addresses(buf: np.ndarray, rows: Sequence[int]) -> np.ndarray:
    return np.uint64(_addresses(buf)) + np.asarray(rows, dtype=np.uint64) * np.uint64(_STRUCT)


def _neg_struct(p: Any) -> Any:
    q = _copy(p)
    lib.secp256k1_ec_pubkey_negate(_CTX, q)
    _check_illegal()
    return q


_NATIVE = _load_native()
#: Whether the native module runs this backend's MSMs (module docstring).
NATIVE = _NATIVE is not None


def _from_native(out: bytes | None) -> Secp256k1Point:
    if out is None:
        return Secp256k1Point(None)
    p = _new()
    ffi.memmove(p, out, _STRUCT)
    return Secp256k1Point(p)


def _native_msm(scalars: Sequence[int], structs: bytes) -> Secp256k1Point:
    """Σ scalars[i]·P_i (reduced scalars; P_i as concatenated 64-byte structs)."""
    if _NATIVE is None:
        raise InternalError("secp256k1: native MSM called without the native module")
    return _from_native(_NATIVE.msm(structs, pack_scalars(scalars)))


def _shape_for(count: int) -> CombShape:
    """The comb an MSM over bases 0 … count−1 uses. Natively, every base gets
    the large tables: built in ~2 ms each, 15 % fewer additions than the
    small ones (2050 bases: ~262 MiB of half tables, shared by forked workers)."""
    return HOT_SHAPE if count <= HOT_BASES or NATIVE else COLD_SHAPE


class CombTable:
    """Signed-comb tables for a fixed list of bases, built lazily per base.

    For a base P with teeth T_t = 2^(t·d)·P (t < h), entry[i] = Σ_t ±T_t with the
    sign of T_t given by bit t of i (1 → +). A scalar k is recoded (k += q if k
    is even) to K = (k + 2^(hd) − 1)/2, so that k = Σ_j (2·K_j − 1)·2^j with
    every digit ±1: then k·P = Σ_{c<d} 2^c · entry[Σ_t K_{t·d+c}·2^t], and no
    entry is ever the identity. Evaluated by Horner over the d columns, one
    ``combine`` call per column for all bases at once.

    Natively (``_NATIVE``), a table holds only entries 2^(h−1) … 2^h − 1 (the
    rest are their negations, entry[i] = −entry[(2^h − 1) ⊕ i]), on a 64-byte
    boundary, and a whole MSM is one ``comb_msm`` call.
    """

    def __init__(self, points: Sequence[Secp256k1Point]) -> None:
        self._points = list(points)
        # per shape: tables (None until built), their addresses, and how many
        # leading bases are known to be built
        self._tables: dict[CombShape, list[np.ndarray | None]] = {
            HOT_SHAPE: [None] * len(self._points),
            COLD_SHAPE: [None] * len(self._points),
        }
        self._addr = {shape: np.zeros(len(self._points), dtype=np.uint64) for shape in self._tables}
        self._built = dict.fromkeys(self._tables, 0)
        self._uses = 0
        self._raw_pair: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    @property
    def points(self) -> Sequence[Secp256k1Point]:
        return self._points

    def __len__(self) -> int:
        return len(self._points)

    def extend(self, points: Sequence[Secp256k1Point]) -> None:
        with self._lock:
            self._points.extend(points)
            for shape, tables in self._tables.items():
                tables.extend([None] * len(points))
                self._addr[shape] = np.concatenate(
                    [self._addr[shape], np.zeros(len(points), dtype=np.uint64)]
                )
            self._raw_pair = None

    # -- comb tables ---------------------------------------------------------
    def _build(self, shape: CombShape, i: int) -> None:
        p = self._points[i]._p
        if p is None:
            raise ParameterError("fixed bases must not contain the identity")
        h, d = shape.teeth, shape.columns
        if _NATIVE is not None:
            table = _cache_aligned(_NATIVE.comb_table(_struct_bytes(p), h, d))
            self._tables[shape][i] = table
            self._addr[shape][i] = _addresses(table)
            return
        teeth = [p] + [_tweak_mul(p, pow(2, t * d, _Q)) for t in range(1, h)]
        twice = [_tweak_mul(t, 2) for t in teeth]
        table = np.zeros((1 << h, _STRUCT), dtype=np.uint8)
        base = ffi.cast("secp256k1_pubkey *", ffi.from_buffer(table))
        top = 1 << (h - 1)
        # Upper half (sign of T_(h-1) positive): entry[top] = T_(h-1) − Σ_(t<h-1) T_t,
        # then entry[i] = entry[i without its lowest set bit t] + 2·T_t.
        first = ffi.new("secp256k1_pubkey *[]", [teeth[-1]] + [_neg_struct(t) for t in teeth[:-1]])
        if not _combine(base + top, first, h):
            raise ParameterError("comb table: degenerate base")
        pair = ffi.new("secp256k1_pubkey *[2]")
        for idx in range(top + 1, 1 << h):
            low = idx & -idx
            pair[0] = base + (idx ^ low)
            pair[1] = twice[low.bit_length() - 1]
            if not _combine(base + idx, pair, 2):
                raise ParameterError("comb table: degenerate base")
        # Lower half by symmetry: entry[i] = −entry[(2^h − 1) ⊕ i].
        table[:top] = table[top:][::-1]
        for idx in range(top):
            lib.secp256k1_ec_pubkey_negate(_CTX, base + idx)
        _check_illegal()
        self._tables[shape][i] = table
        self._addr[shape][i] = _addresses(table)

    def ensure(self, count: int, shape: CombShape | None = None) -> None:
        """Build the tables of bases 0 … count−1 not built yet, in ``shape``
        (default: the shape an MSM over those bases uses)."""
        shape = shape or _shape_for(count)
        if count <= self._built[shape]:
            return
        with self._lock:
            tables = self._tables[shape]
            for i in range(self._built[shape], count):
                if tables[i] is None:
                    self._build(shape, i)
            self._built[shape] = max(self._built[shape], count)

    def prepare(self, count: int) -> None:
        """Build the comb tables an MSM over bases 0 … count−1 uses (none
        beyond COMB_MAX_BASES: such MSMs run Pippenger)."""
        count = min(count, len(self._points))
        if count <= COMB_MAX_BASES:
            self.ensure(count)

    def use_comb(self, count: int) -> bool:
        """Whether this MSM over bases 0 … count−1 should use the comb: its
        tables are built, or they are hot tables (~10 ms each) and this is not
        the first MSM here (a one-off commitment or verification builds
        nothing). Counts the MSM as a use."""
        if count <= HOT_BASES:
            self._uses += 1
            return self._uses > 1 or self._built[HOT_SHAPE] >= count
        return self._built[_shape_for(count)] >= count

    def comb_msm(
        self, indices: Sequence[int], scalars: Sequence[int], units: np.ndarray | None = None
    ) -> Secp256k1Point:
        """Σ scalars[t]·P_{indices[t]} + Σ units (scalars nonzero, reduced mod q).

        ``units`` are addresses of extra points added with weight 1 (the ±P_i of
        scalars ±1, which need no table): they join the last column's call.
        An MSM over hot bases only uses their large tables; any other uses the
        small tables of every base it touches (one Horner chain either way).
        """
        top = max(indices) + 1 if indices else 0
        shape = _shape_for(top)
        self.ensure(top, shape)
        return self._comb_chain(shape, indices, scalars, units)

    def _comb_chain(
        self,
        shape: CombShape,
        indices: Sequence[int],
        scalars: Sequence[int],
        units: np.ndarray | None,
    ) -> Secp256k1Point:
        count = len(scalars)
        extra = np.zeros(0, dtype=np.uint64) if units is None else units
        if _NATIVE is not None:
            tables = self._addr[shape][np.asarray(indices, dtype=np.intp)]
            return _from_native(
                _NATIVE.comb_msm(
                    tables.tobytes(),
                    pack_scalars(scalars),
                    shape.teeth,
                    shape.columns,
                    extra.astype(np.uint64).tobytes(),
                )
            )
        if count == 0:
            if extra.size == 0:
                return Secp256k1Point(None)
            out = _new()
            ok = _combine(out, ffi.cast("secp256k1_pubkey **", ffi.from_buffer(extra)), extra.size)
            return Secp256k1Point(out if ok else None)
        idx_arr = np.asarray(indices, dtype=np.intp)
        d, offset, nbytes = shape.columns, shape.offset, shape.nbytes
        recoded = b"".join(
            ((k + (_Q if not k & 1 else 0) + offset) >> 1).to_bytes(nbytes, "little")
            for k in scalars
        )
        bits = np.unpackbits(
            np.frombuffer(recoded, dtype=np.uint8).reshape(count, nbytes),
            axis=1,
            bitorder="little",
        )
        # entry index per (term, column) = Σ_t bit[t·d + column]·2^t (einsum keeps
        # this in numpy's own loops: a BLAS matmul would start competing threads)
        col_idx = np.einsum(
            "ntd,t->nd",
            bits[:, : shape.teeth * d].reshape(count, shape.teeth, d),
            shape.weights,
        ).astype(np.uint64)
        width = count + 2 + extra.size
        ptrs = np.empty((d, width), dtype=np.uint64)
        ptrs[:, 2 : 2 + count] = (
            self._addr[shape][idx_arr][:, None] + col_idx * np.uint64(_STRUCT)
        ).T
        ptrs[0, 2 + count :] = extra
        pm = ffi.cast("secp256k1_pubkey **", ffi.from_buffer(ptrs))
        bufs = (_new(), _new())
        addrs = np.array([int(ffi.cast("uintptr_t", b)) for b in bufs], dtype=np.uint64)
        # Step `it` handles column d−1−it and writes bufs[it & 1]; acc is then in
        # bufs[(it − 1) & 1], so every row's two acc slots can be filled up front.
        steps = d - 1 - np.arange(d)  # step index of each column
        ptrs[:, :2] = addrs[(steps - 1) & 1][:, None]
        combine = lib.secp256k1_ec_pubkey_combine
        have_acc = False
        which = 0
        for col in range(d - 1, -1, -1):
            used = count + (extra.size if col == 0 else 0)
            row = pm + col * width
            if have_acc:
                have_acc = bool(combine(_CTX, bufs[which], row, used + 2))
            else:
                have_acc = bool(combine(_CTX, bufs[which], row + 2, used))
            which ^= 1
        _check_illegal()
        return Secp256k1Point(_copy(bufs[which ^ 1]) if have_acc else None)

    # -- raw arrays for Pippenger ----------------------------------------------
    def raw(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._raw_pair is None:
                self._raw_pair = _raw_arrays([p._p for p in self._points])
            return self._raw_pair


def _raw_arrays(structs: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous copies of points and of their negations, for pointer arithmetic."""
    n = len(structs)
    raw = np.zeros((n, _STRUCT), dtype=np.uint8)
    neg = np.zeros((n, _STRUCT), dtype=np.uint8)
    rb = ffi.cast("secp256k1_pubkey *", ffi.from_buffer(raw))
    nb = ffi.cast("secp256k1_pubkey *", ffi.from_buffer(neg))
    for i, s in enumerate(structs):
        ffi.memmove(rb + i, s, _STRUCT)
        ffi.memmove(nb + i, s, _STRUCT)
        lib.secp256k1_ec_pubkey_negate(_CTX, nb + i)
    _check_illegal()
    return raw, neg


def _pippenger_window(n: int) -> int:
    """Window width for n terms (measured optimum of the cost model in docs/notes-msm.md)."""
    for limit, c in ((400, 5), (1500, 6), (5000, 7), (20000, 8), (80000, 9)):
        if n <= limit:
            return c
    return 10


def pippenger(scalars: Sequence[int], raw: np.ndarray, raw_neg: np.ndarray) -> Secp256k1Point:
    """Σ scalars[i]·P_i by the bucket method with signed c-bit digits.

    Per window w, bucket j (1 ≤ j ≤ 2^(c−1)) sums the points whose digit is ±j
    (one ``combine`` call each); then Σ_j j·B_j = Σ_b 2^b·Y_b with
    Y_b = Σ_{j has bit b} B_j (c calls). Every Y_{w,b} has weight 2^(c·w+b), and
    one Horner pass over those exponents (one call per bit) finishes the sum.
    Scalars must be reduced mod q; ``raw``/``raw_neg`` hold P_i and −P_i.
    """
    n = len(scalars)
    if n == 0:
        return Secp256k1Point(None)
    c = _pippenger_window(n)
    windows = -(-257 // c)
    nbytes = (windows * c + 7) // 8
    data = b"".join(k.to_bytes(nbytes, "little") for k in scalars)
    bits = np.unpackbits(
        np.frombuffer(data, dtype=np.uint8).reshape(n, nbytes), axis=1, bitorder="little"
    )[:, : windows * c].reshape(n, windows, c)
    digits = (bits.astype(np.int64) << np.arange(c, dtype=np.int64)[None, None, :]).sum(axis=2)
    half = 1 << (c - 1)
    carry = np.zeros(n, dtype=np.int64)
    for w in range(windows):  # signed recoding: digits in [-2^(c-1), 2^(c-1))
        col = digits[:, w] + carry
        carry = (col >= half).astype(np.int64)
        digits[:, w] = col - (carry << c)
    pos_addr = np.uint64(_addresses(raw)) + np.arange(n, dtype=np.uint64) * np.uint64(_STRUCT)
    neg_addr = np.uint64(_addresses(raw_neg)) + np.arange(n, dtype=np.uint64) * np.uint64(_STRUCT)
    buckets = ffi.new("secp256k1_pubkey[]", half + 1)
    bucket_base = int(ffi.cast("uintptr_t", buckets))
    ys = ffi.new("secp256k1_pubkey[]", windows * c)
    ys_ok = np.zeros(windows * c, dtype=bool)
    bit_of = [(np.arange(half + 1) >> b) & 1 for b in range(c)]
    for w in range(windows):
        dw = digits[:, w]
        nz = np.nonzero(dw)[0]
        if nz.size == 0:
            continue
        mag = np.abs(dw[nz])
        order = np.argsort(mag, kind="stable")
        sel = nz[order]
        addr = np.where(dw[sel] > 0, pos_addr[sel], neg_addr[sel]).astype(np.uint64)
        pa = ffi.cast("secp256k1_pubkey **", ffi.from_buffer(addr))
        counts = np.bincount(mag, minlength=half + 1)
        filled = np.zeros(half + 1, dtype=bool)
        start = 0
        for j in np.nonzero(counts)[0].tolist():
            cnt = int(counts[j])
            filled[j] = _combine(buckets + j, pa + start, cnt)
            start += cnt
        for b in range(c):
            js = np.nonzero(filled & (bit_of[b] == 1))[0]
            if js.size == 0:
                continue
            ba = (np.uint64(bucket_base) + js.astype(np.uint64) * np.uint64(_STRUCT)).astype(
                np.uint64
            )
            k = w * c + b
            ys_ok[k] = _combine(
                ys + k, ffi.cast("secp256k1_pubkey **", ffi.from_buffer(ba)), js.size
            )
    return _horner(ys, ys_ok)


def _horner(ys: Any, ys_ok: np.ndarray) -> Secp256k1Point:
    """Σ_k 2^k·ys[k] over the set entries, one combine call per bit."""
    bufs = (_new(), _new())
    trio = ffi.new("secp256k1_pubkey *[3]")
    acc = None
    step = 0
    for k in range(len(ys_ok) - 1, -1, -1):
        if acc is None and not ys_ok[k]:
            continue
        out = bufs[step & 1]
        step += 1
        m = 0
        if acc is not None:
            trio[0] = acc
            trio[1] = acc
            m = 2
        if ys_ok[k]:
            trio[m] = ys + k
            m += 1
        acc = out if _combine(out, trio, m) else None
    return Secp256k1Point(None if acc is None else _copy(acc))


class Secp256k1Coincurve:
    """secp256k1 on libsecp256k1: the default, fast backend."""

    curve = sec.CURVE
    backend = "coincurve"
    order = sec.ORDER
    point_size = sec.POINT_SIZE
    scalar_size = sec.SCALAR_SIZE

    def __init__(self) -> None:
        self._g = self.decode(sec.compress(sec.GX, sec.GY))

    # -- elements ---------------------------------------------------------------
    def identity(self) -> Secp256k1Point:
        return Secp256k1Point(None)

    def generator(self) -> Secp256k1Point:
        return self._g

    def is_identity(self, a: Secp256k1Point) -> bool:
        return a._p is None

    def eq(self, a: Secp256k1Point, b: Secp256k1Point) -> bool:
        if a._p is None or b._p is None:
            return a._p is None and b._p is None
        same = lib.secp256k1_ec_pubkey_cmp(_CTX, a._p, b._p) == 0
        _check_illegal()
        return same

    def add(self, a: Secp256k1Point, b: Secp256k1Point) -> Secp256k1Point:
        if a._p is None:
            return b
        if b._p is None:
            return a
        return _sum_structs([a._p, b._p])

    def neg(self, a: Secp256k1Point) -> Secp256k1Point:
        return a if a._p is None else Secp256k1Point(_neg_struct(a._p))

    def mul(self, k: int, a: Secp256k1Point) -> Secp256k1Point:
        k %= _Q
        if k == 0 or a._p is None:
            return Secp256k1Point(None)
        return Secp256k1Point(_tweak_mul(a._p, k))

    # -- multi-scalar multiplication ----------------------------------------------
    def msm(self, scalars: Sequence[int], points: Sequence[Secp256k1Point]) -> Secp256k1Point:
        if len(scalars) != len(points):
            raise ParameterError("msm: scalars and points differ in length")
        terms = [(k % _Q, p._p) for k, p in zip(scalars, points, strict=True)]
        terms = [(k, p) for k, p in terms if k and p is not None]
        if _NATIVE is not None and len(terms) > 1:
            return _native_msm([k for k, _ in terms], b"".join(_struct_bytes(p) for _, p in terms))
        if len(terms) < PIPPENGER_MIN_TERMS:
            # ±1 is an addition (of the point or its negation), not a multiplication
            return _sum_structs(
                [
                    p if k == 1 else _neg_struct(p) if k == _Q_MINUS_1 else _tweak_mul(p, k)
                    for k, p in terms
                ]
            )
        raw, neg = _raw_arrays([p for _, p in terms])
        return pippenger([k for k, _ in terms], raw, neg)

    def precompute(self, points: Sequence[Secp256k1Point]) -> CombTable:
        return CombTable(points)

    def msm_fixed(
        self,
        table: CombTable,
        scalars: Sequence[int],
        extra_scalars: Sequence[int] = (),
        extra_points: Sequence[Secp256k1Point] = (),
        *,
        indices: Sequence[int] | None = None,
    ) -> Secp256k1Point:
        if not isinstance(table, CombTable):
            raise ParameterError("msm_fixed: table was not made by this backend")
        if len(extra_scalars) != len(extra_points):
            raise ParameterError("msm_fixed: extra scalars and points differ in length")
        indices = fixed_indices(table, scalars, indices)
        # one pass: reduce, drop zeros, and set the ±1 scalars (e.g. a range
        # proof's bit vectors) apart as plain additions
        idx: list[int] = []
        ks: list[int] = []
        plus: list[int] = []
        minus: list[int] = []
        for i, k in zip(indices, scalars, strict=True):
            k %= _Q
            if k == 1:
                plus.append(i)
            elif k == _Q_MINUS_1:
                minus.append(i)
            elif k:
                idx.append(i)
                ks.append(k)
        count = len(idx) + len(plus) + len(minus)
        used = max(max(idx, default=-1), max(plus, default=-1), max(minus, default=-1)) + 1
        # natively a comb MSM is one call, so any number of terms may use it
        min_terms = 1 if _NATIVE is not None else COMB_MIN_TERMS
        if count >= min_terms and used <= COMB_MAX_BASES and table.use_comb(used):
            units = None
            if plus or minus:
                raw, neg = table.raw()
                units = np.concatenate([_row_addresses(raw, plus), _row_addresses(neg, minus)])
            fixed = table.comb_msm(idx, ks, units)
            return self.add(fixed, self.msm(extra_scalars, extra_points))
        terms = list(zip(idx, ks, strict=True))
        terms += [(i, 1) for i in plus] + [(i, _Q_MINUS_1) for i in minus]
        extra = [(k % _Q, p._p) for k, p in zip(extra_scalars, extra_points, strict=True)]
        extra = [(k, p) for k, p in extra if k and p is not None]
        if _NATIVE is not None and len(terms) + len(extra) > 1:
            raw, _ = table.raw()
            rows = np.asarray([i for i, _ in terms], dtype=np.intp)
            structs = raw[rows].tobytes() + b"".join(_struct_bytes(p) for _, p in extra)
            return _native_msm([k for _, k in terms] + [k for k, _ in extra], structs)
        if len(terms) + len(extra) < PIPPENGER_MIN_TERMS:
            points = table.points
            products = [_tweak_mul(points[i]._p, k) for i, k in terms]
            return _sum_structs(products + [_tweak_mul(p, k) for k, p in extra])
        raw, neg = table.raw()
        rows = np.asarray([i for i, _ in terms], dtype=np.intp)
        ks = [k for _, k in terms]
        raw, neg = raw[rows], neg[rows]
        if extra:
            eraw, eneg = _raw_arrays([p for _, p in extra])
            raw = np.concatenate([raw, eraw])
            neg = np.concatenate([neg, eneg])
            ks += [k for k, _ in extra]
        return pippenger(ks, raw, neg)

    def ipa_prove_fixed(
        self,
        table: CombTable,
        q_scalar: int,
        h_factors: Sequence[int] | bytes,
        a: Sequence[int] | bytes,
        b: Sequence[int] | bytes,
        explicit_at: int,
        on_round: Callable[[Secp256k1Point, Secp256k1Point], int],
    ) -> tuple[list[Secp256k1Point], list[Secp256k1Point], int, int] | None:
        """The inner-product prover's rounds in the native module, or None when
        it cannot run them (no module, or the tables of B, G_j, H_j for j < n not
        built). ``table`` holds B, B̃, then G_j, H_j interleaved; H'_j =
        h_factors[j]·H_j, Q = q_scalar·B. Rounds run over the original generators
        while the vectors are longer than ``explicit_at`` (0: always), then on
        materialised folded generators. After each round ``on_round(L, R)``
        returns the challenge u (it absorbs L and R into the transcript).
        Vectors may be packed (:data:`zksolvency.field.Packed`, reduced).
        Same proof as :func:`zksolvency.bulletproofs.inner_product.prove`."""
        n = len(a) // 32 if isinstance(a, bytes) else len(a)
        count = 2 + 2 * n
        if _NATIVE is None or not isinstance(table, CombTable) or len(table) < count:
            return None
        shape = _shape_for(count)
        if table._built[shape] < count:
            return None

        def challenge(left: bytes | None, right: bytes | None) -> bytes:
            u = on_round(_from_native(left), _from_native(right))
            return int(u).to_bytes(32, "big")

        Ls, Rs, fa, fb = _NATIVE.ipa_prove(
            table._addr[shape][:count].tobytes(),
            shape.teeth,
            shape.columns,
            _b32(q_scalar),
            _packed(h_factors),
            _packed(a),
            _packed(b),
            explicit_at,
            challenge,
        )
        return (
            [_from_native(x) for x in Ls],
            [_from_native(x) for x in Rs],
            int.from_bytes(fa, "big"),
            int.from_bytes(fb, "big"),
        )

    def range_poly(
        self, bits: bytes, s_L: bytes, s_R: bytes, y: int, z: int, n: int
    ) -> tuple[int, int, bytes, bytes] | None:
        """A range proof's t_1, t_2 and packed r_0, r_1 in the native module
        (None without it); see :class:`zksolvency.bulletproofs.range_proof`."""
        if _NATIVE is None:
            return None
        t1, t2, r0, r1 = _NATIVE.rp_poly(bits, s_L, s_R, _b32(y), _b32(z), n)
        return int.from_bytes(t1, "big"), int.from_bytes(t2, "big"), r0, r1

    def range_eval(
        self, bits: bytes, s_L: bytes, r0: bytes, r1: bytes, y: int, z: int, x: int
    ) -> tuple[bytes, bytes, bytes, int] | None:
        """Packed l(x), r(x), y^(−i) and t̂ = <l(x), r(x)> in the native module."""
        if _NATIVE is None:
            return None
        lv, rv, hf, t_hat = _NATIVE.rp_eval(bits, s_L, r0, r1, _b32(y), _b32(z), _b32(x))
        return lv, rv, hf, int.from_bytes(t_hat, "big")

    # -- encoding ---------------------------------------------------------------
    def encode(self, a: Secp256k1Point) -> bytes:
        return _encode(a)

    def decode(self, data: bytes, *, allow_identity: bool = False) -> Secp256k1Point:
        data = bytes(data)
        if len(data) != sec.POINT_SIZE:
            raise FormatError(f"secp256k1 point: expected {sec.POINT_SIZE} bytes, got {len(data)}")
        if data == sec.IDENTITY_ENCODING:
            if not allow_identity:
                raise FormatError("secp256k1 point: identity not allowed here")
            return Secp256k1Point(None)
        if data[0] not in (2, 3):
            raise FormatError(f"secp256k1 point: bad prefix 0x{data[0]:02x}")
        # libsecp256k1's parser rejects x >= p and x off the curve; the cofactor is 1.
        p = _new()
        ok = lib.secp256k1_ec_pubkey_parse(_CTX, p, data, len(data))
        _check_illegal()
        if not ok:
            raise FormatError("secp256k1 point: not a valid curve point")
        return Secp256k1Point(p)

    def decode_unchecked(self, data: bytes) -> Secp256k1Point:
        # libsecp256k1 has no unchecked parser; the checks are cheap, so this is decode.
        return self.decode(data, allow_identity=True)

    def hash_to_group(self, domain: bytes, msg: bytes) -> Secp256k1Point:
        return self.decode(sec.hash_to_compressed(domain, msg))
