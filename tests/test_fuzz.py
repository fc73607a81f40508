"""Fuzzing every decoder of untrusted bytes (hypothesis), and resource exhaustion.

Each property: the input either decodes to a value that re-encodes to exactly the
same bytes, or raises the library's FormatError (InputError is a subclass).
Nothing else may escape. The properties live in tests/fuzz/targets.py, shared
with the atheris harnesses beside it (tests/fuzz/README.md). Every property
runs in the default suite with a modest number of examples and in a ``slow``
variant with ten times as many; the number of examples actually run is
asserted and printed (run with -s).

The last section claims absurd sizes (2^40 leaves, batches of 2^20, a 2 MiB
manifest, a 100 KiB inclusion proof, m = 2^20) and checks each is refused at
once, without allocating memory in proportion to the claim. The tests at the
end pin inputs that once let a non-library exception escape (huge integer
literals, deep nesting, lone surrogates), fixed in the decoders.
"""

from __future__ import annotations

import base64
import json
import random
import shutil
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import ASSETS, EPOCH, MASTER, small_exchange
from fuzz import targets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zksolvency import bulletproofs as bp
from zksolvency import bundle, inclusion
from zksolvency.circuits import canonical_json, load_statement
from zksolvency.errors import FormatError, ParameterError, VerificationError
from zksolvency.groups import bls12_381 as bls
from zksolvency.groups import get_group
from zksolvency.groups import secp256k1 as sec
from zksolvency.pedersen import generators
from zksolvency.solvency import prove_epoch, verify_bundle
from zksolvency.transcript import Transcript

BACKENDS = [
    ("secp256k1", "coincurve"),
    ("secp256k1", "py_ecc"),
    ("bls12_381", "arkworks"),
    ("bls12_381", "py_ecc"),
]
FAST = [("secp256k1", "coincurve"), ("bls12_381", "arkworks")]
RANGE_PARAMS = [(8, 1), (16, 2), (64, 3)]
SCALES = [pytest.param(1, id="x1"), pytest.param(10, id="x10", marks=pytest.mark.slow)]
#: examples per property at scale 1; py_ecc's BLS12-381 subgroup check costs ~20 ms
EXAMPLES = {"point": 150, "point_pyecc_bls": 40, "scalar": 300, "rangeproof": 100}
EXAMPLES |= {"inclusion": 150, "manifest": 100, "bundle_file": 60}
COUNTS: Counter[str] = Counter()
MB = 1 << 20


def _settings(base: int, scale: int) -> settings:
    return settings(
        max_examples=base * scale,
        deadline=None,
        database=None,
        derandomize=scale == 1,  # the default suite is reproducible
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _run(prop: Callable[[], None], key: str, base: int, scale: int) -> None:
    """Run a hypothesis property, then assert and print how many examples it ran."""
    before = COUNTS[key]
    prop()
    ran = COUNTS[key] - before
    print(f"\n[fuzz] {key} (max_examples={base * scale}): {ran} examples")
    assert ran >= base * scale // 2


# -- mutations ----------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A valid encoding, then 1–3 of: byte flips, a random splice (any length),
    a chunk copied from elsewhere, truncation, extension."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "flip", "splice", "copy", "truncate", "extend"]))
        n = len(data)
        if kind == "flip" and n:
            i = draw(st.integers(0, n - 1))
            data[i] ^= draw(st.integers(1, 255))
        elif kind == "splice":
            i = draw(st.integers(0, n))
            j = draw(st.integers(i, min(n, i + 64)))
            data[i:j] = draw(st.binary(max_size=64))
        elif kind == "copy" and n:
            i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
            k = draw(st.integers(1, 64))
            data[j : j + k] = data[i : i + k]
        elif kind == "truncate":
            del data[draw(st.integers(0, n)) :]
        elif kind == "extend":
            data += draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


# -- points -----------------------------------------------------------------------------


@cache
def _valid_points(curve: str, backend: str) -> list[bytes]:
    g = get_group(curve, backend)
    G = g.generator()
    return [g.encode(g.mul(k, G)) for k in (1, 2, 3, 7, 2**64 + 1, g.order - 1)]


def _structured_point(curve: str) -> st.SearchStrategy[bytes]:
    """Encodings with every prefix / flag combination and x around the edges."""
    if curve == "secp256k1":
        xs = st.one_of(
            st.integers(0, 2**256 - 1), st.integers(sec.P - 4, sec.P + 4), st.integers(0, 8)
        )
        prefix = st.one_of(st.sampled_from([0, 1, 2, 3, 4, 6, 7]), st.integers(0, 255))
        return st.builds(lambda p, x: bytes([p]) + (x % 2**256).to_bytes(32, "big"), prefix, xs)
    xs = st.one_of(st.integers(0, 2**381 - 1), st.integers(bls.P - 4, bls.P + 4), st.integers(0, 8))
    flags = st.integers(0, 7)
    return st.builds(lambda f, x: ((f << 381) | (x % 2**381)).to_bytes(48, "big"), flags, xs)


def _point_bytes(curve: str, backend: str) -> st.SearchStrategy[bytes]:
    ps = get_group(curve, backend).point_size
    identity = sec.IDENTITY_ENCODING if curve == "secp256k1" else bls.IDENTITY_ENCODING
    return st.one_of(
        st.binary(min_size=ps, max_size=ps),
        _structured_point(curve),
        st.sampled_from([*_valid_points(curve, backend), identity]),
        mutated(_valid_points(curve, backend)).filter(lambda d: len(d) == ps),
    )


def _point_budget(curve: str, backend: str) -> tuple[str, int]:
    if (curve, backend) == ("bls12_381", "py_ecc"):
        return "point_pyecc_bls", EXAMPLES["point_pyecc_bls"]
    return "point", EXAMPLES["point"]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(("curve", "backend"), BACKENDS, ids=[f"{c}-{b}" for c, b in BACKENDS])
def test_point_decode_exact_length(curve: str, backend: str, scale: int) -> None:
    group = get_group(curve, backend)
    _, base = _point_budget(curve, backend)
    key = f"point decode exact length {curve}/{backend}"

    @_settings(base, scale)
    @given(data=_point_bytes(curve, backend), allow_identity=st.booleans())
    def prop(data: bytes, allow_identity: bool) -> None:
        COUNTS[key] += 1
        targets.check_point(group, data, allow_identity)

    _run(prop, key, base, scale)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(("curve", "backend"), BACKENDS, ids=[f"{c}-{b}" for c, b in BACKENDS])
def test_point_decode_any_length(curve: str, backend: str, scale: int) -> None:
    group = get_group(curve, backend)
    _, base = _point_budget(curve, backend)
    key = f"point decode any length {curve}/{backend}"

    @_settings(base, scale)
    @given(
        data=st.one_of(st.binary(max_size=100), mutated(_valid_points(curve, backend))),
        allow_identity=st.booleans(),
    )
    def prop(data: bytes, allow_identity: bool) -> None:
        COUNTS[key] += 1
        targets.check_point(group, data, allow_identity)
        if len(data) != group.point_size:
            with pytest.raises(FormatError):
                group.decode(data, allow_identity=allow_identity)

    _run(prop, key, base, scale)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("curve", ["secp256k1", "bls12_381"])
def test_point_decode_backends_agree(curve: str, scale: int) -> None:
    """Fast and reference backends accept exactly the same encodings."""
    fast = get_group(curve, "coincurve" if curve == "secp256k1" else "arkworks")
    ref = get_group(curve, "py_ecc")
    base = EXAMPLES["point_pyecc_bls" if curve == "bls12_381" else "point"]
    key = f"point decode fast == reference {curve}"

    @_settings(base, scale)
    @given(data=_point_bytes(curve, fast.backend), allow_identity=st.booleans())
    def prop(data: bytes, allow_identity: bool) -> None:
        COUNTS[key] += 1
        out = []
        for g in (fast, ref):
            try:
                out.append(g.encode(g.decode(data, allow_identity=allow_identity)))
            except FormatError:
                out.append(None)
        assert out[0] == out[1]

    _run(prop, key, base, scale)


# -- scalars ----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("curve", ["secp256k1", "bls12_381"])
def test_decode_scalar(curve: str, scale: int) -> None:
    group = get_group(curve)
    q, ss = group.order, group.scalar_size
    base = EXAMPLES["scalar"]
    key = f"decode_scalar {curve}"
    edges = st.integers(q - 3, 2 ** (8 * ss) - 1).map(lambda k: k.to_bytes(ss, "big"))

    @_settings(base, scale)
    @given(data=st.one_of(st.binary(min_size=ss, max_size=ss), st.binary(max_size=80), edges))
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        if not targets.check_scalar(group, data):  # refused: for a reason
            assert len(data) != ss or int.from_bytes(data, "big") >= q

    _run(prop, key, base, scale)


# -- range proofs -----------------------------------------------------------------------


@cache
def _valid_range_proofs(curve: str, backend: str, n: int, m: int) -> list[bytes]:
    gens = generators(get_group(curve, backend))
    rnd = random.Random(n * 1000 + m)
    out = []
    for _ in range(2):
        values = [rnd.randrange(1 << n) for _ in range(m)]
        blinds = [rnd.randrange(1, gens.group.order) for _ in range(m)]
        proof, _ = bp.prove(gens, values, blinds, n, Transcript(b"fuzz"), rng=rnd)
        out.append(proof.to_bytes(gens.group))
    return out


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize(("n", "m"), RANGE_PARAMS)
@pytest.mark.parametrize(("curve", "backend"), FAST, ids=[c for c, _ in FAST])
def test_range_proof_from_bytes(curve: str, backend: str, n: int, m: int, scale: int) -> None:
    group = get_group(curve, backend)
    size = bp.proof_size(group, n, m)
    valid = _valid_range_proofs(curve, backend, n, m)
    for v in valid:
        assert bp.RangeProof.from_bytes(v, group, n, m).to_bytes(group) == v
    base = EXAMPLES["rangeproof"]
    key = f"RangeProof.from_bytes {curve} n={n} m={m}"

    @_settings(base, scale)
    @given(
        data=st.one_of(
            st.binary(min_size=size, max_size=size),
            mutated(valid),
            mutated(valid).filter(lambda d: len(d) == size),
        )
    )
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        targets.check_range_proof(group, data, n, m)

    _run(prop, key, base, scale)


# -- a small bundle and an inclusion proof ------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """A 16-leaf bundle (10 users) and three users' inclusion proofs."""
    users, balances, reserves = small_exchange(10, 7)
    st_ = load_statement().bind(ASSETS)
    proof = prove_epoch(
        st_, users, balances, reserves, MASTER, EPOCH, min_leaves=16, batch_size=4, workers=1
    )
    out = tmp_path_factory.mktemp("fuzz") / "bundle"
    bundle.write(out, proof)
    proofs = [p.to_json() for p in inclusion.make(out, users, balances, MASTER, users[:3])]
    return out, proofs


@pytest.fixture(scope="module")
def scratch(small, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small bundle whose manifest the tests overwrite."""
    out = tmp_path_factory.mktemp("scratch") / "bundle"
    shutil.copytree(small[0], out)
    return out


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["", "0", "00", "1", "BTC", "secp256k1", "bls12_381", "=", "AA=="]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON object (the values themselves and containers)."""
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _tweak(value: Any, draw: st.DrawFn) -> Any:
    """A near miss of a value: a digit or character changed, a number off by a little."""
    if isinstance(value, bool) or value is None:
        return draw(JSON_SCALARS)
    if isinstance(value, int):
        return draw(st.sampled_from([value + 1, value - 1, value * 2, -value, float(value)]))
    if isinstance(value, str) and value:
        i = draw(st.integers(0, len(value) - 1))
        c = draw(st.characters(codec="utf-8"))
        return value[:i] + c + value[i + 1 :]
    return draw(JSON_VALUES)


@st.composite
def json_edit(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A valid canonical JSON document with one value replaced (random or a near
    miss) or one key removed or added, re-serialised canonically."""
    obj = json.loads(draw(st.sampled_from(seeds)))
    path = draw(st.sampled_from(_paths(obj)))
    parent = obj
    for k in path[:-1]:
        parent = parent[k]
    kind = draw(st.sampled_from(["replace", "tweak", "tweak", "delete", "add"]))
    if kind == "replace":
        parent[path[-1]] = draw(JSON_VALUES)
    elif kind == "tweak":
        parent[path[-1]] = _tweak(parent[path[-1]], draw)
    elif kind == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=12))] = draw(JSON_VALUES)
    else:
        parent.append(draw(JSON_VALUES))
    return canonical_json(obj) + b"\n"


JSONISH = st.text(alphabet='{}[]":,0123456789.-+eE truefalsn\\/abcdAB=\n', max_size=200).map(
    str.encode
)


@pytest.mark.parametrize("scale", SCALES)
def test_inclusion_parse(small, scale: int) -> None:
    _, proofs = small
    for p in proofs:
        assert inclusion.parse(p).to_json() == p
    base = EXAMPLES["inclusion"]
    key = "inclusion.parse"

    @_settings(base, scale)
    @given(data=st.one_of(mutated(proofs), json_edit(proofs), JSONISH, st.binary(max_size=200)))
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        targets.check_inclusion(data)

    _run(prop, key, base, scale)


@pytest.mark.parametrize("scale", SCALES)
def test_inclusion_parse_then_verify(small, scale: int) -> None:
    """Whatever parses must verify against the bundle or fail with the library's errors."""
    path, proofs = small
    b = bundle.read(path)
    base = EXAMPLES["inclusion"]
    key = "inclusion.parse + verify"

    @_settings(base, scale)
    @given(data=st.one_of(mutated(proofs), json_edit(proofs)))
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        targets.check_inclusion(data, b, tuple(proofs))  # only an untouched proof verifies

    _run(prop, key, base, scale)


@pytest.mark.parametrize("scale", SCALES)
def test_bundle_manifest_read(small, scratch: Path, scale: int) -> None:
    path, _ = small
    valid = (path / bundle.MANIFEST).read_bytes()
    base = EXAMPLES["manifest"]
    key = "bundle.read(manifest)"

    @_settings(base, scale)
    @given(data=st.one_of(mutated([valid]), json_edit([valid])))
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        targets.check_manifest(scratch, data)

    try:
        _run(prop, key, base, scale)
    finally:
        (scratch / bundle.MANIFEST).write_bytes(valid)
    bundle.read(scratch)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", bundle.FILES)
def test_bundle_binary_file_resealed(small, scratch: Path, name: str, scale: int) -> None:
    """A forger controls a binary file and reseals the manifest (length, SHA-256):
    the verifier's checked readers refuse it with FormatError or it round-trips."""
    path, _ = small
    manifest = json.loads((path / bundle.MANIFEST).read_bytes())
    valid = (path / name).read_bytes()
    assert targets.check_bundle_file(scratch, manifest, name, valid)
    base = EXAMPLES["bundle_file"]
    key = f"bundle file {name} (resealed)"

    @_settings(base, scale)
    @given(
        data=st.one_of(
            mutated([valid]).filter(lambda d: len(d) == len(valid)),
            mutated([valid]),
        )
    )
    def prop(data: bytes) -> None:
        COUNTS[key] += 1
        targets.check_bundle_file(scratch, manifest, name, data)

    _run(prop, key, base, scale)
    bundle.read(scratch)  # restored


# -- resource exhaustion ------------------------------------------------------------------


def _refused_cheaply(call: Callable[[], object], errors: tuple[type[Exception], ...]) -> str:
    """``call`` raises one of ``errors`` within 1 s with a traced peak under 50 MB."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(errors) as info:
            call()
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n[exhaustion] {type(info.value).__name__} in {elapsed * 1000:.1f} ms, peak {peak} B")
    assert elapsed < 1.0
    assert peak < 50 * MB
    return str(info.value)


def _manifest(path: Path) -> dict[str, Any]:
    return json.loads((path / bundle.MANIFEST).read_bytes())


@pytest.fixture
def copy(small, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    shutil.copytree(small[0], out)
    return out


def _write_manifest(path: Path, obj: dict[str, Any]) -> None:
    (path / bundle.MANIFEST).write_bytes(canonical_json(obj) + b"\n")


@pytest.mark.parametrize("padded", [2**40, 2**31, 2**30], ids=["2^40", "2^31", "2^30-limit"])
def test_manifest_claims_huge_padded_leaves(copy: Path, padded: int) -> None:
    m = _manifest(copy)
    m["padded_leaves"] = padded
    m["batch_size"] = 1024
    _write_manifest(copy, m)
    _refused_cheaply(lambda: bundle.read(copy), (FormatError, ParameterError))
    _refused_cheaply(lambda: verify_bundle(copy, workers=1), (FormatError, ParameterError))


def test_manifest_claims_huge_batch_size(copy: Path) -> None:
    m = _manifest(copy)
    m["batch_size"] = 2**20
    _write_manifest(copy, m)
    msg = _refused_cheaply(lambda: bundle.read(copy), (FormatError, ParameterError))
    assert "batch_size" in msg


def test_manifest_of_two_mib(copy: Path) -> None:
    valid = (copy / bundle.MANIFEST).read_bytes()
    (copy / bundle.MANIFEST).write_bytes(valid[:-2] + b" " * (2 * MB) + b"}\n")
    msg = _refused_cheaply(lambda: bundle.read(copy), (FormatError, ParameterError))
    assert "limit" in msg
    _refused_cheaply(lambda: verify_bundle(copy, workers=1), (FormatError, ParameterError))


def test_manifest_claims_huge_files(copy: Path) -> None:
    m = _manifest(copy)
    m["files"]["leaves.bin"]["bytes"] = 2**62
    _write_manifest(copy, m)
    _refused_cheaply(lambda: bundle.read(copy), (FormatError, ParameterError))


def test_inclusion_proof_of_100_kib(small) -> None:
    obj = json.loads(small[1][0])
    obj["user_id"] = "u" * (100 * 1024)
    data = canonical_json(obj) + b"\n"
    assert len(data) > 100 * 1024
    msg = _refused_cheaply(lambda: inclusion.parse(data), (FormatError,))
    assert "exceeds" in msg


def test_inclusion_path_claims_many_levels(small) -> None:
    obj = json.loads(small[1][0])
    raw = base64.b64decode(obj["path"])
    obj["path"] = base64.b64encode(raw * 40).decode()  # > MAX_LEVELS levels
    obj["index"] = 2**60
    _refused_cheaply(lambda: inclusion.parse(canonical_json(obj) + b"\n"), (FormatError,))


@pytest.mark.parametrize("m", [2**20, 2**40, 2**14 + 1, 0, -1])
def test_range_proof_claims_huge_aggregation(m: int) -> None:
    group = get_group("secp256k1")
    _refused_cheaply(lambda: bp.RangeProof.from_bytes(bytes(1000), group, 64, m), (ParameterError,))


def test_range_proof_at_the_aggregation_limit_reads_only_its_length() -> None:
    group = get_group("bls12_381")
    m = 2**14  # the largest accepted: the proof is still only ~2 KB
    _refused_cheaply(lambda: bp.RangeProof.from_bytes(bytes(10**6), group, 64, m), (FormatError,))


# -- regressions: inputs that once let a non-library exception escape --------------------

BIG = "1" * 5000


@pytest.fixture
def default_recursion_limit() -> Iterator[None]:
    """Python's default recursion limit (hypothesis may leave it raised after a run)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(old)  # Python refuses int <-> str conversions beyond 4300 digits


def test_inclusion_parse_huge_integer_literal(small) -> None:
    data = small[1][0].replace(b'"index":', b'"index":' + BIG.encode() + b',"x":')
    with pytest.raises(FormatError):
        inclusion.parse(data)


def test_inclusion_parse_huge_balance(small) -> None:
    obj = json.loads(small[1][0])
    obj["balances"][0] = BIG
    with pytest.raises(FormatError):
        inclusion.parse(canonical_json(obj) + b"\n")


def test_inclusion_parse_deep_nesting(default_recursion_limit: None) -> None:
    with pytest.raises(FormatError):
        inclusion.parse(b"[" * 60000)


@pytest.mark.parametrize("key", ["user_id", "epoch"])
def test_inclusion_lone_surrogate(small, key: str) -> None:
    obj = json.loads(small[1][0])
    obj[key] = "\ud800"
    with pytest.raises(FormatError, match="not valid Unicode"):
        inclusion.parse(canonical_json(obj) + b"\n")


def test_manifest_huge_integer_literal(copy: Path) -> None:
    raw = (copy / bundle.MANIFEST).read_bytes()
    (copy / bundle.MANIFEST).write_bytes(raw.replace(b'"epoch":', b'"epoch":' + BIG.encode()))
    with pytest.raises(FormatError):
        bundle.read(copy)


def test_manifest_huge_reserves(copy: Path) -> None:
    m = _manifest(copy)
    m["reserves"]["BTC"] = BIG
    _write_manifest(copy, m)
    with pytest.raises(FormatError):
        bundle.read(copy)


def test_manifest_deep_nesting(copy: Path, default_recursion_limit: None) -> None:
    (copy / bundle.MANIFEST).write_bytes(b"[" * 100000)
    with pytest.raises(FormatError):
        bundle.read(copy)


def test_manifest_lone_surrogate_epoch(copy: Path) -> None:
    m = _manifest(copy)
    m["epoch"] = "\ud800"
    _write_manifest(copy, m)
    with pytest.raises((FormatError, VerificationError)):
        verify_bundle(copy, workers=1)
