"""Input files: liabilities (CSV, JSON, Parquet), reserves, secrets.

Every bad input is a named case that must raise InputError with a one-line
message naming the file and where (line, column, record, user or asset).
"""

from __future__ import annotations

import csv
import decimal
import json
import os
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zksolvency.circuits import Statement, from_dict, load_statement
from zksolvency.errors import InputError
from zksolvency.inputs import (
    Liabilities,
    check_epoch,
    load_liabilities,
    load_reserves,
    read_secret,
    write_secret,
)
from zksolvency.reserves.attestation import MESSAGE_TEMPLATE

GENERIC = load_statement()


def pinned(assets: dict[str, int | None], leaf_bits: int = 64) -> Statement:
    return from_dict(
        {
            "name": "pinned",
            "version": 1,
            "relation": "per-asset",
            "leaf_bits": leaf_bits,
            "solvency_bits": 128,
            "assets": {n: ({} if d is None else {"decimals": d}) for n, d in assets.items()},
        }
    )


def generic(leaf_bits: int) -> Statement:
    return from_dict(
        {
            "name": "generic",
            "version": 1,
            "relation": "per-asset",
            "leaf_bits": leaf_bits,
            "solvency_bits": 128,
        }
    )


def raises(fn: Callable[[], Any], *needles: str) -> str:
    """Call ``fn``; it must raise InputError whose one-line message contains every needle."""
    with pytest.raises(InputError) as info:
        fn()
    msg = str(info.value)
    assert "\n" not in msg, msg
    assert "\r" not in msg, msg
    for needle in needles:
        assert needle in msg, f"{needle!r} not in {msg!r}"
    return msg


def write(tmp: Path, name: str, text: str | bytes) -> Path:
    p = tmp / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_bytes(text.encode("utf-8"))
    return p


def csv_file(tmp: Path, rows: list[str], name: str = "users.csv") -> Path:
    return write(tmp, name, "".join(r + "\n" for r in rows))


def json_file(tmp: Path, data: Any, name: str = "users.json") -> Path:
    return write(tmp, name, json.dumps(data))


# --------------------------------------------------------------------------- #
# Liabilities: happy paths
# --------------------------------------------------------------------------- #


def test_csv_basic(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,ETH", "alice,1,2", "bob,0,18446744073709551615"])
    liab = load_liabilities(p, GENERIC)
    assert liab.assets == ("BTC", "ETH")
    assert liab.statement.asset_names == ("BTC", "ETH")
    assert liab.user_ids == ["alice", "bob"]
    assert liab.balances.dtype == np.uint64
    assert liab.balances.shape == (2, 2)
    assert len(liab) == 2
    assert liab.balances_of(1) == {"BTC": 0, "ETH": 2**64 - 1}
    assert liab.source == str(p)
    assert not liab.balances.flags.writeable
    assert "alice" not in repr(liab)
    assert "18446744073709551615" not in repr(liab)


def test_csv_and_json_identical(tmp_path: Path) -> None:
    c = csv_file(tmp_path, ["user_id,BTC,ETH", "alice,1,2", "bob,3,4", "Zoë,0,5"])
    j = json_file(
        tmp_path,
        [
            {"user_id": "alice", "balances": {"BTC": "1", "ETH": "2"}},
            {"user_id": "bob", "balances": {"ETH": "4", "BTC": "3"}},  # order of record 1 wins
            {"balances": {"BTC": 0, "ETH": "5"}, "user_id": "Zoë"},  # a JSON integer is fine
        ],
    )
    a, b = load_liabilities(c, GENERIC), load_liabilities(j, GENERIC)
    assert a == b
    assert a.source != b.source


def test_csv_bom_is_stripped_and_crlf_accepted(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", b"\xef\xbb\xbfuser_id,BTC\r\nalice,7\r\n")
    liab = load_liabilities(p, GENERIC)
    assert liab.user_ids == ["alice"]
    assert liab.balances_of(0) == {"BTC": 7}


def test_csv_trailing_blank_lines_ignored(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", "user_id,BTC\nalice,7\n\n\n")
    assert len(load_liabilities(p, GENERIC)) == 1


def test_csv_quoted_fields(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", 'user_id,BTC\n"smith, john","5"\n')
    liab = load_liabilities(p, GENERIC)
    assert liab.user_ids == ["smith, john"]


def test_pinned_statement_binds_in_file_order(tmp_path: Path) -> None:
    statement = pinned({"ETH": 18, "BTC": 8})
    p = csv_file(tmp_path, ["user_id,BTC,ETH", "alice,1.5,0.000000000000000001"])
    liab = load_liabilities(p, statement)
    assert liab.assets == ("BTC", "ETH")
    assert liab.statement.asset_names == ("BTC", "ETH")
    assert [a.decimals for a in liab.statement.assets or ()] == [8, 18]
    assert liab.balances_of(0) == {"BTC": 150_000_000, "ETH": 1}


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("1.5", 150_000_000),
        ("0.00000001", 1),
        ("1", 100_000_000),
        ("0", 0),
        ("007.10", 710_000_000),
        ("184467440737.09551615", 2**64 - 1),
    ],
)
def test_decimals_conversion(tmp_path: Path, text: str, units: int) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", f"alice,{text}"])
    assert load_liabilities(p, pinned({"BTC": 8})).balances_of(0) == {"BTC": units}
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        assert units == int(decimal.Decimal(text).scaleb(8))


def test_max_leaf_value(tmp_path: Path) -> None:
    ok = csv_file(tmp_path, ["user_id,BTC", f"alice,{2**64 - 1}"])
    assert load_liabilities(ok, GENERIC).balances_of(0)["BTC"] == 2**64 - 1
    bad = csv_file(tmp_path, ["user_id,BTC", f"alice,{2**64}"])
    raises(lambda: load_liabilities(bad, GENERIC), "users.csv:2", "column BTC", "2^64")


def test_small_leaf_bits(tmp_path: Path) -> None:
    assert load_liabilities(csv_file(tmp_path, ["user_id,X", "a,255"]), generic(8)).balances_of(
        0
    ) == {"X": 255}
    p = csv_file(tmp_path, ["user_id,X", "a,1", "b,256"])
    raises(lambda: load_liabilities(p, generic(8)), "users.csv:3", "column X", "2^8", "255")


def test_decimals_over_limit(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,184467440737.09551616"])
    raises(lambda: load_liabilities(p, pinned({"BTC": 8})), "users.csv:2", "column BTC", "2^64")


def test_huge_number_rejected_quickly(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice," + "9" * 100_000])
    msg = raises(lambda: load_liabilities(p, GENERIC), "users.csv:2", "column BTC", "2^64")
    assert len(msg) < 300


# --------------------------------------------------------------------------- #
# Liabilities: bad CSV structure
# --------------------------------------------------------------------------- #


def test_csv_empty_file(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", "")
    raises(lambda: load_liabilities(p, GENERIC), "users.csv", "empty")


def test_csv_blank_only_file(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", "\n\n")
    raises(lambda: load_liabilities(p, GENERIC), "users.csv", "empty")


def test_csv_header_only(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv", "no users")


def test_csv_blank_line_before_header(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", "\nuser_id,BTC\na,1\n")
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:1", "blank line")


def test_csv_blank_line_in_middle(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,1", "", "bob,2"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "blank line")


def test_csv_missing_field(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,ETH", "alice,1,2", "bob,3"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "expected 3 fields", "found 2")


def test_csv_extra_field(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,ETH", "alice,1,2,3"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:2", "expected 3 fields", "found 4")


def test_csv_first_column_not_user_id(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["id,BTC", "alice,1"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:1", "user_id", "'id'")


def test_csv_no_asset_columns(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id", "alice"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:1", "no asset columns")


def test_csv_duplicate_asset_column(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,BTC", "alice,1,2"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:1", "'BTC'", "twice")


def test_csv_user_id_column_twice(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,user_id", "alice,1,2"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:1", "user_id", "twice")


@pytest.mark.parametrize("name", ["B TC", " BTC", "$BTC", "", "_x"])
def test_csv_bad_asset_name(tmp_path: Path, name: str) -> None:
    p = csv_file(tmp_path, [f"user_id,{name}", "alice,1"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:1", "asset name")


def test_pinned_missing_column(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,1"])
    raises(lambda: load_liabilities(p, pinned({"BTC": 8, "ETH": 18})), "users.csv", "missing ETH")


def test_pinned_unknown_asset(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,DOGE", "alice,1,2"])
    raises(lambda: load_liabilities(p, pinned({"BTC": 8})), "users.csv", "unknown DOGE")


def test_csv_invalid_utf8_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", b"user_id,BTC\nalice,1\nb\xffb,2\n")
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "UTF-8")


def test_csv_malformed_quoting(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", 'user_id,BTC\nalice,1\n"bo"b,2\n')
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "malformed CSV")


def test_csv_nul_byte(tmp_path: Path) -> None:
    p = write(tmp_path, "users.csv", "user_id,BTC\nal\0ice,1\n")
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:2")


def test_unknown_extension(tmp_path: Path) -> None:
    p = write(tmp_path, "users.xlsx", "")
    raises(lambda: load_liabilities(p, GENERIC), "users.xlsx", ".xlsx")


def test_missing_file(tmp_path: Path) -> None:
    raises(lambda: load_liabilities(tmp_path / "nope.csv", GENERIC), "nope.csv", "cannot read")


# --------------------------------------------------------------------------- #
# Liabilities: user IDs
# --------------------------------------------------------------------------- #


def test_duplicate_user_id_names_both_lines(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,1", "bob,2", "alice,3"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:4", "'alice'", "line 2")


def test_empty_user_id(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,1", ",2"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "empty user_id")


def test_user_id_length_limit(tmp_path: Path) -> None:
    ok = "é" * 64  # 128 bytes of UTF-8
    assert load_liabilities(csv_file(tmp_path, ["user_id,BTC", f"{ok},1"]), GENERIC).user_ids == [
        ok
    ]
    p = csv_file(tmp_path, ["user_id,BTC", "a,1", f"{ok}x,1"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "129 bytes", "128")


@pytest.mark.parametrize("uid", [" alice", "alice ", "alice\u00a0", "\u3000alice", '"alice\t"'])
def test_user_id_surrounding_whitespace(tmp_path: Path, uid: str) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "bob,1", f"{uid},1"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "whitespace")


@pytest.mark.parametrize(
    ("uid", "code"),
    [
        ("al\x07ice", "U+0007"),  # control
        ("al\u200bice", "U+200B"),  # zero-width space
        ("al\u202eice", "U+202E"),  # bidi override
        ("al\u00a0ice", "U+00A0"),  # no-break space looks like a space
        ("al\ufeffice", "U+FEFF"),  # BOM inside
        ('"al\nice"', "U+000A"),  # newline inside a quoted field
    ],
)
def test_user_id_control_or_invisible(tmp_path: Path, uid: str, code: str) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "bob,1", f"{uid},1"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", code)


def test_user_id_not_nfc(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "Zoe\u0308,1"])  # e + combining diaeresis
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:2", "NFC")


def test_visually_identical_ids_cannot_be_two_leaves(tmp_path: Path) -> None:
    # The NFC form is accepted; its decomposed twin is refused rather than becoming a 2nd leaf.
    p = csv_file(tmp_path, ["user_id,BTC", "Zo\u00eb,1", "Zoe\u0308,1"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "NFC")


def test_user_id_inner_space_allowed(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "john smith,1"])
    assert load_liabilities(p, GENERIC).user_ids == ["john smith"]


# --------------------------------------------------------------------------- #
# Liabilities: amounts
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("cell", "needle"),
    [
        ("-5", "negative"),
        ("-0", "negative"),
        ("1.5", "not an integer"),
        ("1e5", "not an integer"),
        ("0x10", "not an integer"),
        ('" 12"', "not an integer"),
        ('"12 "', "not an integer"),
        ("+3", "not an integer"),
        ("", "empty amount"),
        ("1_000", "not an integer"),
        ("\u0661\u0662", "not an integer"),  # Arabic-Indic digits: int() would accept them
        ("\u00b2", "not an integer"),  # superscript two: str.isdigit() is True
        ("NaN", "not an integer"),
        ("inf", "not an integer"),
    ],
)
def test_bad_integer_amount(tmp_path: Path, cell: str, needle: str) -> None:
    p = csv_file(tmp_path, ["user_id,BTC,ETH", "alice,1,1", f"bob,2,{cell}"])
    raises(lambda: load_liabilities(p, GENERIC), "users.csv:3", "column ETH", needle)


def test_negative_amount_message(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,-5"])
    msg = raises(lambda: load_liabilities(p, GENERIC))
    assert msg == f"{p}:2: column BTC: '-5' is negative"


@pytest.mark.parametrize(
    ("cell", "needle"),
    [
        ("1.000000001", "9 fractional digits"),
        ("1.", "not a decimal"),
        (".5", "not a decimal"),
        ("1,5", "expected 2 fields"),
        ('"1,5"', "not a decimal"),
        ("1e-8", "not a decimal"),
        ("-1.5", "negative"),
        ("+1.5", "not a decimal"),
        ("", "empty amount"),
        ("1.5.0", "not a decimal"),
    ],
)
def test_bad_decimal_amount(tmp_path: Path, cell: str, needle: str) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", f"alice,{cell}"])
    raises(lambda: load_liabilities(p, pinned({"BTC": 8})), "users.csv:2", needle)


def test_decimals_zero_rejects_fraction(tmp_path: Path) -> None:
    p = csv_file(tmp_path, ["user_id,BTC", "alice,1.0"])
    raises(lambda: load_liabilities(p, pinned({"BTC": 0})), "users.csv:2", "column BTC", "allows 0")


# --------------------------------------------------------------------------- #
# Liabilities: JSON
# --------------------------------------------------------------------------- #


def rec(uid: Any, **balances: Any) -> dict[str, Any]:
    return {"user_id": uid, "balances": balances}


def test_json_not_a_list(tmp_path: Path) -> None:
    p = json_file(tmp_path, {"user_id": "a"})
    raises(lambda: load_liabilities(p, GENERIC), "users.json", "list")


def test_json_empty_list(tmp_path: Path) -> None:
    p = json_file(tmp_path, [])
    raises(lambda: load_liabilities(p, GENERIC), "users.json", "no users")


def test_json_empty_file(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", "")
    raises(lambda: load_liabilities(p, GENERIC), "users.json", "empty")


def test_json_syntax_error_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[\n{"user_id": "a",\n "balances": {"BTC": "1"}\n,]')
    raises(lambda: load_liabilities(p, GENERIC), "users.json:4:", "invalid JSON")


def test_json_record_not_object(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), ["b", "2"]])
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 2", "object")


def test_json_extra_key(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), {**rec("b", BTC="2"), "email": "x"}])
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 2 (user 'b')", "'email'")


def test_json_missing_key(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), {"user_id": "b"}])
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 2", "missing balances")


def test_json_balances_not_object(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), {"user_id": "b", "balances": ["2"]}])
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 2 (user 'b')", "balances")


def test_json_different_asset_sets(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1", ETH="2"), rec("b", BTC="1", DOGE="3")])
    raises(
        lambda: load_liabilities(p, GENERIC),
        "users.json: record 2 (user 'b')",
        "missing ETH",
        "'DOGE'",
    )


def test_json_float_amount(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[{"user_id": "a", "balances": {"BTC": 1.5}}]')
    raises(
        lambda: load_liabilities(p, GENERIC),
        "users.json: record 1 (user 'a')",
        "asset BTC",
        "JSON number '1.5'",
    )


def test_json_exponent_amount(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[{"user_id": "a", "balances": {"BTC": 1e5}}]')
    raises(lambda: load_liabilities(p, GENERIC), "record 1 (user 'a')", "asset BTC", "1e5")


@pytest.mark.parametrize(("value", "needle"), [(True, "boolean"), (None, "null"), (-3, "negative")])
def test_json_bad_typed_amount(tmp_path: Path, value: Any, needle: str) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), rec("b", BTC=value)])
    raises(lambda: load_liabilities(p, GENERIC), "record 2 (user 'b')", "asset BTC", needle)


def test_json_nan_rejected(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[{"user_id": "a", "balances": {"BTC": NaN}}]')
    raises(lambda: load_liabilities(p, GENERIC), "users.json", "NaN")


def test_json_duplicate_key(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[{"user_id": "a", "balances": {"BTC": "1", "BTC": "9"}}]')
    raises(lambda: load_liabilities(p, GENERIC), "users.json", "duplicate key 'BTC'")


def test_json_duplicate_user(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), rec("b", BTC="1"), rec("a", BTC="2")])
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 3", "'a'", "record 1")


@pytest.mark.parametrize(("uid", "needle"), [(7, "string"), ("", "empty"), ("a\u0000", "U+0000")])
def test_json_bad_user_id(tmp_path: Path, uid: Any, needle: str) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1"), rec(uid, BTC="1")])
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 2", needle)


def test_json_float_user_id(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[{"user_id": 1.5, "balances": {"BTC": "1"}}]')
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 1", "string")


def test_json_lone_surrogate_user_id(tmp_path: Path) -> None:
    p = write(tmp_path, "users.json", '[{"user_id": "a\\ud800", "balances": {"BTC": "1"}}]')
    raises(lambda: load_liabilities(p, GENERIC), "users.json: record 1", "U+D800")


def test_json_amount_over_limit(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC=2**64)])
    raises(lambda: load_liabilities(p, GENERIC), "record 1 (user 'a')", "asset BTC", "2^64")


def test_json_decimals(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="0.00000001"), rec("b", BTC=2)])
    liab = load_liabilities(p, pinned({"BTC": 8}))
    assert liab.balances.tolist() == [[1], [200_000_000]]
    bad = json_file(tmp_path, [rec("a", BTC="1.000000001")])
    raises(lambda: load_liabilities(bad, pinned({"BTC": 8})), "record 1 (user 'a')", "asset BTC")


def test_json_pinned_mismatch_names_file(tmp_path: Path) -> None:
    p = json_file(tmp_path, [rec("a", BTC="1")])
    raises(lambda: load_liabilities(p, pinned({"ETH": 18})), "users.json", "missing ETH")


# --------------------------------------------------------------------------- #
# Liabilities: Parquet (optional)
# --------------------------------------------------------------------------- #


def parquet_file(tmp: Path, columns: dict[str, Any], name: str = "users.parquet") -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    p = tmp / name
    pq.write_table(pa.table(columns), p)
    return p


def test_parquet_matches_csv(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    p = parquet_file(
        tmp_path,
        {
            "user_id": ["alice", "bob"],
            "BTC": pa.array([1, 2**64 - 1], pa.uint64()),
            "ETH": pa.array(["2", "0"]),
            "USDT": pa.array([5, 0], pa.int32()),
        },
    )
    c = csv_file(tmp_path, ["user_id,BTC,ETH,USDT", "alice,1,2,5", f"bob,{2**64 - 1},0,0"])
    assert load_liabilities(p, GENERIC) == load_liabilities(c, GENERIC)


def test_parquet_decimals(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    p = parquet_file(
        tmp_path,
        {"user_id": ["a", "b"], "BTC": pa.array([3, 0], pa.int64()), "ETH": ["0.5", "1"]},
    )
    liab = load_liabilities(p, pinned({"BTC": 8, "ETH": 18}))
    assert liab.balances.tolist() == [[300_000_000, 5 * 10**17], [0, 10**18]]
    big = parquet_file(tmp_path, {"user_id": ["a"], "BTC": pa.array([184467440738], pa.int64())})
    raises(lambda: load_liabilities(big, pinned({"BTC": 8})), "row 1 (user 'a')", "2^64")


def test_parquet_negative_int(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    p = parquet_file(tmp_path, {"user_id": ["a", "b"], "BTC": pa.array([1, -5], pa.int64())})
    raises(
        lambda: load_liabilities(p, GENERIC), "users.parquet: row 2 (user 'b')", "BTC", "negative"
    )


def test_parquet_bad_string_amount(tmp_path: Path) -> None:
    p = parquet_file(tmp_path, {"user_id": ["a", "b"], "BTC": ["1", "1.5"]})
    raises(lambda: load_liabilities(p, GENERIC), "users.parquet: row 2 (user 'b')", "column BTC")


def test_parquet_float_column(tmp_path: Path) -> None:
    p = parquet_file(tmp_path, {"user_id": ["a"], "BTC": [1.5]})
    raises(lambda: load_liabilities(p, GENERIC), "users.parquet", "column BTC", "double")


def test_parquet_null_amount(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    p = parquet_file(tmp_path, {"user_id": ["a", "b"], "BTC": pa.array([1, None], pa.int64())})
    raises(lambda: load_liabilities(p, GENERIC), "row 2 (user 'b')", "null")


def test_parquet_structure(tmp_path: Path) -> None:
    p = parquet_file(tmp_path, {"BTC": ["1"], "user_id": ["a"]})
    raises(lambda: load_liabilities(p, GENERIC), "users.parquet", "first column")
    p = parquet_file(tmp_path, {"user_id": ["a", "a"], "BTC": ["1", "2"]})
    raises(lambda: load_liabilities(p, GENERIC), "row 2", "duplicate", "row 1")
    p = parquet_file(tmp_path, {"user_id": [1], "BTC": ["1"]})
    raises(lambda: load_liabilities(p, GENERIC), "users.parquet", "user_id", "string")
    p = parquet_file(tmp_path, {"user_id": ["a"], "BTC": ["1"]})
    raises(lambda: load_liabilities(p, pinned({"ETH": 1})), "users.parquet", "missing ETH")


def test_parquet_not_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    p = write(tmp_path, "users.parquet", "user_id,BTC\na,1\n")
    raises(lambda: load_liabilities(p, GENERIC), "users.parquet", "Parquet")


def test_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    p = write(tmp_path, "users.parquet", b"PAR1")
    raises(lambda: load_liabilities(p, GENERIC), "users.parquet", "zksolvency[parquet]")


# --------------------------------------------------------------------------- #
# Liabilities: round trip property
# --------------------------------------------------------------------------- #

_ID_CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "M"), exclude_characters=","
)
_IDS = st.text(_ID_CHARS, min_size=1, max_size=12).filter(
    lambda s: s == s.strip() and s.isprintable() and len(s.encode()) <= 128
)


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[int]]]:
    assets = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,5}", fullmatch=True).filter(
                lambda a: a != "user_id"
            ),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    ids = draw(
        st.lists(
            _IDS.map(_nfc).filter(lambda s: s == s.strip() and s.isprintable()),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    values = st.one_of(st.integers(0, 2**64 - 1), st.sampled_from([0, 1, 2**64 - 1, 2**63]))
    rows = [draw(st.lists(values, min_size=len(assets), max_size=len(assets))) for _ in ids]
    return assets, ids, rows


def _write_csv(path: Path, assets: list[str], ids: list[str], rows: list[list[int]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["user_id", *assets])
        for uid, row in zip(ids, rows, strict=True):
            w.writerow([uid, *map(str, row)])


def _write_json(path: Path, assets: list[str], ids: list[str], rows: list[list[int]]) -> None:
    data = [
        {"user_id": uid, "balances": {a: str(v) for a, v in zip(assets, row, strict=True)}}
        for uid, row in zip(ids, rows, strict=True)
    ]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_roundtrip_csv_json(table: tuple[list[str], list[str], list[list[int]]]) -> None:
    assets, ids, rows = table
    with tempfile.TemporaryDirectory() as d:
        c, j = Path(d) / "t.csv", Path(d) / "t.json"
        _write_csv(c, assets, ids, rows)
        _write_json(j, assets, ids, rows)
        a, b = load_liabilities(c, GENERIC), load_liabilities(j, GENERIC)
    assert a == b
    assert a.assets == tuple(assets)
    assert a.user_ids == ids
    assert a.balances.tolist() == rows
    assert [a.balances_of(i) for i in range(len(a))] == [
        dict(zip(assets, r, strict=True)) for r in rows
    ]


def _format_units(units: int, d: int, pad: int) -> str:
    """Base units as a decimal string with ``pad`` optional trailing zeros (≤ d digits)."""
    whole, frac = divmod(units, 10**d)
    digits = str(frac).rjust(d, "0") if d else ""
    n = min(d, len(digits.rstrip("0")) + pad)
    return f"{whole}.{digits[:n]}" if n else str(whole)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 30), st.integers(0, 2**64 - 1), st.integers(0, 3))
def test_decimal_strings_roundtrip(d: int, units: int, pad: int) -> None:
    text = _format_units(units, d, pad)
    with tempfile.TemporaryDirectory() as tmp:
        p = csv_file(Path(tmp), ["user_id,X", f"a,{text}"])
        assert load_liabilities(p, pinned({"X": d})).balances_of(0) == {"X": units}


# --------------------------------------------------------------------------- #
# Reserves
# --------------------------------------------------------------------------- #


def reserves_file(tmp: Path, data: Any, name: str = "reserves.json") -> Path:
    return write(tmp, name, data if isinstance(data, str) else json.dumps(data))


def test_reserves_ok_ordered_and_raw(tmp_path: Path) -> None:
    # Entries are checked for form here; signatures in tests/test_reserves.py.
    entry = {
        "chain": "ethereum",
        "address": "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E",
        "amount": "5",
        "height": 1,
        "signature": "0x" + "11" * 64 + "1b",
    }
    data = {
        "epoch": "2026-11",
        "custodian": "Example",
        "message": MESSAGE_TEMPLATE,
        "assets": {
            "ETH": {"total": "5", "entries": [entry]},
            "BTC": {"total": "2100000000000"},
        },
    }
    res = load_reserves(reserves_file(tmp_path, data), ["BTC", "ETH"], "2026-11")
    assert res.epoch == "2026-11"
    assert res.totals == {"BTC": 2_100_000_000_000, "ETH": 5}
    assert list(res.totals) == ["BTC", "ETH"]
    assert res.raw == data


def test_reserves_max_total(tmp_path: Path) -> None:
    ok = reserves_file(tmp_path, {"epoch": "e", "assets": {"X": {"total": str(2**128 - 1)}}})
    assert load_reserves(ok, ["X"], "e").totals == {"X": 2**128 - 1}
    bad = reserves_file(tmp_path, {"epoch": "e", "assets": {"X": {"total": str(2**128)}}})
    raises(lambda: load_reserves(bad, ["X"], "e"), "reserves.json", "asset X", "2^128")


@pytest.mark.parametrize(
    ("total", "needle"),
    [
        (2100000000000, "2^53"),
        (1.5, "2^53"),
        ("007", "leading zeros"),
        ("00", "leading zeros"),
        ("-5", "negative"),
        ("1.5", "not a decimal string"),
        ("", "not a decimal string"),
        (" 1", "not a decimal string"),
        (None, "null"),
        (True, "boolean"),
        ("9" * 5000, "2^128"),
    ],
)
def test_reserves_bad_total(tmp_path: Path, total: Any, needle: str) -> None:
    data = {"epoch": "e", "assets": {"BTC": {"total": "1"}, "ETH": {"total": total}}}
    p = reserves_file(tmp_path, data)
    msg = raises(
        lambda: load_reserves(p, ["BTC", "ETH"], "e"), "reserves.json", "asset ETH", needle
    )
    assert len(msg) < 300


def test_reserves_missing_asset(tmp_path: Path) -> None:
    p = reserves_file(tmp_path, {"epoch": "e", "assets": {"BTC": {"total": "1"}}})
    raises(lambda: load_reserves(p, ["BTC", "ETH"], "e"), "reserves.json", "missing ETH")


def test_reserves_extra_asset(tmp_path: Path) -> None:
    p = reserves_file(
        tmp_path, {"epoch": "e", "assets": {"BTC": {"total": "1"}, "FTT": {"total": "9"}}}
    )
    raises(lambda: load_reserves(p, ["BTC"], "e"), "reserves.json", "'FTT'")


def test_reserves_epoch_mismatch(tmp_path: Path) -> None:
    p = reserves_file(tmp_path, {"epoch": "2026-10", "assets": {"BTC": {"total": "1"}}})
    raises(lambda: load_reserves(p, ["BTC"], "2026-11"), "reserves.json", "2026-10", "2026-11")


def test_reserves_bad_epoch_in_file(tmp_path: Path) -> None:
    p = reserves_file(tmp_path, {"epoch": "2026 11", "assets": {"BTC": {"total": "1"}}})
    raises(lambda: load_reserves(p, ["BTC"], "2026 11"), "--epoch")
    raises(lambda: load_reserves(p, ["BTC"], "2026-11"), "reserves.json", "epoch")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ([], "JSON object"),
        ({"epoch": "e"}, "missing key(s) 'assets'"),
        ({"epoch": "e", "assets": {}, "signer": "x"}, "'signer'"),
        ({"epoch": "e", "assets": []}, "'assets' must be an object"),
        ({"epoch": "e", "assets": {"BTC": "1"}}, "asset BTC"),
        ({"epoch": "e", "assets": {"BTC": {"total": "1", "note": "x"}}}, "asset BTC: unknown"),
        ({"epoch": "e", "assets": {"BTC": {"total": "1", "entries": {}}}}, "'entries' must be"),
        ({"epoch": "e", "assets": {"BTC": {"entries": []}}}, "missing 'total'"),
        ('{"epoch": "e", "epoch": "e", "assets": {}}', "duplicate key 'epoch'"),
        ('{"epoch": "e", "assets": {"BTC": {"total": "1", "entries": [NaN]}}}', "NaN"),
        ("{", "reserves.json:1:"),
    ],
)
def test_reserves_bad_structure(tmp_path: Path, data: Any, needle: str) -> None:
    p = reserves_file(tmp_path, data)
    raises(lambda: load_reserves(p, ["BTC"], "e"), "reserves.json", needle)


def test_reserves_missing_file(tmp_path: Path) -> None:
    raises(lambda: load_reserves(tmp_path / "r.json", ["BTC"], "e"), "r.json", "cannot read")


@pytest.mark.parametrize("epoch", ["2026-11", "e", "a" * 64, "2026-11-21T00:00:00", "v1.2_x"])
def test_check_epoch_ok(epoch: str) -> None:
    assert check_epoch(epoch) == epoch


@pytest.mark.parametrize("epoch", ["", "a" * 65, "2026 11", "2026/11", "é", "a\n", None, 2026])
def test_check_epoch_bad(epoch: Any) -> None:
    raises(lambda: check_epoch(epoch), "epoch")


# --------------------------------------------------------------------------- #
# Secrets
# --------------------------------------------------------------------------- #


def test_secret_roundtrip_and_mode(tmp_path: Path) -> None:
    p = tmp_path / "master.key"
    old = os.umask(0)
    try:
        write_secret(p)
    finally:
        os.umask(old)
    text = p.read_text()
    assert len(text) == 65
    assert text.endswith("\n")
    assert text[:64] == text[:64].lower()
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    secret = read_secret(p)
    assert secret == bytes.fromhex(text.strip())
    assert len(secret) == 32


def test_secret_refuses_overwrite(tmp_path: Path) -> None:
    p = tmp_path / "master.key"
    write_secret(p)
    before = p.read_bytes()
    raises(lambda: write_secret(p), "master.key", "overwrite")
    assert p.read_bytes() == before


def test_secret_refuses_symlink_target(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "master.key").symlink_to(target)
    raises(lambda: write_secret(tmp_path / "master.key"), "master.key")
    assert not target.exists()


def _secret_file(tmp: Path, content: bytes, mode: int = 0o600) -> Path:
    p = tmp / "master.key"
    p.write_bytes(content)
    p.chmod(mode)
    return p


GOOD_HEX = bytes(range(0, 256, 8)).hex()  # 32 distinct bytes


def test_secret_whitespace_and_uppercase(tmp_path: Path) -> None:
    p = _secret_file(tmp_path, f"\n  {GOOD_HEX.upper()}\r\n\n".encode())
    assert read_secret(p) == bytes.fromhex(GOOD_HEX)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        GOOD_HEX[:-2].encode(),
        (GOOD_HEX + "00").encode(),
        GOOD_HEX.encode() * 2,
        b"x" * 10_000,
    ],
)
def test_secret_wrong_size(tmp_path: Path, content: bytes) -> None:
    p = _secret_file(tmp_path, content)
    raises(lambda: read_secret(p), "master.key", "64 hex")


@pytest.mark.parametrize(
    "content",
    [
        ("g" + GOOD_HEX[1:]).encode(),
        (GOOD_HEX[:30] + " " + GOOD_HEX[31:]).encode(),
        ("0x" + GOOD_HEX[2:]).encode(),
        GOOD_HEX[:-1].encode() + b"\xff",
    ],
)
def test_secret_non_hex(tmp_path: Path, content: bytes) -> None:
    p = _secret_file(tmp_path, content)
    msg = raises(lambda: read_secret(p), "master.key", "hex")
    assert GOOD_HEX[2:30] not in msg


@pytest.mark.parametrize("secret", [b"\x00" * 32, b"\xaa" * 32, bytes(range(15)) * 2 + b"\x00\x01"])
def test_secret_low_entropy(tmp_path: Path, secret: bytes) -> None:
    p = _secret_file(tmp_path, secret.hex().encode())
    msg = raises(lambda: read_secret(p), "master.key", "low entropy")
    assert secret.hex() not in msg


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o660, 0o644, 0o700 | 0o007])
def test_secret_group_or_other_access(tmp_path: Path, mode: int) -> None:
    if os.name != "posix":
        pytest.skip("permission bits are POSIX")
    p = _secret_file(tmp_path, GOOD_HEX.encode(), mode)
    msg = raises(lambda: read_secret(p), "master.key", "chmod 600")
    assert GOOD_HEX not in msg


def test_secret_missing_or_directory(tmp_path: Path) -> None:
    raises(lambda: read_secret(tmp_path / "none.key"), "none.key")
    d = tmp_path / "dir.key"
    d.mkdir(mode=0o700)
    raises(lambda: read_secret(d), "dir.key")


def test_liabilities_equality_semantics(tmp_path: Path) -> None:
    a = load_liabilities(csv_file(tmp_path, ["user_id,BTC", "a,1"]), GENERIC)
    b = load_liabilities(csv_file(tmp_path, ["user_id,BTC", "a,2"], "other.csv"), GENERIC)
    assert a != b
    assert a != "not liabilities"
    assert isinstance(a, Liabilities)
