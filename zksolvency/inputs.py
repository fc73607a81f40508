"""The one place user-supplied input files enter: liabilities, reserves, secrets.

Everything here reads and validates; nothing is written except by
:func:`write_secret`. Every failure is an :class:`~zksolvency.errors.InputError`
whose message is one line naming the file and where the problem is::

    users.csv:17: column BTC: '-5' is negative
    users.json: record 3 (user 'bob'): asset ETH: JSON number 1.5 is not allowed; ...
    users.parquet: row 9 (user 'carol'): column BTC: ...
    reserves.json: asset BTC: total '007' is not canonical (no leading zeros)

Values taken from a file are shown with ``repr`` (cut to a short prefix), so a
stray newline or control character cannot split a message over two lines.

Liabilities (:func:`load_liabilities`), chosen by the file's extension:

``.csv``
    UTF-8 (a leading byte-order mark, as Excel writes, is stripped), parsed by the
    standard ``csv`` module (RFC 4180 quoting, strict). Header
    ``user_id,<ASSET>,<ASSET>,…``: the first column is exactly ``user_id``; then one
    column per asset, in the order the statement is bound to. One line per user.
    No blank line may come before a data row (trailing blank lines at the very end
    are ignored). Line numbers in messages are physical lines, the header being 1.
``.json``
    ``[{"user_id": "alice", "balances": {"BTC": "123", "ETH": "0"}}, …]``. Each
    object has exactly these two keys; every ``balances`` object has the same
    asset set; the asset order is that of the first record. Amounts are strings;
    a JSON integer is read exactly as its decimal string would be; fractions and
    exponents (JSON floats), ``NaN``/``Infinity`` and duplicate object keys are
    rejected. Records are numbered from 1 in messages.
``.parquet`` (needs the optional ``pyarrow``: ``pip install zksolvency[parquet]``)
    Columns ``user_id`` (string) then one per asset, each integer- or
    string-typed, no nulls. Rows are numbered from 1 in messages.

User IDs are what a user types to check their inclusion proof, so each must
name exactly one leaf: non-empty, at most 128 bytes of UTF-8, no leading or
trailing whitespace, no control, format (zero-width, bidi), surrogate,
private-use, unassigned or separator character other than the ASCII space
(i.e. ``str.isprintable()``), and NFC-normalised (rejected, not normalised:
the caller must hand users the exact ID that was committed). IDs are compared
exactly (case-sensitive); confusable scripts are not detected.

Amounts: for an asset without decimals, ``[0-9]+`` in base units (no sign, no
spaces, no ``_``, no exponent, no hex). For an asset declaring ``decimals = d``,
``[0-9]+(.[0-9]+)?`` with at most ``d`` fractional digits, converted exactly to
base units ``value·10^d``. Every amount must be < 2^leaf_bits.

Reserves (:func:`load_reserves`): JSON
``{"epoch": "2026-11", "assets": {"BTC": {"total": "2100000000000"}, …}}``;
totals are canonical decimal strings of base units (``0`` or no leading zero),
below 2^128; asset names follow the statement's grammar (``check_asset_name``),
also when no liabilities are given to match them against. An asset may list
``"entries"`` (address-level attestations, :mod:`zksolvency.reserves.attestation`);
then the file also names its ``"custodian"`` and repeats the signed ``"message"``
template, the total must be the sum of the entries, and no on-chain holding may
be listed twice. Any other key is rejected.

Secrets (:func:`write_secret`, :func:`read_secret`): 32 random bytes stored as
64 hexadecimal characters and a newline, in a file of mode 0600.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from zksolvency.circuits import EPOCH_RE, Asset, Statement, check_asset_name
from zksolvency.errors import InputError, InternalError
from zksolvency.files import write_private

if TYPE_CHECKING:
    from zksolvency.reserves.attestation import Entry

__all__ = [
    "EPOCH_RE",
    "MAX_RESERVE_BITS",
    "MAX_USER_ID_BYTES",
    "SECRET_BYTES",
    "Liabilities",
    "Reserves",
    "check_epoch",
    "load_liabilities",
    "load_reserves",
    "parse_base_units",
    "read_secret",
    "write_secret",
]

PathLike = str | os.PathLike[str]

MAX_USER_ID_BYTES = 128
#: JSON inputs (liabilities, reserves) larger than this are refused unread.
MAX_JSON_BYTES = 4 << 30
#: Reserves files (a bundle carries at most this much reserves.json).
MAX_RESERVES_FILE_BYTES = 16 << 20
MAX_RESERVE_BITS = 128  # the largest solvency bit width
SECRET_BYTES = 32
MIN_SECRET_DISTINCT_BYTES = 16

_INT_RE = re.compile(r"[0-9]+")
_DECIMAL_RE = re.compile(r"([0-9]+)(?:\.([0-9]+))?")
_LOOSE_NUMBER_RE = re.compile(r"[+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_CANONICAL_RE = re.compile(r"0|[1-9][0-9]*")
_HEX_SECRET_RE = re.compile(r"[0-9a-fA-F]{64}")
_ROW_CHUNK = 1 << 16  # rows per preallocated numpy block
_SHOW_MAX = 40  # characters of a file's value quoted in a message
_SECRET_READ_MAX = 4096


def _show(value: object) -> str:
    """A one-line, bounded rendering of a value taken from a file."""
    if isinstance(value, str) and len(value) > _SHOW_MAX:
        return repr(value[:_SHOW_MAX]) + "…"
    return repr(value)


def check_keys(
    obj: dict[Any, Any], required: AbstractSet[str], optional: AbstractSet[str], at: str
) -> None:
    """Refuse keys outside ``required | optional``, then missing required ones."""
    unknown = sorted(set(obj) - required - optional)
    if unknown:
        raise InputError(f"{at}: unknown key(s) {', '.join(map(_show, unknown))}")
    missing = sorted(required - set(obj))
    if missing:
        raise InputError(f"{at}: missing key(s) {', '.join(map(repr, missing))}")


# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, eq=False)
class Liabilities:
    """Validated liabilities: one row per user, one uint64 column per asset.

    ``statement`` is bound to ``assets`` (the file's column order);
    ``balances[i, j]`` is user ``user_ids[i]``'s balance in ``assets[j]`` in base
    units, below 2^leaf_bits. The array is read-only. Equality compares the
    content (statement, assets, IDs, balances), not ``source``.
    """

    statement: Statement
    assets: tuple[str, ...]
    user_ids: list[str]
    balances: np.ndarray
    source: str = field(default="")

    def __len__(self) -> int:
        return len(self.user_ids)

    def balances_of(self, i: int) -> dict[str, int]:
        """User ``i``'s balances as ``{asset: base units}`` in column order."""
        row = self.balances[i]
        return {a: int(row[j]) for j, a in enumerate(self.assets)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Liabilities):
            return NotImplemented
        return (
            self.statement == other.statement
            and self.assets == other.assets
            and self.user_ids == other.user_ids
            and self.balances.dtype == other.balances.dtype
            and self.balances.shape == other.balances.shape
            and bool(np.array_equal(self.balances, other.balances))
        )

    __hash__ = None  # type: ignore[assignment]  # holds a list and an array

    def __repr__(self) -> str:
        # Never the IDs or balances: a repr ends up in logs and tracebacks.
        return (
            f"Liabilities(source={self.source!r}, users={len(self)}, assets={self.assets!r}, "
            f"statement={self.statement.name!r})"
        )


@dataclass(frozen=True)
class Reserves:
    """Validated reserves for one epoch: ``totals[a]`` in base units of asset
    ``a``, ordered as the liabilities' assets (or the file's, when loaded
    without them); ``raw`` is the parsed JSON. ``entries`` holds the attested
    assets' entries (checked for form, duplicates and sums; signatures and
    balances are checked by :mod:`zksolvency.reserves.verify`); ``source`` is
    the file, for messages."""

    epoch: str
    totals: dict[str, int]
    raw: dict[str, Any]
    custodian: str | None = None
    entries: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    source: str = ""
    #: The exact bytes parsed (what ``prove`` publishes as the bundle's reserves.json).
    data: bytes = field(default=b"", repr=False)


# --------------------------------------------------------------------------- #
# Shared checks
# --------------------------------------------------------------------------- #


class _CellError(ValueError):
    """A bad value; the caller prefixes where it is."""


def check_epoch(epoch: str) -> str:
    """Return ``epoch`` if it is 1–64 characters of ``[A-Za-z0-9._:-]``."""
    if not isinstance(epoch, str) or not EPOCH_RE.fullmatch(epoch):
        raise InputError(
            f"epoch {_show(epoch)}: use 1–64 characters among letters, digits, '.', '_', ':', '-'"
        )
    return epoch


def _check_user_id(uid: object) -> str:
    """Reason-free check of one user ID; raises :class:`_CellError`."""
    if not isinstance(uid, str):
        raise _CellError(f"user_id must be a string, found {type(uid).__name__}")
    if not uid:
        raise _CellError("empty user_id")
    if uid != uid.strip():
        raise _CellError(f"user_id {_show(uid)} has leading or trailing whitespace")
    if not uid.isprintable():
        bad = next(c for c in uid if not c.isprintable())
        raise _CellError(
            f"user_id {_show(uid)} contains U+{ord(bad):04X} "
            f"({unicodedata.category(bad)}: control, invisible or separator character)"
        )
    size = len(uid.encode("utf-8"))
    if size > MAX_USER_ID_BYTES:
        raise _CellError(f"user_id {_show(uid)} is {size} bytes of UTF-8 (max {MAX_USER_ID_BYTES})")
    if not uid.isascii() and not unicodedata.is_normalized("NFC", uid):
        raise _CellError(
            f"user_id {_show(uid)} is not NFC-normalised "
            "(visually identical IDs must not become two leaves)"
        )
    return uid


class _AmountParser:
    """Parses one asset's amounts into base units < 2^leaf_bits."""

    def __init__(self, asset: Asset, leaf_bits: int) -> None:
        self.asset = asset.name
        self.decimals = asset.decimals
        self.bits = leaf_bits
        self.limit = 1 << leaf_bits
        self.scale = 10 ** (asset.decimals or 0)
        # Digits beyond this many (after leading zeros) cannot be < 2^leaf_bits.
        self._max_digits = len(str(self.limit)) + (asset.decimals or 0)
        # Integer strings this short convert without a length check.
        self._fast_digits = len(str(self.limit)) if asset.decimals is None else 0

    def too_large(self, shown: str) -> _CellError:
        unit = " base units" if self.decimals else ""
        return _CellError(f"{shown} is ≥ 2^{self.bits} (leaf_bits; max {self.limit - 1}{unit})")

    def parse(self, text: str) -> int:
        """Decimal string → base units. Integer arithmetic on the digit strings
        gives the exact ``Decimal(text)·10^d`` without the 28-digit rounding of
        ``decimal``'s default context (and never goes through a float)."""
        # Fast path: ASCII digits (str.isdigit alone also accepts e.g. '²').
        if len(text) <= self._fast_digits and text.isdigit() and text.isascii():
            value = int(text)
            if value >= self.limit:
                raise self.too_large(_show(text))
            return value
        if self.decimals is None:
            if _INT_RE.fullmatch(text):
                if len(text.lstrip("0")) > self._max_digits:
                    raise self.too_large(_show(text))
                value = int(text)
                if value >= self.limit:
                    raise self.too_large(_show(text))
                return value
            raise self._malformed(text)
        m = _DECIMAL_RE.fullmatch(text)
        if m is None:
            raise self._malformed(text)
        whole, frac = m.group(1), m.group(2) or ""
        if len(frac) > self.decimals:
            raise _CellError(
                f"{_show(text)} has {len(frac)} fractional digits; "
                f"{self.asset} allows {self.decimals}"
            )
        if len(whole.lstrip("0")) > self._max_digits:
            raise self.too_large(_show(text))
        value = int(whole) * self.scale + int(frac.ljust(self.decimals, "0") or "0")
        if value >= self.limit:
            raise self.too_large(_show(text))
        return value

    def parse_int(self, value: int) -> int:
        """An integer from a typed file (JSON number, Parquet integer column):
        read exactly as its decimal string would be."""
        if value < 0:
            raise _CellError(f"{value} is negative")
        return self.parse(str(value))

    def _malformed(self, text: str) -> _CellError:
        shown = _show(text)
        if not text:
            return _CellError("empty amount")
        if text.startswith("-") and _LOOSE_NUMBER_RE.fullmatch(text):
            return _CellError(f"{shown} is negative")
        if self.decimals is None:
            return _CellError(
                f"{shown} is not an integer of base units "
                f"(digits 0-9 only: {self.asset} declares no decimals)"
            )
        return _CellError(f"{shown} is not a decimal number (digits with an optional '.' part)")


class _RowBuffer:
    """Rows of uint64 gathered in chunks: at most ``_ROW_CHUNK`` rows live as
    Python ints at a time, each full chunk becomes a numpy block, and the blocks
    are joined once at the end (read-only)."""

    def __init__(self, width: int) -> None:
        self._width = width
        self._blocks: list[np.ndarray] = []
        self._pending: list[int] = []
        self._flush_at = _ROW_CHUNK * width

    def extend(self, row: list[int]) -> None:
        self._pending.extend(row)
        if len(self._pending) >= self._flush_at:
            self._flush()

    def _flush(self) -> None:
        block = np.array(self._pending, dtype=np.uint64).reshape(-1, self._width)
        self._blocks.append(block)
        self._pending = []

    def finish(self) -> np.ndarray:
        if self._pending or not self._blocks:
            self._flush()
        out = self._blocks[0] if len(self._blocks) == 1 else np.concatenate(self._blocks)
        out.flags.writeable = False
        return out


def _bind(statement: Statement, names: tuple[str, ...], where: str) -> Statement:
    """``statement.bind`` with the file named in its error."""
    try:
        return statement.bind(names)
    except InputError as exc:
        msg = str(exc).removeprefix("liabilities: ")
        raise InputError(f"{where}: {msg}") from None


def _check_asset_columns(names: Iterable[str], where: str) -> tuple[str, ...]:
    out = tuple(names)  # file order
    if not out:
        raise InputError(f"{where}: no asset columns (expected user_id,<ASSET>,…)")
    seen: set[str] = set()
    for name in out:
        if name == "user_id":
            raise InputError(f"{where}: column 'user_id' appears twice")
        if name in seen:
            raise InputError(f"{where}: asset column {_show(name)} appears twice")
        seen.add(name)
    return out


def _parsers(bound: Statement) -> list[_AmountParser]:
    """One amount parser per column of a bound statement."""
    if bound.assets is None:  # bind() always resolves the assets
        raise InternalError("statement.bind returned a generic statement")
    return [_AmountParser(a, bound.leaf_bits) for a in bound.assets]


# --------------------------------------------------------------------------- #
# Liabilities
# --------------------------------------------------------------------------- #


def load_liabilities(path: PathLike, statement: Statement) -> Liabilities:
    """Read and validate a liabilities file (``.csv``, ``.json`` or ``.parquet``;
    formats in the module docstring) and bind ``statement`` to its assets."""
    src = os.fspath(path)
    suffix = Path(src).suffix.lower()
    if suffix == ".csv":
        return _load_csv(src, statement)
    if suffix == ".json":
        return _load_json(src, statement)
    if suffix == ".parquet":
        return _load_parquet(src, statement)
    raise InputError(
        f"{src}: unknown liabilities format {suffix or '(no extension)'!r} "
        "(expected .csv, .json or .parquet)"
    )


def _load_csv(src: str, statement: Statement) -> Liabilities:
    try:
        with open(src, encoding="utf-8-sig", newline="") as fh:
            return _read_csv(fh, src, statement)
    except OSError as exc:
        raise InputError(f"{src}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        # The text layer decodes in blocks; find the line on a second, byte-wise pass.
        raise InputError(f"{src}:{_bad_utf8_line(src)}: not valid UTF-8") from None


def _bad_utf8_line(src: str) -> int | str:
    try:
        with open(src, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return number
    except OSError:
        pass
    return "?"


def _read_csv(fh: Iterable[str], src: str, statement: Statement) -> Liabilities:
    reader = csv.reader(fh, strict=True)
    start = 1  # physical line where the current record starts (header = 1)
    try:
        header = next(reader, None)
        if header == []:
            while (later := next(reader, None)) == []:
                pass
            if later is not None:
                raise InputError(f"{src}:1: blank line before the header")
            header = None
        if header is None:
            raise InputError(f"{src}: empty file (expected a header user_id,<ASSET>,…)")
        if header[0] != "user_id":
            raise InputError(f"{src}:1: first column must be 'user_id', found {_show(header[0])}")
        assets = _check_asset_columns(header[1:], f"{src}:1")
        bound = _bind(statement, assets, f"{src}:1")
        parsers = _parsers(bound)
        parse_fns = [p.parse for p in parsers]
        width = len(header)

        user_ids: list[str] = []
        first_line: dict[str, int] = {}
        rows = _RowBuffer(len(assets))
        blank_line = 0
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                blank_line = blank_line or line
                continue
            if blank_line:
                raise InputError(f"{src}:{blank_line}: blank line before more rows")
            if len(row) != width:
                raise InputError(
                    f"{src}:{line}: expected {width} fields ({', '.join(header)}), found {len(row)}"
                )
            uid = row[0]
            try:
                _check_user_id(uid)
            except _CellError as exc:
                raise InputError(f"{src}:{line}: {exc}") from None
            try:
                values = [f(cell) for f, cell in zip(parse_fns, row[1:], strict=True)]
            except _CellError as exc:
                raise InputError(f"{src}:{line}: {_cell_where(parsers, row[1:])}{exc}") from None
            prev = first_line.setdefault(uid, line)
            if prev != line:
                raise InputError(
                    f"{src}:{line}: duplicate user_id {_show(uid)} (first on line {prev})"
                )
            user_ids.append(uid)
            rows.extend(values)
    except csv.Error as exc:
        raise InputError(f"{src}:{start}: malformed CSV ({exc})") from None
    if not user_ids:
        raise InputError(f"{src}: no users (header only)")
    return Liabilities(bound, assets, user_ids, rows.finish(), src)


def _cell_where(parsers: list[_AmountParser], cells: list[str]) -> str:
    """``'column X: '`` for the first cell that fails (the row as a whole did)."""
    for parser, cell in zip(parsers, cells, strict=True):
        try:
            parser.parse(cell)
        except _CellError:
            return f"column {parser.asset}: "
    return ""


class _JsonFloat:
    """A JSON number with a fraction or exponent, kept as its text (never a float)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _DuplicateKeyError(Exception):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return out


def _reject_constant(name: str) -> Any:
    raise _CellError(f"{name} is not allowed")


def _read_json(src: str, *, keep_floats: bool, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file strictly (:func:`_parse_json`)."""
    return _parse_json(src, _read_bytes(src, max_bytes), keep_floats=keep_floats)


def _read_bytes(src: str, max_bytes: int) -> bytes:
    """The whole file, refused unread when larger than ``max_bytes``."""
    try:
        with open(src, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{src}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputError(f"{src}: larger than {max_bytes >> 20} MiB; not read")
    return data


def _parse_json(src: str, data: bytes, *, keep_floats: bool) -> Any:
    """Parse JSON strictly: UTF-8 (BOM stripped), no duplicate keys, no
    NaN/Infinity; floats become :class:`_JsonFloat` unless ``keep_floats``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{src}: not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError(f"{src}: empty file")
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_reject_constant,
            parse_float=None if keep_floats else _JsonFloat,
        )
    except json.JSONDecodeError as exc:
        raise InputError(f"{src}:{exc.lineno}:{exc.colno}: invalid JSON ({exc.msg})") from None
    except _DuplicateKeyError as exc:
        raise InputError(f"{src}: duplicate key {_show(exc.args[0])} in a JSON object") from None
    except ValueError as exc:  # _CellError (NaN/Infinity), or an integer too long to parse
        raise InputError(f"{src}: invalid JSON ({exc})") from None
    except RecursionError:  # the C scanner recurses once per [ or {
        raise InputError(f"{src}: invalid JSON (arrays or objects nested too deeply)") from None


def _load_json(src: str, statement: Statement) -> Liabilities:
    data = _read_json(src, keep_floats=False)
    if not isinstance(data, list):
        raise InputError(f'{src}: expected a JSON list of {{"user_id": …, "balances": {{…}}}}')
    if not data:
        raise InputError(f"{src}: no users (empty list)")

    def where(k: int, uid: object = None) -> str:
        if isinstance(uid, str):
            return f"{src}: record {k + 1} (user {_show(uid)})"
        return f"{src}: record {k + 1}"

    def record(k: int) -> tuple[Any, dict[str, Any]]:
        rec = data[k]
        if not isinstance(rec, dict):
            raise InputError(f"{where(k)}: expected an object")
        uid = rec.get("user_id")
        if set(rec) != {"user_id", "balances"}:
            missing = sorted({"user_id", "balances"} - set(rec))
            extra = sorted(set(rec) - {"user_id", "balances"})
            parts = [f"missing {', '.join(missing)}"] if missing else []
            parts += [f"unknown key(s) {', '.join(map(_show, extra))}"] if extra else []
            raise InputError(f"{where(k, uid)}: {'; '.join(parts)}")
        bal = rec["balances"]
        if not isinstance(bal, dict):
            raise InputError(f"{where(k, uid)}: 'balances' must be an object")
        return uid, bal

    _, first = record(0)
    assets = _check_asset_columns(list(first), f"{where(0)}: balances")
    bound = _bind(statement, assets, src)
    parsers = _parsers(bound)
    asset_set = set(assets)

    user_ids: list[str] = []
    first_rec: dict[str, int] = {}
    rows = _RowBuffer(len(assets))
    for k in range(len(data)):
        uid, bal = record(k)
        try:
            uid = _check_user_id(uid)
        except _CellError as exc:
            raise InputError(f"{where(k)}: {exc}") from None
        prev = first_rec.setdefault(uid, k)
        if prev != k:
            raise InputError(
                f"{where(k)}: duplicate user_id {_show(uid)} (first in record {prev + 1})"
            )
        if bal.keys() != asset_set:
            missing = sorted(asset_set - set(bal))
            extra = sorted(set(bal) - asset_set)
            parts = [f"missing {', '.join(missing)}"] if missing else []
            parts += [f"unknown {', '.join(map(_show, extra))}"] if extra else []
            raise InputError(
                f"{where(k, uid)}: balances do not have the assets of record 1 ({'; '.join(parts)})"
            )
        values = []
        for parser in parsers:
            try:
                values.append(_parse_json_amount(parser, bal[parser.asset]))
            except _CellError as exc:
                raise InputError(f"{where(k, uid)}: asset {parser.asset}: {exc}") from None
        user_ids.append(uid)
        rows.extend(values)
    return Liabilities(bound, assets, user_ids, rows.finish(), src)


def _parse_json_amount(parser: _AmountParser, value: Any) -> int:
    if isinstance(value, _JsonFloat):
        raise _CellError(
            f"JSON number {_show(value.text)} is not allowed; write amounts as strings"
        )
    if isinstance(value, str):
        return parser.parse(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return parser.parse_int(value)
    raise _CellError(f"expected a string amount, found {_json_type(value)}")


def _json_type(value: Any) -> str:
    return {
        bool: "a boolean",
        type(None): "null",
        _JsonFloat: "a JSON number with a fraction or exponent",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _load_parquet(src: str, statement: Statement) -> Liabilities:
    try:
        import pyarrow as pa  # optional dependency, imported on use
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            f"{src}: reading Parquet needs pyarrow: pip install 'zksolvency[parquet]'"
        ) from None
    try:
        table = pq.read_table(src)
    except OSError as exc:
        raise InputError(f"{src}: cannot read ({exc.strerror or exc})") from None
    except (pa.ArrowException, ValueError) as exc:
        raise InputError(f"{src}: not a readable Parquet file ({_one_line(exc)})") from None
    names = list(table.column_names)
    if not names or names[0] != "user_id":
        found = _show(names[0]) if names else "no columns"
        raise InputError(f"{src}: first column must be 'user_id', found {found}")
    assets = _check_asset_columns(names[1:], src)
    bound = _bind(statement, assets, src)
    parsers = _parsers(bound)
    n = table.num_rows
    if n == 0:
        raise InputError(f"{src}: no users (no rows)")

    id_col = table.column(0)
    if not (pa.types.is_string(id_col.type) or pa.types.is_large_string(id_col.type)):
        raise InputError(f"{src}: column user_id must be string-typed, found {id_col.type}")
    user_ids: list[Any] = id_col.to_pylist()

    def where(i: int) -> str:
        uid = user_ids[i]
        return (
            f"{src}: row {i + 1} (user {_show(uid)})"
            if isinstance(uid, str)
            else f"{src}: row {i + 1}"
        )

    first_row: dict[str, int] = {}
    for i, uid in enumerate(user_ids):
        if uid is None:
            raise InputError(f"{where(i)}: user_id is null")
        try:
            _check_user_id(uid)
        except _CellError as exc:
            raise InputError(f"{where(i)}: {exc}") from None
        prev = first_row.setdefault(uid, i)
        if prev != i:
            raise InputError(
                f"{where(i)}: duplicate user_id {_show(uid)} (first in row {prev + 1})"
            )

    balances = np.empty((n, len(assets)), dtype=np.uint64)
    for j, parser in enumerate(parsers):
        col = table.column(j + 1)
        if col.null_count:
            i = int(np.flatnonzero(col.is_null().to_numpy(zero_copy_only=False))[0])
            raise InputError(f"{where(i)}: column {parser.asset}: null amount")
        if pa.types.is_integer(col.type):
            bad = _int_column_into(balances[:, j], col.to_numpy(), parser)
            if bad is not None:
                i, exc = bad
                raise InputError(f"{where(i)}: column {parser.asset}: {exc}")
        elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            for i, cell in enumerate(col.to_pylist()):
                try:
                    balances[i, j] = parser.parse(cell)
                except _CellError as exc:
                    raise InputError(f"{where(i)}: column {parser.asset}: {exc}") from None
        else:
            raise InputError(
                f"{src}: column {parser.asset} must be integer- or string-typed, found {col.type}"
            )
    balances.flags.writeable = False
    return Liabilities(bound, assets, user_ids, balances, src)


def _int_column_into(
    out: np.ndarray, values: np.ndarray, parser: _AmountParser
) -> tuple[int, _CellError] | None:
    """Vectorised :meth:`_AmountParser.parse_int` of an integer column into
    ``out``; returns the first bad row and its error, or ``None``."""
    if values.dtype.kind == "i":
        negative = np.flatnonzero(values < 0)
        if negative.size:
            i = int(negative[0])
            return i, _CellError(f"{int(values[i])} is negative")
    units = values.astype(np.uint64)
    # value·10^d < 2^leaf_bits  ⇔  value ≤ (2^leaf_bits − 1) // 10^d
    max_units = (parser.limit - 1) // parser.scale
    over = np.flatnonzero(units > np.uint64(min(max_units, 2**64 - 1)))
    if over.size:
        i = int(over[0])
        return i, parser.too_large(str(int(values[i])))
    out[:] = units * np.uint64(parser.scale) if parser.scale != 1 and max_units else units
    return None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


# --------------------------------------------------------------------------- #
# Reserves
# --------------------------------------------------------------------------- #


_RESERVES_KEYS = {"epoch", "assets"}
_RESERVES_OPTIONAL_KEYS = {"custodian", "message"}
_RESERVE_ASSET_KEYS = {"total", "entries"}


def load_reserves(
    path: PathLike, assets: Iterable[str] | None = None, epoch: str | None = None
) -> Reserves:
    """Read and validate a reserves file for ``epoch`` covering exactly ``assets``
    (when given; otherwise the file's own epoch and assets, in file order).

    Format: ``{"epoch": "2026-11", "assets": {"BTC": {"total": "2100000000000"}}}``
    with each total a canonical decimal string of base units below 2^128, and an
    optional ``"entries"`` list per asset (module docstring).
    """
    src = os.fspath(path)
    if epoch is not None:
        try:
            check_epoch(epoch)
        except InputError as exc:
            raise InputError(f"--epoch: {exc}") from None
    file_bytes = _read_bytes(src, MAX_RESERVES_FILE_BYTES)
    data = _parse_json(src, file_bytes, keep_floats=True)
    if not isinstance(data, dict):
        raise InputError(f'{src}: expected a JSON object {{"epoch": …, "assets": {{…}}}}')
    check_keys(data, _RESERVES_KEYS, _RESERVES_OPTIONAL_KEYS, src)
    file_epoch = data["epoch"]
    if not isinstance(file_epoch, str) or not EPOCH_RE.fullmatch(file_epoch):
        raise InputError(
            f"{src}: epoch {_show(file_epoch)}: use 1–64 characters among letters, digits, "
            "'.', '_', ':', '-'"
        )
    if epoch is not None and file_epoch != epoch:
        raise InputError(f"{src}: epoch {file_epoch!r} does not match --epoch {epoch!r}")
    table = data["assets"]
    if not isinstance(table, dict):
        raise InputError(f'{src}: \'assets\' must be an object of {{"<ASSET>": {{"total": …}}}}')
    if assets is None:  # the file names the assets: they must be asset names
        for name in table:
            try:
                check_asset_name(name)
            except InputError:
                raise InputError(
                    f"{src}: asset name {_show(name)}: use 1–32 letters, digits, '.', '_' or '-' "
                    "(starting with a letter or digit)"
                ) from None
    wanted = tuple(table) if assets is None else tuple(assets)
    missing = [a for a in wanted if a not in table]
    extra = [a for a in table if a not in set(wanted)]
    if missing or extra:
        parts = [f"missing {', '.join(missing)}"] if missing else []
        parts += [f"not in the liabilities {', '.join(map(_show, extra))}"] if extra else []
        raise InputError(
            f"{src}: assets do not match the liabilities one for one ({'; '.join(parts)})"
        )
    from zksolvency.reserves import attestation  # here: it imports this module

    totals: dict[str, int] = {}
    entries: dict[str, tuple[Entry, ...]] = {}
    for name in wanted:
        where = f"{src}: asset {name}"
        totals[name] = _reserve_total(table[name], where)
        if "entries" in table[name]:
            entries[name] = attestation.parse_entries(table[name]["entries"], name, where)
    custodian = attestation.parse_header(data, src, has_entries=bool(entries))
    problem = attestation.consistency_problem(totals, entries)
    if problem is not None:
        raise InputError(f"{src}: {problem}")
    return Reserves(
        epoch=file_epoch,
        totals=totals,
        raw=data,
        custodian=custodian,
        entries=entries,
        source=src,
        data=file_bytes,
    )


def _reserve_total(spec: Any, where: str) -> int:
    if not isinstance(spec, dict):
        raise InputError(f'{where}: expected an object {{"total": "<base units>"}}')
    check_keys(spec, frozenset(), _RESERVE_ASSET_KEYS, where)
    if "entries" in spec and not isinstance(spec["entries"], list):
        raise InputError(f"{where}: 'entries' must be a list")
    if "total" not in spec:
        raise InputError(f"{where}: missing 'total'")
    return parse_base_units(spec["total"], f"{where}: total")


def parse_base_units(value: Any, what: str, bits: int = MAX_RESERVE_BITS) -> int:
    """A canonical decimal string of base units below 2^bits (``0`` or no leading
    zero; no sign, no JSON number); ``what`` names it in messages
    (``reserves.json: asset BTC: total``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise InputError(
            f"{what} is a JSON number; write it as a decimal string of base units "
            "(JSON numbers lose precision past 2^53)"
        )
    if not isinstance(value, str):
        raise InputError(f"{what} must be a decimal string, found {_json_type(value)}")
    if not _CANONICAL_RE.fullmatch(value):
        if _INT_RE.fullmatch(value):
            raise InputError(f"{what} {_show(value)} is not canonical (no leading zeros)")
        if value.startswith("-"):
            raise InputError(f"{what} {_show(value)} is negative")
        raise InputError(f"{what} {_show(value)} is not a decimal string of base units")
    if len(value) > len(str(1 << bits)) or int(value) >= 1 << bits:
        raise InputError(f"{what} {_show(value)} is ≥ 2^{bits} (max {(1 << bits) - 1})")
    return int(value)


# --------------------------------------------------------------------------- #
# Secrets
# --------------------------------------------------------------------------- #


def write_secret(path: PathLike) -> None:
    """Create ``path`` (mode 0600, never overwriting) holding a fresh 32-byte
    master secret from :func:`secrets.token_bytes` as 64 lowercase hex
    characters and a newline. A failed write leaves no truncated secret behind
    (that a later run would refuse, or worse, accept after a manual fix-up)."""
    src = os.fspath(path)
    payload = (secrets.token_bytes(SECRET_BYTES).hex() + "\n").encode("ascii")
    try:
        write_private(Path(src), payload)
    except FileExistsError:
        raise InputError(f"{src}: already exists; refusing to overwrite a secret") from None
    except OSError as exc:
        raise InputError(f"{src}: cannot write secret ({exc.strerror or exc})") from None


def read_secret(path: PathLike) -> bytes:
    """Read a master secret written by :func:`write_secret`: exactly 64 hex
    characters (surrounding whitespace allowed) → 32 bytes. Refuses a file
    readable or writable by group or others, a non-regular file, and a
    low-entropy secret (fewer than 16 distinct byte values). Messages never
    contain the secret."""
    src = os.fspath(path)
    try:
        fd = os.open(src, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{src}: cannot read secret ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{src}: secret must be a regular file")
        if os.name == "posix" and st.st_mode & 0o077:
            raise InputError(
                f"{src}: secret is accessible by group or others "
                f"(mode {stat.S_IMODE(st.st_mode):03o}); run: chmod 600 {src}"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= _SECRET_READ_MAX and (chunk := os.read(fd, _SECRET_READ_MAX + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{src}: cannot read secret ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > _SECRET_READ_MAX:
        raise InputError(f"{src}: not a secret (expected 64 hex characters, file is larger)")
    text = raw.strip()
    if not _HEX_SECRET_RE.fullmatch(text.decode("latin-1")):
        if len(text) != 2 * SECRET_BYTES:
            detail = f"found {len(text)} characters"
        else:
            detail = "found non-hex characters"
        raise InputError(f"{src}: expected 64 hex characters (a 32-byte secret), {detail}")
    secret = bytes.fromhex(text.decode("ascii"))
    if len(set(secret)) < MIN_SECRET_DISTINCT_BYTES:
        raise InputError(
            f"{src}: secret has low entropy (fewer than {MIN_SECRET_DISTINCT_BYTES} distinct "
            "byte values); generate one with 'zksolvency keygen'"
        )
    return secret
