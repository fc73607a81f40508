from __future__ import annotations

import pytest

from zksolvency.errors import VerificationError
from zksolvency.groups import get_group
from zksolvency.transcript import Transcript

Q = get_group().order


def test_same_appends_same_challenge() -> None:
    a, b = Transcript(b"t"), Transcript(b"t")
    for t in (a, b):
        t.append_message(b"x", b"hello")
        t.append_u64(b"n", 64)
    assert a.challenge_scalar(b"c", Q) == b.challenge_scalar(b"c", Q)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # moving bytes between label and data, or between two appends, changes the challenge
        ([(b"ab", b"c")], [(b"a", b"bc")]),
        ([(b"a", b"bc"), (b"d", b"")], [(b"a", b"b"), (b"cd", b"")]),
        ([(b"a", b"")], [(b"a", b"\x00")]),
        ([(b"a", b"x"), (b"b", b"y")], [(b"b", b"y"), (b"a", b"x")]),
    ],
)
def test_length_prefixes_separate_appends(left: list, right: list) -> None:
    a, b = Transcript(b"t"), Transcript(b"t")
    for label, data in left:
        a.append_message(label, data)
    for label, data in right:
        b.append_message(label, data)
    assert a.challenge_scalar(b"c", Q) != b.challenge_scalar(b"c", Q)


def test_domain_label_separates() -> None:
    assert Transcript(b"a").challenge_scalar(b"c", Q) != Transcript(b"b").challenge_scalar(b"c", Q)


def test_challenges_chain_and_are_wide() -> None:
    t = Transcript(b"t")
    c1 = t.challenge_scalar(b"c", Q)
    c2 = t.challenge_scalar(b"c", Q)
    assert c1 != c2
    assert 0 < c1 < Q
    assert len(Transcript(b"t").challenge_bytes(b"c")) == 64


def test_copy_forks_independently() -> None:
    t = Transcript(b"t")
    t.append_message(b"m", b"1")
    u = t.copy()
    assert t.challenge_scalar(b"c", Q) == u.challenge_scalar(b"c", Q)
    t.append_message(b"m", b"2")
    u.append_message(b"m", b"3")
    assert t.challenge_scalar(b"c", Q) != u.challenge_scalar(b"c", Q)


def test_identity_rejected_for_prover_messages() -> None:
    g = get_group()
    t = Transcript(b"t")
    with pytest.raises(VerificationError):
        t.append_point(b"A", g, g.identity())
    t.append_point(b"V", g, g.identity(), allow_identity=True)


def test_zero_challenge_rejected() -> None:
    # With order 1 every challenge reduces to zero: the transcript must refuse it.
    with pytest.raises(VerificationError):
        Transcript(b"t").challenge_scalar(b"c", 1)
