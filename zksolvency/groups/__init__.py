"""Prime-order groups: one interface (:class:`Group`), two curves, two backends each.

========== ====================== ==========================
curve      fast backend           reference backend
========== ====================== ==========================
secp256k1  ``coincurve``          ``py_ecc``
bls12_381  ``arkworks``           ``py_ecc``
========== ====================== ==========================

A backend is chosen once, by :func:`get_group` (argument, else the environment
variable ``ZKSOLVENCY_BACKEND`` = ``fast`` | ``reference``, else ``fast``).
Protocol code receives the :class:`Group` object and never branches on it.
"""

from __future__ import annotations

import functools
import importlib
import os

from zksolvency.errors import ParameterError
from zksolvency.groups.base import FixedBases, Group, Point

__all__ = ["BACKENDS", "CURVES", "DEFAULT_CURVE", "FixedBases", "Group", "Point", "get_group"]

DEFAULT_CURVE = "secp256k1"
CURVES = ("secp256k1", "bls12_381")

#: curve -> backend name -> (module, class); the first entry is the fast one.
BACKENDS: dict[str, dict[str, tuple[str, str]]] = {
    "secp256k1": {
        "coincurve": ("zksolvency.groups.secp256k1_coincurve", "Secp256k1Coincurve"),
        "py_ecc": ("zksolvency.groups.secp256k1_pyecc", "Secp256k1PyEcc"),
    },
    "bls12_381": {
        "arkworks": ("zksolvency.groups.bls12_381_arkworks", "Bls12381Arkworks"),
        "py_ecc": ("zksolvency.groups.bls12_381_pyecc", "Bls12381PyEcc"),
    },
}


def _resolve(curve: str, backend: str | None) -> str:
    if curve not in BACKENDS:
        raise ParameterError(f"unknown curve {curve!r} (known: {', '.join(CURVES)})")
    choice = backend or os.environ.get("ZKSOLVENCY_BACKEND", "fast")
    names = list(BACKENDS[curve])
    if choice == "fast":
        return names[0]
    if choice == "reference":
        return names[1]
    if choice not in names:
        raise ParameterError(
            f"unknown backend {choice!r} for {curve} (known: fast, reference, {', '.join(names)})"
        )
    return choice


@functools.cache
def _instance(curve: str, name: str) -> Group:
    module, cls = BACKENDS[curve][name]
    group: Group = getattr(importlib.import_module(module), cls)()
    return group


def get_group(curve: str = DEFAULT_CURVE, backend: str | None = None) -> Group:
    """The group object for ``curve`` with the chosen backend (one per process)."""
    return _instance(curve, _resolve(curve, backend))
