"""The liabilities root hash, before proving.

Reserve signatures bind the root hash (docs/SPEC.md §16), and the reserves
file they sit in is an input of ``zksolvency prove``; but the root does not
depend on the reserves: it is a deterministic function of the liabilities,
the master secret, the epoch, the curve, the statement and the padded leaf
count. :func:`liabilities_root` computes it the way
:func:`zksolvency.solvency.prove_epoch` does (SPEC §9–§10), without any range
proof:

    C[i][a] = b[i][a]·B + r[i][a]·B̃      for every leaf i (users and padding), asset a
    root    = the Merkle-sum tree of (id hash[i], C[i][·])

so a custodian can sign before proving. tests/test_reserves.py checks that it
equals the root of a real proof.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from zksolvency import tree as merkle
from zksolvency.circuits import Statement
from zksolvency.errors import ParameterError
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
from zksolvency.solvency import DEFAULT_MIN_LEAVES, derive_leaves, padded_leaf_count


def liabilities_root(
    statement: Statement,
    user_ids: Sequence[str],
    balances: np.ndarray,
    master: bytes,
    epoch: str,
    *,
    curve: str = "secp256k1",
    min_leaves: int = DEFAULT_MIN_LEAVES,
) -> bytes:
    """The root hash ``prove_epoch`` gives for the same arguments (``statement``
    bound to the columns of ``balances``)."""
    assets = statement.asset_names
    if balances.shape != (len(user_ids), len(assets)):
        raise ParameterError("balances must be (users, assets)")
    group = get_group(curve)
    padded = padded_leaf_count(len(user_ids), min_leaves)
    statement.check_capacity(padded, group.order)
    gens = generators(group)
    leaves = derive_leaves(assets, user_ids, balances, master, epoch, curve, padded)
    points = [
        [gens.commit(int(leaves.values[i, a]), leaves.blinding(a, i)) for i in range(padded)]
        for a in range(len(assets))
    ]
    return merkle.build(group, epoch, leaves.id_hashes, points).root_hash
