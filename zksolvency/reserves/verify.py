"""Verifying a reserves attestation (docs/SPEC.md §16).

For a reserves file ``R`` (loaded by :func:`zksolvency.inputs.load_reserves`)
and the liabilities root hash ``root`` of its epoch, :func:`verify_reserves`
checks, failing closed on the first problem:

1. consistency: every attested total is the sum of its entries, and no
   on-chain holding is listed twice (:func:`attestation.consistency_problem`);
2. every entry's signature, over ``message(custodian, epoch, root, address)``,
   is by the key of its address (Bitcoin BIP-137, Ethereum EIP-191; low S);
3. with a snapshot and/or a node: every entry's amount is at most the
   balance of its address at its height — from a snapshot row
   ``(chain, address, asset, height)``, or for Ethereum from ``--rpc``. An
   entry that neither covers fails (asking for balances and checking only
   some is not a pass).

Without a snapshot or node the balances are not checked, and the report says
so; assets without entries are reported as unattested (``require_attested``
makes that a failure). :func:`verify_against_bundle` first requires the
file's epoch, assets and totals to be the bundle's proven ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zksolvency.errors import VerificationError, ZkSolvencyError
from zksolvency.inputs import Reserves
from zksolvency.reserves.attestation import ETHEREUM, Entry, consistency_problem, verify_signature
from zksolvency.reserves.rpc import DEFAULT_ETH_ASSETS, EthAsset, EthereumRpc
from zksolvency.reserves.snapshot import Snapshot


@dataclass(frozen=True)
class AssetReport:
    asset: str
    total: int
    entries: int | None  # None: unattested (no entries list)
    balances_checked: int  # entries whose balance was checked


@dataclass(frozen=True)
class AttestationReport:
    source: str
    custodian: str | None
    epoch: str
    root_hash: str
    assets: tuple[AssetReport, ...]
    balance_sources: tuple[str, ...]  # "snapshot FILE", "rpc URL"

    @property
    def unattested(self) -> list[str]:
        return [a.asset for a in self.assets if a.entries is None]

    @property
    def attested(self) -> bool:
        return not self.unattested

    def warnings(self) -> list[str]:
        out = []
        if self.unattested:
            out.append(
                f"reserves of {', '.join(self.unattested)} are unattested: "
                "no signed address entries, the total is the custodian's bare claim"
            )
        if any(a.entries for a in self.assets) and not self.balance_sources:
            out.append(
                "address balances were not checked (give --snapshot CSV and/or --rpc URL): "
                "the signatures prove control of the addresses, not what they hold"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "custodian": self.custodian,
            "epoch": self.epoch,
            "root_hash": self.root_hash,
            "attested": self.attested,
            "assets": {
                a.asset: {
                    "total": str(a.total),
                    "entries": a.entries,
                    "balances_checked": a.balances_checked,
                }
                for a in self.assets
            },
            "balance_sources": list(self.balance_sources),
            "warnings": self.warnings(),
        }


def verify_reserves(
    reserves: Reserves,
    root_hash: bytes,
    *,
    snapshot: Snapshot | None = None,
    rpc: EthereumRpc | None = None,
    eth_assets: Mapping[str, EthAsset] | None = None,
    require_attested: bool = False,
) -> AttestationReport:
    """Check ``reserves``' entries against ``root_hash`` (module docstring).
    Raises :class:`VerificationError` naming the file, asset, entry and address;
    an unreachable node raises :class:`~zksolvency.errors.InputError`."""
    src = reserves.source or "reserves"
    problem = consistency_problem(reserves.totals, reserves.entries)
    if problem is not None:
        raise VerificationError(f"{src}: {problem}")
    if reserves.entries and reserves.custodian is None:
        raise VerificationError(f"{src}: entries without a custodian cannot be verified")
    if require_attested:
        missing = [a for a in reserves.totals if a not in reserves.entries]
        if missing:
            raise VerificationError(
                f"{src}: reserves of {', '.join(missing)} are unattested (no entries) "
                "and --require-attested is set"
            )
    measures = {**DEFAULT_ETH_ASSETS, **(eth_assets or {})}
    reports = []
    for asset, total in reserves.totals.items():
        listed = reserves.entries.get(asset)
        checked = 0
        for entry in listed or ():
            try:
                verify_signature(entry, reserves.custodian or "", reserves.epoch, root_hash)
                if snapshot is not None or rpc is not None:
                    _check_balance(entry, snapshot, rpc, measures)
                    checked += 1
            except ZkSolvencyError as exc:  # re-raised, with the file named
                raise type(exc)(f"{src}: {exc}") from None
        reports.append(AssetReport(asset, total, None if listed is None else len(listed), checked))
    sources = []
    if snapshot is not None:
        sources.append(f"snapshot {snapshot.source}")
    if rpc is not None:
        sources.append(f"rpc {rpc.shown}")
    return AttestationReport(
        source=src,
        custodian=reserves.custodian,
        epoch=reserves.epoch,
        root_hash=root_hash.hex(),
        assets=tuple(reports),
        balance_sources=tuple(sources),
    )


def _check_balance(
    entry: Entry,
    snapshot: Snapshot | None,
    rpc: EthereumRpc | None,
    measures: Mapping[str, EthAsset],
) -> None:
    """Compare the entry's amount with every balance source that covers it;
    at least one must."""
    covered = False
    if snapshot is not None:
        have = snapshot.balance(entry.chain, entry.address, entry.asset, entry.height)
        if have is not None:
            covered = True
            if entry.amount > have:
                raise VerificationError(
                    f"{entry.where()}: amount {entry.amount} exceeds the balance {have} "
                    f"at height {entry.height} in {snapshot.source}"
                )
    measure = measures.get(entry.asset)
    if rpc is not None and entry.chain == ETHEREUM and measure is not None:
        covered = True
        if measure.contract != entry.token:
            listed = f"token {entry.token}" if entry.token else "ether"
            raise VerificationError(
                f"{entry.where()}: the entry counts {listed}, but the verifier measures "
                f"{entry.asset} as {measure.describe()} (--eth-asset)"
            )
        have = rpc.balance(entry.address, entry.height, measure)
        if entry.amount * 10**measure.shift > have:
            raise VerificationError(
                f"{entry.where()}: amount {entry.amount} exceeds the balance at block "
                f"{entry.height} on {rpc.shown} ({have} in the chain's smallest unit"
                f"{f', 10^{measure.shift} per base unit' if measure.shift else ''})"
            )
    if not covered:
        hint = ""
        if rpc is not None and entry.chain == ETHEREUM:
            hint = f"; --rpc measures {entry.asset} only with --eth-asset {entry.asset}=…"
        raise VerificationError(
            f"{entry.where()}: no balance to check it against (no snapshot row "
            f"{entry.chain},{entry.address},{entry.asset},…,{entry.height}{hint})"
        )


def verify_against_bundle(
    reserves: Reserves,
    *,
    epoch: str,
    assets: Sequence[str],
    totals: Mapping[str, int],
    root_hash: bytes,
    **checks: Any,
) -> AttestationReport:
    """:func:`verify_reserves` for the reserves a bundle proved: the file's
    epoch, assets and totals must be the bundle's (``epoch``, ``assets``,
    ``totals``, ``root_hash`` from its verified manifest)."""
    src = reserves.source or "reserves"
    if reserves.epoch != epoch:
        raise VerificationError(f"{src}: epoch {reserves.epoch!r}, the bundle's is {epoch!r}")
    if set(reserves.totals) != set(assets):
        raise VerificationError(
            f"{src}: assets {', '.join(reserves.totals)} are not the bundle's {', '.join(assets)}"
        )
    for asset in assets:
        if reserves.totals[asset] != totals[asset]:
            raise VerificationError(
                f"{src}: asset {asset}: total {reserves.totals[asset]} is not the bundle's "
                f"proven reserves {totals[asset]}"
            )
    return verify_reserves(reserves, root_hash, **checks)
