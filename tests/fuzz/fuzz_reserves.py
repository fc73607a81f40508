"""atheris: the reserves attestation file (``inputs.load_reserves``), then
``verify_reserves`` of whatever loads against the root the seed keys signed.

Input: selector byte, then the reserves file's bytes. Bit 0 of the selector:
load for the seed's assets and epoch (as ``prove`` does) rather than the
file's own (as ``reserves verify`` and ``verify`` do); bit 1: verify with the
seed snapshot (balances checked) rather than without.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    SEEDS = targets.reserves_seeds()  # signs with the seed keys: instrumented too

import _harness

PATH = _harness.workdir("reserves") / "reserves.json"
SNAPSHOT = targets.seed_snapshot()


def one_input(data: bytes) -> None:
    if not data:
        return
    given = bool(data[0] & 1)
    targets.check_reserves(
        PATH,
        data[1:],
        assets=targets.RESERVES_ASSETS if given else None,
        epoch=targets.RESERVES_EPOCH if given else None,
        verify=True,
        snapshot=SNAPSHOT if data[0] & 2 else None,
    )


def seeds() -> list[bytes]:
    return [bytes([sel]) + f for sel in range(4) for f in SEEDS.files]


if __name__ == "__main__":
    _harness.main("reserves", one_input, seeds(), dictionary="reserves.dict")
