"""Command-line options shared by several commands (``prove``, ``verify``,
``demo``, ``reserves root``), so that they read and behave the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LiabilitiesOption = Annotated[Path, typer.Option(help="users' balances: CSV, JSON or Parquet")]
SecretOption = Annotated[Path, typer.Option(help="master secret file (from keygen)")]
EpochOption = Annotated[str, typer.Option(help="epoch label, e.g. 2026-11")]
StatementOption = Annotated[
    Path | None, typer.Option(help="statement TOML (default: per-asset-solvency)")
]
CurveOption = Annotated[str, typer.Option(help="secp256k1 or bls12_381")]
LeavesOption = Annotated[int, typer.Option(min=1, help="minimum padded leaf count")]
WorkersOption = Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")]
ExecutorOption = Annotated[
    str, typer.Option(help="'local' (process pool) or dask://HOST:PORT (a Dask scheduler)")
]
