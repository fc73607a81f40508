"""Range proofs: completeness, soundness of the prover's refusals, binding of
every public input, and rejection of every malformed or tampered encoding."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zksolvency import bulletproofs as bp
from zksolvency.errors import FormatError, ParameterError, ProvingError, VerificationError
from zksolvency.groups import get_group
from zksolvency.pedersen import Generators, generators
from zksolvency.transcript import Transcript

LABEL = b"test-rangeproof"
REJECTED = (FormatError, VerificationError)


def make(gens: Generators, values: list[int], n: int, rng: random.Random, label: bytes = LABEL):
    q = gens.group.order
    blindings = [rng.randrange(1, q) for _ in values]
    proof, V = bp.prove(gens, values, blindings, n, Transcript(label), rng=rng)
    return proof, V, blindings


def verifies(gens: Generators, proof, V, n: int, label: bytes = LABEL) -> bool:
    try:
        bp.verify(gens, proof, V, n, Transcript(label))
    except REJECTED:
        return False
    return True


# -- completeness ---------------------------------------------------------------


@pytest.mark.parametrize(("n", "m"), [(8, 1), (8, 2), (16, 3), (32, 4), (64, 1), (8, 5)])
def test_completeness_with_extremes(gens: Generators, rng: random.Random, n: int, m: int) -> None:
    values = [0, (1 << n) - 1, 1, (1 << n) - 2, 1 << (n - 1)][:m]
    values += [rng.randrange(1 << n) for _ in range(m - len(values))]
    proof, V, _ = make(gens, values, n, rng)
    data = proof.to_bytes(gens.group)
    assert len(data) == bp.proof_size(gens.group, n, m)
    decoded = bp.RangeProof.from_bytes(data, gens.group, n, m)
    assert decoded.to_bytes(gens.group) == data
    bp.verify(gens, decoded, V, n, Transcript(LABEL))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_completeness_property(gens: Generators, data: st.DataObject) -> None:
    n = data.draw(st.sampled_from([8, 16, 32, 64]))
    m = data.draw(st.integers(1, 4))
    values = data.draw(
        st.lists(
            st.one_of(st.just(0), st.just((1 << n) - 1), st.integers(0, (1 << n) - 1)),
            min_size=m,
            max_size=m,
        )
    )
    seed = data.draw(st.integers(0, 2**32))
    proof, V, _ = make(gens, values, n, random.Random(seed))
    bp.verify(
        gens,
        bp.RangeProof.from_bytes(proof.to_bytes(gens.group), gens.group, n, m),
        V,
        n,
        Transcript(LABEL),
    )


def test_128_bit(gens: Generators, rng: random.Random) -> None:
    proof, V, _ = make(gens, [(1 << 128) - 1], 128, rng)
    assert verifies(gens, proof, V, 128)


def test_proof_sizes() -> None:
    assert bp.proof_size(get_group("secp256k1"), 64, 1) == 688
    assert bp.proof_size(get_group("bls12_381"), 64, 1) == 928
    # m is padded to a power of two: 3 values cost what 4 do.
    assert bp.proof_size(get_group("secp256k1"), 64, 3) == bp.proof_size(
        get_group("secp256k1"), 64, 4
    )


# -- the prover refuses -------------------------------------------------------------


@pytest.mark.parametrize("bad", [256, 257, -1, -(2**70), 2**64])
def test_prover_refuses_out_of_range(gens: Generators, rng: random.Random, bad: int) -> None:
    with pytest.raises(ProvingError):
        bp.prove(gens, [bad], [1], 8, Transcript(LABEL), rng=rng)


@pytest.mark.parametrize("bad", [1.0, "1", True, None])
def test_prover_refuses_non_integers(gens: Generators, rng: random.Random, bad: object) -> None:
    with pytest.raises(ProvingError):
        bp.prove(gens, [bad], [1], 8, Transcript(LABEL), rng=rng)  # type: ignore[list-item]


def test_prover_refuses_mismatched_opening(gens: Generators, rng: random.Random) -> None:
    V = gens.commit(5, 77)
    with pytest.raises(ProvingError):
        bp.prove(gens, [5], [78], 8, Transcript(LABEL), commitments=[V], rng=rng)
    with pytest.raises(ProvingError):
        bp.prove(gens, [6], [77], 8, Transcript(LABEL), commitments=[V], rng=rng)
    bp.prove(gens, [5], [77], 8, Transcript(LABEL), commitments=[V], rng=rng)


@pytest.mark.parametrize(("n", "m"), [(7, 1), (24, 1), (256, 1), (8, 0), (64, 1 << 15)])
def test_unsupported_parameters(gens: Generators, rng: random.Random, n: int, m: int) -> None:
    with pytest.raises(ParameterError):
        bp.prove(gens, [0] * m, [1] * m, n, Transcript(LABEL), rng=rng)


# -- binding: every public input ------------------------------------------------------


def test_proof_for_one_commitment_fails_for_another(gens: Generators, rng: random.Random) -> None:
    proof, V, _ = make(gens, [42], 8, rng)
    other = gens.commit(42, rng.randrange(1, gens.group.order))
    assert not verifies(gens, proof, [other], 8)
    assert not verifies(gens, proof, [gens.group.add(V[0], gens.B)], 8)


def test_commitment_order_is_bound(gens: Generators, rng: random.Random) -> None:
    proof, V, _ = make(gens, [1, 2, 3], 8, rng)
    assert verifies(gens, proof, V, 8)
    assert not verifies(gens, proof, [V[1], V[0], V[2]], 8)


def test_n_and_m_are_bound(gens: Generators, rng: random.Random) -> None:
    group = gens.group
    proof, V, _ = make(gens, [3, 4], 16, rng)
    data = proof.to_bytes(group)
    # same byte length, different n·m split: 16 bits × 2 values vs 32 bits × 1 value
    other = bp.RangeProof.from_bytes(data, group, 32, 1)
    assert not verifies(gens, other, V[:1], 32)
    # m = 3 pads to 4 like m = 4 does, but the transcript binds m itself
    proof3, V3, _ = make(gens, [1, 2, 3], 8, rng)
    assert not verifies(gens, proof3, [*V3, group.identity()], 8)
    with pytest.raises(FormatError):
        bp.RangeProof.from_bytes(data, group, 16, 1)


def test_transcript_label_and_generator_domain_are_bound(
    gens: Generators, rng: random.Random
) -> None:
    proof, V, _ = make(gens, [9], 8, rng)
    assert not verifies(gens, proof, V, 8, label=b"another-statement")
    other = Generators(gens.group, b"another-domain")
    assert not verifies(other, proof, V, 8)


def test_value_out_of_range_cannot_be_proven_by_tampering(
    gens: Generators, rng: random.Random
) -> None:
    # A proof made for 2^8 − 1 in 8 bits does not verify for the commitment to 2^8.
    proof, V, bl = make(gens, [255], 8, rng)
    assert verifies(gens, proof, V, 8)
    assert not verifies(gens, proof, [gens.commit(256, bl[0])], 8)
    # A negative value (q − 1) committed with the same blinding fails too.
    assert not verifies(gens, proof, [gens.commit(gens.group.order - 1, bl[0])], 8)


# -- malformed encodings --------------------------------------------------------------


def test_every_flipped_byte_fails(gens: Generators, rng: random.Random) -> None:
    group = gens.group
    proof, V, _ = make(gens, [200], 8, rng)
    data = proof.to_bytes(group)
    for i in range(len(data)):
        for mask in (0x01, 0x80):
            bad = bytearray(data)
            bad[i] ^= mask
            with pytest.raises(REJECTED):
                bp.verify(
                    gens, bp.RangeProof.from_bytes(bytes(bad), group, 8, 1), V, 8, Transcript(LABEL)
                )


def test_truncated_and_extended_fail(gens: Generators, rng: random.Random) -> None:
    group = gens.group
    proof, _, _ = make(gens, [1], 8, rng)
    data = proof.to_bytes(group)
    for bad in (data[:-1], data + b"\x00", b"", data[: group.point_size], data * 2):
        with pytest.raises(FormatError):
            bp.RangeProof.from_bytes(bad, group, 8, 1)


def _scalar_offsets(group) -> list[int]:
    ps, ss = group.point_size, group.scalar_size
    # t̂, τ_x, μ after four points; a, b at the end
    return [4 * ps, 4 * ps + ss, 4 * ps + 2 * ss, -2 * ss, -ss]


@pytest.mark.parametrize("delta", [0, 1])  # scalar = order, order + 1
def test_non_canonical_scalars_fail(gens: Generators, rng: random.Random, delta: int) -> None:
    group = gens.group
    proof, _, _ = make(gens, [1], 8, rng)
    data = proof.to_bytes(group)
    bad_scalar = (group.order + delta).to_bytes(group.scalar_size, "big")
    for off in _scalar_offsets(group):
        bad = bytearray(data)
        end = off + group.scalar_size if off + group.scalar_size != 0 else None
        bad[off:end] = bad_scalar
        with pytest.raises(FormatError):
            bp.RangeProof.from_bytes(bytes(bad), group, 8, 1)


def _point_offsets(group, lg: int) -> list[int]:
    ps, ss = group.point_size, group.scalar_size
    offs = [0, ps, 2 * ps, 3 * ps]
    base = 4 * ps + 3 * ss
    offs += [base + k * ps for k in range(2 * lg)]
    return offs


def _identity_encoding(group) -> bytes:
    return group.encode(group.identity())


def _off_curve_encoding(group) -> bytes:
    """A well-formed compressed encoding whose x is not on the curve."""
    for x in range(1, 1000):
        enc = bytearray(group.encode(group.generator()))
        if group.curve == "secp256k1":
            enc[1:] = x.to_bytes(32, "big")
        else:
            enc[:] = x.to_bytes(48, "big")
            enc[0] |= 0x80
        try:
            group.decode(bytes(enc))
        except FormatError:
            return bytes(enc)
    raise AssertionError("no off-curve x found")


def test_identity_and_invalid_points_fail(gens: Generators, rng: random.Random) -> None:
    group = gens.group
    proof, _, _ = make(gens, [1], 8, rng)
    data = proof.to_bytes(group)
    for off in _point_offsets(group, 3):
        for enc in (_identity_encoding(group), _off_curve_encoding(group)):
            bad = bytearray(data)
            bad[off : off + group.point_size] = enc
            with pytest.raises(FormatError):
                bp.RangeProof.from_bytes(bytes(bad), group, 8, 1)


def test_non_subgroup_point_fails_bls() -> None:
    group = get_group("bls12_381")
    gens = generators(group)
    proof, _, _ = make(gens, [1], 8, random.Random(3))
    data = proof.to_bytes(group)
    enc = _non_subgroup_bls_encoding()
    for off in _point_offsets(group, 3):
        bad = bytearray(data)
        bad[off : off + group.point_size] = enc
        with pytest.raises(FormatError):
            bp.RangeProof.from_bytes(bytes(bad), group, 8, 1)


def _non_subgroup_bls_encoding() -> bytes:
    """A point on y² = x³ + 4 outside the prime-order subgroup, compressed."""
    from py_ecc.optimized_bls12_381 import FQ, curve_order, field_modulus, is_inf, multiply

    p = field_modulus
    for x in range(1, 100):
        rhs = (x**3 + 4) % p
        y = pow(rhs, (p + 1) // 4, p)
        if y * y % p != rhs:
            continue
        pt = (FQ(x), FQ(y), FQ(1))
        if not is_inf(multiply(pt, curve_order)):
            sign = 1 if y > (p - 1) // 2 else 0
            head = 0x80 | (0x20 if sign else 0)
            enc = bytearray(x.to_bytes(48, "big"))
            enc[0] |= head
            return bytes(enc)
    raise AssertionError("no non-subgroup point found")


# -- batch verification ---------------------------------------------------------------


def test_batch_mixed_sizes(gens: Generators, rng: random.Random) -> None:
    items = []
    for n, m in [(8, 1), (16, 2), (8, 3), (32, 1), (64, 2)]:
        proof, V, _ = make(gens, [rng.randrange(1 << n) for _ in range(m)], n, rng)
        items.append((proof, V, n))
    bp.batch_verify(gens, [(p, V, n, Transcript(LABEL)) for p, V, n in items])
    # one bad proof spoils the batch
    p0, V0, n0 = items[0]
    swapped = [(p0, [gens.group.add(V0[0], gens.B)], n0), *items[1:]]
    with pytest.raises(VerificationError):
        bp.batch_verify(gens, [(p, V, n, Transcript(LABEL)) for p, V, n in swapped])


def test_empty_batch_is_refused(gens: Generators) -> None:
    with pytest.raises(VerificationError):
        bp.batch_verify(gens, [])


def test_is_valid_boolean(gens: Generators, rng: random.Random) -> None:
    proof, V, _ = make(gens, [7], 8, rng)
    assert bp.is_valid(gens, proof, V, 8, Transcript(LABEL))
    assert not bp.is_valid(gens, proof, V, 16, Transcript(LABEL))
