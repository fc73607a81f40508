"""The closed set of errors the library raises.

Every failure a caller can act on is one of these; nothing else is meant to
escape a public function given well-typed arguments. Verification follows one
convention everywhere: ``verify*`` functions raise :class:`VerificationError`
(or :class:`FormatError` for undecodable bytes) and return ``None`` on success;
``is_valid*`` helpers wrap them into a boolean and catch only these classes.
"""

from __future__ import annotations


class ZkSolvencyError(Exception):
    """Base class of every error raised on purpose by zksolvency."""


class FormatError(ZkSolvencyError):
    """Bytes or files that do not decode: wrong length, non-canonical encoding,
    a point off the curve or outside the prime-order subgroup, a forbidden
    identity, an unknown version."""


class InputError(FormatError):
    """A user-supplied file (liabilities, reserves, secret, statement) or
    option that is malformed; the message names the file and the line, column,
    user or asset."""


class VerificationError(ZkSolvencyError):
    """Well-formed input whose proof does not verify."""


class ParameterError(ZkSolvencyError):
    """Parameters outside what the protocol supports (bit width, aggregation
    size, curve or backend name, mismatched lengths)."""


class ProvingError(ZkSolvencyError):
    """The prover refuses: a value outside the range, an opening that does not
    match its commitment, inconsistent witness data."""


class InternalError(ZkSolvencyError):
    """A broken internal invariant (a bug), detected and refused rather than
    turned into a wrong result. Verifiers treat it as a failed verification."""
