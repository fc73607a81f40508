"""Fuzzing the proof-of-reserves decoders of untrusted text (hypothesis).

The reserves file (``inputs.load_reserves``, which a bundle may carry as
``reserves.json``), Bitcoin and Ethereum addresses and signatures, and the
verifier's snapshot CSV. Each property lives in tests/fuzz/targets.py, shared
with the atheris harnesses ``fuzz_reserves.py``, ``fuzz_bitcoin.py``,
``fuzz_ethereum.py`` and ``fuzz_snapshot.py``: the input parses to a value that
re-encodes consistently (to the same text, one of its accepted spellings, or a
file that reads back to the same value), or the decoder raises its documented
error (FormatError for the address and signature decoders, InputError for the
two file loaders); nothing else escapes. Whatever parses is also verified
against fixed seed keys: only untouched seed signatures may verify, and a
snapshot passes an attestation exactly when it covers every entry.

As in test_fuzz.py, each property runs with a modest number of examples in the
default suite and ten times as many with ``-m slow``; the number run is
asserted and printed (``-s``). The tests at the end pin what was found while
adding this fuzzing (deep JSON nesting escaping as RecursionError; asset names
nobody checked reaching the terminal as rich markup), and one open problem
outside the reserves code.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz import targets
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import COUNTS, JSON_VALUES, JSONISH, SCALES, _run, _settings, json_edit, mutated
from typer.testing import CliRunner

from zksolvency.circuits import check_asset_name, load_statement
from zksolvency.cli import app
from zksolvency.errors import InputError, VerificationError
from zksolvency.inputs import load_liabilities, load_reserves
from zksolvency.reserves import bitcoin, ecdsa, ethereum
from zksolvency.reserves.attestation import MESSAGE_TEMPLATE
from zksolvency.reserves.snapshot import HEADER

EXAMPLES = {"address": 300, "signature": 200, "reserves": 150, "snapshot": 150}
SEEDS = targets.reserves_seeds()
BTC = [SEEDS.addresses[k] for k in targets.BITCOIN_KINDS]
ETH = [SEEDS.addresses[k] for k in targets.ETHEREUM_KINDS]
#: addresses from the BIP-173 and EIP-55 documents, and other accepted spellings
BTC_MORE = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",  # P2WSH: refused
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",  # v1
    "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
    "1111111111111111111114oLvT2",  # the all-zero hash
    BTC[3].upper(),
]
ETH_MORE = ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", ETH[0].lower()]
ETH_REFUSED = ["0x" + ETH[1][2:].upper(), ETH[1].upper(), ETH[0].swapcase()]


# -- text mutations -----------------------------------------------------------------------

ODD = st.sampled_from(["", " ", "\n", "\x00", "é", "\u200b", "\ud800", "\udcff", "０", "O", "l"])


@st.composite
def mutated_text(draw: st.DrawFn, seeds: list[str], alphabet: str) -> str:
    """A valid text, then 1–3 of: a character replaced (from ``alphabet`` or an odd
    one), case flipped, inserted, deleted, truncated, a chunk duplicated."""
    chars = list(draw(st.sampled_from(seeds)))
    some = st.one_of(st.sampled_from(alphabet), ODD, st.characters())
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["sub", "sub", "case", "insert", "delete", "cut", "dup"]))
        n = len(chars)
        i = draw(st.integers(0, max(n - 1, 0)))
        if kind == "sub" and n:
            chars[i] = draw(some)
        elif kind == "case" and n:
            chars[i] = chars[i].swapcase()
        elif kind == "insert":
            chars.insert(i, draw(some))
        elif kind == "delete" and n:
            del chars[i]
        elif kind == "cut":
            del chars[i:]
        elif kind == "dup":
            chars[i:i] = chars[i : i + draw(st.integers(1, 8))]
    return "".join(chars)


ANY_TEXT = st.one_of(
    st.text(max_size=100),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zs", "Nd", "Lu"]), max_size=40),
    st.binary(max_size=100).map(targets.text_of),
)


# -- addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", SCALES)
def test_bitcoin_address(scale: int) -> None:
    base = EXAMPLES["address"]
    key = "bitcoin.parse_address"
    b58 = bitcoin.B58_ALPHABET
    texts = st.one_of(
        mutated_text(BTC + BTC_MORE, b58 + bitcoin.BECH32_CHARSET.upper()),
        st.text(b58, min_size=25, max_size=36).map(lambda t: "1" + t),
        st.text(b58, min_size=25, max_size=36).map(lambda t: "3" + t),
        st.text(bitcoin.BECH32_CHARSET, min_size=6, max_size=80).map(lambda t: "bc1" + t),
        st.binary(min_size=20, max_size=20).map(lambda h: bitcoin.b58check_encode(b"\x05" + h)),
        st.binary(min_size=0, max_size=42).map(bitcoin.b58check_encode),
        st.binary(min_size=20, max_size=20).map(
            lambda h: bitcoin.bech32_encode("bc", [0, *bitcoin._convert_bits(list(h), 8, 5, True)])
        ),
        ANY_TEXT,
    )

    @_settings(base, scale)
    @given(text=texts)
    def prop(text: str) -> None:
        COUNTS[key] += 1
        targets.check_bitcoin_address(text)

    _run(prop, key, base, scale)
    for text in BTC + BTC_MORE[:2] + BTC_MORE[4:]:
        assert targets.check_bitcoin_address(text), text


@pytest.mark.parametrize("scale", SCALES)
def test_ethereum_address(scale: int) -> None:
    base = EXAMPLES["address"]
    key = "ethereum.parse_address"
    texts = st.one_of(
        mutated_text(ETH + ETH_MORE + ETH_REFUSED, "0123456789abcdefABCDEFxX"),
        st.text("0123456789abcdefABCDEF", min_size=38, max_size=42).map(lambda t: "0x" + t),
        st.binary(min_size=20, max_size=20).map(ethereum.checksum_address),
        st.binary(min_size=20, max_size=20).map(lambda b: "0X" + b.hex().upper()),
        ANY_TEXT,
    )

    @_settings(base, scale)
    @given(text=texts)
    def prop(text: str) -> None:
        COUNTS[key] += 1
        targets.check_ethereum_address(text)

    _run(prop, key, base, scale)
    for text in ETH + ETH_MORE:
        assert targets.check_ethereum_address(text), text
    for text in ETH_REFUSED:
        assert not targets.check_ethereum_address(text), text


# -- signatures ---------------------------------------------------------------------------


def _twin(raw: bytes, header_base: int) -> bytes:
    """The malleated twin (r, n − s), other parity: valid ECDSA, refused as high S."""
    r, s = raw[1:33], int.from_bytes(raw[33:65], "big")
    recid = (raw[0] - header_base) ^ 1
    return bytes([header_base + recid]) + r + (ecdsa.N - s).to_bytes(32, "big")


@st.composite
def bitcoin_signature(draw: st.DrawFn, kind: str) -> str:
    honest = base64.b64decode(SEEDS.signatures[kind])
    base = 27 + (honest[0] - 27) // 4 * 4
    other = [base64.b64decode(SEEDS.signatures[k]) for k in targets.BITCOIN_KINDS]
    raw = draw(
        st.one_of(
            st.sampled_from(other),  # right form, wrong key or header type
            st.just(_twin(honest, base)),
            st.integers(27, 42).map(lambda h: bytes([h]) + honest[1:]),  # every header
            st.binary(min_size=65, max_size=65),
            mutated([honest]).filter(lambda d: len(d) == 65),
            mutated([honest]),
        )
    )
    text = base64.b64encode(raw).decode()
    return draw(st.one_of(st.just(text), mutated_text([text], "+/=AZaz09")))


@st.composite
def ethereum_signature(draw: st.DrawFn, kind: str) -> str:
    honest = bytes.fromhex(SEEDS.signatures[kind][2:])
    other = [bytes.fromhex(SEEDS.signatures[k][2:]) for k in targets.ETHEREUM_KINDS]
    twin = _twin(honest[64:] + honest[:64], 27)
    raw = draw(
        st.one_of(
            st.sampled_from(other),
            st.just(twin[1:] + twin[:1]),
            st.integers(0, 255).map(lambda v: honest[:64] + bytes([v])),  # every v
            st.binary(min_size=65, max_size=65),
            mutated([honest]).filter(lambda d: len(d) == 65),
            mutated([honest]),
        )
    )
    text = "0x" + raw.hex()
    return draw(st.one_of(st.just(text), mutated_text([text], "0123456789abcdefABxX")))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("kind", targets.BITCOIN_KINDS)
def test_bitcoin_signature(kind: str, scale: int) -> None:
    """Decoded, then verified for the seed address of ``kind``: only the honest one passes."""
    address, message, honest = SEEDS.addresses[kind], SEEDS.messages[kind], SEEDS.signatures[kind]
    assert targets.check_bitcoin_signature(honest, address, message, (honest,))
    base = EXAMPLES["signature"] // 2
    key = f"bitcoin.decode_signature + verify_message {kind}"

    @_settings(base, scale)
    @given(text=st.one_of(bitcoin_signature(kind), ANY_TEXT))
    def prop(text: str) -> None:
        COUNTS[key] += 1
        targets.check_bitcoin_signature(text, address, message, (honest,))

    _run(prop, key, base, scale)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("kind", targets.ETHEREUM_KINDS)
def test_ethereum_signature(kind: str, scale: int) -> None:
    address, message, honest = SEEDS.addresses[kind], SEEDS.messages[kind], SEEDS.signatures[kind]
    assert targets.check_ethereum_signature(honest, address, message, (honest,))
    assert targets.check_ethereum_signature(honest, address.lower(), message, (honest,))
    base = EXAMPLES["signature"]
    key = f"ethereum.decode_signature + verify_message {kind}"

    @_settings(base, scale)
    @given(text=st.one_of(ethereum_signature(kind), ANY_TEXT))
    def prop(text: str) -> None:
        COUNTS[key] += 1
        targets.check_ethereum_signature(text, address, message, (honest,))

    _run(prop, key, base, scale)


# -- the reserves file --------------------------------------------------------------------

#: near misses for each field of an entry
ENTRY_FIELDS: dict[str, list[Any]] = {
    "chain": ["bitcoin", "ethereum", "Bitcoin", "doge", "", 1, None],
    "address": [*BTC, *ETH, *BTC_MORE, *ETH_MORE, ETH[0].upper(), "", 0, "0x", "bc1"],
    "amount": ["0", "1", "01", "-1", "+1", "1.5", "1e3", " 1", 1, 1.5, str(2**128), "", None],
    "height": [0, 1, -1, 2**63 - 1, 2**63, 1.5, True, "5", None, 10**30],
    "signature": [*SEEDS.signatures.values(), "", "0x", "AA==", 0],
    "token": [targets.USDT, targets.USDT.lower(), targets.USDT.upper(), BTC[0], None, ""],
}
VALID_ASSETS = st.sampled_from([*targets.RESERVES_ASSETS, "btc", "A" * 32, "x.y_z-1"])
ODD_ASSETS = st.one_of(
    st.sampled_from(["A" * 33, "", "-X", "X\n", "[/]", "é"]), st.text(max_size=6)
)


def _near_miss(draw: st.DrawFn, values: list[Any]) -> Any:
    """The first (seed) value three times in four, else any of ``values``."""
    return values[0] if draw(st.integers(0, 3)) else draw(st.sampled_from(values))


@st.composite
def reserves_document(draw: st.DrawFn) -> bytes:
    """A plausible reserves file: seed entries (signatures valid) under valid or
    (one time in two) also odd asset names, some duplicated or moved to another
    asset, totals the sum or one off, then (one time in two) near misses in a
    few fields of entries or of the header, written compactly or indented,
    ASCII or not."""
    pool = [e for _, e in SEEDS.entries]
    odd = draw(st.integers(0, 1))  # odd documents: near misses in a few fields
    names = st.one_of(VALID_ASSETS, ODD_ASSETS) if draw(st.booleans()) else VALID_ASSETS
    assets: dict[str, Any] = {}
    used: list[dict[str, Any]] = []
    for name in draw(st.lists(names, min_size=1, max_size=4, unique=True)):
        if draw(st.integers(0, 3)) == 0:  # unattested
            total = _near_miss(draw, ENTRY_FIELDS["amount"]) if odd else "7"
            assets[name] = {"total": total}
            continue
        taken = draw(st.lists(st.sampled_from(pool), max_size=4))
        if not odd:  # a holding listed twice is refused: keep clean documents clean
            taken = [e for e in taken if e not in used]
            used.extend(taken)
        entries = [dict(e) for e in taken]
        amounts = [int(e["amount"]) for e in entries]
        off = draw(st.sampled_from([0] * 10 + [1, -1])) if odd else 0
        assets[name] = {"total": str(sum(amounts) + off)}
        assets[name]["entries"] = entries
    entries = [e for spec in assets.values() for e in spec.get("entries", ())]
    for _ in range(draw(st.integers(0, 3)) if odd and entries else 0):
        e = draw(st.sampled_from(entries))
        field_ = draw(st.sampled_from(list(ENTRY_FIELDS)))
        e[field_] = draw(st.sampled_from(ENTRY_FIELDS[field_]))
        if draw(st.integers(0, 9)) == 0:
            e[draw(st.text(max_size=6))] = draw(JSON_VALUES)
    doc: dict[str, Any] = {}
    for key, values in [
        ("epoch", [targets.RESERVES_EPOCH, "2026-12", "", "[/]", 7]),
        ("custodian", [targets.RESERVES_CUSTODIAN, " x", "a\nb", "\u200b", "é", "e\u0301", 1]),
        ("message", [MESSAGE_TEMPLATE, MESSAGE_TEMPLATE + " ", None]),
    ]:
        if not odd:
            doc[key] = values[0]
        elif draw(st.integers(0, 5)):  # present 5 times in 6
            doc[key] = _near_miss(draw, values)
    doc["assets"] = assets
    indent, ascii_only = draw(st.sampled_from([None, 1])), draw(st.booleans())
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")


def _reserves_inputs() -> st.SearchStrategy[bytes]:
    return st.one_of(
        reserves_document(),
        json_edit(list(SEEDS.files[:2])),
        mutated(list(SEEDS.files)),
        JSONISH,
        st.binary(max_size=200),
        st.integers(0, 3000).map(lambda n: b'{"epoch":"2026-11","assets":' + b"[" * n),
    )


@pytest.mark.parametrize("scale", SCALES)
def test_reserves_file(tmp_path: Path, scale: int) -> None:
    """``load_reserves`` with the file's own assets and epoch (``reserves verify``)
    or the liabilities' (``prove``), then ``verify_reserves`` with or without the
    seed snapshot."""
    path = tmp_path / "reserves.json"
    snap = targets.seed_snapshot()
    for data in SEEDS.files:
        assert targets.check_reserves(path, data, verify=True, snapshot=snap)
    base = EXAMPLES["reserves"]
    key = "inputs.load_reserves + verify_reserves"

    @_settings(base, scale)
    @given(data=_reserves_inputs(), given_assets=st.booleans(), with_snapshot=st.booleans())
    def prop(data: bytes, given_assets: bool, with_snapshot: bool) -> None:
        COUNTS[key] += 1
        targets.check_reserves(
            path,
            data,
            assets=targets.RESERVES_ASSETS if given_assets else None,
            epoch=targets.RESERVES_EPOCH if given_assets else None,
            verify=True,
            snapshot=snap if with_snapshot else None,
        )

    _run(prop, key, base, scale)


# -- the snapshot CSV ---------------------------------------------------------------------

#: near misses for each field of a snapshot row
SNAPSHOT_FIELDS: list[list[str]] = [
    ["Bitcoin", "", "doge", "ethereum", "bitcoin"],
    [*BTC_MORE, *ETH_MORE, ETH[0].upper(), "", "0x", BTC[0] + " "],
    ["", "btc", "A" * 33, "[/]", "B C", "BTC\n", "USDT"],
    ["01", "-1", "1.5", str(2**256 - 1), str(2**256), "", " 1", "0"],
    ["021", "-1", str(2**63 - 1), str(2**63), "x", "", "0"],
]


@st.composite
def snapshot_document(draw: st.DrawFn) -> bytes:
    """Rows from valid and near-miss fields, some quoted (with separators and
    newlines inside), duplicated or blank; CRLF or LF; a BOM or not."""
    header = draw(
        st.sampled_from([",".join(HEADER), "chain,address,asset,amount", "Chain,address"])
        if draw(st.integers(0, 9)) == 0
        else st.just(",".join(HEADER))
    )
    rows = [header]
    seeds = [e for _, e in SEEDS.entries]
    for _ in range(draw(st.integers(0, 6))):
        e = draw(st.sampled_from(seeds))  # a seed entry's row, a balance near its amount
        amount = max(int(e["amount"]) + draw(st.integers(-2, 2)), 0)
        asset = draw(st.sampled_from(targets.RESERVES_ASSETS))
        fields = [e["chain"], e["address"], asset, str(amount), str(e["height"])]
        for i, choices in enumerate(SNAPSHOT_FIELDS):
            if draw(st.integers(0, 11)) == 0:
                fields[i] = draw(st.sampled_from(choices))
        if draw(st.integers(0, 19)) == 0:
            fields = fields[: draw(st.integers(0, 5))] + draw(st.lists(st.text(max_size=4)))
        quoted = [
            '"' + f.replace('"', '""') + '"' if draw(st.integers(0, 4)) == 0 else f for f in fields
        ]
        rows.append(",".join(quoted))
        if draw(st.integers(0, 7)) == 0:
            rows.append(draw(st.sampled_from(["", rows[-1], '"', "a,b\nc"])))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + newline.join(rows) + newline * draw(st.integers(0, 2))).encode(
        "utf-8", "surrogatepass"
    )


@pytest.mark.parametrize("scale", SCALES)
def test_snapshot_csv(tmp_path: Path, scale: int) -> None:
    """``load_snapshot``, then the seed attestation verified with what it read."""
    path = tmp_path / "snapshot.csv"
    res = targets.seed_attestation()
    for data in SEEDS.snapshots:
        assert targets.check_snapshot(path, data, res)
    base = EXAMPLES["snapshot"]
    key = "snapshot.load_snapshot + verify_reserves"
    csvish = st.text(alphabet='",\r\n abcdefghijklmnoprstuvwxyz0123456789BTCH', max_size=200)

    @_settings(base, scale)
    @given(
        data=st.one_of(
            snapshot_document(),
            mutated(list(SEEDS.snapshots)),
            csvish.map(lambda t: "chain,address,asset,amount,height\n" + t).map(str.encode),
            st.binary(max_size=200),
        )
    )
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        targets.check_snapshot(path, data, res)

    _run(prop, key, base, scale)


# -- regressions: what this fuzzing found -------------------------------------------------


@pytest.fixture
def default_recursion_limit() -> Iterator[None]:
    """Python's default recursion limit (hypothesis may leave it raised after a run)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, '{"epoch": "2026-11", "assets": ' + "[" * 5000, "{" + '"a":{' * 5000],
    ids=["array", "in-assets", "objects"],
)
def test_reserves_deep_nesting(tmp_path: Path, text: str, default_recursion_limit: None) -> None:
    """Deeply nested JSON made ``load_reserves`` raise RecursionError."""
    path = tmp_path / "reserves.json"
    path.write_text(text)
    with pytest.raises(InputError, match="nested too deeply"):
        load_reserves(path)


def test_liabilities_json_deep_nesting(tmp_path: Path, default_recursion_limit: None) -> None:
    """The same JSON reader serves liabilities files."""
    path = tmp_path / "users.json"
    path.write_text("[" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        load_liabilities(path, load_statement())


@pytest.mark.parametrize("name", ["", "[/]", "[bold red]BTC[/bold red]", "\ud800", "A" * 33, "-X"])
def test_reserves_asset_names_are_checked(tmp_path: Path, name: str) -> None:
    """``load_reserves`` without the liabilities' assets took the file's asset
    names unchecked; ``reserves verify --root`` then printed them as rich markup
    (``[/]``: a traceback after every check passed) or died on a lone surrogate."""
    path = tmp_path / "reserves.json"
    path.write_text(json.dumps({"epoch": "2026-11", "assets": {name: {"total": "1"}}}))
    with pytest.raises(InputError, match="asset name"):
        load_reserves(path)


@pytest.mark.parametrize("name", ["[/]", "[bold red]BTC[/bold red]", "\ud800"])
def test_reserves_verify_refuses_markup_asset_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / "reserves.json"
    path.write_text(json.dumps({"epoch": "2026-11", "assets": {name: {"total": "1"}}}))
    result = CliRunner().invoke(app, ["reserves", "verify", str(path), "--root", "5f" * 32])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "asset name" in result.output
    assert "VERIFIED" not in result.output


def test_asset_name_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(InputError):
        check_asset_name("BTC\n")


def test_seed_signatures_are_the_only_ones_over_their_messages() -> None:
    """The seeds' premise: each seed signature verifies for its own address only."""
    for kind, address in SEEDS.addresses.items():
        module = ethereum if kind in targets.ETHEREUM_KINDS else bitcoin
        same_chain = targets.ETHEREUM_KINDS if module is ethereum else targets.BITCOIN_KINDS
        module.verify_message(address, SEEDS.messages[kind], SEEDS.signatures[kind])
        for other in same_chain:
            if other != kind:
                with pytest.raises(VerificationError):
                    module.verify_message(address, SEEDS.messages[kind], SEEDS.signatures[other])


def test_reserves_file_over_the_size_limit_is_refused_unread(tmp_path) -> None:
    from zksolvency import inputs
    from zksolvency.errors import InputError

    big = tmp_path / "reserves.json"
    big.write_bytes(b" " * (inputs.MAX_RESERVES_FILE_BYTES + 1))
    with pytest.raises(InputError, match="larger than 16 MiB; not read"):
        inputs.load_reserves(big)
