"""zksolvency: private proofs of solvency.

Layers (docs/SPEC.md, ../DESIGN.md): ``groups`` (prime-order groups), ``field``
(scalars), ``transcript`` (Fiat–Shamir), ``pedersen`` (generators and
commitments), ``bulletproofs`` (inner-product argument and range proofs).
"""

__version__ = "0.1.0"
