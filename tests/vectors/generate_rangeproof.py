"""Generate tests/vectors/rangeproof_v1.json: frozen range proofs from a fixed seed.

    python tests/vectors/generate_rangeproof.py            # rewrite the file
    python tests/vectors/generate_rangeproof.py --check    # exit 1 if it would change

Format (docs/SPEC.md §7): a JSON object with "format", "transcript_label" and
"vectors", each vector {curve, n, m, seed, values, blindings, commitments,
proof} with integers as decimal strings and bytes as lowercase hex. Every later
version of zksolvency must keep verifying these proofs; the prover, given the
same seeded RNG, must keep producing the same bytes unless the version number
of the proof format changes.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from zksolvency import bulletproofs as bp
from zksolvency.groups import get_group
from zksolvency.pedersen import generators
from zksolvency.transcript import Transcript

PATH = Path(__file__).with_name("rangeproof_v1.json")
LABEL = b"zksolvency-test-vectors"
CASES = [
    ("secp256k1", 8, 1, 1),
    ("secp256k1", 16, 3, 2),
    ("secp256k1", 64, 1, 3),
    ("secp256k1", 32, 4, 4),
    ("bls12_381", 8, 1, 5),
    ("bls12_381", 64, 2, 6),
]


def build() -> dict:
    vectors = []
    for curve, n, m, seed in CASES:
        group = get_group(curve)
        gens = generators(group)
        rng = random.Random(seed)
        values = [0, (1 << n) - 1] + [rng.randrange(1 << n) for _ in range(m)]
        values = values[:m]
        blindings = [rng.randrange(1, group.order) for _ in range(m)]
        proof, V = bp.prove(gens, values, blindings, n, Transcript(LABEL), rng=rng)
        vectors.append(
            {
                "curve": curve,
                "n": n,
                "m": m,
                "seed": seed,
                "values": [str(v) for v in values],
                "blindings": [str(b) for b in blindings],
                "commitments": [group.encode(p).hex() for p in V],
                "proof": proof.to_bytes(group).hex(),
            }
        )
    return {
        "format": "zksolvency-rangeproof-vectors/v1",
        "transcript_label": LABEL.decode(),
        "vectors": vectors,
    }


def main() -> int:
    text = json.dumps(build(), indent=1) + "\n"
    if "--check" in sys.argv:
        return 0 if PATH.read_text() == text else 1
    PATH.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
