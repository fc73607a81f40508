"""atheris: Bitcoin addresses (``bitcoin.parse_address``: Base58Check and
bech32) and signed-message signatures (``bitcoin.decode_signature``, then
``verify_message`` for a seed address: only its untouched signature verifies).

Input: selector byte, then text (UTF-8; undecodable bytes become lone
surrogates). Bit 0 of the selector: a signature rather than an address; bits
1–2: which seed address the signature is checked for (P2PKH, P2PKH of an
uncompressed key, P2SH-P2WPKH, P2WPKH).
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    SEEDS = targets.reserves_seeds()  # signs with the seed keys: instrumented too

import _harness

KINDS = targets.BITCOIN_KINDS
#: more addresses to start from: BIP-173's P2WPKH (both cases), a P2WSH and a v1
#: address (refused), and the key-1 P2PKH
MORE = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
]


def one_input(data: bytes) -> None:
    if not data:
        return
    text = targets.text_of(data[1:])
    if not data[0] & 1:
        targets.check_bitcoin_address(text)
        return
    kind = KINDS[(data[0] >> 1) & 3]
    honest = SEEDS.signatures[kind]
    targets.check_bitcoin_signature(text, SEEDS.addresses[kind], SEEDS.messages[kind], (honest,))


def seeds() -> list[bytes]:
    addresses = [SEEDS.addresses[k] for k in KINDS] + MORE
    out = [b"\0" + a.encode() for a in addresses]
    out += [bytes([1 | i << 1]) + SEEDS.signatures[k].encode() for i, k in enumerate(KINDS)]
    return out


if __name__ == "__main__":
    _harness.main("bitcoin", one_input, seeds(), dictionary="reserves.dict")
