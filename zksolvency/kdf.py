"""Key derivation: the master secret → per-epoch, per-user blindings and salts.

HKDF-SHA256 (RFC 5869) throughout; docs/SPEC.md §9 lists every label.

    PRK        = HKDF-Extract(salt = "zksolvency/kdf/v2", IKM = master secret)
    epoch key  = HKDF-Expand(PRK, "epoch" ‖ lp(curve) ‖ lp(epoch) ‖ data digest, 32)
    user seed  = HKDF-Expand(epoch key, "user" ‖ lp(user id), 32)
    salt       = HKDF-Expand(user seed, "salt", 32)
    blinding_a = int(HKDF-Expand(user seed, "blinding" ‖ lp(asset), 64)) mod q
    pad seed_i = HKDF-Expand(epoch key, "padding" ‖ u64(i), 32)
    pad id_i   = HKDF-Expand(pad seed_i, "id-hash", 32)
    (padding blindings like users', from the pad seed)
    order key  = HKDF-Expand(epoch key, "order", 32)
    nonce key  = HKDF-Expand(epoch key, "nonces", 32)

``lp(x) = u32(len(x)) ‖ x``. The epoch enters every derivation, so leaves of
two epochs cannot be linked; a user's seed lets that user (and only that user)
recompute their own leaf, and is what the inclusion proof hands them.

The data digest (:func:`liabilities_digest`) binds the epoch key to the exact
liabilities proven: a custodian who proves the same epoch label twice with
changed balances gets unrelated blindings, so C − C′ of one user's two leaves
does not reveal the change of balance.

The provers' random scalars are derived too (:class:`NonceRng`, like RFC
6979): keyed by the nonce key and bound to the batch's transcript and
witness, so the same inputs and secret give byte-identical bundles whichever
executor or resumed run produced each batch.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np

from zksolvency.errors import ParameterError

KDF_SALT = b"zksolvency/kdf/v2"
LIABILITIES_TAG = b"zksolvency/liabilities/v1"
NONCE_TAG = b"zksolvency/nonces/v1"
SECRET_SIZE = 32


def lp(data: bytes) -> bytes:
    """Length-prefixed: u32(len) ‖ data."""
    return len(data).to_bytes(4, "big") + data


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    if not 0 < length <= 255 * 32:
        raise ParameterError("hkdf: bad output length")
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def seed_salt(seed: bytes) -> bytes:
    return hkdf_expand(seed, b"salt", 32)


def seed_blinding(seed: bytes, asset: str, order: int) -> int:
    return int.from_bytes(hkdf_expand(seed, b"blinding" + lp(asset.encode()), 64), "big") % order


class EpochSecrets:
    """All secrets of one epoch, derived from the master secret (never stored)."""

    def __init__(self, master: bytes, epoch: str, curve: str, data: bytes) -> None:
        """``data``: the 32-byte :func:`liabilities_digest` of what is proven."""
        if len(master) != SECRET_SIZE:
            raise ParameterError(f"master secret must be {SECRET_SIZE} bytes")
        if len(data) != 32:
            raise ParameterError("data digest must be 32 bytes")
        prk = hkdf_extract(KDF_SALT, master)
        info = b"epoch" + lp(curve.encode()) + lp(epoch.encode()) + data
        self._key = hkdf_expand(prk, info, 32)
        self._secret_tag = hkdf_expand(prk, b"checkpoint" + lp(epoch.encode()), 32)

    def nonce_key(self) -> bytes:
        return hkdf_expand(self._key, b"nonces", 32)

    def checkpoint_tag(self) -> bytes:
        """Identifies the master secret (for this epoch) in a checkpoint
        without revealing it: ``Expand(PRK, "checkpoint" ‖ lp(epoch), 32)``."""
        return self._secret_tag

    def user_seed(self, user_id: str) -> bytes:
        return hkdf_expand(self._key, b"user" + lp(user_id.encode()), 32)

    def padding_seed(self, index: int) -> bytes:
        return hkdf_expand(self._key, b"padding" + index.to_bytes(8, "big"), 32)

    def padding_id_hash(self, index: int) -> bytes:
        return hkdf_expand(self.padding_seed(index), b"id-hash", 32)

    def leaf_order(self, user_ids: list[str], padded: int) -> np.ndarray:
        """Slot of each user (by position in ``user_ids``) among ``padded`` slots.

        Users are ranked by a keyed hash of their ID (so file order does not
        matter), and rank r goes to slot π(r) of a keyed random permutation π of
        all slots: SHAKE-256(order key) gives 16 bytes per slot, sorted.
        """
        if len(user_ids) > padded:
            raise ParameterError("more users than padded leaves")
        order_key = hkdf_expand(self._key, b"order", 32)
        rank_keys = [
            hashlib.blake2b(
                uid.encode(), key=order_key, digest_size=16, person=b"zks-rank"
            ).digest()
            for uid in user_ids
        ]
        ranks = np.empty(len(user_ids), dtype=np.int64)
        ranks[sorted(range(len(user_ids)), key=rank_keys.__getitem__)] = np.arange(len(user_ids))
        stream = hashlib.shake_256(b"zksolvency/slots/v1" + order_key).digest(16 * padded)
        keys = np.frombuffer(stream, dtype=">u8").reshape(padded, 2)
        perm = np.lexsort((np.arange(padded), keys[:, 1], keys[:, 0]))
        return perm[ranks]


def liabilities_digest(
    user_ids: Sequence[str], assets: Sequence[str], balances: np.ndarray
) -> bytes:
    """SHA-256 over the liabilities in file order:
    ``tag ‖ u64(users) ‖ u64(assets) ‖ lp(asset)… ‖ lp(user id)… ‖ balances``
    (balances as u64 little-endian, row-major: user by user)."""
    if balances.shape != (len(user_ids), len(assets)):
        raise ParameterError("balances must be (users, assets)")
    h = hashlib.sha256(LIABILITIES_TAG)
    h.update(len(user_ids).to_bytes(8, "big") + len(assets).to_bytes(8, "big"))
    for a in assets:
        h.update(lp(a.encode()))
    for uid in user_ids:
        h.update(lp(uid.encode()))
    h.update(np.ascontiguousarray(balances, dtype="<u8").tobytes())
    return h.digest()


class NonceRng:
    """Deterministic prover randomness (the ``randrange`` of :class:`ScalarRng`):
    SHAKE-256 over ``tag ‖ nonce key ‖ lp(context) ‖ lp(witness)``, read 64
    bytes per scalar, reduced into [1, order). ``context`` names the proof (its
    transcript inputs) and ``witness`` its values and blindings, so two
    different proofs never share a nonce, and the same proof is reproduced
    byte for byte."""

    def __init__(self, key: bytes, context: bytes, witness: bytes) -> None:
        self._xof = hashlib.shake_256(NONCE_TAG + lp(key) + lp(context) + lp(witness))
        self._used = 0
        self._buf = b""

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None or step != 1 or stop - start < 2:
            raise ParameterError("NonceRng draws scalars in [start, stop) only")
        return self.draws(start, stop, 1)[0]

    def draws(self, start: int, stop: int, count: int) -> list[int]:
        """The next ``count`` values of :meth:`randrange` (start, stop), at once."""
        if stop - start < 2:
            raise ParameterError("NonceRng draws scalars in [start, stop) only")
        end = self._used + 64 * count
        if len(self._buf) < end:
            # shake_256 cannot continue a stream: draw a longer prefix
            # (with room for 256 more draws, so that a few scalars after a
            # long vector do not recompute the whole stream)
            self._buf = self._xof.digest(max(end + 64 * 256, 2 * len(self._buf)))
        buf, at, span = self._buf, self._used, stop - start
        self._used = end
        return [start + int.from_bytes(buf[i : i + 64], "big") % span for i in range(at, end, 64)]
