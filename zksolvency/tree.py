"""The Merkle-sum tree of committed balances.

Leaf (docs/SPEC.md §10):
    id hash   = SHA-256("zksolvency/user-id/v1" ‖ lp(user id) ‖ salt)   (padding: random)
    leaf hash = SHA-256("zksolvency/leaf/v1" ‖ lp(epoch) ‖ id hash ‖ C_1 ‖ … ‖ C_k)
Node:
    C_a       = C_a(left) + C_a(right)                  for every asset a
    node hash = SHA-256("zksolvency/node/v1" ‖ hash(left) ‖ hash(right)
                        ‖ C_1(left) ‖ … ‖ C_k(left) ‖ C_1(right) ‖ … ‖ C_k(right))

A parent's hash binds both children's hashes *and* commitments, so a node
cannot claim a sum its children do not have (the fix to Maxwell's tree), and
the root commitments are the totals of all leaves. The tree is built level by
level; hashes and encoded commitments are kept in numpy arrays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from zksolvency.errors import ParameterError
from zksolvency.groups import Group
from zksolvency.kdf import lp

ID_TAG = b"zksolvency/user-id/v1"
LEAF_TAG = b"zksolvency/leaf/v1"
NODE_TAG = b"zksolvency/node/v1"
HASH_SIZE = 32


def id_hash(user_id: str, salt: bytes) -> bytes:
    return hashlib.sha256(ID_TAG + lp(user_id.encode()) + salt).digest()


def leaf_hash(epoch: str, idh: bytes, encoded_commitments: Sequence[bytes]) -> bytes:
    return hashlib.sha256(
        LEAF_TAG + lp(epoch.encode()) + idh + b"".join(encoded_commitments)
    ).digest()


def node_hash(left: bytes, right: bytes, left_comms: bytes, right_comms: bytes) -> bytes:
    """``*_comms`` are the children's encoded commitments, concatenated in asset order."""
    return hashlib.sha256(NODE_TAG + left + right + left_comms + right_comms).digest()


@dataclass
class Tree:
    """All levels: ``hashes[l]`` is (count_l, 32) uint8, ``comms[l]`` is
    (count_l, k·point_size) uint8 (the k assets' encodings side by side).
    Level 0 holds the leaves, the last level the root."""

    hashes: list[np.ndarray]
    comms: list[np.ndarray]
    point_size: int
    num_assets: int

    @property
    def root_hash(self) -> bytes:
        return self.hashes[-1][0].tobytes()

    def root_commitments(self) -> list[bytes]:
        row = self.comms[-1][0].tobytes()
        ps = self.point_size
        return [row[i * ps : (i + 1) * ps] for i in range(self.num_assets)]

    def path(self, index: int) -> list[tuple[bytes, bytes]]:
        """(sibling hash, sibling commitments) from the leaf level up to below the root."""
        out = []
        for level in range(len(self.hashes) - 1):
            sib = index ^ 1
            out.append((self.hashes[level][sib].tobytes(), self.comms[level][sib].tobytes()))
            index >>= 1
        return out


#: Leaves decoded at a time when building from encodings (bounds live points).
DECODE_CHUNK = 1 << 14


def build(
    group: Group,
    epoch: str,
    id_hashes: np.ndarray,
    points: Sequence[Sequence[Any]],
    progress: Callable[[int], None] | None = None,
) -> Tree:
    """Build the tree from id hashes (P, 32) and ``points[a][i]``, the commitment
    of asset a at leaf i (P a power of two). ``progress`` is called with the
    number of nodes finished at each step."""
    _check_count(id_hashes.shape[0])
    comms = _encode_level(group, [list(p) for p in points], group.point_size)
    return _build(group, epoch, id_hashes, comms, _pair_sums(group, points), progress)


def build_encoded(
    group: Group,
    epoch: str,
    id_hashes: np.ndarray,
    comms: np.ndarray,
    decode: Callable[[int, int, bytes], Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Tree:
    """Build the tree from id hashes (P, 32) and the leaves' encoded
    commitments (P, k·point_size). Leaves are decoded ``DECODE_CHUNK`` at a
    time by ``decode(leaf, asset, bytes)`` (default: unchecked, for bytes we
    wrote; verifiers pass a checked decoder that names the leaf), so no more
    than half the leaf count of points is ever alive."""
    count = id_hashes.shape[0]
    _check_count(count)
    ps = group.point_size
    k = comms.shape[1] // ps
    if comms.shape != (count, k * ps) or k < 1:
        raise ParameterError("tree: commitments must be (leaves, assets × point size)")
    if decode is None:

        def decode(i: int, a: int, data: bytes) -> Any:
            return group.decode_unchecked(data)

    level1: list[list[Any]] = [[] for _ in range(k)]
    width = k * ps
    for start in range(0, count, DECODE_CHUNK):
        stop = min(start + DECODE_CHUNK, count)
        block = comms[start:stop].tobytes()
        for a in range(k):
            pts = [
                decode(start + j, a, block[j * width + a * ps : j * width + (a + 1) * ps])
                for j in range(stop - start)
            ]
            if count > 1:  # chunks are even: pairs never straddle two chunks
                pts = [group.add(pts[2 * i], pts[2 * i + 1]) for i in range(len(pts) // 2)]
            level1[a].extend(pts)
    return _build(group, epoch, id_hashes, comms, level1, progress)


def _check_count(count: int) -> None:
    if count == 0 or count & (count - 1):
        raise ParameterError("tree: the number of leaves must be a power of two")


def _pair_sums(group: Group, points: Sequence[Sequence[Any]]) -> list[list[Any]]:
    if len(points[0]) == 1:
        return [list(p) for p in points]
    return [[group.add(p[2 * i], p[2 * i + 1]) for i in range(len(p) // 2)] for p in points]


def _build(
    group: Group,
    epoch: str,
    id_hashes: np.ndarray,
    comms: np.ndarray,
    level_pts: list[list[Any]],
    progress: Callable[[int], None] | None,
) -> Tree:
    """The levels above the leaves; ``level_pts`` holds level 1's points (the
    leaves' points when there is a single leaf)."""
    count = id_hashes.shape[0]
    k = len(level_pts)
    ps = group.point_size
    epoch_prefix = LEAF_TAG + lp(epoch.encode())
    hashes = np.empty((count, HASH_SIZE), dtype=np.uint8)
    ids = id_hashes.tobytes()
    crow = comms.tobytes()
    width = k * ps
    for i in range(count):
        hashes[i] = np.frombuffer(
            hashlib.sha256(
                epoch_prefix + ids[i * 32 : (i + 1) * 32] + crow[i * width : (i + 1) * width]
            ).digest(),
            dtype=np.uint8,
        )
    del crow
    all_hashes = [hashes]
    all_comms = [comms]
    if progress:
        progress(count)
    first = True
    while count > 1:
        half = count // 2
        if not first:
            level_pts = [
                [group.add(pts[2 * i], pts[2 * i + 1]) for i in range(half)] for pts in level_pts
            ]
        first = False
        new_comms = _encode_level(group, level_pts, ps)
        hb = all_hashes[-1].tobytes()
        cb = all_comms[-1].tobytes()
        new_hashes = np.empty((half, HASH_SIZE), dtype=np.uint8)
        for i in range(half):
            left, right = 2 * i, 2 * i + 1
            new_hashes[i] = np.frombuffer(
                hashlib.sha256(
                    NODE_TAG
                    + hb[left * 32 : (left + 1) * 32]
                    + hb[right * 32 : (right + 1) * 32]
                    + cb[left * width : (left + 1) * width]
                    + cb[right * width : (right + 1) * width]
                ).digest(),
                dtype=np.uint8,
            )
        all_hashes.append(new_hashes)
        all_comms.append(new_comms)
        count = half
        if progress:
            progress(half)
    return Tree(all_hashes, all_comms, ps, k)


def _encode_level(group: Group, level_pts: list[list[Any]], ps: int) -> np.ndarray:
    count = len(level_pts[0])
    k = len(level_pts)
    out = np.empty((count, k * ps), dtype=np.uint8)
    for a, pts in enumerate(level_pts):
        enc = b"".join(group.encode(p) for p in pts)
        out[:, a * ps : (a + 1) * ps] = np.frombuffer(enc, dtype=np.uint8).reshape(count, ps)
    return out


def walk(
    group: Group,
    leaf: bytes,
    leaf_points: Sequence[Any],
    index: int,
    path: Sequence[tuple[bytes, Sequence[Any]]],
) -> tuple[bytes, list[Any]]:
    """Recompute (root hash, root commitments) from a leaf and its path of
    (sibling hash, sibling points); the bits of ``index`` say which side we are."""
    h = leaf
    pts = list(leaf_points)
    for sib_hash, sib_pts in path:
        mine = b"".join(group.encode(p) for p in pts)
        theirs = b"".join(group.encode(p) for p in sib_pts)
        if index & 1:
            h = node_hash(sib_hash, h, theirs, mine)
        else:
            h = node_hash(h, sib_hash, mine, theirs)
        pts = [group.add(a, b) for a, b in zip(pts, sib_pts, strict=True)]
        index >>= 1
    return h, pts
