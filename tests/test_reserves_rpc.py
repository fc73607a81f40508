"""``--rpc`` against a real Ethereum node: ganache (from npm), started here on
loopback with an account whose key the test draws, a minimal ERC-20-style
contract deployed by the test, and balances that change after the snapshot
block. Skipped where Node.js or ganache is missing (``.ci/run`` installs
ganache into ``.ci/node``; ``ZKSOLVENCY_GANACHE`` may name another binary).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coincurve import PrivateKey
from typer.testing import CliRunner, Result

from zksolvency.cli import app
from zksolvency.reserves import ethereum
from zksolvency.reserves.attestation import MESSAGE_TEMPLATE, message

REPO = Path(__file__).resolve().parent.parent
EPOCH = "2026-11"
CUSTODIAN = "Example Exchange Ltd"
ROOT = secrets.token_bytes(32)
START_TIMEOUT = 30.0
TOKENS = 1_000_000


def _find_ganache() -> str | None:
    if shutil.which("node") is None:
        return None
    for candidate in (
        os.environ.get("ZKSOLVENCY_GANACHE"),
        str(REPO / ".ci" / "node" / "node_modules" / ".bin" / "ganache"),
        shutil.which("ganache"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


GANACHE = _find_ganache()
pytestmark = pytest.mark.skipif(
    GANACHE is None, reason="Node.js or ganache not installed (.ci/run installs it)"
)


def _token_code(holder: bytes, amount: int) -> bytes:
    """EVM init code of a contract answering only ``balanceOf(address)`` (selector
    0x70a08231) with ``storage[address]``, and ``storage[holder] = amount``:

        constructor: PUSH32 amount PUSH20 holder SSTORE; CODECOPY runtime; RETURN
        runtime:     selector == 0x70a08231 ? return sload(calldata[4:36]) : revert
    """
    runtime = bytes.fromhex(
        "600035"
        "60e01c"
        "6370a08231"
        "14"
        "6013"
        "57"  # selector check, jump to 0x13
        "6000"
        "80"
        "fd"  # revert(0, 0)
        "5b"
        "600435"
        "54"
        "600052"
        "6020"
        "6000"
        "f3"  # mstore(0, sload(arg)); return 32
    )
    constructor = (
        b"\x7f"
        + amount.to_bytes(32, "big")
        + b"\x73"
        + holder
        + b"\x55"
        # CODECOPY(0, 66, 32): the runtime follows these 66 bytes of constructor
        + bytes.fromhex("60208060426000396000f3")
    )
    assert len(constructor) == 0x42
    assert len(runtime) == 32
    return constructor + runtime


class Node:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, params: list[Any]) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        request = urllib.request.Request(
            self.url, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        assert "error" not in answer, answer
        return answer["result"]

    def block(self) -> int:
        return int(self.call("eth_blockNumber", []), 16)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def chain() -> Iterator[dict[str, Any]]:
    """ganache on 127.0.0.1 with one funded account; the token is deployed in
    block H (the snapshot), then 1 ether leaves the account in block H + 1."""
    assert GANACHE is not None
    key = secrets.token_bytes(32)
    account = ethereum.checksum_address(ethereum.address_of(PrivateKey(key).public_key))
    port = _free_port()
    proc = subprocess.Popen(
        [
            GANACHE,
            "--server.host",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--wallet.accounts",
            f"0x{key.hex()},{5 * 10**18}",
            "--logging.quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    node = Node(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                node.block()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    pytest.fail(f"ganache did not start: {err[-2000:]}")
                time.sleep(0.2)
        sender = account.lower()
        code = _token_code(bytes.fromhex(account[2:]), TOKENS)
        tx = node.call(
            "eth_sendTransaction",
            [{"from": sender, "data": "0x" + code.hex(), "gas": hex(300_000)}],
        )
        receipt = node.call("eth_getTransactionReceipt", [tx])
        assert receipt["status"] == "0x1"
        token = ethereum.checksum_address(bytes.fromhex(receipt["contractAddress"][2:]))
        height = node.block()
        wei = int(node.call("eth_getBalance", [sender, hex(height)]), 16)
        node.call(
            "eth_sendTransaction", [{"from": sender, "to": "0x" + "11" * 20, "value": hex(10**18)}]
        )
        assert node.block() == height + 1
        yield {
            "url": node.url,
            "key": key,
            "account": account,
            "token": token,
            "height": height,
            "wei": wei,
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _reserves(
    chain: dict[str, Any], eth: tuple[int, int], usdt: tuple[int, int], token: str | None = None
) -> dict[str, Any]:
    account = chain["account"]
    signature = ethereum.sign_message(
        chain["key"], account, message(CUSTODIAN, EPOCH, ROOT, account)
    )

    def entry(amount: int, height: int, token: str | None = None) -> dict[str, Any]:
        out = {
            "chain": "ethereum",
            "address": account,
            "amount": str(amount),
            "height": height,
            "signature": signature,
        }
        if token:
            out["token"] = token
        return out

    return {
        "epoch": EPOCH,
        "custodian": CUSTODIAN,
        "message": MESSAGE_TEMPLATE,
        "assets": {
            "ETH": {"total": str(eth[0]), "entries": [entry(*eth)]},
            "USDT": {"total": str(usdt[0]), "entries": [entry(*usdt, token or chain["token"])]},
        },
    }


def _verify(
    tmp_path: Path,
    chain: dict[str, Any],
    data: dict[str, Any],
    *extra: str,
    usdt: str | None = None,
) -> Result:
    """``reserves verify --json`` with ``--rpc``; USDT is measured as the deployed
    token unless ``usdt`` names another contract."""
    path = tmp_path / "reserves.json"
    path.write_text(json.dumps(data))
    args = ["reserves", "verify", str(path), "--root", ROOT.hex(), "--rpc", chain["url"], "--json"]
    args += ["--eth-asset", f"USDT={usdt or chain['token']}", *extra]
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.output
    return result


def _error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is False
    error: str = report["error"]
    return error


def test_balances_at_the_snapshot_block(tmp_path: Path, chain: dict[str, Any]) -> None:
    h = chain["height"]
    result = _verify(tmp_path, chain, _reserves(chain, (chain["wei"], h), (TOKENS, h)))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["assets"]["ETH"]["balances_checked"] == 1
    assert report["assets"]["USDT"]["balances_checked"] == 1
    assert report["balance_sources"] == [f"rpc {chain['url']}"]


def test_the_balance_is_read_at_the_entrys_height(tmp_path: Path, chain: dict[str, Any]) -> None:
    """The same amount at the next block, after 1 ether left, exceeds the balance."""
    h = chain["height"]
    result = _verify(tmp_path, chain, _reserves(chain, (chain["wei"], h + 1), (TOKENS, h)))
    error = _error(result, 1)
    assert f"asset ETH entry 1 (ethereum address {chain['account']})" in error
    assert f"exceeds the balance at block {h + 1}" in error


def test_token_amount_above_balance(tmp_path: Path, chain: dict[str, Any]) -> None:
    h = chain["height"]
    result = _verify(tmp_path, chain, _reserves(chain, (1, h), (TOKENS + 1, h)))
    assert "asset USDT entry 1" in _error(result, 1)
    # before the contract existed, eth_call returns no data: the check cannot pass
    result = _verify(tmp_path, chain, _reserves(chain, (1, h), (1, h - 1)))
    assert "did not return one 32-byte word" in _error(result, 2)


def test_the_verifier_chooses_the_contract(tmp_path: Path, chain: dict[str, Any]) -> None:
    h = chain["height"]
    fake = "0x" + secrets.token_bytes(20).hex()
    result = _verify(tmp_path, chain, _reserves(chain, (1, h), (1, h), token=fake))
    assert "the verifier measures USDT as token" in _error(result, 1)
    # an address without code (the account itself) is not a token: no pass
    data = _reserves(chain, (1, h), (1, h), token=chain["account"])
    result = _verify(tmp_path, chain, data, usdt=chain["account"])
    assert "did not return one 32-byte word" in _error(result, 2)
    result = _verify(tmp_path, chain, data, "--eth-asset", f"USDT={chain['token']}")
    assert "--eth-asset: USDT given twice" in _error(result, 2)


def test_shift_for_gwei_reserves(tmp_path: Path, chain: dict[str, Any]) -> None:
    h = chain["height"]
    gwei = chain["wei"] // 10**9
    result = _verify(
        tmp_path, chain, _reserves(chain, (gwei, h), (1, h)), "--eth-asset", "ETH=ether:9"
    )
    assert result.exit_code == 0, result.output
    result = _verify(
        tmp_path, chain, _reserves(chain, (gwei + 1, h), (1, h)), "--eth-asset", "ETH=ether:9"
    )
    assert "10^9 per base unit" in _error(result, 1)


def test_node_errors_fail_closed(tmp_path: Path, chain: dict[str, Any]) -> None:
    future = chain["height"] + 1000
    result = _verify(tmp_path, chain, _reserves(chain, (1, future), (1, chain["height"])))
    error = _error(result, 2)
    assert "eth_getBalance" in error
    assert "the node answered with an error" in error
