"""atheris: the verifier's snapshot CSV (``reserves.snapshot.load_snapshot``),
then the seed attestation verified with whatever loads: it must pass exactly
when the snapshot covers every entry's amount at its height.

Input: selector byte (bit 0: prepend a UTF-8 byte-order mark, which the loader
strips), then the CSV's bytes.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    SEEDS = targets.reserves_seeds()  # signs with the seed keys: instrumented too

import _harness

PATH = _harness.workdir("snapshot") / "snapshot.csv"
ATTESTATION = targets.seed_attestation()
BOM = b"\xef\xbb\xbf"


def one_input(data: bytes) -> None:
    if not data:
        return
    csv = BOM + data[1:] if data[0] & 1 else data[1:]
    targets.check_snapshot(PATH, csv, ATTESTATION)


def seeds() -> list[bytes]:
    return [bytes([sel]) + s for sel in range(2) for s in SEEDS.snapshots]


if __name__ == "__main__":
    _harness.main("snapshot", one_input, seeds(), dictionary="reserves.dict")
