"""The ``zksolvency`` command line (Typer). The library returns or raises; this
module is the only place that prints.

Exit codes: 0 success; 1 a proof or bundle did not verify (including damaged
bundle files), or the custodian is insolvent; 2 bad input or usage; 130
interrupted.
"""

from __future__ import annotations

import contextlib
import json
import random
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from zksolvency import __version__
from zksolvency.cli_options import (
    CurveOption,
    EpochOption,
    ExecutorOption,
    LeavesOption,
    LiabilitiesOption,
    SecretOption,
    StatementOption,
    WorkersOption,
)
from zksolvency.cli_reserves import EthAssetOption, RpcOption, SnapshotOption, reserves_app
from zksolvency.errors import (
    FormatError,
    InputError,
    ParameterError,
    ProvingError,
    VerificationError,
    ZkSolvencyError,
)
from zksolvency.files import atomic_write, staged_dir, write_private

app = typer.Typer(
    name="zksolvency",
    help="Private proofs of solvency: Pedersen-committed Merkle-sum trees with Bulletproofs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
bench_app = typer.Typer(help="Benchmarks of the proof system.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
app.add_typer(reserves_app, name="reserves")

console = Console(highlight=False)
# soft_wrap: an error stays on one line whatever the terminal width (rich would
# otherwise break it at 80 columns when stderr is not a terminal).
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_FAILED = 1
EXIT_INPUT = 2


def _fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    # escape: messages quote file contents and paths; "[/]" must not be read as markup
    err_console.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """One line per failure, the right exit code, never a traceback."""
    try:
        yield
    except (VerificationError, ProvingError) as exc:
        _fail(str(exc), EXIT_FAILED)
    except (InputError, FormatError, ParameterError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except ZkSolvencyError as exc:
        _fail(str(exc), EXIT_FAILED)
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}", EXIT_INPUT)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written")
        raise typer.Exit(130) from None


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress display fed by the library's progress(stage, done, total)."""
    if not enabled:
        yield lambda stage, done, total: None
        return
    bar = Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


def _show_progress(quiet: bool) -> bool:
    return not quiet and err_console.is_terminal


# -- commands --------------------------------------------------------------------------


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@app.command()
def keygen(
    out: Annotated[Path, typer.Option("--out", help="where to write the master secret")],
) -> None:
    """Write a new 32-byte master secret (hex, mode 0600); refuses to overwrite."""
    from zksolvency.inputs import write_secret

    with _errors():
        write_secret(out)
    console.print(
        f"wrote master secret to {out} (mode 0600). Keep it offline; it never enters a bundle."
    )


@app.command()
def prove(
    liabilities: LiabilitiesOption,
    reserves: Annotated[Path, typer.Option(help="reserves JSON for this epoch")],
    secret: SecretOption,
    epoch: EpochOption,
    out: Annotated[Path, typer.Option(help="bundle directory to create")],
    statement: StatementOption = None,
    curve: CurveOption = "secp256k1",
    workers: WorkersOption = None,
    leaves: LeavesOption = 1024,
    batch_size: Annotated[int, typer.Option(min=1, help="leaves per aggregated range proof")] = 16,
    executor: ExecutorOption = "local",
    workdir: Annotated[
        Path | None,
        typer.Option(help="checkpoint directory (default: OUT.work beside the bundle)"),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="continue an interrupted run from its checkpoint")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars")] = False,
) -> None:
    """Prove solvency for one epoch and write the bundle (atomically).

    Completed batches are checkpointed in the work directory; after a crash or
    Ctrl-C, run the same command with --resume to continue."""
    with _errors():
        report = _prove(
            liabilities,
            reserves,
            secret,
            epoch,
            out,
            statement,
            curve,
            workers,
            leaves,
            batch_size,
            quiet,
            executor=executor,
            workdir=workdir,
            resume=resume,
        )
    if report["resumed_batches"]:
        console.print(
            f"resumed: {report['resumed_batches']} batches re-verified from the checkpoint"
        )
    console.print(
        f"proved {report['users']} users × {len(report['assets'])} assets "
        f"({report['padded_leaves']} padded leaves) in {report['seconds']:.1f} s → {out}"
    )
    console.print(f"root hash {report['root']}")


def _prove(
    liabilities: Path,
    reserves: Path,
    secret: Path,
    epoch: str,
    out: Path,
    statement: Path | None,
    curve: str,
    workers: int | None,
    leaves: int,
    batch_size: int,
    quiet: bool,
    *,
    executor: str = "local",
    workdir: Path | None = None,
    resume: bool = False,
) -> dict[str, Any]:
    from zksolvency import bundle
    from zksolvency.checkpoint import default_workdir
    from zksolvency.circuits import load_statement
    from zksolvency.executor import make_executor
    from zksolvency.groups import get_group
    from zksolvency.inputs import check_epoch, load_liabilities, load_reserves, read_secret
    from zksolvency.solvency import prove_epoch

    check_epoch(epoch)
    get_group(curve)  # unknown curve: fail before reading anything big
    if out.exists():
        raise InputError(f"{out}: already exists (choose a new output directory)")
    if not out.absolute().parent.is_dir():
        raise InputError(f"{out.parent}: output parent directory does not exist")
    st = load_statement(statement)
    liab = load_liabilities(liabilities, st)
    res = load_reserves(reserves, liab.assets, epoch)
    master = read_secret(secret)
    work = workdir or default_workdir(out)
    if resume and not work.exists():
        err_console.print(f"note: no checkpoint at {work}; starting from the beginning")
    start = time.perf_counter()
    run = make_executor(executor, workers)
    try:
        with _progress(_show_progress(quiet)) as progress:
            proof = prove_epoch(
                liab.statement,
                liab.user_ids,
                liab.balances,
                res.totals,
                master,
                epoch,
                curve=curve,
                batch_size=batch_size,
                min_leaves=leaves,
                executor=run,
                workdir=work,
                resume=resume,
                progress=progress,
            )
    except KeyboardInterrupt:
        if work.exists():
            err_console.print(f"checkpoint kept in {work}: rerun with --resume to continue")
        raise
    finally:
        run.close()
    attested = None
    if res.entries:
        # Signatures must be over this bundle's root: never publish ones that are not.
        from zksolvency.reserves.verify import verify_reserves

        try:
            verify_reserves(res, proof.root_hash)
        except ZkSolvencyError as exc:
            raise type(exc)(
                f"{exc} (nothing published; the proven batches are kept in {work}: "
                "fix the reserves file and rerun with --resume)"
            ) from None
        attested = res.data  # the bytes that were parsed and checked
    bundle.write(out, proof, reserves=attested)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "resumed_batches": proof.resumed_batches,
        "users": len(liab),
        "assets": liab.assets,
        "padded_leaves": proof.padded_leaves,
        "seconds": time.perf_counter() - start,
        "root": proof.root_hash.hex(),
    }


@app.command()
def verify(
    bundle_dir: Annotated[Path, typer.Argument(metavar="BUNDLE", help="bundle directory")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable result")] = False,
    workers: WorkersOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars")] = False,
    reserves: Annotated[
        Path | None,
        typer.Option(help="reserves attestation JSON (default: BUNDLE/reserves.json if present)"),
    ] = None,
    snapshot: SnapshotOption = None,
    rpc: RpcOption = None,
    eth_asset: EthAssetOption = None,
    require_attested: Annotated[
        bool, typer.Option("--require-attested", help="fail unless every asset has entries")
    ] = False,
    executor: ExecutorOption = "local",
) -> None:
    """Verify a whole bundle, and its reserves attestation. Exit 0 only if every check holds."""
    from zksolvency import cli_reserves
    from zksolvency.executor import make_executor
    from zksolvency.solvency import verify_bundle

    start = time.perf_counter()
    try:
        checks = cli_reserves.prepare(
            bundle_dir, reserves, snapshot, rpc, eth_asset, require_attested
        )
        run = make_executor(executor, workers)
        try:
            with _progress(_show_progress(quiet) and not as_json) as progress:
                report = verify_bundle(bundle_dir, executor=run, progress=progress)
        finally:
            run.close()
        attestation = cli_reserves.check_bundle(checks, report)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        reason = (
            str(exc) if isinstance(exc, ZkSolvencyError | OSError) else f"internal error: {exc!r}"
        )
        if as_json:
            print(json.dumps({"ok": False, "error": reason}))
        else:
            err_console.print(f"[bold red]verification FAILED:[/] {escape(reason)}")
        raise typer.Exit(EXIT_FAILED if not isinstance(exc, InputError) else EXIT_INPUT) from None
    seconds = time.perf_counter() - start
    if as_json:
        attested = attestation.to_dict() if attestation else None
        print(
            json.dumps(
                {**report.to_dict(), "reserves_attestation": attested, "seconds": round(seconds, 3)}
            )
        )
        return
    table = Table(title=f"zksolvency bundle {escape(str(bundle_dir))}: VERIFIED", show_header=False)
    table.add_column("field")
    table.add_column("value")
    # manifest text is untrusted: escaped, never read as markup
    table.add_row("epoch", escape(report.epoch))
    table.add_row("curve", report.curve)
    table.add_row("statement", f"{escape(report.statement)} ({report.statement_digest[:16]}…)")
    table.add_row("padded leaves", str(report.padded_leaves))
    table.add_row("range proofs", f"{report.range_proofs} (batches of {report.batch_size})")
    for asset, total in report.reserves.items():
        table.add_row(f"reserves {escape(asset)}", f"{total} ≥ liabilities (proven)")
    table.add_row("root hash", report.root_hash)
    for check in report.checks:
        table.add_row("✓", escape(check))
    cli_reserves.add_rows(table, attestation)
    table.add_row("time", f"{seconds:.2f} s")
    console.print(table)
    for warning in cli_reserves.warnings(attestation):
        err_console.print(f"warning: {warning}", markup=False)


@app.command()
def inclusion(
    bundle_dir: Annotated[Path, typer.Option("--bundle", help="bundle directory")],
    liabilities: Annotated[
        Path, typer.Option(help="the liabilities file the bundle was proven from")
    ],
    secret: Annotated[Path, typer.Option(help="master secret file")],
    out: Annotated[Path, typer.Option(help="output file (--user) or directory (--all)")],
    user: Annotated[str | None, typer.Option(help="user ID")] = None,
    all_users: Annotated[
        bool, typer.Option("--all", help="one proof per user into --out DIR")
    ] = False,
) -> None:
    """Make inclusion proofs for one user (--user ID) or every user (--all)."""
    if (user is None) == (not all_users):
        _fail("give exactly one of --user ID or --all")
    with _errors():
        count = _inclusion(bundle_dir, liabilities, secret, out, user)
    console.print(f"wrote {count} inclusion proof(s) to {out}")


def _inclusion(
    bundle_dir: Path, liabilities: Path, secret: Path, out: Path, user: str | None
) -> int:
    from zksolvency import bundle
    from zksolvency import inclusion as inc
    from zksolvency.inputs import load_liabilities, read_secret

    if out.exists():
        raise InputError(f"{out}: already exists")
    b = bundle.read(bundle_dir)
    liab = load_liabilities(liabilities, b.statement)
    if user is not None and user not in liab.user_ids:
        raise InputError(f"{liabilities}: no user {user!r} in this file")
    master = read_secret(secret)
    wanted = [user] if user is not None else list(liab.user_ids)
    # the file's columns may be in another order than the bundle's assets
    balances = liab.balances[:, [liab.assets.index(a) for a in b.assets]]
    proofs = inc.make(bundle_dir, liab.user_ids, balances, master, wanted)
    if user is not None:
        atomic_write(out, proofs[0].to_json())
        return 1
    with staged_dir(out, mode=0o700) as tmp:  # proofs hold user IDs and balances: owner-only
        for i, p in enumerate(proofs):
            write_private(tmp / f"{i:08d}.json", p.to_json())
        index = {p.user_id: f"{i:08d}.json" for i, p in enumerate(proofs)}
        write_private(
            tmp / "index.json", (json.dumps(index, sort_keys=True, indent=0) + "\n").encode()
        )
    return len(proofs)


def _parse_expect(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value.isdigit() or not value.isascii():
            raise InputError(f"--expect: {part!r} is not ASSET=AMOUNT (amount in base units)")
        if name in out:
            raise InputError(f"--expect: {name} given twice")
        out[name] = int(value)
    return out


@app.command("verify-inclusion")
def verify_inclusion(
    proof_file: Annotated[Path, typer.Argument(metavar="PROOF", help="inclusion proof JSON")],
    bundle_dir: Annotated[
        Path | None, typer.Option("--bundle", help="bundle to check against")
    ] = None,
    root: Annotated[str | None, typer.Option(help="published root hash (hex)")] = None,
    expect: Annotated[
        str | None, typer.Option(help="expected balances, e.g. BTC=123,ETH=4")
    ] = None,
) -> None:
    """Check that your balances are counted in the published tree."""
    from zksolvency import bundle
    from zksolvency import inclusion as inc

    if (bundle_dir is None) == (root is None):
        _fail("give exactly one of --bundle DIR or --root HEX")
    with _errors():
        try:
            data = proof_file.read_bytes()
        except OSError as exc:
            raise InputError(f"{proof_file}: cannot read ({exc.strerror})") from None
        proof = inc.parse(data)
        root_bytes = None
        b = None
        if root is not None:
            try:
                root_bytes = bytes.fromhex(root)
            except ValueError:
                raise InputError("--root: not hex") from None
            if len(root_bytes) != 32:
                raise InputError("--root: a root hash is 32 bytes (64 hex digits)")
        elif bundle_dir is not None:
            b = bundle.read(bundle_dir, check_files=False)
        result = inc.verify(
            proof,
            root=root_bytes,
            manifest_bundle=b,
            expect=_parse_expect(expect) if expect else None,
        )
    balances = ", ".join(f"{a}={v}" for a, v in result.balances.items())
    console.print(  # markup=False: the user ID and epoch come from the proof file
        f"included: user {result.user_id} with {balances} at leaf {result.index} "
        f"({result.levels} levels) under root {result.root_hash.hex()} (epoch {result.epoch})",
        markup=False,
    )


@app.command()
def inspect(
    bundle_dir: Annotated[Path, typer.Argument(metavar="BUNDLE", help="bundle directory")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Show a bundle's parameters and the size of each component."""
    from zksolvency import bundle

    with _errors():
        b = bundle.read(bundle_dir)
    k = len(b.assets)
    sizes = {name: entry["bytes"] for name, entry in b.manifest["files"].items()}
    sizes["manifest.json"] = (b.path / bundle.MANIFEST).stat().st_size
    total = sum(sizes.values())
    info = {
        "epoch": b.epoch,
        "curve": b.curve,
        "statement": b.statement.to_dict(),
        "statement_digest": b.statement_digest.hex(),
        "assets": list(b.assets),
        "padded_leaves": b.padded_leaves,
        "batch_size": b.batch_size,
        "root_hash": b.root_hash.hex(),
        "bytes": sizes,
        "total_bytes": total,
        "bytes_per_leaf_per_asset": round(total / (b.padded_leaves * k), 2),
        "range_proof_bytes_per_leaf_per_asset": round(
            sizes[bundle.RANGEPROOFS] / (b.padded_leaves * k), 2
        ),
    }
    if as_json:
        print(json.dumps(info))
        return
    table = Table(title=f"bundle {escape(str(bundle_dir))}")
    table.add_column("component")
    table.add_column("bytes", justify="right")
    table.add_column("per leaf per asset", justify="right")
    for name, size in sizes.items():
        table.add_row(name, str(size), f"{size / (b.padded_leaves * k):.1f}")
    table.add_row("total", str(total), f"{total / (b.padded_leaves * k):.1f}")
    console.print(  # manifest text is untrusted: never read as markup
        f"epoch {escape(b.epoch)} · curve {b.curve} · statement {escape(b.statement.name)} · "
        f"assets {escape(', '.join(b.assets))}\n"
        f"padded leaves {b.padded_leaves} · batch size {b.batch_size} · leaf bits "
        f"{b.statement.leaf_bits} · solvency bits {b.statement.solvency_bits}\n"
        f"root {b.root_hash.hex()}"
    )
    console.print(table)


@app.command()
def demo(
    users: Annotated[int, typer.Option(min=1, max=100_000, help="number of sample users")] = 200,
    out: Annotated[
        Path | None,
        typer.Option(help="directory for the sample exchange (default: ./zksolvency-demo[-N])"),
    ] = None,
    workers: WorkersOption = None,
) -> None:
    """Generate a sample exchange, prove, verify, and check one user's inclusion."""
    if out is None:
        out = Path("zksolvency-demo")
        n = 2
        while out.exists():
            out = Path(f"zksolvency-demo-{n}")
            n += 1
    with _errors():
        _demo(users, out, workers)


def _demo(users: int, out: Path, workers: int | None) -> None:
    from zksolvency import inclusion as inc
    from zksolvency.inputs import load_reserves, write_secret
    from zksolvency.reserves.snapshot import load_snapshot
    from zksolvency.reserves.verify import verify_reserves
    from zksolvency.solvency import verify_bundle

    if out.exists():
        raise InputError(f"{out}: already exists (remove it or pick --out)")
    out.mkdir(parents=True)
    rnd = random.SystemRandom()  # sample data only; secrets come from write_secret
    assets = ("BTC", "ETH", "USDT")
    # base units: satoshi, gwei (wei would overflow 64-bit leaves past ~18 ETH), micro-USDT
    scale = {"BTC": 10**8, "ETH": 10**9, "USDT": 10**6}
    rows = []
    for i in range(users):
        rows.append(
            (
                f"user-{i:06d}",
                rnd.randrange(0, 5 * scale["BTC"]),
                rnd.randrange(0, 80 * scale["ETH"]),
                rnd.randrange(0, 250_000 * scale["USDT"]),
            )
        )
    users_csv = out / "users.csv"
    users_csv.write_text(
        "user_id," + ",".join(assets) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    )
    totals = {a: sum(r[1 + i] for r in rows) for i, a in enumerate(assets)}
    epoch = time.strftime("%Y-%m")
    key = out / "master.key"
    write_secret(key)
    reserves_json = out / "reserves.json"
    snapshot_csv = out / "snapshot.csv"
    root = _demo_reserves(users_csv, key, epoch, totals, reserves_json, snapshot_csv)
    console.print(
        f"[bold]1. sample exchange[/]: {users} users × {len(assets)} assets → "
        f"{users_csv}, {key}; reserves signed by one address per asset over root "
        f"{root.hex()[:16]}… → {reserves_json}, chain snapshot {snapshot_csv}"
    )
    bundle_dir = out / "bundle"
    report = _prove(
        users_csv,
        reserves_json,
        key,
        epoch,
        bundle_dir,
        None,
        "secp256k1",
        workers,
        1024,
        16,
        False,
    )
    console.print(
        f"[bold]2. prove[/]: {report['padded_leaves']} padded leaves, "
        f"{report['seconds']:.1f} s → {bundle_dir}"
    )
    start = time.perf_counter()
    with _progress(_show_progress(False)) as progress:
        verified = verify_bundle(bundle_dir, workers=workers, progress=progress)
    attested = verify_reserves(
        load_reserves(bundle_dir / "reserves.json"),
        bytes.fromhex(verified.root_hash),
        snapshot=load_snapshot(snapshot_csv),
    )
    console.print(
        f"[bold]3. verify[/]: all {verified.range_proofs} range proofs, the tree and "
        f"{len(verified.assets)} solvency proofs hold; "
        f"{sum(a.entries or 0 for a in attested.assets)} reserve signatures over this root "
        f"and their balances in the snapshot check out ({time.perf_counter() - start:.1f} s)"
    )
    who = rows[0][0]
    proof_path = out / f"{who}.json"
    _inclusion(bundle_dir, users_csv, key, proof_path, who)
    result = inc.verify(inc.parse(proof_path.read_bytes()), root=bytes.fromhex(verified.root_hash))
    console.print(
        f"[bold]4. inclusion[/]: {who} is counted with "
        f"{', '.join(f'{a}={v}' for a, v in result.balances.items())} → {proof_path}"
    )
    exe = "zksolvency" if shutil.which("zksolvency") else sys.argv[0]
    console.print(
        "\nTry it yourself:\n"
        f"  {exe} verify {bundle_dir} --snapshot {snapshot_csv}\n"
        f"  {exe} inspect {bundle_dir}\n"
        f"  {exe} verify-inclusion {proof_path} --bundle {bundle_dir}",
        markup=False,
        soft_wrap=True,
    )


def _demo_reserves(
    users_csv: Path,
    key: Path,
    epoch: str,
    totals: dict[str, int],
    reserves_json: Path,
    snapshot_csv: Path,
) -> bytes:
    """Sign the demo's reserves as a custodian would (docs/SPEC.md §16): the
    liabilities root first, then one fresh software key per asset signs it
    (BTC: a P2WPKH address; ETH: ether; USDT: an ERC-20 holding), and a chain
    snapshot that shows the balances. Returns the root."""
    from coincurve import PrivateKey

    from zksolvency.circuits import load_statement
    from zksolvency.inputs import load_liabilities, read_secret
    from zksolvency.reserves import bitcoin, ethereum
    from zksolvency.reserves.attestation import MESSAGE_TEMPLATE, message
    from zksolvency.reserves.root import liabilities_root

    liab = load_liabilities(users_csv, load_statement())
    root = liabilities_root(
        liab.statement, liab.user_ids, liab.balances, read_secret(key), epoch, min_leaves=1024
    )
    custodian = "zksolvency demo exchange"
    usdt = "0xdAC17F958D2ee523a2206206994597C13D831ec7"  # Tether's ERC-20 contract
    height = {"bitcoin": 870_000, "ethereum": 21_000_000}
    assets: dict[str, Any] = {}
    rows = []
    for asset, total in totals.items():
        secret = secrets.token_bytes(32)  # the demo's address keys are thrown away
        pub = PrivateKey(secret).public_key
        amount = total + total // 10 + 1
        if asset == "BTC":
            chain, address = "bitcoin", bitcoin.p2wpkh_address(pub)
            signature = bitcoin.sign_message(
                secret, address, message(custodian, epoch, root, address)
            )
        else:
            chain, address = "ethereum", ethereum.checksum_address(ethereum.address_of(pub))
            signature = ethereum.sign_message(
                secret, address, message(custodian, epoch, root, address)
            )
        entry = {"chain": chain, "address": address, "amount": str(amount)}
        if asset == "USDT":
            entry["token"] = usdt
        entry |= {"height": height[chain], "signature": signature}
        assets[asset] = {"total": str(amount), "entries": [entry]}
        rows.append(f"{chain},{address},{asset},{amount},{height[chain]}\n")
    doc = {"epoch": epoch, "custodian": custodian, "message": MESSAGE_TEMPLATE, "assets": assets}
    reserves_json.write_text(json.dumps(doc, indent=2) + "\n")
    snapshot_csv.write_text("chain,address,asset,amount,height\n" + "".join(rows))
    return root


# -- benchmarks ------------------------------------------------------------------------


@bench_app.command("rangeproof")
def bench_rangeproof(
    curve: CurveOption = "secp256k1",
    backend: Annotated[str, typer.Option(help="fast, reference, or a backend name")] = "fast",
    bits: Annotated[int, typer.Option(help="bit width n (8, 16, 32, 64, 128)")] = 64,
    values: Annotated[int, typer.Option(help="values per aggregated proof (m)")] = 1,
    runs: Annotated[int, typer.Option(min=1, help="repetitions (the median is reported)")] = 7,
    batch: Annotated[int, typer.Option(min=1, help="proofs per batch verification")] = 16,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Time proving, verifying and batch-verifying range proofs on one core."""
    from zksolvency import bench

    bench.one_core()
    with _errors():
        result = bench.rangeproof(curve, backend, bits, values, runs, batch)
    if as_json:
        print(json.dumps(result))
        return
    table = Table(title=f"range proof: {curve} ({result['backend']}), n={bits}, m={values}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
