"""Statements: loading, validation, binding and the frozen digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from zksolvency.circuits import DEFAULT_STATEMENT, from_dict, load_statement
from zksolvency.errors import InputError, ParameterError

#: digest of the default statement bound to (BTC, ETH): changing it breaks every bundle
FROZEN_DIGEST = "00db66978b8d70b9d7949b21040880361de9d9cd60993b841c8a6ac0bdc58855"


def test_default_statement_is_generic_and_digest_is_frozen() -> None:
    st = load_statement()
    assert st.is_generic
    assert (st.leaf_bits, st.solvency_bits, st.relation) == (64, 128, "per-asset")
    bound = st.bind(["BTC", "ETH"])
    assert bound.digest().hex() == FROZEN_DIGEST
    assert bound.bind(["ETH", "BTC"]).asset_names == ("ETH", "BTC")
    assert bound.bind(["ETH", "BTC"]).digest() != bound.digest()  # order is part of it
    assert from_dict(bound.to_dict()) == bound


def test_shipped_file_is_the_package_default() -> None:
    top = Path(__file__).parent.parent / "circuits" / "per-asset-solvency.toml"
    assert top.read_text() == DEFAULT_STATEMENT.read_text()


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


BASE = (
    '[statement]\nname = "x"\nversion = 1\nrelation = "per-asset"\n'
    "leaf_bits = 64\nsolvency_bits = 128\n"
)


def test_pinned_assets_and_decimals(tmp_path: Path) -> None:
    st = load_statement(_write(tmp_path, BASE + "[assets]\nBTC = { decimals = 8 }\nETH = {}\n"))
    assert st.asset_names == ("BTC", "ETH")
    assert st.assets is not None
    assert [a.decimals for a in st.assets] == [8, None]
    with pytest.raises(InputError, match="missing ETH"):
        st.bind(["BTC"])
    with pytest.raises(InputError, match="unknown DOGE"):
        st.bind(["BTC", "ETH", "DOGE"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE.replace('"per-asset"', '"net-equity"'), "relation"),
        (BASE.replace("leaf_bits = 64", "leaf_bits = 65"), "leaf_bits"),
        (BASE.replace("solvency_bits = 128", "solvency_bits = 32"), "solvency_bits"),
        (BASE.replace("version = 1", 'version = "1"'), "version"),
        (BASE + "extra = 1\n", "unknown key"),
        (BASE + "[other]\n", "unknown table"),
        (BASE + "[assets]\n", "empty"),
        (BASE + '[assets]\n"B T C" = {}\n', "asset name"),
        (BASE + "[assets]\nBTC = { decimals = 31 }\n", "decimals"),
        (BASE + "[assets]\nBTC = { scale = 2 }\n", "only 'decimals'"),
        ("not toml [", "TOML"),
        ('[x]\nname = "y"\n', r"missing \[statement\]"),
    ],
)
def test_bad_statements(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_statement(_write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_statement(tmp_path / "nope.toml")


def test_capacity_check() -> None:
    st = load_statement().bind(["BTC"])
    st.check_capacity(1 << 20, 2**255)
    with pytest.raises(ParameterError):
        st.check_capacity(1 << 65, 2**255)
