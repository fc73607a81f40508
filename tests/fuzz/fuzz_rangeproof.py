"""atheris: range-proof decoding (``bulletproofs.RangeProof.from_bytes``).

Input: selector byte (bit 0: curve; bits 1–2: (n, m) from targets.RANGE_PARAMS),
then the proof bytes.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    GROUPS = targets.groups()  # imports the backends: instrumented too

import _harness

PARAMS = targets.RANGE_PARAMS


def one_input(data: bytes) -> None:
    if not data:
        return
    n, m = PARAMS[(data[0] >> 1) % len(PARAMS)]
    targets.check_range_proof(GROUPS[data[0] & 1], data[1:], n, m)


def seeds() -> list[bytes]:
    out = []
    for c, curve in enumerate(targets.CURVES):
        for i, (n, m) in enumerate(PARAMS):
            out += [bytes([c | i << 1]) + p for p in targets.valid_range_proofs(curve, n, m)]
    return out


if __name__ == "__main__":
    _harness.main("rangeproof", one_input, seeds())
