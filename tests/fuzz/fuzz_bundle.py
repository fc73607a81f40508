"""atheris: the bundle's binary files (leaves.bin, rangeproofs.bin, solvency.bin)
through the verifier's checked readers: ``bundle.read`` (lengths, SHA-256),
``read_leaves`` / ``range_proofs_view`` / ``solvency_proofs`` (headers), and
checked decoding of every commitment and proof. The manifest is resealed with
each input's length and SHA-256, as a forger would.

Input: selector byte (bit 0: curve; bits 1–2: file, mod 3), then the file's bytes.
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


def one_input(data: bytes) -> None:
    if not data:
        return
    tiny = TINY[data[0] & 1]
    name = bundle.FILES[(data[0] >> 1) % len(bundle.FILES)]
    targets.check_bundle_file(tiny.scratch, tiny.manifest, name, data[1:])


def seeds() -> list[bytes]:
    return [
        bytes([c | f << 1]) + t.files[name]
        for c, t in enumerate(TINY)
        for f, name in enumerate(bundle.FILES)
    ]


def setup() -> None:
    work = _harness.workdir("bundle")
    TINY.extend(targets.tiny_bundle(work, c) for c in targets.CURVES)


if __name__ == "__main__":
    setup()
    _harness.main("bundle", one_input, seeds())
