"""Bulletproofs: the inner-product argument and aggregated range proofs."""

from zksolvency.bulletproofs.range_proof import (
    PROTOCOL,
    SUPPORTED_BITS,
    RangeProof,
    batch_verify,
    is_valid,
    padded_m,
    proof_size,
    prove,
    verify,
)

__all__ = [
    "PROTOCOL",
    "SUPPORTED_BITS",
    "RangeProof",
    "batch_verify",
    "is_valid",
    "padded_m",
    "proof_size",
    "prove",
    "verify",
]
