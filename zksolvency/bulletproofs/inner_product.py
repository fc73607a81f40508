"""The inner-product argument (Bulletproofs §3, dalek's notes-ipp), prover and
verifier scalars. docs/notes-ipp.md has the derivation.

Statement: for generators G (length N), H' and Q, and
P = <a, G> + <b, H'> + <a, b>·Q, the prover knows a, b.

Round k (length N_k, half h): with c_L = <a_lo, b_hi>, c_R = <a_hi, b_lo>,

    L_k = <a_lo, G_hi> + <b_hi, H'_lo> + c_L·Q
    R_k = <a_hi, G_lo> + <b_lo, H'_hi> + c_R·Q

u_k = challenge; a ← u·a_lo + u⁻¹·a_hi, b ← u⁻¹·b_lo + u·b_hi,
G ← u⁻¹·G_lo + u·G_hi, H' ← u·H'_lo + u⁻¹·H'_hi; finally a, b are scalars.

This prover never computes folded generators. After k − 1 rounds the folded
G^(k)_p is Σ_{j ≡ p (mod N_k)} g_j·G_j over the *original* generators with
g_j a product of challenges, so L_k and R_k are each one multi-scalar
multiplication over the original (fixed, precomputed) generators: the group
work is 2·(N + 1) fixed-base products per round and no variable-base work.

Verifier: with s_i = Π_k u_k^(+1 if bit (lg N − k) of i is set, else −1),
P + Σ_k (u_k²·L_k + u_k⁻²·R_k) = a·Σ s_i·G_i + b·Σ s_i⁻¹·H'_i + a·b·Q.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zksolvency.errors import ParameterError
from zksolvency.field import Packed, batch_invert, unpack_scalars
from zksolvency.pedersen import Generators, g_index, h_index
from zksolvency.transcript import Transcript


@dataclass(frozen=True)
class InnerProductProof:
    L: tuple[Any, ...]
    R: tuple[Any, ...]
    a: int
    b: int


#: Large proofs switch to explicitly folded generators once the vectors are this
#: short: from there the textbook rounds (variable-base products) are cheaper
#: than 2(N+1) fixed-base products per round (docs/notes-ipp.md). The same for
#: the Python rounds and the native prover (``ipa_prove_fixed``): benches/ipa.py
#: measures both (native, two sweeps: N = 1024, 64 and 128 within 2 % of each
#: other; N = 512, 64 is 11–14 % faster than 128).
EXPLICIT_SWITCH = 64
EXPLICIT_MIN_N = 512


def _finish_explicit(
    gens: Generators,
    q_scalar: int,
    G: list[Any],
    H: list[Any],
    a: list[int],
    b: list[int],
    transcript: Transcript,
) -> tuple[list[Any], list[Any], int, int]:
    """Textbook rounds on explicit generators. Folding uses
    u⁻¹·G_lo + u·G_hi = u⁻¹·(G_lo + u²·G_hi): one variable-base product per
    point, the common factor u⁻¹ being kept in ``g_scale`` (likewise for H)."""
    group = gens.group
    q = group.order
    Q = group.mul(q_scalar, gens.B)
    g_scale = 1
    h_scale = 1
    Ls: list[Any] = []
    Rs: list[Any] = []
    size = len(a)
    while size > 1:
        half = size // 2
        a_lo, a_hi = a[:half], a[half:]
        b_lo, b_hi = b[:half], b[half:]
        c_L = sum(x * y for x, y in zip(a_lo, b_hi, strict=True)) % q
        c_R = sum(x * y for x, y in zip(a_hi, b_lo, strict=True)) % q
        L = group.msm(
            [x * g_scale % q for x in a_lo] + [y * h_scale % q for y in b_hi] + [c_L],
            G[half:] + H[:half] + [Q],
        )
        R = group.msm(
            [x * g_scale % q for x in a_hi] + [y * h_scale % q for y in b_lo] + [c_R],
            G[:half] + H[half:] + [Q],
        )
        transcript.append_point(b"L", group, L)
        transcript.append_point(b"R", group, R)
        u = transcript.challenge_scalar(b"u", q)
        u_inv = pow(u, -1, q)
        u_sq = u * u % q
        u_inv_sq = u_inv * u_inv % q
        G = [group.add(lo, group.mul(u_sq, hi)) for lo, hi in zip(G[:half], G[half:], strict=True)]
        H = [
            group.add(lo, group.mul(u_inv_sq, hi))
            for lo, hi in zip(H[:half], H[half:], strict=True)
        ]
        g_scale = g_scale * u_inv % q
        h_scale = h_scale * u % q
        a = [(x * u + y * u_inv) % q for x, y in zip(a_lo, a_hi, strict=True)]
        b = [(x * u_inv + y * u) % q for x, y in zip(b_lo, b_hi, strict=True)]
        Ls.append(L)
        Rs.append(R)
        size = half
    return Ls, Rs, a[0], b[0]


@functools.cache
def _halves(n: int, half: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Original indices j < n in the lo / hi half of a round with this ``half``
    (j is in the hi half when bit ``half`` of j is set)."""
    lo = tuple(j for j in range(n) if not j & half)
    hi = tuple(j for j in range(n) if j & half)
    return lo, hi


def prove(
    gens: Generators,
    q_scalar: int,
    h_factors: Sequence[int] | Packed,
    a: Sequence[int] | Packed,
    b: Sequence[int] | Packed,
    transcript: Transcript,
) -> InnerProductProof:
    """Prove knowledge of a, b for G_i, H'_i = h_factors[i]·H_i and Q = q_scalar·B.

    The vectors may be packed (from the native range-proof helpers); the
    group backend's ``ipa_prove_fixed``, when it has one, runs the rounds.
    The transcript must already hold P's ingredients (the caller's protocol).
    Folded-generator coefficients depend only on the bits of j already
    consumed, so they are kept as 2^(k−1) "patterns" indexed by j >> shift.
    """
    group = gens.group
    q = group.order
    width = 32 if isinstance(a, bytes) else 1  # packed vectors: 32 bytes a scalar
    n = len(a) // width
    if n == 0 or n & (n - 1) or len(b) != n * width or len(h_factors) != n * width:
        raise ParameterError("inner product: lengths must be equal powers of two")
    transcript.append_u64(b"ipp-n", n)
    explicit_at = EXPLICIT_SWITCH if n >= EXPLICIT_MIN_N else 0
    native = getattr(group, "ipa_prove_fixed", None)
    if native is not None:

        def on_round(L: Any, R: Any) -> int:
            transcript.append_point(b"L", group, L)
            transcript.append_point(b"R", group, R)
            return transcript.challenge_scalar(b"u", q)

        done = native(gens.fixed_bases, q_scalar, h_factors, a, b, explicit_at, on_round)
        if done is not None:
            Ls, Rs, fa, fb = done
            return InnerProductProof(tuple(Ls), tuple(Rs), fa, fb)
    a, b, hf = (
        (unpack_scalars(a), unpack_scalars(b), unpack_scalars(h_factors))  # type: ignore[arg-type]
        if width == 32
        else (list(a), list(b), list(h_factors))
    )
    g_pat = [1]
    h_pat = [1]
    shift = n.bit_length() - 1
    L_list: list[Any] = []
    R_list: list[Any] = []
    size = n
    while size > 1:
        if size <= explicit_at:
            # Materialise the folded generators and finish the textbook way.
            G = [
                gens.msm_sparse([(g_index(j), g_pat[j >> shift]) for j in range(p, n, size)])
                for p in range(size)
            ]
            H = [
                gens.msm_sparse(
                    [(h_index(j), hf[j] * h_pat[j >> shift] % q) for j in range(p, n, size)]
                )
                for p in range(size)
            ]
            Ls, Rs, fa, fb = _finish_explicit(gens, q_scalar, G, H, a, b, transcript)
            L_list += Ls
            R_list += Rs
            return InnerProductProof(tuple(L_list), tuple(R_list), fa, fb)
        half = size // 2
        hm = half - 1
        lo, hi = _halves(n, half)
        a_lo, a_hi = a[:half], a[half:]
        b_lo, b_hi = b[:half], b[half:]
        c_L = sum(x * y for x, y in zip(a_lo, b_hi, strict=True)) % q
        c_R = sum(x * y for x, y in zip(a_hi, b_lo, strict=True)) % q
        hc = [hf[j] * h_pat[j >> shift] % q for j in range(n)]
        L_terms = [(g_index(j), a_lo[j & hm] * g_pat[j >> shift] % q) for j in hi]
        L_terms += [(h_index(j), b_hi[j & hm] * hc[j] % q) for j in lo]
        L_terms.append((0, c_L * q_scalar % q))
        R_terms = [(g_index(j), a_hi[j & hm] * g_pat[j >> shift] % q) for j in lo]
        R_terms += [(h_index(j), b_lo[j & hm] * hc[j] % q) for j in hi]
        R_terms.append((0, c_R * q_scalar % q))
        L = gens.msm_sparse(L_terms)
        R = gens.msm_sparse(R_terms)
        transcript.append_point(b"L", group, L)
        transcript.append_point(b"R", group, R)
        u = transcript.challenge_scalar(b"u", q)
        u_inv = pow(u, -1, q)
        # G ← u⁻¹·G_lo + u·G_hi; H' ← u·H'_lo + u⁻¹·H'_hi (the next bit of j picks the factor)
        g_pat = [c for p in g_pat for c in (p * u_inv % q, p * u % q)]
        h_pat = [c for p in h_pat for c in (p * u % q, p * u_inv % q)]
        shift -= 1
        a = [(x * u + y * u_inv) % q for x, y in zip(a_lo, a_hi, strict=True)]
        b = [(x * u_inv + y * u) % q for x, y in zip(b_lo, b_hi, strict=True)]
        L_list.append(L)
        R_list.append(R)
        size = half
    return InnerProductProof(tuple(L_list), tuple(R_list), a[0], b[0])


@dataclass(frozen=True)
class VerificationScalars:
    """u_k², u_k⁻² and s_i for one proof (s_i⁻¹ = s_{N−1−i})."""

    u_sq: list[int]
    u_inv_sq: list[int]
    s: list[int]


def verification_scalars(
    proof: InnerProductProof, n: int, transcript: Transcript, group: Any
) -> VerificationScalars:
    """Replay the challenges u_k and compute s_i by doubling (dalek's method):
    s_0 = Π u_k⁻¹, and s_i = s_(i − 2^t)·u_(lg−t)² for t the top set bit of i."""
    q = group.order
    lg = len(proof.L)
    if n != 1 << lg or len(proof.R) != lg:
        raise ParameterError("inner product: proof size does not match n")
    transcript.append_u64(b"ipp-n", n)
    us: list[int] = []
    for L, R in zip(proof.L, proof.R, strict=True):
        transcript.append_point(b"L", group, L)
        transcript.append_point(b"R", group, R)
        us.append(transcript.challenge_scalar(b"u", q))
    u_inv = batch_invert(us, q)
    u_sq = [u * u % q for u in us]
    u_inv_sq = [v * v % q for v in u_inv]
    acc = 1
    for v in u_inv:
        acc = acc * v % q
    s = [acc]
    for bit in range(lg):  # s[2^b + i] = s[i]·u_(lg−b)² for i < 2^b
        f = u_sq[lg - 1 - bit]
        s += [v * f % q for v in s]
    return VerificationScalars(u_sq, u_inv_sq, s)
