"""Recoverable ECDSA signatures on secp256k1: the one check both message
formats (Bitcoin signed messages, Ethereum ``personal_sign``) share.

A recoverable signature is ``(r, s, recid)`` over a 32-byte digest ``e``:
the signer's public key is ``Q = r⁻¹·(s·R − e·G)`` where ``R`` is the curve
point with x-coordinate ``r`` (+ n when ``recid ≥ 2``) and the y parity bit
``recid & 1``. libsecp256k1 (through ``coincurve``) does the arithmetic;
this module decides what is *accepted*:

* ``1 ≤ r < n`` and ``1 ≤ s < n`` (out-of-range values are not signatures);
* **low S only**: ``s ≤ n/2``. For every valid ``(r, s)`` the pair
  ``(r, n − s)`` (with the parity bit flipped) is valid too; accepting both
  would give one authorisation two encodings. Bitcoin Core, Ethereum clients
  and libsecp256k1 sign with low S (BIP-62 rule 5, EIP-2), so a high-S
  signature is refused rather than normalised;
* ``recid ∈ {0, 1, 2, 3}``; callers narrow it further (Ethereum: 0 or 1).

Every failure is a :class:`~zksolvency.errors.VerificationError`: verification
fails closed.
"""

from __future__ import annotations

from coincurve import PrivateKey, PublicKey

from zksolvency.errors import InputError, InternalError, VerificationError

#: The order n of secp256k1's group (SEC 2).
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = N // 2
DIGEST_SIZE = 32
SECRET_SIZE = 32


def check_low_s(r: int, s: int) -> None:
    """Raise :class:`VerificationError` unless ``1 ≤ r < n`` and ``1 ≤ s ≤ n/2``."""
    if not 1 <= r < N:
        raise VerificationError("signature r is outside [1, n)")
    if not 1 <= s < N:
        raise VerificationError("signature s is outside [1, n)")
    if s > HALF_N:
        raise VerificationError(
            "signature has a high S value (s > n/2); only low-S signatures are accepted"
        )


def recover(r: int, s: int, recid: int, digest: bytes) -> PublicKey:
    """The public key that signed ``digest`` with ``(r, s, recid)``, after the
    checks of the module docstring. Raises :class:`VerificationError`."""
    if len(digest) != DIGEST_SIZE:
        raise VerificationError("digest must be 32 bytes")
    if recid not in (0, 1, 2, 3):
        raise VerificationError(f"recovery id {recid} is outside 0–3")
    check_low_s(r, s)
    compact = r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([recid])
    try:
        return PublicKey.from_signature_and_message(compact, digest, hasher=None)
    except ValueError:  # coincurve: unparsable signature or no point to recover
        raise VerificationError("no public key can be recovered from this signature") from None


def private_key(secret: bytes) -> PrivateKey:
    """A signing key from 32 bytes; refuses 0 and values ≥ n."""
    if len(secret) != SECRET_SIZE:
        raise InputError("a secp256k1 private key is 32 bytes")
    if not 1 <= int.from_bytes(secret, "big") < N:
        raise InputError("not a secp256k1 private key (must be in [1, n))")
    return PrivateKey(secret)


def sign(key: PrivateKey, digest: bytes) -> tuple[int, int, int]:
    """``(r, s, recid)`` over ``digest``: RFC 6979 nonces and low S (libsecp256k1)."""
    if len(digest) != DIGEST_SIZE:
        raise InputError("digest must be 32 bytes")
    sig = key.sign_recoverable(digest, hasher=None)
    r, s, recid = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    if not (1 <= r < N and 1 <= s <= HALF_N):  # libsecp256k1 never does otherwise
        raise InternalError("libsecp256k1 returned a signature outside [1, n) × [1, n/2]")
    return r, s, recid
