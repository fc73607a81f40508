"""Internals of the libsecp256k1 MSM: comb recoding edge cases, Pippenger
windows, and that a bug reaching libsecp256k1 raises instead of aborting or
returning garbage."""

from __future__ import annotations

import random

import pytest

from zksolvency.errors import InternalError
from zksolvency.groups import get_group
from zksolvency.groups import secp256k1_coincurve as cc

FAST = get_group("secp256k1", "coincurve")
REF = get_group("secp256k1", "py_ecc")
Q = FAST.order


def _points(count: int) -> list:
    return [FAST.hash_to_group(b"msm-test", i.to_bytes(4, "big")) for i in range(count)]


def test_illegal_argument_raises_internal_error() -> None:
    zero = cc.ffi.new("secp256k1_pubkey *")  # all-zero struct: not a valid key
    with pytest.raises(InternalError):
        cc._sum_structs([zero])
    # the flag is cleared: later calls work
    p = _points(1)[0]
    assert FAST.eq(FAST.add(p, p), FAST.mul(2, p))


@pytest.mark.parametrize("k", [1, 2, 3, Q - 1, Q - 2, Q // 2, Q // 2 + 1, 2**255, 2**256 - Q])
def test_comb_recoding_edge_scalars(k: int) -> None:
    p = _points(1)[0]
    table = FAST.precompute([p])
    expected = REF.mul(k, REF.decode(FAST.encode(p)))
    assert FAST.encode(FAST.msm_fixed(table, [k])) == REF.encode(expected)


def test_comb_sum_to_identity_and_units() -> None:
    pts = _points(3)
    table = FAST.precompute(pts)
    assert FAST.is_identity(FAST.msm_fixed(table, [5, 0, 0], [Q - 5], [pts[0]]))
    assert FAST.is_identity(FAST.msm_fixed(table, [1, Q - 1], indices=[2, 2]))
    # units (±1) and comb terms together
    r = FAST.msm_fixed(table, [1, Q - 1, 7])
    assert FAST.eq(r, FAST.add(FAST.add(pts[0], FAST.neg(pts[1])), FAST.mul(7, pts[2])))


@pytest.mark.parametrize("window", [4, 5, 8])
def test_pippenger_windows_agree(monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    rng = random.Random(window)
    pts = _points(40)
    ks = [rng.randrange(Q) for _ in pts]
    ks[3] = 0
    ks[4] = Q - 1
    expected = FAST.msm(ks, pts)  # below the Pippenger threshold: tweak_mul per term
    monkeypatch.setattr(cc, "_pippenger_window", lambda n: window)
    raw, neg = cc._raw_arrays([p._p for p in pts])
    assert FAST.eq(cc.pippenger(ks, raw, neg), expected)


def test_pippenger_identity_result() -> None:
    pts = _points(2)
    raw, neg = cc._raw_arrays([pts[0]._p, pts[0]._p, pts[1]._p])
    assert cc.pippenger([3, Q - 3, 0], raw, neg)._p is None
