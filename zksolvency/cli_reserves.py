"""``zksolvency reserves …``: proof of reserves from the command line, and the
reserves checks of ``zksolvency verify``.

The custodian, before proving (docs/SPEC.md §16, README "Proof of reserves")::

    zksolvency reserves root --liabilities users.csv --secret master.key --epoch 2026-11
    zksolvency reserves message --custodian NAME --epoch 2026-11 --root HEX --address ADDR
    zksolvency reserves sign --key-file KEY --custodian NAME --epoch 2026-11
        --root HEX --address ADDR

and anyone, after::

    zksolvency reserves verify reserves.json (--bundle DIR | --root HEX)
        [--snapshot CSV] [--rpc URL]

Exit codes as for the other commands: 1 a check failed, 2 bad input or usage.
Helpers of :mod:`zksolvency.cli` are imported inside the commands (that
module registers this sub-app, so it cannot be imported from here at load time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zksolvency.cli_options import (
    CurveOption,
    EpochOption,
    LeavesOption,
    LiabilitiesOption,
    SecretOption,
    StatementOption,
)
from zksolvency.errors import InputError, VerificationError

if TYPE_CHECKING:
    from rich.table import Table

    from zksolvency.inputs import Reserves
    from zksolvency.reserves.rpc import EthAsset, EthereumRpc
    from zksolvency.reserves.snapshot import Snapshot
    from zksolvency.reserves.verify import AttestationReport
    from zksolvency.solvency import VerifyReport

reserves_app = typer.Typer(
    help="Proof of reserves: sign address attestations bound to an epoch's root, verify them.",
    no_args_is_help=True,
)

#: The attestation ``verify`` picks up when no --reserves is given.
BUNDLE_RESERVES = "reserves.json"

SnapshotOption = Annotated[
    Path | None,
    typer.Option(help="your chain snapshot: CSV chain,address,asset,amount,height"),
]
RpcOption = Annotated[
    str | None, typer.Option(help="your Ethereum node's JSON-RPC URL (balances at each height)")
]
EthAssetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--eth-asset",
        help="for --rpc: ASSET=ether[:SHIFT] or ASSET=0xCONTRACT[:SHIFT] (ETH=ether unless set)",
    ),
]


def _root_hex(text: str) -> bytes:
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise InputError("--root: not hex") from None
    if len(raw) != 32:
        raise InputError("--root: a root hash is 32 bytes (64 hex digits)")
    return raw


@reserves_app.command("root")
def root(
    liabilities: LiabilitiesOption,
    secret: SecretOption,
    epoch: EpochOption,
    statement: StatementOption = None,
    curve: CurveOption = "secp256k1",
    leaves: LeavesOption = 1024,
) -> None:
    """Print the root hash `prove` will produce (same --statement, --curve, --leaves)."""
    from zksolvency.circuits import load_statement
    from zksolvency.cli import _errors, console
    from zksolvency.groups import get_group
    from zksolvency.inputs import check_epoch, load_liabilities, read_secret
    from zksolvency.reserves.root import liabilities_root

    with _errors():
        check_epoch(epoch)
        get_group(curve)
        liab = load_liabilities(liabilities, load_statement(statement))
        master = read_secret(secret)
        digest = liabilities_root(
            liab.statement,
            liab.user_ids,
            liab.balances,
            master,
            epoch,
            curve=curve,
            min_leaves=leaves,
        )
    console.print(digest.hex(), markup=False)


@reserves_app.command("message")
def message(
    custodian: Annotated[str, typer.Option(help="the custodian's name, as in reserves.json")],
    epoch: Annotated[str, typer.Option(help="epoch label")],
    root: Annotated[str, typer.Option(help="liabilities root hash (hex), from `reserves root`")],
    address: Annotated[str, typer.Option(help="Bitcoin or Ethereum address")],
) -> None:
    """Print the exact message an address's key signs (for an external wallet)."""
    from zksolvency.cli import _errors
    from zksolvency.reserves.attestation import message as make_message

    with _errors():
        text = make_message(custodian, epoch, _root_hex(root), address)
    print(text)


@reserves_app.command("sign")
def sign(
    key_file: Annotated[Path, typer.Option(help="software private key: 64 hex digits, mode 0600")],
    custodian: Annotated[str, typer.Option(help="the custodian's name, as in reserves.json")],
    epoch: Annotated[str, typer.Option(help="epoch label")],
    root: Annotated[str, typer.Option(help="liabilities root hash (hex), from `reserves root`")],
    address: Annotated[str, typer.Option(help="Bitcoin or Ethereum address of the key")],
) -> None:
    """Sign the message for ADDRESS with a software key and print the signature.

    Production keys should sign the text of `reserves message` on their own
    device (hardware wallet, HSM); paste the signature into reserves.json."""
    from zksolvency.cli import _errors
    from zksolvency.inputs import read_secret
    from zksolvency.reserves import bitcoin, ethereum
    from zksolvency.reserves.attestation import ETHEREUM, chain_of
    from zksolvency.reserves.attestation import message as make_message

    with _errors():
        text = make_message(custodian, epoch, _root_hex(root), address)
        key = read_secret(key_file)
        signer = ethereum if chain_of(address) == ETHEREUM else bitcoin
        signature = signer.sign_message(key, address, text)
    print(signature)


@reserves_app.command("verify")
def verify(
    reserves: Annotated[Path, typer.Argument(metavar="RESERVES", help="reserves JSON")],
    bundle_dir: Annotated[
        Path | None, typer.Option("--bundle", help="bundle whose root, epoch and reserves to use")
    ] = None,
    root: Annotated[str | None, typer.Option(help="liabilities root hash (hex)")] = None,
    snapshot: SnapshotOption = None,
    rpc: RpcOption = None,
    eth_asset: EthAssetOption = None,
    require_attested: Annotated[
        bool, typer.Option("--require-attested", help="fail if any asset has no entries")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable result")] = False,
) -> None:
    """Check a reserves file's signatures (and balances) against a root hash.

    With --bundle, the file's epoch and totals must also be the bundle's (its
    manifest is read; `zksolvency verify` checks the whole bundle)."""
    from zksolvency import bundle
    from zksolvency.cli import EXIT_FAILED, EXIT_INPUT, _fail, console, err_console
    from zksolvency.errors import ZkSolvencyError
    from zksolvency.inputs import load_reserves
    from zksolvency.reserves.verify import verify_against_bundle, verify_reserves

    if (bundle_dir is None) == (root is None):
        _fail("give exactly one of --bundle DIR or --root HEX (the signatures bind the root)")
    try:
        loaded = load_reserves(reserves)
        options = balance_sources(snapshot, rpc, eth_asset).options(require_attested)
        if bundle_dir is not None:
            b = bundle.read(bundle_dir, check_files=False)
            report = verify_against_bundle(
                loaded,
                epoch=b.epoch,
                assets=b.assets,
                totals=b.reserves,
                root_hash=b.root_hash,
                **options,
            )
        else:
            report = verify_reserves(loaded, _root_hex(root or ""), **options)
    except ZkSolvencyError as exc:
        code = EXIT_INPUT if isinstance(exc, InputError) else EXIT_FAILED
        if as_json:
            print(json.dumps({"ok": False, "error": str(exc)}))
            raise typer.Exit(code) from None
        _fail(str(exc), code)
    if as_json:
        print(json.dumps({"ok": True, **report.to_dict()}))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"reserves {escape(str(reserves))}: VERIFIED", show_header=False)
    table.add_column("field")
    table.add_column("value")
    add_rows(table, report)
    console.print(table)
    for warning in report.warnings():
        err_console.print(f"warning: {warning}", markup=False)


# -- the reserves checks of `zksolvency verify` -----------------------------------------


@dataclass(frozen=True)
class BalanceSources:
    """Where balances are checked: the verifier's snapshot and/or node."""

    snapshot: Snapshot | None
    rpc: EthereumRpc | None
    eth_assets: dict[str, EthAsset] | None

    @property
    def given(self) -> bool:
        return self.snapshot is not None or self.rpc is not None

    def options(self, require_attested: bool) -> dict[str, Any]:
        """Keyword arguments of :func:`zksolvency.reserves.verify.verify_reserves`."""
        return {
            "snapshot": self.snapshot,
            "rpc": self.rpc,
            "eth_assets": self.eth_assets,
            "require_attested": require_attested,
        }


def balance_sources(
    snapshot: Path | None, rpc: str | None, eth_asset: list[str] | None
) -> BalanceSources:
    """Load ``--snapshot``, check ``--rpc`` and parse ``--eth-asset``; raises
    :class:`InputError`."""
    from zksolvency.reserves.rpc import EthereumRpc, parse_eth_asset
    from zksolvency.reserves.snapshot import load_snapshot

    eth_assets = None
    if eth_asset:
        eth_assets = {}
        for spec in eth_asset:
            name, measure = parse_eth_asset(spec)
            if name in eth_assets:
                raise InputError(f"--eth-asset: {name} given twice")
            eth_assets[name] = measure
    if eth_assets is not None and rpc is None:
        raise InputError("--eth-asset says how --rpc measures an asset: give --rpc URL too")
    return BalanceSources(
        snapshot=load_snapshot(snapshot) if snapshot is not None else None,
        rpc=EthereumRpc(rpc) if rpc is not None else None,
        eth_assets=eth_assets,
    )


@dataclass(frozen=True)
class ReserveChecks:
    """What ``zksolvency verify`` checks about a bundle's reserves, loaded before
    the (slow) bundle verification so that bad input fails at once."""

    reserves: Reserves | None
    sources: BalanceSources
    require_attested: bool


def prepare(
    bundle_dir: Path,
    reserves: Path | None,
    snapshot: Path | None,
    rpc: str | None,
    eth_asset: list[str] | None,
    require_attested: bool,
) -> ReserveChecks:
    """The attestation (``reserves``, else ``BUNDLE/reserves.json`` when it
    exists) and the balance sources; raises :class:`InputError`."""
    from zksolvency.inputs import load_reserves

    if reserves is None and (bundle_dir / BUNDLE_RESERVES).is_file():
        reserves = bundle_dir / BUNDLE_RESERVES
    sources = balance_sources(snapshot, rpc, eth_asset)
    if reserves is None and sources.given:
        raise InputError(
            "--snapshot and --rpc check a reserves attestation: give --reserves FILE "
            f"(none at BUNDLE/{BUNDLE_RESERVES})"
        )
    loaded = load_reserves(reserves) if reserves is not None else None
    return ReserveChecks(loaded, sources, require_attested)


def check_bundle(checks: ReserveChecks, report: VerifyReport) -> AttestationReport | None:
    """The attestation checks for a verified bundle (``None``: no attestation).
    Raises :class:`VerificationError` (or :class:`InputError` for an
    unreachable node)."""
    from zksolvency.reserves.verify import verify_against_bundle

    if checks.reserves is None:
        if checks.require_attested:
            raise VerificationError(
                f"no reserves attestation (--reserves FILE or BUNDLE/{BUNDLE_RESERVES}) "
                "and --require-attested is set"
            )
        return None
    return verify_against_bundle(
        checks.reserves,
        epoch=report.epoch,
        assets=report.assets,
        totals=report.reserves,
        root_hash=bytes.fromhex(report.root_hash),
        **checks.sources.options(checks.require_attested),
    )


def warnings(attestation: AttestationReport | None) -> list[str]:
    if attestation is None:
        return [
            "reserves are unattested: no reserves attestation (--reserves FILE or "
            f"BUNDLE/{BUNDLE_RESERVES}); the reserve totals are the custodian's bare claim"
        ]
    return attestation.warnings()


def add_rows(table: Table, attestation: AttestationReport | None) -> None:
    """The attestation's rows in a verification table (file text escaped)."""
    from rich.markup import escape

    if attestation is None:
        table.add_row("reserves attestation", "none (unattested)")
        return
    table.add_row("reserves attestation", escape(attestation.source))
    table.add_row("custodian", escape(attestation.custodian or "(none)"))
    for a in attestation.assets:
        if a.entries is None:
            table.add_row(f"attested {a.asset}", "no entries (unattested)")
            continue
        balances = (
            f", balances checked for {a.balances_checked}" if attestation.balance_sources else ""
        )
        noun = "entry" if a.entries == 1 else "entries"
        table.add_row(
            f"attested {a.asset}", f"{a.total} = sum of {a.entries} signed {noun}{balances}"
        )
    sources = ", ".join(attestation.balance_sources) or "not checked"
    table.add_row("balances from", escape(sources))
