"""Proof of reserves: which addresses hold each asset's reserves, signed by
their keys over a message that binds the custodian, the epoch and the
liabilities root hash, and checked against the verifier's own view of the
chains (docs/SPEC.md §16).

Modules, one concept each:

* :mod:`~zksolvency.reserves.ecdsa` — recoverable secp256k1 signatures (low S);
* :mod:`~zksolvency.reserves.bitcoin` — Base58Check, bech32, addresses, BIP-137 messages;
* :mod:`~zksolvency.reserves.ethereum` — Keccak-256, EIP-55, EIP-191 ``personal_sign``;
* :mod:`~zksolvency.reserves.attestation` — the entries of a reserves file, the message;
* :mod:`~zksolvency.reserves.snapshot` — the verifier's balance CSV;
* :mod:`~zksolvency.reserves.rpc` — balances from an Ethereum node over JSON-RPC;
* :mod:`~zksolvency.reserves.verify` — checking an attestation, alone or against a bundle;
* :mod:`~zksolvency.reserves.root` — the root hash before proving, for signing.
"""

from __future__ import annotations

from zksolvency.reserves.attestation import MESSAGE_TEMPLATE, Entry, message
from zksolvency.reserves.root import liabilities_root
from zksolvency.reserves.rpc import EthAsset, EthereumRpc, parse_eth_asset
from zksolvency.reserves.snapshot import Snapshot, load_snapshot
from zksolvency.reserves.verify import AttestationReport, verify_against_bundle, verify_reserves

__all__ = [
    "MESSAGE_TEMPLATE",
    "AttestationReport",
    "Entry",
    "EthAsset",
    "EthereumRpc",
    "Snapshot",
    "liabilities_root",
    "load_snapshot",
    "message",
    "parse_eth_asset",
    "verify_against_bundle",
    "verify_reserves",
]
