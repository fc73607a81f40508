"""The ``zksolvency`` command line (Typer). The library returns or raises; this
module is the only place that prints."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from zksolvency import __version__
from zksolvency.errors import ZkSolvencyError

app = typer.Typer(
    name="zksolvency",
    help="Private proofs of solvency: Pedersen-committed Merkle-sum trees with Bulletproofs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
bench_app = typer.Typer(help="Benchmarks of the proof system.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

console = Console()
err_console = Console(stderr=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@bench_app.command("rangeproof")
def bench_rangeproof(
    curve: Annotated[str, typer.Option(help="secp256k1 or bls12_381")] = "secp256k1",
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
    try:
        result = bench.rangeproof(curve, backend, bits, values, runs, batch)
    except ZkSolvencyError as exc:
        raise _fail(str(exc)) from None
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
