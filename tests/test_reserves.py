"""Proof of reserves: published vectors for every decoder and signature format,
the signature policy (low S, recovery ids, BIP-137 headers), the attestation
format and its attacks, the snapshot and JSON-RPC parsers, the root hash
before proving, and the command line end to end.

Keys are drawn in the tests from ``secrets`` (or are the published vectors'
keys); no seeded RNG is used for keys.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import http.server
import json
import secrets
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from coincurve import PrivateKey, PublicKey
from conftest import EPOCH, MASTER, small_exchange
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from zksolvency.circuits import load_statement
from zksolvency.cli import app
from zksolvency.errors import FormatError, InputError, VerificationError
from zksolvency.inputs import Reserves, load_reserves
from zksolvency.reserves import bitcoin, ecdsa, ethereum
from zksolvency.reserves.attestation import MESSAGE_TEMPLATE, message
from zksolvency.reserves.root import liabilities_root
from zksolvency.reserves.rpc import EthAsset, EthereumRpc, parse_eth_asset
from zksolvency.reserves.snapshot import load_snapshot
from zksolvency.reserves.verify import verify_against_bundle, verify_reserves
from zksolvency.solvency import prove_epoch

CUSTODIAN = "Example Exchange Ltd"
ROOT = bytes.fromhex("5f" * 32)
USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"  # Tether's contract: a valid EIP-55 text


# --------------------------------------------------------------------------- #
# Published vectors
# --------------------------------------------------------------------------- #

# Bitcoin Core, src/test/data/base58_encode_decode.json
BASE58_VECTORS = [
    ("", ""),
    ("61", "2g"),
    ("626262", "a3gV"),
    ("636363", "aPEr"),
    ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
    ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ("516b6fcd0f", "ABnLTmg"),
    ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
    ("572e4794", "3EFU7m"),
    ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
    ("10c8511e", "Rt5zm"),
    ("00000000000000000000", "1111111111"),
    (
        "000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
    ),
    ("271f359e", "zzzzy"),
    ("271f359f", "zzzzz"),
    ("271f35a0", "211111"),
    ("271f35a1", "211112"),
]


@pytest.mark.parametrize(("hexdata", "text"), BASE58_VECTORS)
def test_base58_vectors(hexdata: str, text: str) -> None:
    assert bitcoin.b58encode(bytes.fromhex(hexdata)) == text
    assert bitcoin.b58decode(text) == bytes.fromhex(hexdata)


@pytest.mark.parametrize("text", ["0", "O", "I", "l", "1 ", "+", "é"])
def test_base58_rejects_characters(text: str) -> None:
    with pytest.raises(FormatError):
        bitcoin.b58decode(text)


def test_base58check() -> None:
    # 1BgGZ9… is the compressed P2PKH address of the key 1 (HASH160 of G, as in BIP-173)
    assert bitcoin.b58check_decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH") == bytes.fromhex(
        "00751e76e8199196d454941c45d1b3a323f1433bd6"
    )
    assert bitcoin.b58check_encode(bytes.fromhex("00751e76e8199196d454941c45d1b3a323f1433bd6")) == (
        "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    )
    with pytest.raises(FormatError, match="checksum"):
        bitcoin.b58check_decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ")
    with pytest.raises(FormatError, match="too short"):
        bitcoin.b58check_decode("2g")


# BIP-173 (with BIP-350's corrections for v1+): sipa/bech32 ref/python/tests.py
BECH32_VALID = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
BECH32_INVALID = [
    " 1nwldj5",  # HRP character out of range
    "\x7f1axkwrx",  # HRP character out of range
    "\x801eym55h",  # HRP character out of range
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",  # no separator
    "1pzry9x0s0muk",  # empty HRP
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # too short checksum
    "de1lg7wt\xff",  # invalid character in checksum
    "A1G7SGD8",  # checksum calculated with the uppercase HRP
    "10a06t8",  # empty HRP
    "1qzzfhee",  # empty HRP
]


@pytest.mark.parametrize("text", BECH32_VALID)
def test_bech32_valid_checksums(text: str) -> None:
    hrp, data = bitcoin.bech32_decode(text)
    assert bitcoin.bech32_encode(hrp, data) == text.lower()
    pos = text.rfind("1")
    flipped = text[: pos + 1] + chr(ord(text[pos + 1]) ^ 1) + text[pos + 2 :]
    with pytest.raises(FormatError):
        bitcoin.bech32_decode(flipped)


@pytest.mark.parametrize("text", BECH32_INVALID)
def test_bech32_invalid(text: str) -> None:
    with pytest.raises(FormatError):
        bitcoin.bech32_decode(text)


def test_bip173_p2wpkh_address() -> None:
    # BIP-173's first valid address: witness v0, program 751e…3bd6 (HASH160 of G, compressed)
    addr = bitcoin.parse_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    assert addr.type is bitcoin.AddressType.P2WPKH
    assert addr.hash.hex() == "751e76e8199196d454941c45d1b3a323f1433bd6"
    assert addr.text == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert bitcoin.segwit_encode("bc", 0, addr.hash) == addr.text


BIP173_OTHER_VALID = [
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",  # testnet P2WSH
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",  # v1
    "BC1SW50QGDZ25J",  # v16
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",  # v2
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",  # Taproot
]
BIP173_INVALID_ADDRESSES = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    "bc1gmk9yu",
]


@pytest.mark.parametrize("text", BIP173_OTHER_VALID + BIP173_INVALID_ADDRESSES)
def test_only_mainnet_p2wpkh_segwit_addresses(text: str) -> None:
    """Valid addresses of other types or networks, and the BIP-173/350 invalid
    ones, are all refused."""
    with pytest.raises(FormatError):
        bitcoin.parse_address(text)


def test_bip173_invalid_v0_program_length() -> None:
    with pytest.raises(FormatError, match="v0 program"):
        bitcoin.segwit_decode("bc", "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P")
    with pytest.raises(FormatError, match="bech32m"):
        bitcoin.segwit_decode(
            "bc", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
        )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "not a Bitcoin address"),
        ("1" * 91, "not a Bitcoin address"),
        ("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMé", "not a Bitcoin address"),
        ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "not a mainnet"),  # testnet P2PKH
        ("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", "not a mainnet"),  # testnet P2SH
        ("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ", "checksum"),
        ("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH ", "Base58"),
        (bitcoin.b58check_encode(bytes(22)), "payload of 22 bytes"),
        (bitcoin.b58check_encode(b"\x30" + bytes(20)), "not a mainnet"),  # a Litecoin P2PKH
        (bitcoin.b58check_encode(b"\x06" + bytes(20)), "version byte 0x06"),
    ],
)
def test_bitcoin_address_errors(text: str, needle: str) -> None:
    with pytest.raises(FormatError, match=needle):
        bitcoin.parse_address(text)


def test_bitcoin_address_all_zero_hash() -> None:
    # bitcoinjs-message's "wrong address" fixture: 21 zero bytes, a valid P2PKH address
    assert bitcoin.parse_address("1111111111111111111114oLvT2").hash == bytes(20)


# bitcoinjs-message test/fixtures.json: the key d = 1 signs "vires is numeris";
# every header type gives the same (r, s) (RFC 6979 nonces).
D1 = (1).to_bytes(32, "big")
VIRES = "vires is numeris"
BITCOINJS_SIGN = [
    (
        "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm",
        "HF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=",
    ),
    (
        "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
        "IF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=",
    ),
    (
        "3JvL6Ymt8MVWiCNHC7oWU6nLeHNJKLZGLN",
        "JF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=",
    ),
    (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "KF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=",
    ),
]
BITCOINJS_VERIFY = [
    (
        "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM",
        "G8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0=",
    ),
    (
        "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs",
        "H8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0=",
    ),
]


@pytest.mark.parametrize(("address", "signature"), BITCOINJS_SIGN)
def test_bitcoin_sign_vectors(address: str, signature: str) -> None:
    assert bitcoin.sign_message(D1, address, VIRES) == signature
    bitcoin.verify_message(address, VIRES, signature)


@pytest.mark.parametrize(("address", "signature"), BITCOINJS_SIGN[2:] + BITCOINJS_VERIFY)
def test_bitcoin_verify_vectors(address: str, signature: str) -> None:
    bitcoin.verify_message(address, VIRES, signature)
    with pytest.raises(VerificationError, match="not by the key"):
        bitcoin.verify_message(address, "foobar", signature)


@pytest.mark.parametrize(
    ("address", "signature"),
    [
        # bitcoinjs-message "invalid" fixtures: wrong address, and no cross-verification
        # between compressed and uncompressed keys
        ("1111111111111111111114oLvT2", BITCOINJS_VERIFY[1][1]),
        (BITCOINJS_VERIFY[0][0], BITCOINJS_VERIFY[1][1]),
        (BITCOINJS_VERIFY[1][0], BITCOINJS_VERIFY[0][1]),
    ],
)
def test_bitcoin_verify_invalid_vectors(address: str, signature: str) -> None:
    with pytest.raises(VerificationError):
        bitcoin.verify_message(address, VIRES, signature)


def test_bitcoin_message_digest_vectors() -> None:
    # bitcoinjs-message fixtures "magicHash" (the digest is their hash, reversed display aside)
    assert (
        bitcoin.message_digest("").hex()
        == "80e795d4a4caadd7047af389d9f7f220562feb6196032e2131e10563352c4bcc"
    )
    assert (
        bitcoin.message_digest("Vires is Numeris").hex()
        == "f8a5affbef4a3241b19067aa694562f64f513310817297089a8929a930f4f933"
    )


def test_bitcoin_readme_vector_with_wif_key() -> None:
    """bitcoinjs-message README: a WIF key (Base58Check 0x80 ‖ key ‖ 0x01) signs
    'This is an example of a signed message.' for 1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV."""
    payload = bitcoin.b58check_decode("L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1")
    assert payload[0] == 0x80
    assert payload[-1] == 0x01
    assert len(payload) == 34
    text = "This is an example of a signed message."
    signature = (
        "H9L5yLFjti0QTHhPyFrZCT1V/MMnBtXKmoiKDZ78NDBjERki6ZTQZdSMCtkgoNmp17By9ItJr8o7ChX0XxY91nk="
    )
    address = "1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV"
    bitcoin.verify_message(address, text, signature)
    assert bitcoin.sign_message(payload[1:33], address, text) == signature


def test_compact_size() -> None:
    assert bitcoin.compact_size(0xFC) == b"\xfc"
    assert bitcoin.compact_size(0xFD) == b"\xfd\xfd\x00"
    assert bitcoin.compact_size(0x10000) == b"\xfe\x00\x00\x01\x00"
    long_message = "x" * 300  # two-byte length prefix
    key = secrets.token_bytes(32)
    addr = bitcoin.p2wpkh_address(PrivateKey(key).public_key)
    bitcoin.verify_message(addr, long_message, bitcoin.sign_message(key, addr, long_message))


# EIP-55's test cases: all caps, all lower, normal
EIP55_VECTORS = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("text", EIP55_VECTORS)
def test_eip55_vectors(text: str) -> None:
    raw = ethereum.parse_address(text)
    assert ethereum.checksum_address(raw) == text
    assert ethereum.parse_address(text.lower()) == raw  # all-lowercase: accepted, no checksum


@pytest.mark.parametrize(
    "text",
    [
        "0x5aaEb6053F3E94C9b9A09f33669435E7Ef1BeAed",  # one letter's case flipped
        "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",  # all caps, but the checksum is mixed
        "0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",  # 0X
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",  # no prefix
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",  # 39 digits
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd",  # 41 digits
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe\u0662",  # a non-ASCII digit
    ],
)
def test_eip55_rejects(text: str) -> None:
    with pytest.raises(FormatError):
        ethereum.parse_address(text)


def test_keccak256_vector() -> None:
    assert (
        ethereum.keccak256(b"").hex()
        == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


# eth-account documentation: the key below signs "I♥SF" with personal_sign.
ETH_KEY = bytes.fromhex("b25c7db31feed9122727bf0939dc769a96564b2de4c4726d035b36ecf1e5b364")
ETH_ADDRESS = "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E"
ETH_SIGNATURE = (
    "0xe6ca9bba58c88611fad66a6ce8f996908195593807c4b38bd528d2cff09d4eb3"
    "3e5bfbbf4d3e39b1a2fd816a7680c19ebebaf3a141b239934ad43cb33fcec8ce1c"
)


def test_personal_sign_vector() -> None:
    assert (
        ethereum.message_digest("I♥SF").hex()
        == "1476abb745d423bf09273f1afd887d951181d25adc66c4834a70491911b7f750"
    )
    assert ethereum.address_of(PrivateKey(ETH_KEY).public_key) == ethereum.parse_address(
        ETH_ADDRESS
    )
    assert ethereum.sign_message(ETH_KEY, ETH_ADDRESS, "I♥SF") == ETH_SIGNATURE
    ethereum.verify_message(ETH_ADDRESS, "I♥SF", ETH_SIGNATURE)
    ethereum.verify_message(ETH_ADDRESS.lower(), "I♥SF", ETH_SIGNATURE)
    with pytest.raises(VerificationError, match="not by the key"):
        ethereum.verify_message(ETH_ADDRESS, "I♥NY", ETH_SIGNATURE)


# --------------------------------------------------------------------------- #
# Decoders under random input: round trips, and FormatError is the only failure
# --------------------------------------------------------------------------- #

FUZZ = settings(max_examples=200, deadline=None)


@FUZZ
@given(st.binary(max_size=80))
def test_base58_and_bech32_round_trips(data: bytes) -> None:
    assert bitcoin.b58decode(bitcoin.b58encode(data)) == data
    if data:  # an empty payload is refused ("too short")
        assert bitcoin.b58check_decode(bitcoin.b58check_encode(data)) == data
    if len(data) in (20, 32):
        text = bitcoin.segwit_encode("bc", 0, data)
        assert bitcoin.segwit_decode("bc", text) == (0, data)
        assert bitcoin.segwit_decode("bc", text.upper()) == (0, data)


@FUZZ
@given(st.text(max_size=100) | st.text(alphabet=bitcoin.B58_ALPHABET + "0x", max_size=45))
def test_address_decoders_fail_only_with_format_error(text: str) -> None:
    for parse in (bitcoin.parse_address, ethereum.parse_address):
        with contextlib.suppress(FormatError):
            parse(text)


@FUZZ
@given(st.binary(min_size=65, max_size=65))
def test_random_signatures_never_verify(raw: bytes) -> None:
    """Random 65-byte signatures, in both encodings, fail closed (with our errors only)."""
    with pytest.raises((VerificationError, FormatError)):
        bitcoin.verify_message(BITCOINJS_SIGN[3][0], VIRES, base64.b64encode(raw).decode())
    with pytest.raises((VerificationError, FormatError)):
        ethereum.verify_message(ETH_ADDRESS, "I♥SF", "0x" + raw.hex())


@FUZZ
@given(st.text(max_size=140))
def test_signature_decoders_fail_only_with_format_error(text: str) -> None:
    for decode in (bitcoin.decode_signature, ethereum.decode_signature):
        with contextlib.suppress(FormatError):
            assert len(decode(text)) == 65


# --------------------------------------------------------------------------- #
# Signature policy: low S, recovery ids, headers, encodings
# --------------------------------------------------------------------------- #


def _high_s(r: int, s: int, recid: int) -> tuple[int, int, int]:
    """The malleated twin of a valid signature: (r, n − s), other y parity."""
    return r, ecdsa.N - s, recid ^ 1


def test_high_s_bitcoin_is_refused_although_valid() -> None:
    key = secrets.token_bytes(32)
    pub = PrivateKey(key).public_key
    addr = bitcoin.p2wpkh_address(pub)
    raw = base64.b64decode(bitcoin.sign_message(key, addr, "m"))
    r, s = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    r2, s2, recid2 = _high_s(r, s, raw[0] - 39)
    # libsecp256k1 itself recovers the same key from the twin: refusing it is our policy
    twin = r2.to_bytes(32, "big") + s2.to_bytes(32, "big") + bytes([recid2])
    digest = bitcoin.message_digest("m")
    assert PublicKey.from_signature_and_message(twin, digest, hasher=None) == pub
    sig = base64.b64encode(bytes([39 + recid2]) + twin[:64]).decode()
    with pytest.raises(VerificationError, match="high S"):
        bitcoin.verify_message(addr, "m", sig)


def test_high_s_ethereum_is_refused() -> None:
    raw = bytes.fromhex(ETH_SIGNATURE[2:])
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big")
    r2, s2, recid2 = _high_s(r, s, raw[64] - 27)
    sig = "0x" + (r2.to_bytes(32, "big") + s2.to_bytes(32, "big") + bytes([27 + recid2])).hex()
    with pytest.raises(VerificationError, match="high S"):
        ethereum.verify_message(ETH_ADDRESS, "I♥SF", sig)


@pytest.mark.parametrize(
    ("r", "s", "needle"),
    [
        (0, 1, "r is outside"),
        (ecdsa.N, 1, "r is outside"),
        (1, 0, "s is outside"),
        (1, ecdsa.N, "s is outside"),
        (1, ecdsa.HALF_N + 1, "high S"),
    ],
)
def test_ecdsa_range_checks(r: int, s: int, needle: str) -> None:
    with pytest.raises(VerificationError, match=needle):
        ecdsa.recover(r, s, 0, bytes(32))


def test_ecdsa_recid_and_digest_checks() -> None:
    with pytest.raises(VerificationError, match="recovery id"):
        ecdsa.recover(1, 1, 4, bytes(32))
    with pytest.raises(VerificationError, match="32 bytes"):
        ecdsa.recover(1, 1, 0, bytes(31))
    with pytest.raises(InputError):
        ecdsa.private_key(bytes(32))
    with pytest.raises(InputError):
        ecdsa.private_key(ecdsa.N.to_bytes(32, "big"))


@pytest.mark.parametrize("header", [0, 26, 43, 255])
def test_bitcoin_header_out_of_range(header: int) -> None:
    raw = bytearray(base64.b64decode(BITCOINJS_SIGN[3][1]))
    raw[0] = header
    with pytest.raises(VerificationError, match="outside 27–42"):
        bitcoin.verify_message(BITCOINJS_SIGN[3][0], VIRES, base64.b64encode(raw).decode())


@pytest.mark.parametrize(
    ("address_index", "header"),
    [
        (3, 32),  # compressed-P2PKH header for a P2WPKH address (Electrum style): refused
        (3, 36),  # P2SH-P2WPKH header for a P2WPKH address
        (2, 40),  # P2WPKH header for a P2SH-P2WPKH address
        (1, 40),  # segwit header for a P2PKH address
        (2, 28),  # uncompressed header for a segwit address
    ],
)
def test_bitcoin_header_must_match_address_type(address_index: int, header: int) -> None:
    raw = bytearray(base64.b64decode(BITCOINJS_SIGN[0][1]))
    raw[0] = header
    sig = base64.b64encode(raw).decode()
    with pytest.raises(VerificationError, match="BIP-137"):
        bitcoin.verify_message(BITCOINJS_SIGN[address_index][0], VIRES, sig)


@pytest.mark.parametrize(
    "signature",
    [
        "",
        BITCOINJS_SIGN[3][1][:-4],  # truncated
        BITCOINJS_SIGN[3][1] + "AAAA",  # extended
        base64.b64encode(b"\x28" + bytes(63)).decode(),  # 64 bytes
        BITCOINJS_SIGN[3][1][:86] + "9=",  # non-zero padding bits: not canonical
        BITCOINJS_SIGN[3][1][:86] + "8*",  # not base64
        "-" + BITCOINJS_SIGN[3][1][1:],  # URL-safe alphabet
        " " + BITCOINJS_SIGN[3][1][1:],
    ],
)
def test_bitcoin_signature_encodings(signature: str) -> None:
    with pytest.raises(FormatError):
        bitcoin.verify_message(BITCOINJS_SIGN[3][0], VIRES, signature)


@pytest.mark.parametrize("v", [0, 1, 29, 35, 36])
def test_ethereum_v_values(v: int) -> None:
    sig = ETH_SIGNATURE[:-2] + f"{v:02x}"
    with pytest.raises(VerificationError, match="27 or 28"):
        ethereum.verify_message(ETH_ADDRESS, "I♥SF", sig)


@pytest.mark.parametrize(
    "signature",
    [
        ETH_SIGNATURE[:-2],  # truncated
        ETH_SIGNATURE + "00",  # extended
        ETH_SIGNATURE.upper().replace("0X", "0x"),  # uppercase hex
        ETH_SIGNATURE[2:],  # no 0x
        ETH_SIGNATURE[:-1] + "g",
        "",
    ],
)
def test_ethereum_signature_encodings(signature: str) -> None:
    with pytest.raises(FormatError):
        ethereum.verify_message(ETH_ADDRESS, "I♥SF", signature)


def test_signing_refuses_a_key_of_another_address() -> None:
    other = secrets.token_bytes(32)
    with pytest.raises(InputError, match="does not belong"):
        bitcoin.sign_message(other, BITCOINJS_SIGN[3][0], "m")
    with pytest.raises(InputError, match="does not belong"):
        ethereum.sign_message(other, ETH_ADDRESS, "m")


# --------------------------------------------------------------------------- #
# The attestation: format and attacks
# --------------------------------------------------------------------------- #


class Wallet:
    """Software keys for one test: P2PKH, P2SH-P2WPKH, P2WPKH and an Ethereum account."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        for kind in ("p2pkh", "p2sh", "p2wpkh", "eth", "eth2"):
            key = secrets.token_bytes(32)
            pub = PrivateKey(key).public_key
            addr = {
                "p2pkh": lambda p: bitcoin.p2pkh_address(p),
                "p2sh": bitcoin.p2sh_p2wpkh_address,
                "p2wpkh": bitcoin.p2wpkh_address,
                "eth": lambda p: ethereum.checksum_address(ethereum.address_of(p)),
                "eth2": lambda p: ethereum.checksum_address(ethereum.address_of(p)),
            }[kind](pub)
            self.keys[addr] = key
        self.p2pkh, self.p2sh, self.p2wpkh, self.eth, self.eth2 = list(self.keys)

    def entry(
        self,
        address: str,
        amount: int,
        height: int,
        *,
        root: bytes = ROOT,
        epoch: str = EPOCH,
        custodian: str = CUSTODIAN,
        token: str | None = None,
        key: bytes | None = None,
    ) -> dict[str, Any]:
        chain = "ethereum" if address.startswith("0x") else "bitcoin"
        module = ethereum if chain == "ethereum" else bitcoin
        text = message(custodian, epoch, root, address)
        if key is None:
            sig = module.sign_message(self.keys[address], address, text)
        else:  # a well-formed signature by another key, over the right message
            sig = _raw_sign(module, key, text, address)
        out = {
            "chain": chain,
            "address": address,
            "amount": str(amount),
            "height": height,
            "signature": sig,
        }
        if token:
            out["token"] = token
        return out

    def reserves(self, **kw: Any) -> dict[str, Any]:
        btc = [
            self.entry(self.p2pkh, 100, 870_000, **kw),
            self.entry(self.p2sh, 20, 870_000, **kw),
            self.entry(self.p2wpkh, 3, 870_000, **kw),
        ]
        eth = [self.entry(self.eth, 5 * 10**18, 21_000_000, **kw)]
        usdt = [
            self.entry(self.eth, 7_000_000, 21_000_000, token=USDT, **kw),
            self.entry(self.eth2, 1_000_000, 21_000_000, token=USDT, **kw),
        ]
        return {
            "epoch": EPOCH,
            "custodian": CUSTODIAN,
            "message": MESSAGE_TEMPLATE,
            "assets": {
                "BTC": {"total": "123", "entries": btc},
                "ETH": {"total": str(5 * 10**18), "entries": eth},
                "USDT": {"total": "8000000", "entries": usdt},
            },
        }

    def snapshot_csv(self) -> str:
        return (
            "chain,address,asset,amount,height\n"
            f"bitcoin,{self.p2pkh},BTC,100,870000\n"
            f"bitcoin,{self.p2sh},BTC,25,870000\n"
            f"bitcoin,{self.p2wpkh.upper()},BTC,3,870000\n"
            f"ethereum,{self.eth.lower()},ETH,{5 * 10**18},21000000\n"
            f"ethereum,{self.eth},USDT,7000000,21000000\n"
            f"ethereum,{self.eth2},USDT,1000000,21000000\n"
        )


def _raw_sign(module: Any, key: bytes, text: str, address: str) -> str:
    """A well-formed signature of ``text`` by ``key``, labelled for ``address``'s type."""
    digest = module.message_digest(text)
    r, s, recid = ecdsa.sign(PrivateKey(key), digest)
    body = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if module is ethereum:
        return "0x" + (body + bytes([27 + recid])).hex()
    base = {bitcoin.AddressType.P2PKH: 31, bitcoin.AddressType.P2SH_P2WPKH: 35}.get(
        bitcoin.parse_address(address).type, 39
    )
    return base64.b64encode(bytes([base + recid]) + body).decode()


@pytest.fixture
def wallet() -> Wallet:
    return Wallet()


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=1))
    return path


def load(tmp_path: Path, data: Any) -> Reserves:
    return load_reserves(write_json(tmp_path / "reserves.json", data))


def test_good_attestation(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())
    assert res.custodian == CUSTODIAN
    assert res.totals == {"BTC": 123, "ETH": 5 * 10**18, "USDT": 8_000_000}
    assert [e.address for e in res.entries["BTC"]] == [wallet.p2pkh, wallet.p2sh, wallet.p2wpkh]
    report = verify_reserves(res, ROOT)
    assert report.attested
    assert [(a.asset, a.entries, a.balances_checked) for a in report.assets] == [
        ("BTC", 3, 0),
        ("ETH", 1, 0),
        ("USDT", 2, 0),
    ]
    assert any("not checked" in w for w in report.warnings())
    snap = load_snapshot(_write(tmp_path / "snap.csv", wallet.snapshot_csv()))
    report = verify_reserves(res, ROOT, snapshot=snap)
    assert [a.balances_checked for a in report.assets] == [3, 1, 2]
    assert report.warnings() == []
    assert report.to_dict()["balance_sources"] == [f"snapshot {tmp_path / 'snap.csv'}"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _first_btc(data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = data["assets"]["BTC"]["entries"][0]
    return entry


@pytest.mark.parametrize(
    ("what", "kwargs"),
    [
        ("another epoch", {"epoch": "2026-10"}),
        ("another root", {"root": bytes.fromhex("60" * 32)}),
        ("another custodian", {"custodian": "Other Exchange"}),
    ],
)
def test_signature_over_another_message_fails_naming_the_address(
    tmp_path: Path, wallet: Wallet, what: str, kwargs: dict[str, Any]
) -> None:
    data = wallet.reserves()
    data["assets"]["BTC"]["entries"][1] = wallet.entry(wallet.p2sh, 20, 870_000, **kwargs)
    res = load(tmp_path, data)  # well-formed: only verification can tell
    with pytest.raises(VerificationError) as info:
        verify_reserves(res, ROOT)
    msg = str(info.value)
    assert "reserves.json: asset BTC entry 2" in msg
    assert wallet.p2sh in msg
    assert "not by the key" in msg


def test_the_same_file_fails_for_another_root(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())
    with pytest.raises(VerificationError, match=wallet.p2pkh):
        verify_reserves(res, bytes(32))


@pytest.mark.parametrize("which", ["p2pkh", "p2sh", "p2wpkh", "eth"])
def test_signature_from_another_key(tmp_path: Path, wallet: Wallet, which: str) -> None:
    address = getattr(wallet, which)
    data = wallet.reserves()
    forged = wallet.entry(address, 1, 1, key=secrets.token_bytes(32))
    asset = "ETH" if which == "eth" else "BTC"
    entries = data["assets"][asset]["entries"]
    index = next(i for i, e in enumerate(entries) if e["address"] == address)
    entries[index]["signature"] = forged["signature"]
    res = load(tmp_path, data)
    with pytest.raises(VerificationError, match=f"entry {index + 1} .*{address}.*not by the key"):
        verify_reserves(res, ROOT)


def test_signature_copied_from_another_address(tmp_path: Path, wallet: Wallet) -> None:
    data = wallet.reserves()
    eth = data["assets"]["USDT"]["entries"]
    eth[1]["signature"] = eth[0]["signature"]  # eth's signature pasted for eth2
    with pytest.raises(VerificationError, match=wallet.eth2):
        verify_reserves(load(tmp_path, data), ROOT)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda e: e.update(signature=e["signature"][:-8]), "signature"),
        (lambda e: e.update(signature=e["signature"][:-2] + "=="), "signature"),
        (lambda e: e.update(signature=""), "signature"),
        (lambda e: e.update(signature=None), "signature"),
        (lambda e: e.update(signature=ETH_SIGNATURE), "signature"),  # other chain's format
    ],
)
def test_malformed_signature_is_refused_at_load(
    tmp_path: Path, wallet: Wallet, mutate: Callable[[dict[str, Any]], None], needle: str
) -> None:
    data = wallet.reserves()
    mutate(_first_btc(data))
    with pytest.raises(InputError) as info:
        load(tmp_path, data)
    msg = str(info.value)
    assert f"asset BTC entry 1 (bitcoin address {wallet.p2pkh}): {needle}" in msg


def test_duplicate_address_in_one_asset(tmp_path: Path, wallet: Wallet) -> None:
    data = wallet.reserves()
    btc = data["assets"]["BTC"]
    btc["entries"].append(copy.deepcopy(btc["entries"][0]))
    btc["total"] = "223"
    with pytest.raises(InputError, match=f"entry 4 .*{wallet.p2pkh}.*already counted by asset BTC"):
        load(tmp_path, data)


def test_duplicate_address_in_two_assets(tmp_path: Path, wallet: Wallet) -> None:
    data = wallet.reserves()
    data["assets"]["XBT"] = {"total": "100", "entries": [copy.deepcopy(_first_btc(data))]}
    with pytest.raises(
        InputError, match=r"asset XBT entry 1 .*already counted by asset BTC entry 1"
    ):
        load(tmp_path, data)


def test_duplicate_token_holding_in_two_assets(tmp_path: Path, wallet: Wallet) -> None:
    data = wallet.reserves()
    usdt0 = copy.deepcopy(data["assets"]["USDT"]["entries"][0])
    data["assets"]["USDC"] = {"total": usdt0["amount"], "entries": [usdt0]}
    with pytest.raises(InputError, match=f"token {USDT} at this address is already counted"):
        load(tmp_path, data)


def test_same_address_for_ether_and_a_token_is_two_holdings(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())  # wallet.eth holds ETH and USDT
    assert res.entries["ETH"][0].address == res.entries["USDT"][0].address


def test_duplicate_address_written_differently(tmp_path: Path, wallet: Wallet) -> None:
    """Canonical forms are compared: an EIP-55 and a lowercase spelling are one address."""
    data = wallet.reserves()
    again = copy.deepcopy(data["assets"]["ETH"]["entries"][0])
    again["address"] = wallet.eth.lower()
    data["assets"]["ETH"]["entries"].append(again)
    data["assets"]["ETH"]["total"] = str(10 * 10**18)
    with pytest.raises(InputError, match="already counted"):
        load(tmp_path, data)


def test_total_disagrees_with_entries(tmp_path: Path, wallet: Wallet) -> None:
    data = wallet.reserves()
    data["assets"]["BTC"]["total"] = "124"
    with pytest.raises(
        InputError, match=r"asset BTC: total 124 is not the sum of its 3 entries \(123\)"
    ):
        load(tmp_path, data)
    data["assets"]["BTC"] = {"total": "1", "entries": []}
    with pytest.raises(InputError, match="not the sum of its 0 entries"):
        load(tmp_path, data)


def test_verify_rechecks_consistency(tmp_path: Path, wallet: Wallet) -> None:
    """A Reserves built by hand (not by load_reserves) is checked again."""
    res = load(tmp_path, wallet.reserves())
    forged = Reserves(
        res.epoch, {**res.totals, "BTC": 10**6}, res.raw, res.custodian, res.entries, res.source
    )
    with pytest.raises(VerificationError, match="not the sum"):
        verify_reserves(forged, ROOT)


def test_amount_above_snapshot_balance(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())
    csv = wallet.snapshot_csv().replace(f"{wallet.p2pkh},BTC,100,", f"{wallet.p2pkh},BTC,99,")
    snap = load_snapshot(_write(tmp_path / "snap.csv", csv))
    with pytest.raises(VerificationError) as info:
        verify_reserves(res, ROOT, snapshot=snap)
    assert f"asset BTC entry 1 (bitcoin address {wallet.p2pkh}): amount 100 exceeds" in str(
        info.value
    )


def test_snapshot_must_cover_every_entry(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())
    for drop, needle in [
        (f"ethereum,{wallet.eth2},USDT", wallet.eth2),
        (f"bitcoin,{wallet.p2sh},BTC", wallet.p2sh),
    ]:
        lines = [ln for ln in wallet.snapshot_csv().splitlines() if not ln.startswith(drop)]
        snap = load_snapshot(_write(tmp_path / "snap.csv", "\n".join(lines) + "\n"))
        with pytest.raises(VerificationError, match=f"{needle}.*no balance to check"):
            verify_reserves(res, ROOT, snapshot=snap)


def test_snapshot_at_another_height_does_not_count(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())
    csv = wallet.snapshot_csv().replace(
        f"{wallet.p2wpkh.upper()},BTC,3,870000", f"{wallet.p2wpkh},BTC,3,870001"
    )
    snap = load_snapshot(_write(tmp_path / "snap.csv", csv))
    with pytest.raises(VerificationError, match=f"{wallet.p2wpkh}.*870000"):
        verify_reserves(res, ROOT, snapshot=snap)


def test_unattested_assets(tmp_path: Path, wallet: Wallet) -> None:
    data = wallet.reserves()
    data["assets"]["ETH"] = {"total": "5"}
    res = load(tmp_path, data)
    report = verify_reserves(res, ROOT)
    assert report.unattested == ["ETH"]
    assert any("ETH are unattested" in w for w in report.warnings())
    with pytest.raises(VerificationError, match="ETH are unattested"):
        verify_reserves(res, ROOT, require_attested=True)
    bare = load(tmp_path, {"epoch": EPOCH, "assets": {"BTC": {"total": "1"}}})
    assert bare.custodian is None
    assert bare.entries == {}
    assert verify_reserves(bare, ROOT).unattested == ["BTC"]


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d.pop("custodian"), "entries need 'custodian'"),
        (lambda d: d.pop("message"), "entries need 'message'"),
        (lambda d: d.update(message=MESSAGE_TEMPLATE + "\n"), "not the v1 message template"),
        (lambda d: d.update(message=MESSAGE_TEMPLATE.replace("root", "tree")), "template"),
        (lambda d: d.update(custodian=""), "custodian"),
        (lambda d: d.update(custodian="Evil\nepoch: 2026-12"), "custodian"),
        (lambda d: d.update(custodian=" padded"), "whitespace"),
        (lambda d: d.update(custodian="x" * 129), "longer than 128"),
        (lambda d: d.update(custodian="Cafe\u0301"), "NFC"),
        (lambda d: d.update(custodian=7), "custodian"),
        (lambda d: d.update(signer="x"), "unknown key(s) 'signer'"),
        (lambda d: _first_btc(d).update(note="x"), "entry 1: unknown key(s) 'note'"),
        (lambda d: _first_btc(d).pop("height"), "entry 1: missing key(s) 'height'"),
        (lambda d: _first_btc(d).update(chain="litecoin"), "chain 'litecoin'"),
        (lambda d: _first_btc(d).update(chain="ethereum"), "address"),
        (
            lambda d: _first_btc(d).update(address="tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"),
            "address",
        ),
        (lambda d: _first_btc(d).update(address=None), "address"),
        (lambda d: _first_btc(d).update(amount=100), "amount is a JSON number"),
        (lambda d: _first_btc(d).update(amount="0100"), "not canonical"),
        (lambda d: _first_btc(d).update(amount="-1"), "negative"),
        (lambda d: _first_btc(d).update(amount=str(2**128)), "2^128"),
        (lambda d: _first_btc(d).update(height=-1), "height"),
        (lambda d: _first_btc(d).update(height=True), "height"),
        (lambda d: _first_btc(d).update(height="870000"), "height"),
        (lambda d: _first_btc(d).update(height=2**63), "height"),
        (lambda d: _first_btc(d).update(token=USDT), "for Ethereum entries only"),
        (lambda d: d["assets"]["USDT"]["entries"][0].update(token="0x1234"), "token"),
        (lambda d: d["assets"]["BTC"]["entries"].append("x"), "entry 4: expected an object"),
    ],
)
def test_bad_attestation_files(
    tmp_path: Path, wallet: Wallet, mutate: Callable[[dict[str, Any]], Any], needle: str
) -> None:
    data = wallet.reserves()
    mutate(data)
    with pytest.raises(InputError) as info:
        load(tmp_path, data)
    msg = str(info.value)
    assert msg.startswith(str(tmp_path / "reserves.json"))
    assert needle in msg, msg
    assert "\n" not in msg


def test_against_bundle_manifest(tmp_path: Path, wallet: Wallet) -> None:
    res = load(tmp_path, wallet.reserves())
    good = {"epoch": EPOCH, "assets": ("BTC", "ETH", "USDT"), "totals": dict(res.totals)}
    verify_against_bundle(res, root_hash=ROOT, **good)
    for change, needle in [
        ({"epoch": "2026-12"}, "epoch '2026-11', the bundle's is '2026-12'"),
        ({"assets": ("BTC", "ETH")}, "not the bundle's"),
        ({"totals": {**res.totals, "ETH": 1}}, "asset ETH: total 5000000000000000000 is not"),
    ]:
        with pytest.raises(VerificationError, match=needle):
            verify_against_bundle(res, root_hash=ROOT, **{**good, **change})


def test_message_format(wallet: Wallet) -> None:
    text = message(CUSTODIAN, EPOCH, ROOT, wallet.eth.lower())
    assert text == (
        "zksolvency proof of reserves v1\n"
        f"custodian: {CUSTODIAN}\nepoch: {EPOCH}\nroot: {ROOT.hex()}\naddress: {wallet.eth}"
    )
    upper = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
    assert message(CUSTODIAN, EPOCH, ROOT, upper).endswith(upper.lower())
    with pytest.raises(InputError):
        message(CUSTODIAN, "2026 11", ROOT, wallet.eth)
    with pytest.raises(InputError):
        message(CUSTODIAN, EPOCH, ROOT[:31], wallet.eth)


def test_existing_reserves_files_still_load(tmp_path: Path) -> None:
    data = {"epoch": EPOCH, "assets": {"BTC": {"total": "7"}, "ETH": {"total": "0"}}}
    res = load_reserves(write_json(tmp_path / "r.json", data), ["ETH", "BTC"], EPOCH)
    assert list(res.totals) == ["ETH", "BTC"]
    assert res.entries == {}


# --------------------------------------------------------------------------- #
# Snapshot CSV
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", ":1: header"),
        ("chain,address,asset,amount\n", ":1: header"),
        (
            "chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,1\n",
            ":2: expected 5 fields",
        ),
        (
            "chain,address,asset,amount,height\ndoge,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,1,2\n",
            ":2: chain",
        ),
        (
            "chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMM,BTC,1,2\n",
            ":2: address",
        ),
        (
            "chain,address,asset,amount,height\nethereum,0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED,ETH,1,2\n",
            "EIP-55",
        ),
        (
            "chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,,1,2\n",
            "asset name",
        ),
        (
            "chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,01,2\n",
            "amount '01'",
        ),
        (
            "chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,-1,2\n",
            "amount",
        ),
        (
            f"chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,{2**256},2\n",
            "2^256",
        ),
        (
            "chain,address,asset,amount,height\nbitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,1,x\n",
            "height",
        ),
        (
            "chain,address,asset,amount,height\n"
            "bitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,1,2\n"
            "bitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,5,2\n",
            ":3: bitcoin address 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH asset BTC at height 2 "
            "is already on line 2",
        ),
        (
            "chain,address,asset,amount,height\n"
            "bitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,1,2\n\n"
            "bitcoin,1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH,BTC,1,3\n",
            ":3: blank line",
        ),
        ('chain,address,asset,amount,height\n"bitcoin,1\n', "malformed CSV"),
    ],
)
def test_bad_snapshots(tmp_path: Path, text: str, needle: str) -> None:
    path = _write(tmp_path / "snap.csv", text)
    with pytest.raises(InputError) as info:
        load_snapshot(path)
    assert str(info.value).startswith(str(path))
    assert needle in str(info.value)


def test_snapshot_good(tmp_path: Path) -> None:
    text = (
        "\ufeffchain,address,asset,amount,height\n"
        "bitcoin,BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4,BTC,5,1\n"
        "bitcoin,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,BTC,6,2\n"
        f"ethereum,{ETH_ADDRESS.lower()},USDT,{2**256 - 1},3\n\n"
    )
    snap = load_snapshot(_write(tmp_path / "snap.csv", text))
    assert len(snap) == 3
    assert snap.balance("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "BTC", 1) == 5
    assert snap.balance("ethereum", ETH_ADDRESS, "USDT", 3) == 2**256 - 1
    assert snap.balance("ethereum", ETH_ADDRESS, "USDT", 4) is None
    with pytest.raises(InputError, match="cannot read"):
        load_snapshot(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- #
# JSON-RPC client (a local stub server; a real node in test_reserves_rpc.py)
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("ETH=ether", ("ETH", EthAsset(None, 0))),
        ("ETH=ether:9", ("ETH", EthAsset(None, 9))),
        (f"USDT={USDT.lower()}", ("USDT", EthAsset(USDT, 0))),
        (f"USDT={USDT}:0", ("USDT", EthAsset(USDT, 0))),
    ],
)
def test_parse_eth_asset(spec: str, expected: tuple[str, EthAsset]) -> None:
    assert parse_eth_asset(spec) == expected


@pytest.mark.parametrize(
    "spec", ["ETH", "=ether", "ETH=", "ETH=ether:x", "ETH=ether:99", "USDT=0x1234", "ETH=ether:-1"]
)
def test_parse_eth_asset_rejects(spec: str) -> None:
    with pytest.raises(InputError, match="--eth-asset"):
        parse_eth_asset(spec)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/", "file:///etc/passwd", "127.0.0.1:8545", "http://", "http://h:99999"]
)
def test_rpc_url_must_be_http(url: str) -> None:
    with pytest.raises(InputError, match="http"):
        EthereumRpc(url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_rpc_unreachable_node() -> None:
    rpc = EthereumRpc(f"http://127.0.0.1:{_free_port()}", timeout=2)
    with pytest.raises(InputError, match="cannot reach the node"):
        rpc.balance(ETH_ADDRESS, 1, EthAsset(None))


@pytest.fixture
def stub_node() -> Iterator[tuple[str, list[Any], list[Any]]]:
    """A loopback HTTP server answering each POST with the next queued answer
    (a callable of the request, raw bytes, or a (status, Location) redirect);
    records the requests."""
    answers: list[Any] = []
    requests: list[Any] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            answer = answers.pop(0)
            if isinstance(answer, tuple):  # (status, Location)
                self.send_response(answer[0])
                self.send_header("Location", answer[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = answer(body) if callable(answer) else answer
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answers, requests
    finally:
        server.shutdown()
        server.server_close()


def _result(value: Any) -> Callable[[dict[str, Any]], bytes]:
    return lambda req: json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": value}).encode()


def test_rpc_requests_and_answers(stub_node: Any) -> None:
    url, answers, requests = stub_node
    rpc = EthereumRpc(url)
    answers += [_result("0x1bc16d674ec80000"), _result("0x" + f"{12345:064x}")]
    assert rpc.balance(ETH_ADDRESS, 21_000_000, EthAsset(None)) == 2 * 10**18
    assert rpc.balance(ETH_ADDRESS, 21_000_000, EthAsset(USDT)) == 12345
    assert requests[0]["method"] == "eth_getBalance"
    assert requests[0]["params"] == [ETH_ADDRESS.lower(), hex(21_000_000)]
    call, block = requests[1]["params"]
    assert requests[1]["method"] == "eth_call"
    assert block == hex(21_000_000)
    assert call == {
        "to": USDT.lower(),
        "data": "0x70a08231" + "00" * 12 + ETH_ADDRESS[2:].lower(),
    }


@pytest.mark.parametrize(
    ("answer", "needle"),
    [
        (_result("0x01"), "not a quantity"),  # leading zero
        (_result("0xABC"), "not a quantity"),
        (_result(5), "not a quantity"),
        (_result("0x" + "f" * 65), "not a quantity"),
        (
            lambda req: json.dumps(
                {"jsonrpc": "2.0", "id": req["id"] + 1, "result": "0x0"}
            ).encode(),
            "not a JSON-RPC",
        ),
        (lambda req: json.dumps({"id": req["id"], "result": "0x0"}).encode(), "not a JSON-RPC"),
        (lambda req: json.dumps({"jsonrpc": "2.0", "id": req["id"]}).encode(), "no result"),
        (
            lambda req: json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": req["id"],
                    "error": {"code": -32000, "message": "missing trie node"},
                }
            ).encode(),
            "missing trie node",
        ),
        (b"<html>", "not JSON"),
        (b"[1, 2]", "not a JSON-RPC"),
    ],
)
def test_rpc_refuses_bad_answers(stub_node: Any, answer: Any, needle: str) -> None:
    url, answers, _ = stub_node
    answers.append(answer)
    with pytest.raises(InputError, match=needle):
        EthereumRpc(url).balance(ETH_ADDRESS, 1, EthAsset(None))


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_rpc_does_not_follow_redirects(stub_node: Any, status: int) -> None:
    url, answers, requests = stub_node
    answers += [(status, url + "/elsewhere"), _result("0x1")]
    with pytest.raises(InputError, match=f"HTTP {status}"):
        EthereumRpc(url).balance(ETH_ADDRESS, 1, EthAsset(None))
    assert len(requests) == 1


@pytest.mark.parametrize("value", ["0x", "0x" + "00" * 31, "0x" + "00" * 33, None])
def test_rpc_balance_of_must_be_one_word(stub_node: Any, value: Any) -> None:
    url, answers, _ = stub_node
    answers.append(_result(value))
    with pytest.raises(InputError, match="one 32-byte word"):
        EthereumRpc(url).balance(ETH_ADDRESS, 1, EthAsset(USDT))


def test_rpc_balances_in_verification(stub_node: Any, tmp_path: Path, wallet: Wallet) -> None:
    """--rpc covers Ethereum entries; the token must be the verifier's; amounts
    compare after the shift; Bitcoin entries still need the snapshot."""
    url, answers, _ = stub_node
    data = wallet.reserves()
    data["assets"].pop("BTC")
    res = load(tmp_path, data)
    measures = {"ETH": EthAsset(None, 0), "USDT": EthAsset(USDT, 0)}
    answers += [
        _result(hex(5 * 10**18)),
        _result(f"0x{7_000_000:064x}"),
        _result(f"0x{10**6:064x}"),
    ]
    rpc = EthereumRpc(url)
    report = verify_reserves(res, ROOT, rpc=rpc, eth_assets=measures)
    assert [a.balances_checked for a in report.assets] == [1, 2]
    assert report.balance_sources == (f"rpc {url}",)

    answers += [_result(hex(5 * 10**18 - 1))]
    with pytest.raises(
        VerificationError, match=f"{wallet.eth}.*exceeds the balance at block 21000000"
    ):
        verify_reserves(res, ROOT, rpc=rpc, eth_assets=measures)

    fake = "0x" + "12" * 20
    answers += [_result(hex(5 * 10**18))]
    with pytest.raises(VerificationError, match="the verifier measures USDT as token 0x1212"):
        verify_reserves(
            res, ROOT, rpc=rpc, eth_assets={**measures, "USDT": parse_eth_asset(f"USDT={fake}")[1]}
        )

    answers.clear()
    answers += [_result(hex(5 * 10**18))]
    with pytest.raises(VerificationError, match="--rpc measures USDT only with --eth-asset"):
        verify_reserves(res, ROOT, rpc=rpc)  # default: ETH only

    # a reserves file counting ETH in gwei: shift 9
    gwei = wallet.reserves()
    gwei["assets"] = {
        "ETH": {"total": "5000000000", "entries": [wallet.entry(wallet.eth, 5 * 10**9, 7)]}
    }
    res = load(tmp_path, gwei)
    answers.clear()
    answers += [_result(hex(5 * 10**18)), _result(hex(5 * 10**18 - 1))]
    verify_reserves(res, ROOT, rpc=rpc, eth_assets={"ETH": EthAsset(None, 9)})
    with pytest.raises(VerificationError, match="10\\^9 per base unit"):
        verify_reserves(res, ROOT, rpc=rpc, eth_assets={"ETH": EthAsset(None, 9)})

    # Bitcoin entries are not measured by --rpc
    res = load(tmp_path, wallet.reserves())
    with pytest.raises(VerificationError, match=f"{wallet.p2pkh}.*no balance to check"):
        verify_reserves(res, ROOT, rpc=rpc, eth_assets=measures)


# --------------------------------------------------------------------------- #
# The root hash before proving
# --------------------------------------------------------------------------- #


# secp256k1 is checked end to end by the `custodian` fixture below (`reserves root`
# printed before `prove`, then the same root from `prove`).
@pytest.mark.parametrize("curve", ["bls12_381"])
def test_liabilities_root_is_the_proofs_root(curve: str) -> None:
    users, balances, reserves = small_exchange(10, 5)
    statement = load_statement(None).bind(("BTC", "ETH"))
    proof = prove_epoch(
        statement,
        users,
        balances,
        reserves,
        MASTER,
        EPOCH,
        curve=curve,
        min_leaves=16,
        batch_size=8,
        workers=1,
    )
    root = liabilities_root(statement, users, balances, MASTER, EPOCH, curve=curve, min_leaves=16)
    assert root == proof.root_hash
    # and it changes with anything the tree binds
    assert (
        liabilities_root(statement, users, balances, MASTER, "2026-12", curve=curve, min_leaves=16)
        != root
    )
    bumped = balances.copy()
    bumped[0, 0] += np.uint64(1)
    assert (
        liabilities_root(statement, users, bumped, MASTER, EPOCH, curve=curve, min_leaves=16)
        != root
    )


# --------------------------------------------------------------------------- #
# Command line, end to end
# --------------------------------------------------------------------------- #

RUNNER = CliRunner()
CLI_USERS = [("alice", 150_000_000, 2 * 10**9), ("bob", 50_000_000, 0), ("carol", 1, 3 * 10**9)]
FAST = ("--leaves", "16", "--batch-size", "4", "--workers", "1", "--quiet")


def run(*args: str | Path) -> Result:
    result = RUNNER.invoke(app, [str(a) for a in args])
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def fails(result: Result, code: int, *needles: str, prefix: str = "error:") -> None:
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(prefix), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def _key_file(path: Path, key: bytes) -> Path:
    path.write_text(key.hex() + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def custodian(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small exchange that signs its reserves with software keys before
    proving, and its bundle: everything through the CLI."""
    d = tmp_path_factory.mktemp("custodian")
    (d / "users.csv").write_text(
        "user_id,BTC,ETH\n" + "".join(f"{u},{b},{e}\n" for u, b, e in CLI_USERS)
    )
    assert run("keygen", "--out", d / "master.key").exit_code == 0
    result = run(
        "reserves",
        "root",
        "--liabilities",
        d / "users.csv",
        "--secret",
        d / "master.key",
        "--epoch",
        EPOCH,
        "--leaves",
        "16",
    )
    assert result.exit_code == 0, result.output
    root = result.stdout.strip()
    wallet = Wallet()
    entries: dict[str, list[dict[str, Any]]] = {"BTC": [], "ETH": []}
    plan = [
        ("BTC", wallet.p2pkh, 130_000_000),
        ("BTC", wallet.p2wpkh, 80_000_000),
        ("ETH", wallet.eth, 6 * 10**9),
    ]
    for i, (asset, address, amount) in enumerate(plan):
        key = _key_file(d / f"key{i}.hex", wallet.keys[address])
        result = run(
            "reserves",
            "sign",
            "--key-file",
            key,
            "--custodian",
            CUSTODIAN,
            "--epoch",
            EPOCH,
            "--root",
            root,
            "--address",
            address,
        )
        assert result.exit_code == 0, result.output
        chain = "ethereum" if asset == "ETH" else "bitcoin"
        entries[asset].append(
            {
                "chain": chain,
                "address": address,
                "amount": str(amount),
                "height": 870_000,
                "signature": result.stdout.strip(),
            }
        )
    reserves = {
        "epoch": EPOCH,
        "custodian": CUSTODIAN,
        "message": MESSAGE_TEMPLATE,
        "assets": {
            a: {"total": str(sum(int(e["amount"]) for e in es)), "entries": es}
            for a, es in entries.items()
        },
    }
    write_json(d / "reserves.json", reserves)
    _write(
        d / "snapshot.csv",
        "chain,address,asset,amount,height\n"
        + "".join(
            f"{e['chain']},{e['address']},{a},{e['amount']},870000\n"
            for a, es in entries.items()
            for e in es
        ),
    )
    result = run(
        "prove",
        "--liabilities",
        d / "users.csv",
        "--reserves",
        d / "reserves.json",
        "--secret",
        d / "master.key",
        "--epoch",
        EPOCH,
        "--out",
        d / "bundle",
        *FAST,
    )
    assert result.exit_code == 0, result.output
    assert f"root hash {root}" in result.stdout  # the root signed before proving is the bundle's
    return {"dir": d, "root": root, "wallet": wallet, "reserves": reserves}


def test_cli_verify_with_attestation_and_snapshot(custodian: dict[str, Any]) -> None:
    d = custodian["dir"]
    result = run(
        "verify",
        d / "bundle",
        "--workers",
        "1",
        "--quiet",
        "--reserves",
        d / "reserves.json",
        "--snapshot",
        d / "snapshot.csv",
    )
    assert result.exit_code == 0, result.output
    assert "VERIFIED" in result.stdout
    assert CUSTODIAN in result.stdout
    assert "attested BTC" in result.stdout
    assert result.stderr == ""  # no warning: attested, balances checked
    result = run(
        "verify",
        d / "bundle",
        "--workers",
        "1",
        "--json",
        "--reserves",
        d / "reserves.json",
        "--snapshot",
        d / "snapshot.csv",
    )
    report = json.loads(result.stdout)
    att = report["reserves_attestation"]
    assert att["attested"] is True
    assert att["custodian"] == CUSTODIAN
    assert att["root_hash"] == custodian["root"] == report["root_hash"]
    assert att["assets"]["BTC"] == {"total": "210000000", "entries": 2, "balances_checked": 2}


def test_cli_verify_without_attestation_warns(custodian: dict[str, Any], tmp_path: Path) -> None:
    """A bundle proven from totals only (no entries) verifies with a warning."""
    d = custodian["dir"]
    totals = {a: {"total": v["total"]} for a, v in custodian["reserves"]["assets"].items()}
    plain = write_json(tmp_path / "totals.json", {"epoch": EPOCH, "assets": totals})
    bundle = tmp_path / "bundle"
    result = run(
        "prove",
        "--liabilities",
        d / "users.csv",
        "--reserves",
        plain,
        "--secret",
        d / "master.key",
        "--epoch",
        EPOCH,
        "--out",
        bundle,
        *FAST,
    )
    assert result.exit_code == 0, result.output
    assert not (bundle / "reserves.json").exists()
    result = run("verify", bundle, "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "unattested" in result.stdout
    assert result.stderr.startswith("warning: reserves are unattested")
    fails(
        run("verify", bundle, "--workers", "1", "--quiet", "--require-attested"),
        1,
        "--require-attested",
        prefix="verification FAILED:",
    )
    fails(
        run("verify", bundle, "--workers", "1", "--quiet", "--snapshot", d / "snapshot.csv"),
        2,
        "give --reserves FILE",
        prefix="verification FAILED:",
    )
    # a reserves.json dropped into a bundle whose manifest does not list it
    shutil.copy(d / "reserves.json", bundle / "reserves.json")
    fails(
        run("verify", bundle, "--workers", "1", "--quiet"),
        1,
        "reserves.json: present in the bundle but not listed in its manifest",
        prefix="verification FAILED:",
    )


def test_prove_publishes_the_attestation_in_the_bundle(
    custodian: dict[str, Any], tmp_path: Path
) -> None:
    d = custodian["dir"]
    bundle = tmp_path / "bundle"
    shutil.copytree(d / "bundle", bundle)
    assert (bundle / "reserves.json").read_bytes() == (d / "reserves.json").read_bytes()
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert "reserves.json" in manifest["files"]
    result = run("verify", bundle, "--workers", "1", "--quiet", "--require-attested")
    assert result.exit_code == 0, result.output
    assert "attested BTC" in result.stdout
    assert result.stderr.startswith("warning: address balances were not checked")
    report = json.loads(run("verify", bundle, "--workers", "1", "--json").stdout)
    assert report["reserves_attestation"]["source"] == str(bundle / "reserves.json")

    # the bundle's copy is bound by the manifest: any change is refused
    data = copy.deepcopy(custodian["reserves"])
    wallet = custodian["wallet"]
    data["assets"]["BTC"]["entries"][1]["signature"] = wallet.entry(
        wallet.p2wpkh, 1, 1, root=bytes(32)
    )["signature"]
    write_json(bundle / "reserves.json", data)
    fails(
        run("verify", bundle, "--workers", "1", "--quiet"),
        1,
        "reserves.json: SHA-256 does not match the manifest",
        prefix="verification FAILED:",
    )
    # the same bad signature in a file given with --reserves: named by entry and address
    shutil.copy(d / "reserves.json", bundle / "reserves.json")
    other = write_json(tmp_path / "other.json", data)
    fails(
        run("verify", bundle, "--workers", "1", "--quiet", "--reserves", other),
        1,
        "asset BTC entry 2",
        wallet.p2wpkh,
        prefix="verification FAILED:",
    )
    result = run("verify", bundle, "--workers", "1", "--json", "--reserves", other)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["ok"] is False


def test_prove_refuses_signatures_over_another_root(
    custodian: dict[str, Any], tmp_path: Path
) -> None:
    """Signatures are checked against the root just proven, before anything
    is published: signed for another tree, the bundle is not written."""
    d = custodian["dir"]
    data = copy.deepcopy(custodian["reserves"])
    wallet = custodian["wallet"]
    data["assets"]["BTC"]["entries"][0]["signature"] = wallet.entry(
        wallet.p2pkh, 1, 1, root=bytes(32)
    )["signature"]
    bad = write_json(tmp_path / "bad.json", data)
    out = tmp_path / "bundle"
    fails(
        run(
            "prove",
            "--liabilities",
            d / "users.csv",
            "--reserves",
            bad,
            "--secret",
            d / "master.key",
            "--epoch",
            EPOCH,
            "--out",
            out,
            *FAST,
        ),
        1,
        "asset BTC entry 1",
        wallet.p2pkh,
    )
    assert not out.exists()


def test_cli_verify_amount_above_snapshot(custodian: dict[str, Any], tmp_path: Path) -> None:
    d = custodian["dir"]
    wallet = custodian["wallet"]
    text = (
        (d / "snapshot.csv")
        .read_text()
        .replace(f"{wallet.eth},ETH,6000000000", f"{wallet.eth},ETH,5999999999")
    )
    snap = _write(tmp_path / "snap.csv", text)
    fails(
        run(
            "verify",
            d / "bundle",
            "--workers",
            "1",
            "--quiet",
            "--reserves",
            d / "reserves.json",
            "--snapshot",
            snap,
        ),
        1,
        "asset ETH entry 1",
        wallet.eth,
        "exceeds",
        prefix="verification FAILED:",
    )


def test_cli_verify_total_is_not_the_bundles(custodian: dict[str, Any], tmp_path: Path) -> None:
    """A valid attestation of other totals than the bundle proved."""
    d = custodian["dir"]
    data = copy.deepcopy(custodian["reserves"])
    data["assets"]["ETH"]["entries"][0]["amount"] = "5000000000"
    data["assets"]["ETH"]["total"] = "5000000000"
    path = write_json(tmp_path / "reserves.json", data)
    fails(
        run("verify", d / "bundle", "--workers", "1", "--quiet", "--reserves", path),
        1,
        "asset ETH: total 5000000000 is not the bundle's proven reserves 6000000000",
        prefix="verification FAILED:",
    )


def test_cli_reserves_verify(custodian: dict[str, Any], tmp_path: Path) -> None:
    d = custodian["dir"]
    result = run(
        "reserves",
        "verify",
        d / "reserves.json",
        "--root",
        custodian["root"],
        "--snapshot",
        d / "snapshot.csv",
    )
    assert result.exit_code == 0, result.output
    assert "VERIFIED" in result.stdout
    result = run("reserves", "verify", d / "reserves.json", "--bundle", d / "bundle", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["balance_sources"] == []
    fails(
        run("reserves", "verify", d / "reserves.json", "--root", "00" * 32),
        1,
        "asset BTC entry 1",
        custodian["wallet"].p2pkh,
    )
    fails(run("reserves", "verify", d / "reserves.json"), 2, "--bundle DIR or --root HEX")
    fails(run("reserves", "verify", d / "reserves.json", "--root", "abc"), 2, "--root")
    fails(
        run(
            "reserves",
            "verify",
            d / "reserves.json",
            "--root",
            custodian["root"],
            "--eth-asset",
            "ETH=ether",
        ),
        2,
        "give --rpc URL too",
    )
    fails(
        run("reserves", "verify", tmp_path / "nope.json", "--root", custodian["root"]),
        2,
        "cannot read",
    )
    result = run("reserves", "verify", d / "reserves.json", "--root", "00" * 32, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["ok"] is False


def test_cli_message_and_sign(custodian: dict[str, Any], tmp_path: Path) -> None:
    wallet = custodian["wallet"]
    result = run(
        "reserves",
        "message",
        "--custodian",
        CUSTODIAN,
        "--epoch",
        EPOCH,
        "--root",
        custodian["root"],
        "--address",
        wallet.eth.lower(),
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == message(CUSTODIAN, EPOCH, bytes.fromhex(custodian["root"]), wallet.eth) + "\n"
    )
    key = _key_file(tmp_path / "k.hex", secrets.token_bytes(32))
    sign = (
        "reserves",
        "sign",
        "--key-file",
        key,
        "--custodian",
        CUSTODIAN,
        "--epoch",
        EPOCH,
        "--root",
        custodian["root"],
        "--address",
        wallet.p2wpkh,
    )
    fails(
        run(*sign),
        2,
        "does not belong",
    )
    key.chmod(0o644)
    fails(
        run(*sign),
        2,
        "chmod 600",
    )
    fails(
        run(
            "reserves",
            "message",
            "--custodian",
            "A\tB",
            "--epoch",
            EPOCH,
            "--root",
            custodian["root"],
            "--address",
            wallet.eth,
        ),
        2,
        "custodian",
    )
    fails(
        run(
            "reserves",
            "message",
            "--custodian",
            CUSTODIAN,
            "--epoch",
            EPOCH,
            "--root",
            custodian["root"],
            "--address",
            "0xabc",
        ),
        2,
        "not an Ethereum address",
    )


def test_cli_prove_refuses_inconsistent_reserves(custodian: dict[str, Any], tmp_path: Path) -> None:
    d = custodian["dir"]
    data = copy.deepcopy(custodian["reserves"])
    data["assets"]["BTC"]["total"] = "300000000"
    path = write_json(tmp_path / "reserves.json", data)
    result = run(
        "prove",
        "--liabilities",
        d / "users.csv",
        "--reserves",
        path,
        "--secret",
        d / "master.key",
        "--epoch",
        EPOCH,
        "--out",
        tmp_path / "out",
        *FAST,
    )
    fails(result, 2, "asset BTC: total 300000000 is not the sum of its 2 entries")
    assert not (tmp_path / "out").exists()


def test_readme_example_file() -> None:
    """The README's reserves.json example uses the v1 template and adds up."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split("## Proof of reserves", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    data = json.loads(block)
    assert data["message"] == MESSAGE_TEMPLATE
    assert set(data) == {"epoch", "custodian", "message", "assets"}
    for spec in data["assets"].values():
        assert int(spec["total"]) == sum(int(e["amount"]) for e in spec["entries"])
        for e in spec["entries"]:
            assert {"chain", "address", "amount", "height", "signature"} <= set(e)
