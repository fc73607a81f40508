"""Statements are data: load, validate and digest the TOML files of ``circuits/``.

A statement says what a bundle proves (DESIGN.md, "Statements are data"): the
assets and their decimals, the leaf and solvency bit widths, and the relation
("per-asset": R[a] − L[a] ∈ [0, 2^solvency_bits) for every asset a, no netting).
A verifier never executes anything from a statement: it is parsed into
:class:`Statement`, checked, and bound into every transcript by its digest.

Canonical form (docs/SPEC.md §8): the resolved statement as JSON with sorted
keys and no spaces; digest = SHA-256("zksolvency/statement/v1" ‖ canonical).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zksolvency.errors import InputError, ParameterError

PACKAGE_DIR = Path(__file__).parent
DEFAULT_STATEMENT = PACKAGE_DIR / "per-asset-solvency.toml"
DIGEST_TAG = b"zksolvency/statement/v1"
RELATIONS = ("per-asset",)
LEAF_BITS = (8, 16, 32, 64)
SOLVENCY_BITS = (64, 128)
MAX_DECIMALS = 30
ASSET_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")  # use with fullmatch
#: Epoch labels (SPEC §14): bound into every transcript, key and leaf hash, and
#: shown to auditors, so one plain grammar everywhere (no markup, no control
#: characters). Use with ``fullmatch``.
EPOCH_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_STATEMENT_KEYS = {"name", "version", "relation", "leaf_bits", "solvency_bits"}


@dataclass(frozen=True)
class Asset:
    name: str
    decimals: int | None  # None: amounts are integers in base units


@dataclass(frozen=True)
class Statement:
    name: str
    version: int
    relation: str
    leaf_bits: int
    solvency_bits: int
    assets: tuple[Asset, ...] | None  # None: generic, taken from the liabilities header

    @property
    def is_generic(self) -> bool:
        return self.assets is None

    @property
    def asset_names(self) -> tuple[str, ...]:
        if self.assets is None:
            raise ParameterError("statement: generic statement has no assets until bound")
        return tuple(a.name for a in self.assets)

    def bind(self, asset_names: tuple[str, ...] | list[str]) -> Statement:
        """Resolve against the liabilities header: a generic statement takes the
        assets (integer amounts); a pinned one must list exactly these assets."""
        names = tuple(asset_names)
        if not names:
            raise InputError("liabilities: no asset columns (expected user_id,<ASSET>,…)")
        for name in names:
            check_asset_name(name)
        if len(set(names)) != len(names):
            raise InputError("liabilities: an asset column appears twice")
        if self.assets is None:
            return dataclasses.replace(self, assets=tuple(Asset(n, None) for n in names))
        pinned = self.asset_names
        if set(names) != set(pinned):
            missing = sorted(set(pinned) - set(names))
            extra = sorted(set(names) - set(pinned))
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if extra:
                parts.append(f"unknown {', '.join(extra)}")
            raise InputError(
                f"liabilities: asset columns do not match the statement ({'; '.join(parts)})"
            )
        by_name = {a.name: a for a in self.assets}
        return dataclasses.replace(self, assets=tuple(by_name[n] for n in names))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "relation": self.relation,
            "leaf_bits": self.leaf_bits,
            "solvency_bits": self.solvency_bits,
            "assets": None
            if self.assets is None
            else [{"name": a.name, "decimals": a.decimals} for a in self.assets],
        }

    def canonical(self) -> bytes:
        return canonical_json(self.to_dict())

    def digest(self) -> bytes:
        return hashlib.sha256(DIGEST_TAG + self.canonical()).digest()

    def check_capacity(self, padded_leaves: int, group_order: int) -> None:
        """padded_leaves·2^leaf_bits ≤ 2^solvency_bits, both far below the order,
        so that no sum of in-range leaves can wrap around modulo the order."""
        if padded_leaves * (1 << self.leaf_bits) > (1 << self.solvency_bits):
            raise ParameterError(
                f"statement: {padded_leaves} leaves of {self.leaf_bits} bits can exceed "
                f"2^{self.solvency_bits}; raise solvency_bits or lower leaf_bits"
            )
        if (1 << (self.solvency_bits + 1)) >= group_order:
            raise ParameterError("statement: solvency_bits too close to the group order")


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def check_asset_name(name: str) -> None:
    if not isinstance(name, str) or not ASSET_RE.fullmatch(name):
        raise InputError(f"asset name {name!r}: use 1–32 letters, digits, '.', '_' or '-'")


def _int_field(table: dict[str, Any], key: str, where: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"{where}: '{key}' must be an integer")
    return value


def from_dict(data: dict[str, Any], where: str = "statement") -> Statement:
    """Validate a parsed statement (TOML tables, or the manifest's JSON form)."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: not a table")
    st = data.get("statement", data)
    if not isinstance(st, dict):
        raise InputError(f"{where}: [statement] must be a table")
    known = _STATEMENT_KEYS | ({"assets"} if st is data else set())
    unknown = sorted(set(st) - known)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    name = st.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(f"{where}: 'name' must be a non-empty string")
    version = _int_field(st, "version", where)
    relation = st.get("relation")
    if relation not in RELATIONS:
        raise InputError(
            f"{where}: relation {relation!r} not supported (known: {', '.join(RELATIONS)})"
        )
    leaf_bits = _int_field(st, "leaf_bits", where)
    if leaf_bits not in LEAF_BITS:
        raise InputError(f"{where}: leaf_bits must be one of {LEAF_BITS}")
    solvency_bits = _int_field(st, "solvency_bits", where)
    if solvency_bits not in SOLVENCY_BITS or solvency_bits < leaf_bits:
        raise InputError(f"{where}: solvency_bits must be one of {SOLVENCY_BITS} and ≥ leaf_bits")
    raw_assets = data.get("assets")
    assets: tuple[Asset, ...] | None = None
    if raw_assets is not None:
        assets = _parse_assets(raw_assets, where)
    return Statement(name, version, str(relation), leaf_bits, solvency_bits, assets)


def _parse_assets(raw: Any, where: str) -> tuple[Asset, ...]:
    items: list[tuple[str, Any]]
    if isinstance(raw, dict):  # TOML: [assets] BTC = { decimals = 8 }
        items = list(raw.items())
    elif isinstance(raw, list):  # canonical JSON: [{"name": ..., "decimals": ...}]
        items = []
        for entry in raw:
            if not isinstance(entry, dict) or set(entry) != {"name", "decimals"}:
                raise InputError(f"{where}: each asset needs exactly 'name' and 'decimals'")
            items.append((entry["name"], {"decimals": entry["decimals"]}))
    else:
        raise InputError(f"{where}: 'assets' must be a table")
    if not items:
        raise InputError(f"{where}: 'assets' is empty")
    out = []
    for name, spec in items:
        if not isinstance(name, str):
            raise InputError(f"{where}: asset names must be strings")
        check_asset_name(name)
        if not isinstance(spec, dict) or set(spec) - {"decimals"}:
            raise InputError(f"{where}: asset {name}: only 'decimals' may be set")
        dec = spec.get("decimals")
        if dec is not None and (
            not isinstance(dec, int) or isinstance(dec, bool) or not 0 <= dec <= MAX_DECIMALS
        ):
            raise InputError(
                f"{where}: asset {name}: decimals must be an integer in [0, {MAX_DECIMALS}]"
            )
        out.append(Asset(name, dec))
    if len({a.name for a in out}) != len(out):
        raise InputError(f"{where}: an asset is listed twice")
    return tuple(out)


def load_statement(path: str | Path | None = None) -> Statement:
    """Parse and validate a statement TOML file (default: per-asset-solvency)."""
    p = Path(path) if path is not None else DEFAULT_STATEMENT
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{p}: cannot read statement ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not valid TOML ({exc})") from None
    if "statement" not in data:
        raise InputError(f"{p}: missing [statement] table")
    extra = sorted(set(data) - {"statement", "assets"})
    if extra:
        raise InputError(f"{p}: unknown table(s) {', '.join(extra)}")
    merged = dict(data["statement"]) if isinstance(data["statement"], dict) else data["statement"]
    if not isinstance(merged, dict):
        raise InputError(f"{p}: [statement] must be a table")
    if "assets" in data:
        merged["assets"] = data["assets"]
    return from_dict(merged, str(p))
