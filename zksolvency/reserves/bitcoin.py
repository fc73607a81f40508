"""Bitcoin addresses and signed messages (mainnet only).

Addresses (each decoder checks length, alphabet and checksum, and returns the
canonical text):

* **P2PKH** ``1…``: Base58Check of ``0x00 ‖ HASH160(pubkey)``; the key may be
  compressed or uncompressed.
* **P2SH-P2WPKH** ``3…``: Base58Check of ``0x05 ‖ HASH160(0x00 0x14 ‖
  HASH160(pubkey))``, a P2WPKH script nested in P2SH, compressed key. (A
  ``3…`` address does not say which script it hashes: only this one can sign.)
* **P2WPKH** ``bc1q…``: bech32 (BIP-173) with HRP ``bc``, witness version 0
  and a 20-byte program ``HASH160(pubkey)``, compressed key. Other witness
  versions and lengths (P2WSH, Taproot's bech32m) are refused. BIP-173 allows
  an all-uppercase address; the canonical form is lowercase.

``HASH160(x) = RIPEMD-160(SHA-256(x))``; ``sha256d(x) = SHA-256(SHA-256(x))``.

Signed messages (the "compact" format of Bitcoin Core's ``signmessage``,
extended by BIP-137 for segwit addresses): the digest is

    e = sha256d(varint(24) ‖ "Bitcoin Signed Message:\\n" ‖ varint(len(m)) ‖ m)

with ``m`` the UTF-8 message and ``varint`` Bitcoin's CompactSize. The
signature is base64 of 65 bytes ``header ‖ r ‖ s`` with
``header = base + recid``:

==========  ==========================  ===============
base        address type                key
==========  ==========================  ===============
27          P2PKH                       uncompressed
31          P2PKH                       compressed
35          P2SH-P2WPKH                 compressed
39          P2WPKH                      compressed
==========  ==========================  ===============

A header whose type is not the address's is refused (Electrum's habit of
signing segwit addresses with header 31–34 is therefore not accepted). The
signature must be canonical base64 (88 characters, padding bits zero) and
low-S (:mod:`zksolvency.reserves.ecdsa`).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
from dataclasses import dataclass

from coincurve import PublicKey
from Crypto.Hash import RIPEMD160

from zksolvency.errors import FormatError, InputError, VerificationError
from zksolvency.reserves import ecdsa

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3
BECH32_MAX_LENGTH = 90
MAINNET_HRP = "bc"
P2PKH_VERSION = 0x00
P2SH_VERSION = 0x05
MAX_ADDRESS_LENGTH = 90
MESSAGE_MAGIC = b"Bitcoin Signed Message:\n"
SIGNATURE_SIZE = 65
SIGNATURE_B64_LENGTH = 88


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    """RIPEMD-160(SHA-256(data)). pycryptodome's RIPEMD-160: OpenSSL 3 may not
    offer it to :mod:`hashlib`."""
    return RIPEMD160.new(hashlib.sha256(data).digest()).digest()


# -- Base58Check -------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet): one ``1`` per leading zero byte, then the rest
    of the big-endian integer in base 58."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """The inverse of :func:`b58encode` (a bijection, so every string over the
    alphabet has exactly one decoding). Raises :class:`FormatError`."""
    n = 0
    for c in text:
        digit = _B58_INDEX.get(c)
        if digit is None:
            raise FormatError(f"{c!r} is not a Base58 character")
        n = n * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def b58check_encode(payload: bytes) -> str:
    return b58encode(payload + sha256d(payload)[:4])


def b58check_decode(text: str) -> bytes:
    """The payload of a Base58Check string (checksum = first 4 bytes of
    sha256d(payload)). Raises :class:`FormatError`."""
    raw = b58decode(text)
    if len(raw) < 5:
        raise FormatError("Base58Check string is too short")
    payload, check = raw[:-4], raw[-4:]
    if sha256d(payload)[:4] != check:
        raise FormatError("Base58Check checksum does not match")
    return payload


# -- bech32 (BIP-173) --------------------------------------------------------------------


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_encode(hrp: str, data: list[int]) -> str:
    """bech32 (checksum constant 1) of 5-bit ``data`` under ``hrp`` (lowercase)."""
    values = _hrp_expand(hrp) + data
    poly = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ BECH32_CONST
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def bech32_decode(text: str) -> tuple[str, list[int]]:
    """(hrp, 5-bit data without the checksum) of a bech32 string, per BIP-173:
    at most 90 characters in 33–126, not mixed case, HRP of 1–83 characters
    before the last ``1``, at least 6 checksum characters, checksum constant 1.
    A bech32m checksum (BIP-350) is named as such. Raises :class:`FormatError`."""
    if len(text) > BECH32_MAX_LENGTH:
        raise FormatError(f"bech32 string longer than {BECH32_MAX_LENGTH} characters")
    if any(not 33 <= ord(c) <= 126 for c in text):
        raise FormatError("bech32 string has a character outside US-ASCII 33–126")
    if text.lower() != text and text.upper() != text:
        raise FormatError("bech32 string mixes upper and lower case")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1:
        raise FormatError("bech32 string has no human-readable part before '1'")
    if pos + 7 > len(text):
        raise FormatError("bech32 checksum is too short")
    hrp = text[:pos]
    data = []
    for c in text[pos + 1 :]:
        d = _BECH32_INDEX.get(c)
        if d is None:
            raise FormatError(f"{c!r} is not a bech32 character")
        data.append(d)
    const = _polymod(_hrp_expand(hrp) + data)
    if const == BECH32M_CONST:
        raise FormatError("bech32m checksum (witness v1+, e.g. Taproot): not supported")
    if const != BECH32_CONST:
        raise FormatError("bech32 checksum does not match")
    return hrp, data[:-6]


def _convert_bits(data: list[int], frombits: int, tobits: int, pad: bool) -> list[int]:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or (acc << (tobits - bits)) & maxv:
        raise FormatError("bech32 program has more than 4 padding bits or non-zero padding")
    return out


def segwit_decode(hrp: str, text: str) -> tuple[int, bytes]:
    """(witness version, program) of a segwit address with this HRP (BIP-173
    rules: version 0–16, program 2–40 bytes, version 0 only 20 or 32 bytes)."""
    got, data = bech32_decode(text)
    if got != hrp:
        raise FormatError(f"human-readable part {got!r}, expected {hrp!r}")
    if not data:
        raise FormatError("segwit address has an empty data part")
    version = data[0]
    if version > 16:
        raise FormatError(f"witness version {version} is outside 0–16")
    program = bytes(_convert_bits(data[1:], 5, 8, pad=False))
    if not 2 <= len(program) <= 40:
        raise FormatError(f"witness program of {len(program)} bytes (2–40 allowed)")
    if version == 0 and len(program) not in (20, 32):
        raise FormatError(f"witness v0 program of {len(program)} bytes (20 or 32 allowed)")
    return version, program


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """The bech32 address of a witness v0 program (bech32m, for v1+, is not implemented)."""
    if version != 0 or len(program) not in (20, 32):
        raise FormatError("only witness v0 programs of 20 or 32 bytes are encoded")
    return bech32_encode(hrp, [version, *_convert_bits(list(program), 8, 5, pad=True)])


# -- addresses ---------------------------------------------------------------------------


class AddressType(enum.Enum):
    P2PKH = "P2PKH"
    P2SH_P2WPKH = "P2SH-P2WPKH"
    P2WPKH = "P2WPKH"


#: BIP-137 header bases (header = base + recid): address type and key compression.
HEADER_BASES = {
    27: (AddressType.P2PKH, False),
    31: (AddressType.P2PKH, True),
    35: (AddressType.P2SH_P2WPKH, True),
    39: (AddressType.P2WPKH, True),
}


@dataclass(frozen=True)
class Address:
    """A decoded mainnet address: its type, the 20-byte hash it pays to, and
    its canonical text."""

    type: AddressType
    hash: bytes
    text: str


def parse_address(text: str) -> Address:
    """Decode a mainnet P2PKH, P2SH or P2WPKH address. Raises
    :class:`FormatError` naming what is wrong."""
    if not isinstance(text, str) or not text.isascii() or not 0 < len(text) <= MAX_ADDRESS_LENGTH:
        raise FormatError("not a Bitcoin address (1–90 ASCII characters)")
    if text[:3].lower() == MAINNET_HRP + "1":
        version, program = segwit_decode(MAINNET_HRP, text)
        if version != 0 or len(program) != 20:
            raise FormatError(
                "only P2WPKH (witness v0, 20-byte program) segwit addresses are supported"
            )
        return Address(AddressType.P2WPKH, program, text.lower())
    if text[0] not in "13":
        raise FormatError("not a mainnet Bitcoin address (P2PKH 1…, P2SH-P2WPKH 3…, P2WPKH bc1q…)")
    payload = b58check_decode(text)
    if len(payload) != 21:
        raise FormatError(f"Base58Check payload of {len(payload)} bytes (21 expected)")
    if payload[0] == P2PKH_VERSION:
        return Address(AddressType.P2PKH, payload[1:], text)
    if payload[0] == P2SH_VERSION:
        return Address(AddressType.P2SH_P2WPKH, payload[1:], text)
    raise FormatError(f"address version byte {payload[0]:#04x} is not mainnet P2PKH or P2SH")


def address_hash(pub: PublicKey, kind: AddressType, compressed: bool) -> bytes:
    """The 20-byte hash an address of type ``kind`` for this key pays to."""
    key_hash = hash160(pub.format(compressed=compressed))
    if kind is AddressType.P2SH_P2WPKH:
        return hash160(b"\x00\x14" + key_hash)
    return key_hash


def p2pkh_address(pub: PublicKey, compressed: bool = True) -> str:
    return b58check_encode(bytes([P2PKH_VERSION]) + hash160(pub.format(compressed=compressed)))


def p2sh_p2wpkh_address(pub: PublicKey) -> str:
    return b58check_encode(bytes([P2SH_VERSION]) + address_hash(pub, AddressType.P2SH_P2WPKH, True))


def p2wpkh_address(pub: PublicKey) -> str:
    return segwit_encode(MAINNET_HRP, 0, hash160(pub.format(compressed=True)))


# -- signed messages ---------------------------------------------------------------------


def compact_size(n: int) -> bytes:
    """Bitcoin's CompactSize (varint) encoding of ``n``."""
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def message_digest(message: str) -> bytes:
    """sha256d(varint ‖ "Bitcoin Signed Message:\\n" ‖ varint ‖ UTF-8 message)."""
    m = message.encode("utf-8")
    return sha256d(compact_size(len(MESSAGE_MAGIC)) + MESSAGE_MAGIC + compact_size(len(m)) + m)


def decode_signature(text: str) -> bytes:
    """The 65 bytes of a base64 signature: exactly 88 characters of the standard
    alphabet, canonical (re-encoding gives the same text). Raises :class:`FormatError`."""
    if not isinstance(text, str) or len(text) != SIGNATURE_B64_LENGTH or not text.isascii():
        raise FormatError(
            f"a Bitcoin message signature is {SIGNATURE_B64_LENGTH} characters of base64"
        )
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise FormatError("signature is not valid base64") from None
    if len(raw) != SIGNATURE_SIZE or base64.b64encode(raw).decode("ascii") != text:
        raise FormatError("signature is not the canonical base64 of 65 bytes")
    return raw


def verify_message(address: str, message: str, signature: str) -> None:
    """Check a compact signature of ``message`` by the key of ``address``.
    Raises :class:`VerificationError` (or :class:`FormatError` for an
    undecodable address or signature); returns ``None`` on success."""
    addr = parse_address(address)
    raw = decode_signature(signature)
    header = raw[0]
    if not 27 <= header <= 42:
        raise VerificationError(f"signature header byte {header} is outside 27–42")
    base = 27 + (header - 27) // 4 * 4
    header_type, compressed = HEADER_BASES[base]
    if header_type is not addr.type:
        raise VerificationError(
            f"signature header byte {header} is for {header_type.value} addresses, "
            f"not {addr.type.value} (BIP-137)"
        )
    r = int.from_bytes(raw[1:33], "big")
    s = int.from_bytes(raw[33:65], "big")
    pub = ecdsa.recover(r, s, header - base, message_digest(message))
    if address_hash(pub, addr.type, compressed) != addr.hash:
        raise VerificationError("signature is not by the key of this address")


def sign_message(secret: bytes, address: str, message: str) -> str:
    """Sign ``message`` for ``address`` with a software key (tests, and custodians
    without hardware wallets). The header follows the address type; for a
    P2PKH address the key's compressed and uncompressed forms are both tried.
    Raises :class:`InputError` if the key does not belong to the address."""
    addr = parse_address(address)
    key = ecdsa.private_key(secret)
    base = next(
        (
            b
            for b, (kind, compressed) in HEADER_BASES.items()
            if kind is addr.type and address_hash(key.public_key, kind, compressed) == addr.hash
        ),
        None,
    )
    if base is None:
        raise InputError(f"the key does not belong to {addr.type.value} address {addr.text}")
    r, s, recid = ecdsa.sign(key, message_digest(message))
    raw = bytes([base + recid]) + r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return base64.b64encode(raw).decode("ascii")
