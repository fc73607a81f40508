"""atheris: Ethereum addresses (``ethereum.parse_address``: lowercase or exact
EIP-55) and ``personal_sign`` signatures (``ethereum.decode_signature``, then
``verify_message`` for a seed address: only its untouched signature verifies).

Input: selector byte, then text (UTF-8; undecodable bytes become lone
surrogates). Bit 0 of the selector: a signature rather than an address; bit 1:
which of the two seed addresses the signature is checked for.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["zksolvency", "targets"]):
    import targets

    SEEDS = targets.reserves_seeds()  # signs with the seed keys: instrumented too

import _harness

KINDS = targets.ETHEREUM_KINDS
#: EIP-55's first example, and Tether's contract
MORE = ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", targets.USDT]


def one_input(data: bytes) -> None:
    if not data:
        return
    text = targets.text_of(data[1:])
    if not data[0] & 1:
        targets.check_ethereum_address(text)
        return
    kind = KINDS[(data[0] >> 1) & 1]
    honest = SEEDS.signatures[kind]
    targets.check_ethereum_signature(text, SEEDS.addresses[kind], SEEDS.messages[kind], (honest,))


def seeds() -> list[bytes]:
    addresses = [SEEDS.addresses[k] for k in KINDS] + MORE
    out = [b"\0" + a.encode() for a in addresses]
    out += [b"\0" + a.lower().encode() for a in addresses]
    out += [bytes([1 | i << 1]) + SEEDS.signatures[k].encode() for i, k in enumerate(KINDS)]
    return out


if __name__ == "__main__":
    _harness.main("ethereum", one_input, seeds(), dictionary="reserves.dict")
