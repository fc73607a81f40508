"""atheris: canonical scalar decoding (``field.decode_scalar``) for both curves' orders.

Input: selector byte (bit 0: curve), then the encoding.
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
    targets.check_scalar(GROUPS[data[0] & 1], data[1:])


def seeds() -> list[bytes]:
    return [
        bytes([c]) + s
        for c, curve in enumerate(targets.CURVES)
        for s in targets.edge_scalars(curve)
    ]


if __name__ == "__main__":
    _harness.main("scalars", one_input, seeds())
