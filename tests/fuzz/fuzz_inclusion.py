"""atheris: inclusion-proof parsing (``inclusion.parse``), then verification of
whatever parses against a tiny honest bundle (``inclusion.verify``).

Input: selector byte (bit 0: curve), then the proof file's bytes.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    from zksolvency import bundle

    targets.groups()  # imports the backends: instrumented too

import _harness

#: one tiny honest bundle per curve, built by setup()
TINY: list[targets.TinyBundle] = []
BUNDLES: list[bundle.Bundle] = []


def one_input(data: bytes) -> None:
    if not data:
        return
    c = data[0] & 1
    targets.check_inclusion(data[1:], BUNDLES[c], TINY[c].inclusion_proofs)


def seeds() -> list[bytes]:
    return [bytes([c]) + p for c, t in enumerate(TINY) for p in t.inclusion_proofs]


def setup() -> None:
    work = _harness.workdir("inclusion")
    TINY.extend(targets.tiny_bundle(work, c) for c in targets.CURVES)
    BUNDLES.extend(bundle.read(t.path) for t in TINY)


if __name__ == "__main__":
    setup()
    _harness.main("inclusion", one_input, seeds(), dictionary="json.dict")
