"""The command line, end to end through Typer's CliRunner.

Every failure must exit with the documented code (1 proof failed / insolvent,
2 bad input, usage or format), print exactly one line that names the file and
where the problem is, and write nothing: neither the ``--out`` path nor a stray
``.<name>.tmp-*`` entry. No command ever prints the master secret.

Proving is the expensive part, so one tiny bundle (10 users, 16 padded leaves,
batches of 4, one worker) is proven once per module and copied where a test
needs to tamper with it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from zksolvency.circuits import canonical_json
from zksolvency.cli import app

EPOCH = "2026-11"
ASSETS = ("BTC", "ETH")
FAST = ("--leaves", "16", "--batch-size", "4", "--workers", "1", "--quiet")
PINNED_TOML = """\
[statement]
name = "pinned-btc-eth"
version = 1
relation = "per-asset"
leaf_bits = 64
solvency_bits = 128

[assets]
BTC = {}
ETH = {}
"""

RUNNER = CliRunner()
# Hex of every master secret a test created: no command may ever print one.
_SECRETS: set[str] = set()


def _users(n: int = 10, seed: int = 7) -> list[tuple[str, int, int]]:
    rnd = random.Random(seed)
    return [(f"user-{i}", rnd.randrange(10**8), rnd.randrange(10**12)) for i in range(n)]


USERS = _users()
TOTALS = {a: sum(u[1 + j] for u in USERS) for j, a in enumerate(ASSETS)}


def _csv(rows: list[tuple[Any, ...]] | None = None, header: str = "user_id,BTC,ETH") -> str:
    rows = USERS if rows is None else rows
    return header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


def _reserves(totals: dict[str, Any] | None = None, epoch: str = EPOCH) -> dict[str, Any]:
    totals = {a: str(v + 1000) for a, v in TOTALS.items()} if totals is None else totals
    return {"epoch": epoch, "assets": {a: {"total": t} for a, t in totals.items()}}


# -- helpers --------------------------------------------------------------------------


def run(*args: str | Path) -> Result:
    """Invoke the app; never a traceback, never a secret in the output."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for hexkey in _SECRETS:
        for text in (result.stdout, result.stderr):
            assert hexkey not in text.lower(), "the master secret was printed"
    return result


def one_line(result: Result, code: int, *needles: str, prefix: str = "error:") -> str:
    """Assert the exit code and that stderr is exactly one line containing every needle."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line of error output, got {lines!r}"
    line = lines[0]
    assert line.startswith(prefix), line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Names and contents (files) of everything under ``directory``."""
    return {
        str(p.relative_to(directory)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(directory.rglob("*"))
    }


def no_stray_tmp(directory: Path) -> None:
    stray = [p.name for p in directory.iterdir() if ".tmp-" in p.name]
    assert not stray, f"temporary entries left behind: {stray}"


def nothing_written(out: Path) -> None:
    assert not out.exists()
    assert not out.is_symlink()
    no_stray_tmp(out.parent)


def make_key(path: Path) -> str:
    result = run("keygen", "--out", path)
    assert result.exit_code == 0, result.output
    text = path.read_text().strip()
    _SECRETS.add(text.lower())
    return text


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """users.csv, reserves.json and master.key of a small solvent exchange."""
    d = tmp_path_factory.mktemp("exchange")
    (d / "users.csv").write_text(_csv())
    (d / "reserves.json").write_text(json.dumps(_reserves()))
    make_key(d / "master.key")
    return {
        "dir": d,
        "users": d / "users.csv",
        "reserves": d / "reserves.json",
        "key": d / "master.key",
    }


@pytest.fixture(scope="module")
def proven(exchange: dict[str, Path]) -> tuple[Path, Result]:
    """One bundle proven through the CLI, and the prove command's result."""
    out = exchange["dir"] / "bundle"
    result = run(
        "prove",
        "--liabilities",
        exchange["users"],
        "--reserves",
        exchange["reserves"],
        "--secret",
        exchange["key"],
        "--epoch",
        EPOCH,
        "--out",
        out,
        *FAST,
    )
    assert result.exit_code == 0, result.output
    os.chmod(out, 0o555)  # tests must copy the bundle before tampering with it
    return out, result


@pytest.fixture(scope="module")
def bundle_dir(proven: tuple[Path, Result]) -> Path:
    return proven[0]


@pytest.fixture
def bundle_copy(bundle_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    shutil.copytree(bundle_dir, out)
    os.chmod(out, 0o755)
    return out


@pytest.fixture(scope="module")
def alice_proof(exchange: dict[str, Path], bundle_dir: Path) -> Path:
    """An inclusion proof for user-0 made through the CLI."""
    out = exchange["dir"] / "proofs" / "user-0.json"
    out.parent.mkdir()
    result = run(
        "inclusion",
        "--bundle",
        bundle_dir,
        "--liabilities",
        exchange["users"],
        "--secret",
        exchange["key"],
        "--user",
        "user-0",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    no_stray_tmp(out.parent)
    return out


# -- keygen ---------------------------------------------------------------------------


def test_keygen_writes_a_0600_hex_secret(tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    text = make_key(key)
    assert len(text) == 64
    assert all(c in "0123456789abcdef" for c in text)
    assert key.read_text() == text + "\n"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    no_stray_tmp(tmp_path)


def test_keygen_refuses_to_overwrite(tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    make_key(key)
    before = key.read_bytes()
    result = run("keygen", "--out", key)
    one_line(result, 2, str(key), "already exists")
    assert key.read_bytes() == before
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.key"]


# -- prove: bad inputs ----------------------------------------------------------------

LONG_ID = "x" * 129
USERS_FILE = "users.csv"
RESERVES_FILE = "reserves.json"

# (id, users.csv text, reserves object or raw text, needles: (file, *where))
BAD_PROVE_INPUTS = [
    ("missing-field", _csv([*USERS[:2], ("bob", 5)]), None, (USERS_FILE, ":4:", "found 2")),
    ("extra-field", _csv([("bob", 5, 6, 7)]), None, (USERS_FILE, ":2:", "found 4")),
    ("no-user-id-column", _csv(header="id,BTC,ETH"), None, (USERS_FILE, ":1:", "user_id")),
    ("empty-file", "", None, (USERS_FILE, "empty file")),
    ("header-only", "user_id,BTC,ETH\n", None, (USERS_FILE, "no users")),
    (
        "duplicate-id",
        _csv([*USERS[:3], (USERS[1][0], 1, 2)]),
        None,
        (USERS_FILE, ":5:", "duplicate user_id 'user-1'", "line 3"),
    ),
    ("empty-id", _csv([USERS[0], ("", 1, 2)]), None, (USERS_FILE, ":3:", "empty user_id")),
    (
        "long-id",
        _csv([USERS[0], (LONG_ID, 1, 2)]),
        None,
        (USERS_FILE, ":3:", "129 bytes", "max 128"),
    ),
    (
        "negative",
        _csv([USERS[0], ("bob", 1, -5)]),
        None,
        (USERS_FILE, ":3:", "column ETH", "negative"),
    ),
    (
        "non-integer",
        _csv([("bob", "abc", 1)]),
        None,
        (USERS_FILE, ":2:", "column BTC", "not an integer"),
    ),
    ("exponent", _csv([("bob", "1e5", 1)]), None, (USERS_FILE, ":2:", "column BTC", "'1e5'")),
    ("decimal-point", _csv([("bob", 1, "1.0")]), None, (USERS_FILE, ":2:", "column ETH", "'1.0'")),
    (
        "too-large",
        _csv([("bob", 2**64, 1)]),
        None,
        (USERS_FILE, ":2:", "column BTC", "2^64"),
    ),
    (
        "reserves-missing-asset",
        _csv(),
        _reserves({"BTC": str(TOTALS["BTC"])}),
        (RESERVES_FILE, "missing ETH"),
    ),
    (
        "reserves-extra-asset",
        _csv(),
        _reserves({**{a: str(v) for a, v in TOTALS.items()}, "DOGE": "1"}),
        (RESERVES_FILE, "DOGE"),
    ),
    (
        "reserves-json-number",
        _csv(),
        _reserves({"BTC": TOTALS["BTC"], "ETH": str(TOTALS["ETH"])}),
        (RESERVES_FILE, "asset BTC", "JSON number"),
    ),
    (
        "reserves-epoch-mismatch",
        _csv(),
        _reserves(epoch="2026-10"),
        (RESERVES_FILE, "'2026-10'", EPOCH),
    ),
    ("reserves-bad-json", _csv(), '{"epoch": "2026-11",\n  "assets": }', (RESERVES_FILE, ":2:")),
]


@pytest.fixture
def prove_in(tmp_path: Path, exchange: dict[str, Path]) -> Callable[..., Result]:
    """Run ``prove`` from tmp_path with the given files; check that nothing was written."""

    def go(
        users: str | None = None,
        reserves: Any = None,
        key: Path | None = None,
        extra: tuple[str, ...] = (),
        out: Path | None = None,
    ) -> Result:
        (tmp_path / USERS_FILE).write_text(_csv() if users is None else users)
        if isinstance(reserves, str):
            (tmp_path / RESERVES_FILE).write_text(reserves)
        else:
            (tmp_path / RESERVES_FILE).write_text(json.dumps(reserves or _reserves()))
        out = out or tmp_path / "bundle"
        existed = out.exists()
        before = snapshot(tmp_path)
        result = run(
            "prove",
            "--liabilities",
            tmp_path / USERS_FILE,
            "--reserves",
            tmp_path / RESERVES_FILE,
            "--secret",
            key or exchange["key"],
            "--epoch",
            EPOCH,
            "--out",
            out,
            *extra,
            *FAST,
        )
        assert result.exit_code != 0
        assert snapshot(tmp_path) == before, "a failed prove changed the directory"
        if not existed:
            nothing_written(out)
        no_stray_tmp(tmp_path)
        return result

    return go


@pytest.mark.parametrize(
    ("users", "reserves", "needles"),
    [case[1:] for case in BAD_PROVE_INPUTS],
    ids=[case[0] for case in BAD_PROVE_INPUTS],
)
def test_prove_rejects_bad_input(
    prove_in: Any, tmp_path: Path, users: str, reserves: Any, needles: tuple[str, ...]
) -> None:
    result = prove_in(users, reserves)
    name, *where = needles
    one_line(result, 2, str(tmp_path / name), *where)


@pytest.mark.parametrize(
    ("header", "needles"),
    [
        ("user_id,BTC", ("missing ETH",)),
        ("user_id,BTC,ETH,DOGE", ("unknown DOGE",)),
        ("user_id,BTC,DOGE", ("missing ETH", "unknown DOGE")),
    ],
    ids=["missing-column", "extra-column", "unknown-asset"],
)
def test_prove_rejects_columns_not_in_pinned_statement(
    prove_in: Any, tmp_path: Path, header: str, needles: tuple[str, ...]
) -> None:
    statement = tmp_path / "pinned.toml"
    statement.write_text(PINNED_TOML)
    width = header.count(",")
    rows = [(u[0], *([1] * width)) for u in USERS[:3]]
    result = prove_in(_csv(rows, header), extra=("--statement", str(statement)))
    one_line(result, 2, str(tmp_path / USERS_FILE), ":1:", "statement", *needles)


def test_prove_json_liabilities_float_amount_names_record_and_user(
    tmp_path: Path, exchange: dict[str, Path]
) -> None:
    users = tmp_path / "users.json"
    records = [{"user_id": u, "balances": {"BTC": str(b), "ETH": str(e)}} for u, b, e in USERS]
    text = json.dumps(records).replace(f'"BTC": "{USERS[1][1]}"', '"BTC": 1.5')
    users.write_text(text)
    out = tmp_path / "bundle"
    result = run(
        "prove",
        "--liabilities",
        users,
        "--reserves",
        exchange["reserves"],
        "--secret",
        exchange["key"],
        "--epoch",
        EPOCH,
        "--out",
        out,
        *FAST,
    )
    one_line(result, 2, str(users), "record 2", "'user-1'", "asset BTC", "JSON number")
    nothing_written(out)


def test_prove_rejects_missing_secret(prove_in: Any, tmp_path: Path) -> None:
    key = tmp_path / "nope.key"
    one_line(prove_in(key=key), 2, str(key), "cannot read secret")


def test_prove_rejects_wrong_size_secret(prove_in: Any, tmp_path: Path) -> None:
    key = tmp_path / "short.key"
    short = os.urandom(31).hex()
    _SECRETS.add(short)
    key.write_text(short + "\n")
    key.chmod(0o600)
    one_line(prove_in(key=key), 2, str(key), "64 hex characters", "found 62")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_prove_rejects_secret_readable_by_others(
    prove_in: Any, tmp_path: Path, exchange: dict[str, Path], mode: int
) -> None:
    key = tmp_path / "open.key"
    shutil.copyfile(exchange["key"], key)
    key.chmod(mode)
    one_line(prove_in(key=key), 2, str(key), "group or others", f"{mode:03o}")


def test_prove_refuses_existing_output(prove_in: Any, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    one_line(prove_in(out=out), 2, str(out), "already exists")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "mine"


def test_prove_rejects_unknown_curve(prove_in: Any) -> None:
    one_line(prove_in(extra=("--curve", "ed25519")), 2, "unknown curve", "'ed25519'")


def test_prove_refuses_insolvent_asset(prove_in: Any) -> None:
    totals = {"BTC": str(TOTALS["BTC"]), "ETH": str(TOTALS["ETH"] - 1)}
    result = prove_in(reserves=_reserves(totals))
    one_line(result, 1, "insolvent in ETH")
    assert "BTC" not in result.stderr


# -- prove + verify -------------------------------------------------------------------


def test_prove_reports_the_bundle(proven: tuple[Path, Result]) -> None:
    out, result = proven
    assert sorted(p.name for p in out.iterdir()) == [
        "leaves.bin",
        "manifest.json",
        "rangeproofs.bin",
        "solvency.bin",
    ]
    assert "10 users" in result.stdout
    root = json.loads((out / "manifest.json").read_text())["root"]["hash"]
    assert f"root hash {root}" in result.stdout
    assert result.stderr == ""
    no_stray_tmp(out.parent)


def test_verify_good_bundle(bundle_dir: Path) -> None:
    result = run("verify", bundle_dir, "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "VERIFIED" in result.stdout
    result = run("verify", bundle_dir, "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["epoch"] == EPOCH
    assert report["assets"] == list(ASSETS)
    assert report["padded_leaves"] == 16
    assert report["range_proofs"] == 2 * 16 // 4
    assert report["reserves"] == {a: str(v + 1000) for a, v in TOTALS.items()}


def verify_fails(bundle: Path, code: int | tuple[int, ...], *needles: str) -> None:
    """Both the human and the --json form of a failed verification."""
    codes = (code,) if isinstance(code, int) else code
    text = run("verify", bundle, "--workers", "1", "--quiet")
    assert text.exit_code in codes, text.output
    one_line(text, text.exit_code, *needles, prefix="verification FAILED:")
    as_json = run("verify", bundle, "--workers", "1", "--json")
    assert as_json.exit_code == text.exit_code
    lines = as_json.stdout.splitlines()
    assert len(lines) == 1, lines
    report = json.loads(lines[0])
    assert set(report) == {"ok", "error"}
    assert report["ok"] is False
    for needle in needles:
        assert needle in report["error"]
    assert as_json.stderr == ""


@pytest.mark.parametrize("name", ["leaves.bin", "rangeproofs.bin", "solvency.bin"])
@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_verify_rejects_damaged_file(bundle_copy: Path, name: str, damage: str) -> None:
    path = bundle_copy / name
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        del data[-1]
    else:
        data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    verify_fails(bundle_copy, (1, 2), name)


def _edit_manifest(bundle: Path, edit: Any) -> None:
    path = bundle / "manifest.json"
    m = json.loads(path.read_text())
    edit(m)
    path.write_bytes(canonical_json(m) + b"\n")


def test_verify_rejects_raised_reserves(bundle_copy: Path) -> None:
    def raise_eth(m: dict[str, Any]) -> None:
        m["reserves"]["ETH"] = str(int(m["reserves"]["ETH"]) + 10**9)

    _edit_manifest(bundle_copy, raise_eth)
    verify_fails(bundle_copy, 1, "solvency.bin", "asset ETH")


def test_verify_rejects_future_format(bundle_copy: Path) -> None:
    _edit_manifest(bundle_copy, lambda m: m.update(format="zksolvency-bundle/v2"))
    verify_fails(bundle_copy, (1, 2), "manifest.json", "zksolvency-bundle/v2", "not supported")


def test_verify_rejects_non_canonical_manifest(bundle_copy: Path) -> None:
    path = bundle_copy / "manifest.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=1))
    verify_fails(bundle_copy, (1, 2), "manifest.json", "canonical")


def test_verify_rejects_missing_directory(tmp_path: Path) -> None:
    verify_fails(tmp_path / "nope", 2, str(tmp_path / "nope"), "not a bundle directory")


# -- inclusion ------------------------------------------------------------------------


def test_inclusion_round_trip(alice_proof: Path, bundle_dir: Path) -> None:
    result = run("verify-inclusion", alice_proof, "--bundle", bundle_dir)
    assert result.exit_code == 0, result.output
    _, btc, eth = USERS[0]
    assert "included: user user-0" in result.stdout
    assert f"BTC={btc}" in result.stdout
    assert f"ETH={eth}" in result.stdout
    assert f"epoch {EPOCH}" in result.stdout


def test_verify_inclusion_against_root(alice_proof: Path, bundle_dir: Path) -> None:
    root = json.loads((bundle_dir / "manifest.json").read_text())["root"]["hash"]
    assert run("verify-inclusion", alice_proof, "--root", root).exit_code == 0
    wrong = f"{int(root[0], 16) ^ 1:x}{root[1:]}"
    one_line(run("verify-inclusion", alice_proof, "--root", wrong), 1, "published root")
    one_line(run("verify-inclusion", alice_proof, "--root", "zz"), 2, "--root", "hex")
    one_line(run("verify-inclusion", alice_proof, "--root", "ab" * 31), 2, "--root", "32 bytes")


def test_verify_inclusion_expected_balances(alice_proof: Path, bundle_dir: Path) -> None:
    _, btc, eth = USERS[0]
    ok = run("verify-inclusion", alice_proof, "--bundle", bundle_dir, "--expect", f"BTC={btc}")
    assert ok.exit_code == 0, ok.output
    both = f"BTC={btc},ETH={eth}"
    assert (
        run("verify-inclusion", alice_proof, "--bundle", bundle_dir, "--expect", both).exit_code
        == 0
    )
    bad = run("verify-inclusion", alice_proof, "--bundle", bundle_dir, "--expect", f"BTC={btc + 1}")
    one_line(bad, 1, "balance of BTC", str(btc), str(btc + 1))
    malformed = run("verify-inclusion", alice_proof, "--bundle", bundle_dir, "--expect", "BTC=1.5")
    one_line(malformed, 2, "--expect", "'BTC=1.5'")


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ("balance", 1),
        ("user_id", 1),
        ("index", (1, 2)),
        ("truncate", 2),
        ("future-format", 2),
    ],
)
def test_verify_inclusion_rejects_tampered_proof(
    alice_proof: Path, bundle_dir: Path, tmp_path: Path, tamper: str, code: int | tuple[int, ...]
) -> None:
    data = alice_proof.read_bytes()
    obj = json.loads(data)
    if tamper == "balance":
        obj["balances"][0] = str(int(obj["balances"][0]) + 1)
    elif tamper == "user_id":
        obj["user_id"] = "user-1"
    elif tamper == "index":
        obj["index"] ^= 1
    elif tamper == "future-format":
        obj["format"] = "zksolvency-inclusion/v2"
    bad = data[: len(data) // 2] if tamper == "truncate" else canonical_json(obj) + b"\n"
    path = tmp_path / "bad.json"
    path.write_bytes(bad)
    result = run("verify-inclusion", path, "--bundle", bundle_dir)
    codes = (code,) if isinstance(code, int) else code
    assert result.exit_code in codes
    one_line(result, result.exit_code, "inclusion proof")


def test_verify_inclusion_needs_exactly_one_of_bundle_or_root(
    alice_proof: Path, bundle_dir: Path
) -> None:
    root = json.loads((bundle_dir / "manifest.json").read_text())["root"]["hash"]
    neither = run("verify-inclusion", alice_proof)
    both = run("verify-inclusion", alice_proof, "--bundle", bundle_dir, "--root", root)
    for result in (neither, both):
        one_line(result, 2, "exactly one of --bundle DIR or --root HEX")


def test_verify_inclusion_missing_proof_file(tmp_path: Path, bundle_dir: Path) -> None:
    path = tmp_path / "nope.json"
    one_line(run("verify-inclusion", path, "--bundle", bundle_dir), 2, str(path), "cannot read")


def _inclusion(exchange: dict[str, Path], bundle: Path, out: Path, *args: str | Path) -> Result:
    return run(
        "inclusion",
        "--bundle",
        bundle,
        "--liabilities",
        exchange["users"],
        "--secret",
        exchange["key"],
        "--out",
        out,
        *args,
    )


def test_inclusion_unknown_user(
    exchange: dict[str, Path], bundle_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.json"
    result = _inclusion(exchange, bundle_dir, out, "--user", "mallory")
    one_line(result, 2, str(exchange["users"]), "'mallory'")
    nothing_written(out)


def test_inclusion_needs_exactly_one_of_user_or_all(
    exchange: dict[str, Path], bundle_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x"
    for args in ((), ("--user", "user-0", "--all")):
        one_line(_inclusion(exchange, bundle_dir, out, *args), 2, "--user", "--all")
        nothing_written(out)


def test_inclusion_refuses_existing_output(
    exchange: dict[str, Path], bundle_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.json"
    out.write_text("mine")
    one_line(_inclusion(exchange, bundle_dir, out, "--user", "user-0"), 2, str(out), "exists")
    assert out.read_text() == "mine"
    no_stray_tmp(tmp_path)


def test_inclusion_with_another_secret(
    exchange: dict[str, Path], bundle_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.key"
    make_key(other)
    out = tmp_path / "x.json"
    result = run(
        "inclusion",
        "--bundle",
        bundle_dir,
        "--liabilities",
        exchange["users"],
        "--secret",
        other,
        "--user",
        "user-3",
        "--out",
        out,
    )
    one_line(result, 2, "'user-3'", "does not match")
    nothing_written(out)


def test_inclusion_all(exchange: dict[str, Path], bundle_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "proofs"
    result = _inclusion(exchange, bundle_dir, out, "--all")
    assert result.exit_code == 0, result.output
    assert f"wrote {len(USERS)} inclusion proof(s)" in result.stdout
    no_stray_tmp(tmp_path)
    index = json.loads((out / "index.json").read_text())
    assert sorted(index) == sorted(u[0] for u in USERS)
    assert sorted(p.name for p in out.iterdir()) == sorted([*index.values(), "index.json"])
    balances = {u[0]: u[1:] for u in USERS}
    for uid, name in index.items():
        btc, eth = balances[uid]
        check = run(
            "verify-inclusion",
            out / name,
            "--bundle",
            bundle_dir,
            "--expect",
            f"BTC={btc},ETH={eth}",
        )
        assert check.exit_code == 0, check.output
        assert f"included: user {uid} " in check.stdout


# -- inspect --------------------------------------------------------------------------


def test_inspect(bundle_dir: Path) -> None:
    text = run("inspect", bundle_dir)
    assert text.exit_code == 0, text.output
    assert "secp256k1" in text.stdout
    result = run("inspect", bundle_dir, "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["padded_leaves"] == 16
    assert info["assets"] == list(ASSETS)
    for name in ("leaves.bin", "rangeproofs.bin", "solvency.bin", "manifest.json"):
        assert info["bytes"][name] == (bundle_dir / name).stat().st_size
    assert info["total_bytes"] == sum(info["bytes"].values())
    assert info["bytes_per_leaf_per_asset"] == round(info["total_bytes"] / (16 * 2), 2)
    assert info["bytes_per_leaf_per_asset"] > 0


def test_inspect_damaged_bundle(bundle_copy: Path) -> None:
    (bundle_copy / "solvency.bin").write_bytes(b"")
    one_line(run("inspect", bundle_copy), 2, "solvency.bin", "truncated")


# -- secrets and markup ---------------------------------------------------------------


def test_no_command_prints_the_secret(
    exchange: dict[str, Path], proven: tuple[Path, Result], alice_proof: Path, tmp_path: Path
) -> None:
    """``run`` checks every command's output against every key made here; this
    test also checks the fixtures' prove and the outputs of a verify."""
    key = exchange["key"].read_text().strip()
    assert key.lower() in _SECRETS
    bundle, prove_result = proven
    results = [
        prove_result,
        run("verify", bundle, "--workers", "1", "--quiet"),
        run("verify", bundle, "--workers", "1", "--json"),
        run("verify-inclusion", alice_proof, "--bundle", bundle),
        run("inspect", bundle, "--json"),
    ]
    for result in results:
        assert result.exit_code == 0, result.output
        assert key.lower() not in result.output.lower()
    # nor in anything the commands wrote
    for path in [*bundle.iterdir(), alice_proof]:
        assert key.lower().encode() not in path.read_bytes().lower()
        assert bytes.fromhex(key) not in path.read_bytes()


def test_markup_in_file_contents_is_printed_verbatim(prove_in: Any, tmp_path: Path) -> None:
    """Messages quote file contents: '[/]' or '[red]' must not be read as rich markup."""
    rows = [("[red]bob[/]", 1, 2), ("[red]bob[/]", 3, 4)]
    line = one_line(prove_in(_csv(rows)), 2, str(tmp_path / USERS_FILE), ":3:")
    assert "duplicate user_id '[red]bob[/]'" in line


def test_long_error_is_not_wrapped(tmp_path: Path, exchange: dict[str, Path]) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    users = deep / "users.csv"
    users.write_text(_csv([("bob", 1, -5)]))
    out = deep / "bundle"
    result = run(
        "prove",
        "--liabilities",
        users,
        "--reserves",
        exchange["reserves"],
        "--secret",
        exchange["key"],
        "--epoch",
        EPOCH,
        "--out",
        out,
        *FAST,
    )
    one_line(result, 2, f"{users}:2: column ETH: '-5' is negative")
    nothing_written(out)


# -- demo -----------------------------------------------------------------------------


@pytest.mark.slow
def test_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("demo", "--users", "50", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "users.csv").read_text().startswith("user_id,BTC,ETH,USDT\n")
    reserves = json.loads((out / "reserves.json").read_text())
    assert sorted(reserves["assets"]) == ["BTC", "ETH", "USDT"]
    key = out / "master.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().strip().lower() not in result.output.lower()
    bundle = out / "bundle"
    assert (bundle / "manifest.json").is_file()
    proofs = list(out.glob("user-*.json"))
    assert len(proofs) == 1
    check = run("verify-inclusion", proofs[0], "--bundle", bundle)
    assert check.exit_code == 0, check.output
    # the demo's reserves are signed over the bundle's root and match its snapshot
    assert (bundle / "reserves.json").read_bytes() == (out / "reserves.json").read_bytes()
    assert all(len(reserves["assets"][a]["entries"]) == 1 for a in reserves["assets"])
    attested = run(
        "verify", bundle, "--snapshot", out / "snapshot.csv", "--require-attested", "--json"
    )
    assert attested.exit_code == 0, attested.output
    assert json.loads(attested.stdout)["reserves_attestation"]["attested"] is True
    info = json.loads(run("inspect", bundle, "--json").stdout)
    assert info["padded_leaves"] == 1024
    assert info["assets"] == ["BTC", "ETH", "USDT"]
    again = run("demo", "--out", out)
    one_line(again, 2, str(out), "already exists")


def test_inclusion_proof_files_are_owner_only(tmp_path: Path) -> None:
    """An inclusion proof holds a user ID and balances: written with mode 0600
    (the CLI writes them with zksolvency.files), and no temporary is left."""
    from zksolvency.files import atomic_write

    out = tmp_path / "p.json"
    atomic_write(out, b"{}\n")
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.read_bytes() == b"{}\n"
    atomic_write(out, b"[]\n")  # replaces
    assert out.read_bytes() == b"[]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]
