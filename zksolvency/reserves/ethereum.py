"""Ethereum addresses (EIP-55) and ``personal_sign`` messages (EIP-191).

An address is the last 20 bytes of ``keccak256(X ‖ Y)`` of the uncompressed
public key. Its text is ``0x`` and 40 hex digits; EIP-55 encodes a checksum in
the case of the letters: letter ``i`` is uppercase iff nibble ``i`` of
``keccak256(lowercase hex)`` is ≥ 8. Accepted: all-lowercase (no checksum), or
exactly the EIP-55 form. Anything else (a wrong mixed case, an uppercase
address whose checksum is not all-uppercase, ``0X``) is refused. The
canonical text is the EIP-55 form.

``personal_sign`` (EIP-191 version 0x45) signs

    e = keccak256("\\x19Ethereum Signed Message:\\n" ‖ decimal(len(m)) ‖ m)

for the UTF-8 message ``m``. The signature is ``0x`` and 130 lowercase hex
digits: ``r ‖ s ‖ v`` with ``v ∈ {27, 28}`` (``recid = v − 27``; the 0/1
form some signers emit is not accepted, so a signature has one encoding),
and low S (:mod:`zksolvency.reserves.ecdsa`).

Keccak-256 is the original Keccak padding, not FIPS-202 SHA3-256; it comes from
pycryptodome.
"""

from __future__ import annotations

import re

from coincurve import PublicKey
from Crypto.Hash import keccak

from zksolvency.errors import FormatError, InputError, VerificationError
from zksolvency.reserves import ecdsa

ADDRESS_SIZE = 20
SIGNATURE_SIZE = 65
MESSAGE_PREFIX = b"\x19Ethereum Signed Message:\n"
_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{40}")
_SIGNATURE_RE = re.compile(r"0x[0-9a-f]{130}")


def keccak256(data: bytes) -> bytes:
    return keccak.new(data=data, digest_bits=256).digest()


def checksum_address(raw: bytes) -> str:
    """The EIP-55 text of a 20-byte address."""
    if len(raw) != ADDRESS_SIZE:
        raise FormatError("an Ethereum address is 20 bytes")
    hexaddr = raw.hex()
    digest = keccak256(hexaddr.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(hexaddr)
    )


def parse_address(text: str) -> bytes:
    """The 20 bytes of an address written all-lowercase or in its exact EIP-55
    form. Raises :class:`FormatError`."""
    if not isinstance(text, str) or not _ADDRESS_RE.fullmatch(text):
        raise FormatError("not an Ethereum address (0x and 40 hex digits)")
    raw = bytes.fromhex(text[2:])
    if text[2:] != text[2:].lower() and text != checksum_address(raw):
        raise FormatError(
            f"EIP-55 checksum does not match (expected {checksum_address(raw)}, "
            "or write the address all-lowercase)"
        )
    return raw


def address_of(pub: PublicKey) -> bytes:
    """The 20-byte address of a public key."""
    return keccak256(pub.format(compressed=False)[1:])[-ADDRESS_SIZE:]


def message_digest(message: str) -> bytes:
    """keccak256("\\x19Ethereum Signed Message:\\n" ‖ len ‖ UTF-8 message)."""
    m = message.encode("utf-8")
    return keccak256(MESSAGE_PREFIX + str(len(m)).encode("ascii") + m)


def decode_signature(text: str) -> bytes:
    """The 65 bytes of ``0x`` + 130 lowercase hex digits. Raises :class:`FormatError`."""
    if not isinstance(text, str) or not _SIGNATURE_RE.fullmatch(text):
        raise FormatError("an Ethereum signature is 0x and 130 lowercase hex digits (r ‖ s ‖ v)")
    return bytes.fromhex(text[2:])


def verify_message(address: str, message: str, signature: str) -> None:
    """Check a ``personal_sign`` signature of ``message`` by ``address``.
    Raises :class:`VerificationError` (or :class:`FormatError` for an
    undecodable address or signature); returns ``None`` on success."""
    expected = parse_address(address)
    raw = decode_signature(signature)
    v = raw[64]
    if v not in (27, 28):
        raise VerificationError(f"signature v = {v}; only 27 or 28 is accepted")
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:64], "big")
    pub = ecdsa.recover(r, s, v - 27, message_digest(message))
    if address_of(pub) != expected:
        raise VerificationError("signature is not by the key of this address")


def sign_message(secret: bytes, address: str, message: str) -> str:
    """``personal_sign`` of ``message`` with a software key, checked against
    ``address``. Raises :class:`InputError` if the key is not the address's."""
    expected = parse_address(address)
    key = ecdsa.private_key(secret)
    if address_of(key.public_key) != expected:
        raise InputError(f"the key does not belong to address {checksum_address(expected)}")
    r, s, recid = ecdsa.sign(key, message_digest(message))
    if recid > 1:  # r ≥ n: probability ~2^-128, and not expressible with v ∈ {27, 28}
        raise InputError("recovery id 2 or 3 (r ≥ n) cannot be written with v ∈ {27, 28}")
    return "0x" + (r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([27 + recid])).hex()
