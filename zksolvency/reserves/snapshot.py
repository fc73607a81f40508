"""The verifier's chain snapshot: balances exported from their own nodes.

A CSV file (UTF-8, a leading byte-order mark is stripped) with exactly the
header ``chain,address,asset,amount,height`` and one row per balance::

    chain,address,asset,amount,height
    bitcoin,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,BTC,150000000,870000
    ethereum,0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,USDT,2500000000,21000000

``chain`` is ``bitcoin`` or ``ethereum``; ``address`` is checked like an
entry's (and compared in canonical form); ``asset`` is the reserves file's
asset name (the verifier decides which coin or token that is); ``amount`` is
the balance in the asset's base units, a canonical decimal below 2^256;
``height`` the block it was read at. A ``(chain, address, asset, height)``
appears at most once. Blank lines may only end the file. Line numbers in
messages are physical lines (header 1).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from zksolvency.circuits import check_asset_name
from zksolvency.errors import FormatError, InputError
from zksolvency.inputs import _show, parse_base_units
from zksolvency.reserves.attestation import CHAINS, MAX_HEIGHT, canonical_address

HEADER = ["chain", "address", "asset", "amount", "height"]
MAX_BALANCE_BITS = 256
_HEIGHT_RE = re.compile(r"0|[1-9][0-9]{0,18}")

Key = tuple[str, str, str, int]


@dataclass(frozen=True)
class Snapshot:
    """Balances by ``(chain, canonical address, asset, height)``, with the line
    each came from."""

    source: str
    rows: dict[Key, tuple[int, int]]

    def balance(self, chain: str, address: str, asset: str, height: int) -> int | None:
        row = self.rows.get((chain, address, asset, height))
        return None if row is None else row[0]

    def __len__(self) -> int:
        return len(self.rows)


def load_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read and validate a snapshot CSV. Raises :class:`InputError` naming the
    file and line."""
    src = os.fspath(path)
    try:
        with open(src, encoding="utf-8-sig", newline="") as fh:
            return _read(fh, src)
    except OSError as exc:
        raise InputError(f"{src}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{src}: not valid UTF-8") from None


def _read(fh: Iterable[str], src: str) -> Snapshot:
    reader = csv.reader(fh, strict=True)
    rows: dict[Key, tuple[int, int]] = {}
    line = 1
    blank = 0
    try:
        header = next(reader, None)
        if header != HEADER:
            found = ",".join(header) if header else "nothing"
            raise InputError(f"{src}:1: header must be {','.join(HEADER)}, found {_show(found)}")
        for record in reader:
            line = reader.line_num
            if not record:
                blank = blank or line
                continue
            if blank:
                raise InputError(f"{src}:{blank}: blank line before more rows")
            if len(record) != len(HEADER):
                raise InputError(
                    f"{src}:{line}: expected {len(HEADER)} fields ({','.join(HEADER)}), "
                    f"found {len(record)}"
                )
            key, amount = _row(record, f"{src}:{line}")
            first = rows.setdefault(key, (amount, line))
            if first[1] != line:
                raise InputError(
                    f"{src}:{line}: {key[0]} address {key[1]} asset {key[2]} at height "
                    f"{key[3]} is already on line {first[1]}"
                )
    except csv.Error as exc:
        raise InputError(f"{src}:{line}: malformed CSV ({exc})") from None
    return Snapshot(src, rows)


def _row(record: list[str], at: str) -> tuple[Key, int]:
    chain, address, asset, amount, height = record
    if chain not in CHAINS:
        raise InputError(f"{at}: chain {_show(chain)}: expected {' or '.join(CHAINS)}")
    try:
        canonical = canonical_address(chain, address)
    except FormatError as exc:
        raise InputError(f"{at}: address {_show(address)}: {exc}") from None
    try:
        check_asset_name(asset)
    except InputError as exc:
        raise InputError(f"{at}: {exc}") from None
    balance = parse_base_units(amount, f"{at}: amount", MAX_BALANCE_BITS)
    if not _HEIGHT_RE.fullmatch(height) or int(height) > MAX_HEIGHT:
        raise InputError(f"{at}: height {_show(height)} is not a canonical decimal below 2^63")
    return (chain, canonical, asset, int(height)), balance
