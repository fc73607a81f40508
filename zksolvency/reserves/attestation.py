"""The reserves attestation: which addresses hold an asset's reserves, how
much, at which block, and the custodian's signature binding each address to
one epoch's liabilities tree (docs/SPEC.md §16).

A reserves file (read by :func:`zksolvency.inputs.load_reserves`) may carry,
besides ``epoch`` and the per-asset ``total``::

    "custodian": "Example Exchange Ltd",
    "message": MESSAGE_TEMPLATE,                      (verbatim)
    "assets": {"BTC": {"total": "150000000", "entries": [
        {"chain": "bitcoin", "address": "bc1q…", "amount": "150000000",
         "height": 870000, "signature": "<base64>"}]},
               "USDT": {"total": "…", "entries": [
        {"chain": "ethereum", "address": "0x…", "token": "0xdAC1…", "amount": "…",
         "height": 21000000, "signature": "0x…"}]}}

Each entry's signature is over :func:`message` for that address: the
custodian's name, the epoch and the liabilities root hash, so it cannot be
replayed for another epoch, another tree or another custodian. An asset with
an ``entries`` list is *attested*: its total must be the sum of the entry
amounts. An asset without one is *unattested* (its total is a bare claim).

One on-chain holding — ``(chain, address, token)``, where ``token`` is the
ERC-20 contract or none for the chain's own coin — may be listed once per
file: twice in one asset, or in two assets, would count the same coins twice.
The same Ethereum address may hold ether and tokens (distinct holdings).

Parsing here checks form only (addresses and their checksums, canonical
amounts, signature encodings); :mod:`zksolvency.reserves.verify` checks the
signatures and balances.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zksolvency.errors import FormatError, InputError, ZkSolvencyError
from zksolvency.inputs import _show, check_epoch, check_keys, parse_base_units
from zksolvency.reserves import bitcoin, ethereum

BITCOIN = "bitcoin"
ETHEREUM = "ethereum"
CHAINS = (BITCOIN, ETHEREUM)

#: What every entry's key signs (v1). The fields are filled with the custodian's
#: name, the epoch, the root hash (64 lowercase hex digits) and the entry's
#: canonical address (Bitcoin: bech32 lowercase; Ethereum: EIP-55). The file
#: repeats it under "message" so a signer sees what is signed; it must match exactly.
MESSAGE_TEMPLATE = (
    "zksolvency proof of reserves v1\n"
    "custodian: {custodian}\n"
    "epoch: {epoch}\n"
    "root: {root}\n"
    "address: {address}"
)
MAX_CUSTODIAN_BYTES = 128
MAX_HEIGHT = (1 << 63) - 1
ROOT_SIZE = 32

_ENTRY_KEYS = frozenset({"chain", "address", "amount", "height", "signature"})
_ENTRY_OPTIONAL_KEYS = frozenset({"token"})


@dataclass(frozen=True)
class Entry:
    """One address's attested holding of one asset (amount in the asset's base units)."""

    asset: str
    index: int  # 1-based position in the asset's list
    chain: str
    address: str  # canonical text
    amount: int
    height: int  # the block of the balance snapshot
    signature: str
    token: str | None = None  # ERC-20 contract (EIP-55); None: the chain's own coin

    @property
    def holding(self) -> tuple[str, str, str | None]:
        """What the entry counts on chain; a file lists each holding once."""
        return (self.chain, self.address, self.token)

    def where(self) -> str:
        return f"asset {self.asset} entry {self.index} ({self.chain} address {self.address})"


def chain_of(address: str) -> str:
    """The chain an address is written for: ``0x…`` is Ethereum, anything else Bitcoin."""
    return ETHEREUM if address[:2].lower() == "0x" else BITCOIN


def canonical_address(chain: str, text: Any) -> str:
    """The canonical text of an address on ``chain`` (Bitcoin: bech32 in
    lowercase; Ethereum: EIP-55). Raises :class:`FormatError`."""
    if not isinstance(text, str):
        raise FormatError("an address must be a string")
    if chain == BITCOIN:
        return bitcoin.parse_address(text).text
    if chain == ETHEREUM:
        return ethereum.checksum_address(ethereum.parse_address(text))
    raise FormatError(f"unknown chain {_show(chain)} (expected {' or '.join(CHAINS)})")


def check_custodian(name: Any) -> str:
    """A custodian name: 1–128 bytes of UTF-8, printable (no newline, so the
    message's lines cannot be forged), no surrounding whitespace, NFC."""
    if not isinstance(name, str) or not name:
        raise InputError("custodian must be a non-empty string")
    if name != name.strip() or not name.isprintable():
        raise InputError(
            f"custodian {_show(name)}: no surrounding whitespace, control or invisible characters"
        )
    if len(name.encode("utf-8")) > MAX_CUSTODIAN_BYTES:
        raise InputError(f"custodian {_show(name)} is longer than {MAX_CUSTODIAN_BYTES} bytes")
    if not unicodedata.is_normalized("NFC", name):
        raise InputError(f"custodian {_show(name)} is not NFC-normalised")
    return name


def message(custodian: str, epoch: str, root_hash: bytes, address: str) -> str:
    """The text an address's key signs (:data:`MESSAGE_TEMPLATE`); ``address``
    is canonicalised for the chain it is written for."""
    check_custodian(custodian)
    check_epoch(epoch)
    if len(root_hash) != ROOT_SIZE:
        raise InputError("a root hash is 32 bytes (64 hex digits)")
    canonical = canonical_address(chain_of(address), address)
    return MESSAGE_TEMPLATE.format(
        custodian=custodian, epoch=epoch, root=root_hash.hex(), address=canonical
    )


def verify_signature(entry: Entry, custodian: str, epoch: str, root_hash: bytes) -> None:
    """Check ``entry``'s signature over its message. Raises
    :class:`~zksolvency.errors.VerificationError` naming the entry and address."""
    text = message(custodian, epoch, root_hash, entry.address)
    module = bitcoin if entry.chain == BITCOIN else ethereum
    try:
        module.verify_message(entry.address, text, entry.signature)
    except ZkSolvencyError as exc:
        raise type(exc)(f"{entry.where()}: {exc}") from None


# -- parsing (called by zksolvency.inputs.load_reserves) --------------------------------


def parse_header(data: Mapping[str, Any], src: str, has_entries: bool) -> str | None:
    """The custodian of a reserves file. ``custodian`` and ``message`` are
    required when any asset has entries; ``message`` must be the template."""
    if has_entries:
        missing = [k for k in ("custodian", "message") if k not in data]
        if missing:
            raise InputError(
                f"{src}: entries need {' and '.join(repr(k) for k in missing)} "
                "(the signed message names the custodian)"
            )
    if "message" in data and data["message"] != MESSAGE_TEMPLATE:
        raise InputError(
            f"{src}: 'message' is not the v1 message template (copy it from docs/SPEC.md §16)"
        )
    if "custodian" not in data:
        return None
    try:
        return check_custodian(data["custodian"])
    except InputError as exc:
        raise InputError(f"{src}: {exc}") from None


def parse_entries(raw: Any, asset: str, where: str) -> tuple[Entry, ...]:
    """Validate one asset's ``entries`` list; ``where`` prefixes messages
    (``reserves.json: asset BTC``). Raises :class:`InputError`."""
    if not isinstance(raw, list):
        raise InputError(f"{where}: 'entries' must be a list")
    return tuple(
        _parse_entry(item, asset, i, f"{where} entry {i}") for i, item in enumerate(raw, 1)
    )


def _parse_entry(item: Any, asset: str, index: int, at: str) -> Entry:
    if not isinstance(item, dict):
        raise InputError(f"{at}: expected an object with {', '.join(sorted(_ENTRY_KEYS))}")
    check_keys(item, _ENTRY_KEYS, _ENTRY_OPTIONAL_KEYS, at)
    chain = item["chain"]
    if chain not in CHAINS:
        raise InputError(f"{at}: chain {_show(chain)}: expected {' or '.join(map(repr, CHAINS))}")
    try:
        address = canonical_address(chain, item["address"])
    except FormatError as exc:
        raise InputError(f"{at}: address {_show(item['address'])}: {exc}") from None
    at = f"{at} ({chain} address {address})"
    amount = parse_base_units(item["amount"], f"{at}: amount")
    height = item["height"]
    if not isinstance(height, int) or isinstance(height, bool) or not 0 <= height <= MAX_HEIGHT:
        raise InputError(f"{at}: height must be a JSON integer in [0, 2^63), the snapshot block")
    signature = item["signature"]
    try:
        (bitcoin if chain == BITCOIN else ethereum).decode_signature(signature)
    except FormatError as exc:
        raise InputError(f"{at}: signature: {exc}") from None
    token = None
    if "token" in item:
        if chain != ETHEREUM:
            raise InputError(f"{at}: 'token' (an ERC-20 contract) is for Ethereum entries only")
        try:
            token = canonical_address(ETHEREUM, item["token"])
        except FormatError as exc:
            raise InputError(f"{at}: token {_show(item['token'])}: {exc}") from None
    return Entry(asset, index, chain, address, amount, height, signature, token)


def consistency_problem(
    totals: Mapping[str, int], entries: Mapping[str, tuple[Entry, ...]]
) -> str | None:
    """The first way the entries disagree with themselves or the totals: a
    holding listed twice, or an attested total that is not the sum of its
    entries. ``None`` when consistent."""
    seen: dict[tuple[str, str, str | None], Entry] = {}
    for asset, listed in entries.items():
        for entry in listed:
            first = seen.setdefault(entry.holding, entry)
            if first is not entry:
                what = f"token {entry.token}" if entry.token else f"{entry.chain}'s own coin"
                return (
                    f"{entry.where()}: {what} at this address is already counted by "
                    f"asset {first.asset} entry {first.index} (an address's holding is listed once)"
                )
        total = sum(e.amount for e in listed)
        if total != totals[asset]:
            return (
                f"asset {asset}: total {totals[asset]} is not the sum of its "
                f"{len(listed)} entries ({total})"
            )
    return None
