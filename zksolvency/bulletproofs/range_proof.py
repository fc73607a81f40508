"""Aggregated Bulletproofs range proofs (Bünz et al. 2018, §4.1–4.3), with batch
verification. docs/notes-rp.md has the derivation; docs/SPEC.md §5 the bytes.

Proves for commitments V_j = v_j·B + γ_j·B̃ (j < m) that every v_j ∈ [0, 2^n).
Notation (N = n·m', m' = m rounded up to a power of two; the padding values are
v = 0, γ = 0, whose commitment is the identity, which the verifier re-creates):

    a_L = bits of all v_j, a_R = a_L − 1^N
    A = α·B̃ + <a_L, G> + <a_R, H>          S = ρ·B̃ + <s_L, G> + <s_R, H>
    y, z ← transcript
    l(X) = (a_L − z·1) + s_L·X
    r(X) = y^N ∘ (a_R + z·1 + s_R·X) + Σ_j z^(2+j)·(0^(jn) ‖ 2^n ‖ 0^((m'−j−1)n))
    t(X) = <l(X), r(X)> = t_0 + t_1·X + t_2·X²
    T_i = t_i·B + τ_i·B̃ (i = 1, 2)           x ← transcript
    t̂ = <l(x), r(x)>, τ_x = τ_2·x² + τ_1·x + Σ_j z^(2+j)·γ_j, μ = α + ρ·x
    w ← transcript, Q = w·B; inner-product argument for l(x), r(x) over G, H' = y^(−i)·H_i.

The verifier checks, with δ(y, z) = (z − z²)·<1, y^N> − Σ_j z^(3+j)·(2^n − 1),

    t̂·B + τ_x·B̃ = Σ_j z^(2+j)·V_j + δ(y, z)·B + x·T_1 + x²·T_2
    A + x·S − z·<1, G> + <z·1 + y^(−i)·z^(2+j)·2^(i mod n), H> − μ·B̃ + t̂·Q
        + Σ_k (u_k²·L_k + u_k⁻²·R_k) = a·<s, G> + b·<y^(−i)·s⁻¹, H> + a·b·Q

as one multi-scalar multiplication that must be the identity, the two
equations weighted by independent random scalars (and, in a batch, every
proof by its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zksolvency.bulletproofs import inner_product
from zksolvency.errors import (
    FormatError,
    InternalError,
    ParameterError,
    ProvingError,
    VerificationError,
)
from zksolvency.field import (
    ScalarRng,
    decode_scalar,
    encode_scalar,
    pack_scalars,
    powers,
    random_scalar,
    random_scalars,
    sum_of_powers,
)
from zksolvency.field import inner_product as ip
from zksolvency.pedersen import Generators
from zksolvency.transcript import Transcript

PROTOCOL = b"zksolvency/rangeproof/v1"
SUPPORTED_BITS = (8, 16, 32, 64, 128)
#: Largest aggregation (values per proof) accepted by the prover and the decoder.
MAX_AGGREGATION = 1 << 14


def padded_m(m: int) -> int:
    """m rounded up to a power of two (the proof covers m' values; extras are v = γ = 0)."""
    return 1 << (m - 1).bit_length()


def check_parameters(n: int, m: int) -> None:
    if n not in SUPPORTED_BITS:
        raise ParameterError(
            f"range proof: n = {n} bits not supported (use one of {SUPPORTED_BITS})"
        )
    if not 1 <= m <= MAX_AGGREGATION:
        raise ParameterError(f"range proof: m = {m} values outside [1, {MAX_AGGREGATION}]")


def proof_size(group: Any, n: int, m: int) -> int:
    """Bytes of an encoded proof: (2·lg(n·m') + 4) points and 5 scalars."""
    lg = (n * padded_m(m)).bit_length() - 1
    return (2 * lg + 4) * group.point_size + 5 * group.scalar_size


@dataclass(frozen=True)
class RangeProof:
    """A proof; points are the group backend's own elements, scalars ints < order."""

    A: Any
    S: Any
    T1: Any
    T2: Any
    t_hat: int
    tau_x: int
    mu: int
    ipp: inner_product.InnerProductProof

    def to_bytes(self, group: Any) -> bytes:
        """A ‖ S ‖ T1 ‖ T2 ‖ t̂ ‖ τ_x ‖ μ ‖ (L_k ‖ R_k)_k ‖ a ‖ b (docs/SPEC.md §5)."""
        ss = group.scalar_size
        parts = [group.encode(p) for p in (self.A, self.S, self.T1, self.T2)]
        parts += [encode_scalar(k, ss) for k in (self.t_hat, self.tau_x, self.mu)]
        for L, R in zip(self.ipp.L, self.ipp.R, strict=True):
            parts += [group.encode(L), group.encode(R)]
        parts += [encode_scalar(self.ipp.a, ss), encode_scalar(self.ipp.b, ss)]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, group: Any, n: int, m: int) -> RangeProof:
        """Checked decoding of an untrusted proof for public parameters (n, m).

        The expected length comes from (n, m), never from the proof. Points must
        be valid group elements other than the identity; scalars canonical.
        """
        check_parameters(n, m)
        data = bytes(data)
        expected = proof_size(group, n, m)
        if len(data) != expected:
            raise FormatError(
                f"range proof: expected {expected} bytes for n={n}, m={m}, got {len(data)}"
            )
        ps, ss = group.point_size, group.scalar_size
        pos = 0

        def point() -> Any:
            nonlocal pos
            p = group.decode(data[pos : pos + ps])
            pos += ps
            return p

        def scalar() -> int:
            nonlocal pos
            k = decode_scalar(data[pos : pos + ss], group.order, ss)
            pos += ss
            return k

        A, S, T1, T2 = point(), point(), point(), point()
        t_hat, tau_x, mu = scalar(), scalar(), scalar()
        lg = (n * padded_m(m)).bit_length() - 1
        Ls: list[Any] = []
        Rs: list[Any] = []
        for _ in range(lg):
            Ls.append(point())
            Rs.append(point())
        a, b = scalar(), scalar()
        return cls(
            A,
            S,
            T1,
            T2,
            t_hat,
            tau_x,
            mu,
            inner_product.InnerProductProof(tuple(Ls), tuple(Rs), a, b),
        )


def _start(
    transcript: Transcript, gens: Generators, n: int, m: int, commitments: Sequence[Any]
) -> None:
    """Domain separator binding version, curve, generator domain, n, m, m', then every V."""
    group = gens.group
    transcript.append_message(b"dom-sep", PROTOCOL)
    transcript.append_message(b"curve", group.curve.encode())
    transcript.append_message(b"generators", gens.domain)
    transcript.append_u64(b"n", n)
    transcript.append_u64(b"m", m)
    transcript.append_u64(b"m-padded", padded_m(m))
    for V in commitments:
        transcript.append_point(b"V", group, V, allow_identity=True)


def prove(
    gens: Generators,
    values: Sequence[int],
    blindings: Sequence[int],
    n: int,
    transcript: Transcript,
    *,
    commitments: Sequence[Any] | None = None,
    rng: ScalarRng | None = None,
) -> tuple[RangeProof, list[Any]]:
    """Prove v_j ∈ [0, 2^n) for V_j = v_j·B + γ_j·B̃; returns (proof, [V_j]).

    If ``commitments`` are given, each must open to (v_j, γ_j) or the prover
    refuses. ``rng`` defaults to the OS CSPRNG; pass a seeded one only in tests.
    """
    m = len(values)
    check_parameters(n, m)
    if len(blindings) != m:
        raise ProvingError("range proof: one blinding per value is required")
    for j, v in enumerate(values):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ProvingError(f"range proof: value {j} is not an integer")
        if not 0 <= v < (1 << n):
            raise ProvingError(f"range proof: value {j} is outside [0, 2^{n})")
    group = gens.group
    q = group.order
    V = [gens.commit(v, g) for v, g in zip(values, blindings, strict=True)]
    if commitments is not None:
        if len(commitments) != m:
            raise ProvingError("range proof: one commitment per value is required")
        for j, (mine, theirs) in enumerate(zip(V, commitments, strict=True)):
            if not group.eq(mine, theirs):
                raise ProvingError(f"range proof: opening {j} does not match its commitment")
    mp = padded_m(m)
    N = n * mp
    vals = list(values) + [0] * (mp - m)
    gammas = [g % q for g in blindings] + [0] * (mp - m)
    V_all = V + [group.identity()] * (mp - m)
    _start(transcript, gens, n, m, V_all)

    a_L = [(v >> i) & 1 for v in vals for i in range(n)]
    alpha = random_scalar(rng, q)
    # A = α·B̃ + <a_L, G> + <a_R, H>, a_R = a_L − 1: G_i where the bit is 1, −H_i where it is 0.
    A = gens.msm(0, alpha, a_L, [bit - 1 for bit in a_L])
    blinds = random_scalars(rng, q, 2 * N)  # s_L then s_R, in one draw
    s_L, s_R = blinds[:N], blinds[N:]
    rho = random_scalar(rng, q)
    S = gens.msm(0, rho, s_L, s_R)
    transcript.append_point(b"A", group, A)
    transcript.append_point(b"S", group, S)
    y = transcript.challenge_scalar(b"y", q)
    z = transcript.challenge_scalar(b"z", q)

    vectors = _Vectors(group, a_L, s_L, s_R, y, z, n)
    tau1 = random_scalar(rng, q)
    tau2 = random_scalar(rng, q)
    T1 = gens.commit(vectors.t1, tau1)
    T2 = gens.commit(vectors.t2, tau2)
    transcript.append_point(b"T1", group, T1)
    transcript.append_point(b"T2", group, T2)
    x = transcript.challenge_scalar(b"x", q)

    l_vec, r_vec, y_inv_pow, t_hat = vectors.at(x)
    zz = z * z % q
    z_j = powers(z, mp, q)  # z^j
    tau_x = (
        tau2 * x * x + tau1 * x + zz * sum(zj * g for zj, g in zip(z_j, gammas, strict=True))
    ) % q
    mu = (alpha + rho * x) % q
    ss = group.scalar_size
    transcript.append_message(b"t_hat", encode_scalar(t_hat, ss))
    transcript.append_message(b"tau_x", encode_scalar(tau_x, ss))
    transcript.append_message(b"mu", encode_scalar(mu, ss))
    w = transcript.challenge_scalar(b"w", q)
    ipp = inner_product.prove(gens, w, y_inv_pow, l_vec, r_vec, transcript)
    return RangeProof(A, S, T1, T2, t_hat, tau_x, mu, ipp), V


class _Vectors:
    """The prover's vectors after y, z: t(X)'s t_1, t_2 now, and l(x), r(x),
    y^(−i), t̂ once x is known. The group backend's native ``range_poly`` /
    ``range_eval`` compute them (packed) when it has them, else Python:

        l0 = a_L − z,  r0 = y^i·(a_L − 1 + z) + z²·z^j·2^(i mod n),  r1 = y^i·s_R
        t_1 = <l0, r1> + <s_L, r0>,  t_2 = <s_L, r1>,  l = l0 + x·s_L,  r = r0 + x·r1
    """

    def __init__(
        self, group: Any, a_L: list[int], s_L: list[int], s_R: list[int], y: int, z: int, n: int
    ) -> None:
        self.group, self.y, self.z, self.s_L = group, y, z, s_L
        native = getattr(group, "range_poly", None)
        self.packed = None
        if native is not None:
            bits = bytes(a_L)
            packed_sl = pack_scalars(s_L)
            done = native(bits, packed_sl, pack_scalars(s_R), y, z, n)
            if done is not None:
                self.t1, self.t2, r0, r1 = done
                self.packed = (bits, packed_sl, r0, r1)
                return
        q = group.order
        N = len(a_L)
        y_pow = powers(y, N, q)
        two_pow = powers(2, n, q)
        zz = z * z % q
        z_j = powers(z, N // n, q)
        self.l0 = [(bit - z) % q for bit in a_L]
        self.r0 = [0] * N
        self.r1 = [0] * N
        for i in range(N):
            self.r0[i] = (y_pow[i] * (a_L[i] - 1 + z) + zz * z_j[i // n] * two_pow[i % n]) % q
            self.r1[i] = y_pow[i] * s_R[i] % q
        self.t1 = (ip(self.l0, self.r1, q) + ip(s_L, self.r0, q)) % q
        self.t2 = ip(s_L, self.r1, q)

    def at(self, x: int) -> tuple[Any, Any, Any, int]:
        """(l(x), r(x), y^(−i), t̂): int lists, or packed from the native side."""
        if self.packed is not None:
            bits, packed_sl, r0, r1 = self.packed
            done = self.group.range_eval(bits, packed_sl, r0, r1, self.y, self.z, x)
            if done is None:  # range_poly ran natively, so range_eval must too
                raise InternalError("range proof: native range_eval unavailable")
            return done  # type: ignore[no-any-return]
        q = self.group.order
        l_vec = [(a + s * x) % q for a, s in zip(self.l0, self.s_L, strict=True)]
        r_vec = [(a + s * x) % q for a, s in zip(self.r0, self.r1, strict=True)]
        y_inv_pow = powers(pow(self.y, -1, q), len(l_vec), q)
        return l_vec, r_vec, y_inv_pow, ip(l_vec, r_vec, q)


@dataclass
class _Accumulator:
    """Scalars of one batched multi-scalar multiplication."""

    b: int = 0
    b_blinding: int = 0
    g: list[int] = field(default_factory=list)
    h: list[int] = field(default_factory=list)
    extra_scalars: list[int] = field(default_factory=list)
    extra_points: list[Any] = field(default_factory=list)

    def grow(self, size: int) -> None:
        if len(self.g) < size:
            self.g += [0] * (size - len(self.g))
            self.h += [0] * (size - len(self.h))


def _delta(y: int, z: int, n: int, mp: int, q: int) -> int:
    """δ(y, z) = (z − z²)·<1, y^(n·m')> − Σ_j z^(3+j)·(2^n − 1)."""
    zz = z * z % q
    sum_y = sum_of_powers(y, n * mp, q)
    sum_z = sum_of_powers(z, mp, q)
    return ((z - zz) * sum_y - zz * z % q * sum_z * ((1 << n) - 1)) % q


def _add_proof(
    acc: _Accumulator,
    gens: Generators,
    proof: RangeProof,
    commitments: Sequence[Any],
    n: int,
    transcript: Transcript,
    rng: ScalarRng | None,
    *,
    first: bool = False,
) -> None:
    group = gens.group
    q = group.order
    m = len(commitments)
    check_parameters(n, m)
    mp = padded_m(m)
    N = n * mp
    if len(proof.ipp.L) != N.bit_length() - 1:
        raise VerificationError("range proof: inner-product proof has the wrong number of rounds")
    V_all = list(commitments) + [group.identity()] * (mp - m)
    _start(transcript, gens, n, m, V_all)
    transcript.append_point(b"A", group, proof.A)
    transcript.append_point(b"S", group, proof.S)
    y = transcript.challenge_scalar(b"y", q)
    z = transcript.challenge_scalar(b"z", q)
    transcript.append_point(b"T1", group, proof.T1)
    transcript.append_point(b"T2", group, proof.T2)
    x = transcript.challenge_scalar(b"x", q)
    ss = group.scalar_size
    transcript.append_message(b"t_hat", encode_scalar(proof.t_hat, ss))
    transcript.append_message(b"tau_x", encode_scalar(proof.tau_x, ss))
    transcript.append_message(b"mu", encode_scalar(proof.mu, ss))
    w = transcript.challenge_scalar(b"w", q)
    vs = inner_product.verification_scalars(proof.ipp, N, transcript, group)

    # Weights: the first proof's inner-product equation gets 1 (so A is a plain
    # addition), every other equation an independent random nonzero scalar.
    rho = 1 if first else random_scalar(rng, q)
    c = rho * random_scalar(rng, q) % q  # weight of the t(x) equation
    a, b = proof.ipp.a, proof.ipp.b
    zz = z * z % q
    y_inv = pow(y, -1, q)
    lg = N.bit_length() - 1
    s = vs.s
    # t_i = y^(−i)·s_i⁻¹ by the same doubling as s_i (s_i⁻¹ = s_(N−1−i)):
    # t_i = t_(i − 2^b)·y^(−2^b)·u_(lg−b)⁻² for b the top set bit of i.
    step = [0] * lg
    y_inv_2b = y_inv
    for bit in range(lg):
        step[bit] = y_inv_2b * vs.u_inv_sq[lg - 1 - bit] % q
        y_inv_2b = y_inv_2b * y_inv_2b % q
    t = [s[N - 1]]
    for bit in range(lg):
        f_bit = step[bit]
        t += [v * f_bit % q for v in t]
    # y^(−i)·z^(2+j)·2^(i mod n) = (z^(2+j)·y^(−jn))·(2^(i')·y^(−i')), i = jn + i'
    y_inv_pow = powers(y_inv, n, q)
    w_vec = [(1 << k) * yi % q for k, yi in enumerate(y_inv_pow)]
    y_inv_n = y_inv_pow[-1] * y_inv % q
    rzz = rho * zz % q
    z_j = powers(z, mp, q)
    f = [rzz * zj % q * yn % q for zj, yn in zip(z_j, powers(y_inv_n, mp, q), strict=True)]
    ra = rho * a % q
    rb = rho * b % q
    rz = rho * z % q
    # Unreduced sums (Python ints do not overflow); reduced once in batch_verify.
    fw = [fj * wk for fj in f for wk in w_vec]  # index i = j·n + i'
    acc.grow(N)
    acc.g[:N] = [gi - rz - ra * si for gi, si in zip(acc.g[:N], s, strict=True)]
    acc.h[:N] = [hi + rz + v - rb * ti for hi, v, ti in zip(acc.h[:N], fw, t, strict=True)]
    acc.b = (
        acc.b + rho * w % q * (proof.t_hat - a * b) + c * (_delta(y, z, n, mp, q) - proof.t_hat)
    ) % q
    acc.b_blinding = (acc.b_blinding - rho * proof.mu - c * proof.tau_x) % q
    es, ep = acc.extra_scalars, acc.extra_points
    es += [rho, rho * x % q, c * x % q, c * x % q * x % q]
    ep += [proof.A, proof.S, proof.T1, proof.T2]
    for j in range(m):  # padded V_j are the identity: no term
        es.append(c * zz % q * z_j[j] % q)
        ep.append(commitments[j])
    es += [rho * u % q for u in vs.u_sq] + [rho * u % q for u in vs.u_inv_sq]
    ep += list(proof.ipp.L) + list(proof.ipp.R)


def batch_verify(
    gens: Generators,
    items: Sequence[tuple[RangeProof, Sequence[Any], int, Transcript]],
    *,
    rng: ScalarRng | None = None,
) -> None:
    """Verify many proofs (any mix of n and m) in one multi-scalar multiplication.

    ``items`` holds (proof, commitments, n, transcript) per proof, each transcript
    in the state its prover started from. Raises VerificationError unless every
    proof verifies; an empty batch is refused rather than passed.
    """
    if not items:
        raise VerificationError("range proof: empty batch")
    acc = _Accumulator()
    for i, (proof, commitments, n, transcript) in enumerate(items):
        _add_proof(acc, gens, proof, commitments, n, transcript, rng, first=i == 0)
    q = gens.group.order
    result = gens.msm(
        acc.b,
        acc.b_blinding,
        [v % q for v in acc.g],
        [v % q for v in acc.h],
        acc.extra_scalars,
        acc.extra_points,
    )
    if not gens.group.is_identity(result):
        raise VerificationError("range proof: verification equation does not hold")


def verify(
    gens: Generators,
    proof: RangeProof,
    commitments: Sequence[Any],
    n: int,
    transcript: Transcript,
    *,
    rng: ScalarRng | None = None,
) -> None:
    """Verify one proof; raises VerificationError (or ParameterError) on failure."""
    batch_verify(gens, [(proof, commitments, n, transcript)], rng=rng)


def is_valid(
    gens: Generators,
    proof: RangeProof,
    commitments: Sequence[Any],
    n: int,
    transcript: Transcript,
) -> bool:
    """Boolean form of :func:`verify` (catches only the library's own errors)."""
    try:
        verify(gens, proof, commitments, n, transcript)
    except (VerificationError, FormatError, ParameterError):
        return False
    return True
