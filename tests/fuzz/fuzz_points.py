"""atheris: checked point decoding on both curves (``Group.decode``).

Input: selector byte (bit 0: curve, bit 1: allow_identity), then the encoding.
Backends: the fast ones, or the reference ones with ZKSOLVENCY_BACKEND=reference.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    GROUPS = targets.groups()  # imports the backends: instrumented too

import _harness


def one_input(data: bytes) -> None:
    if not data:
        return
    group = GROUPS[data[0] & 1]
    targets.check_point(group, data[1:], allow_identity=bool(data[0] & 2))


def seeds() -> list[bytes]:
    out = []
    for c, curve in enumerate(targets.CURVES):
        for flags in (0, 2):
            encodings = [*targets.valid_points(curve), targets.identity_encoding(curve)]
            out += [bytes([c | flags]) + e for e in encodings]
    return out


if __name__ == "__main__":
    _harness.main("points", one_input, seeds())
