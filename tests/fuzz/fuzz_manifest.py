"""atheris: manifest reading (``bundle.read``): canonical JSON, known format,
parameters within limits, file lengths and SHA-256 of intact binary files.

Input: selector byte (bit 0: curve), then manifest.json's bytes.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    targets.groups()  # imports the backends: instrumented too

import _harness

#: one tiny honest bundle per curve, built by setup()
TINY: list[targets.TinyBundle] = []


def one_input(data: bytes) -> None:
    if not data:
        return
    targets.check_manifest(TINY[data[0] & 1].scratch, data[1:])


def seeds() -> list[bytes]:
    return [bytes([c]) + t.files["manifest.json"] for c, t in enumerate(TINY)]


def setup() -> None:
    work = _harness.workdir("manifest")
    TINY.extend(targets.tiny_bundle(work, c) for c in targets.CURVES)


if __name__ == "__main__":
    setup()
    _harness.main("manifest", one_input, seeds(), dictionary="json.dict")
