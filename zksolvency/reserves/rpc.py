"""Ethereum balances from the verifier's own node, over JSON-RPC (HTTP POST).

At the entry's snapshot block ``h`` (hex quantity):

* ether: ``eth_getBalance(address, h)`` → wei;
* an ERC-20 token: ``eth_call({to: token, data: 0x70a08231 ‖ address as 32
  bytes}, h)`` → ``balanceOf(address)``, one 32-byte word.

The verifier says how each reserves asset is measured (:class:`EthAsset`):
ether or one token contract, and ``shift``, the number of decimal digits
between the chain's smallest unit and the reserves' base unit (a reserves
file counting ETH in gwei has ``shift = 9``): an entry's ``amount·10^shift``
must not exceed the balance. The contract comes from the verifier, never
from the reserves file, so a custodian cannot count a token of its own
making as USDT.

Only ``http``/``https`` URLs, no redirects; every request has a timeout; answers are
limited to 1 MiB and parsed strictly (JSON-RPC 2.0, the request's id,
quantities as ``0x`` without leading zeros). A node that cannot be reached or
answers with an error is an :class:`~zksolvency.errors.InputError`: the check
did not happen, which never counts as a pass.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from zksolvency.errors import FormatError, InputError
from zksolvency.reserves import ethereum

BALANCE_OF = bytes.fromhex("70a08231")  # keccak256("balanceOf(address)")[:4]
DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 1 << 20
MAX_SHIFT = 36
ETHER = "ether"
_QUANTITY_RE = re.compile(r"0x(0|[1-9a-f][0-9a-f]{0,63})")
_WORD_RE = re.compile(r"0x[0-9a-f]{64}")


@dataclass(frozen=True)
class EthAsset:
    """How ``--rpc`` measures a reserves asset: ether (``contract`` None) or an
    ERC-20 contract (EIP-55 text), and the decimal ``shift`` from the chain's
    smallest unit to the asset's base unit."""

    contract: str | None
    shift: int = 0

    def describe(self) -> str:
        what = ETHER if self.contract is None else f"token {self.contract}"
        return what if not self.shift else f"{what} (÷10^{self.shift})"


#: With --rpc, unless --eth-asset says otherwise: the asset named ETH is ether, in wei.
DEFAULT_ETH_ASSETS = {"ETH": EthAsset(None, 0)}


def parse_eth_asset(spec: str) -> tuple[str, EthAsset]:
    """``ASSET=ether[:SHIFT]`` or ``ASSET=0xCONTRACT[:SHIFT]`` (``--eth-asset``)."""
    name, sep, rest = spec.partition("=")
    source, _, shift_text = rest.partition(":")
    if not sep or not name or not source:
        raise InputError(f"--eth-asset {spec!r}: expected ASSET=ether[:SHIFT] or ASSET=0x…[:SHIFT]")
    shift = 0
    if shift_text:
        if not shift_text.isdigit() or not shift_text.isascii() or int(shift_text) > MAX_SHIFT:
            raise InputError(f"--eth-asset {spec!r}: SHIFT must be an integer in 0–{MAX_SHIFT}")
        shift = int(shift_text)
    if source == ETHER:
        return name, EthAsset(None, shift)
    try:
        contract = ethereum.checksum_address(ethereum.parse_address(source))
    except FormatError as exc:
        raise InputError(f"--eth-asset {spec!r}: contract: {exc}") from None
    return name, EthAsset(contract, shift)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: the verifier named the node to ask."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class EthereumRpc:
    """A minimal JSON-RPC client for balance queries (standard library only)."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        try:
            parts = urllib.parse.urlsplit(url)
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            parts, port = None, ""
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError("--rpc: use an http:// or https:// URL of your node")
        self.url = url
        self.shown = f"{parts.scheme}://{parts.hostname}{port}"  # no credentials in messages
        self.timeout = timeout
        self._next_id = 0
        self._opener = urllib.request.build_opener(_NoRedirect)

    def call(self, method: str, params: list[Any]) -> Any:
        """One request; returns ``result``. Raises :class:`InputError`."""
        self._next_id += 1
        request_id = self._next_id
        body = json.dumps(
            {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        where = f"--rpc {self.shown}: {method}"
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise InputError(f"{where}: HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise InputError(f"{where}: cannot reach the node ({exc.reason})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise InputError(f"{where}: {type(exc).__name__}: {exc}") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise InputError(f"{where}: answer larger than {MAX_RESPONSE_BYTES} bytes")
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise InputError(f"{where}: the answer is not JSON") from None
        if (
            not isinstance(answer, dict)
            or answer.get("jsonrpc") != "2.0"
            or answer.get("id") != request_id
        ):
            raise InputError(f"{where}: not a JSON-RPC 2.0 answer to this request")
        if "error" in answer:
            error = answer["error"]
            detail = error.get("message") if isinstance(error, dict) else error
            raise InputError(f"{where}: the node answered with an error: {str(detail)[:200]!r}")
        if "result" not in answer:
            raise InputError(f"{where}: the answer has no result")
        return answer["result"]

    def balance(self, address: str, height: int, asset: EthAsset) -> int:
        """The balance of ``address`` at block ``height``, in the chain's
        smallest unit of ``asset`` (wei, or the token's)."""
        holder = ethereum.parse_address(address)
        block = hex(height)
        if asset.contract is None:
            result = self.call("eth_getBalance", ["0x" + holder.hex(), block])
            if not isinstance(result, str) or not _QUANTITY_RE.fullmatch(result):
                raise InputError(f"--rpc {self.shown}: eth_getBalance: not a quantity")
            return int(result, 16)
        data = BALANCE_OF + bytes(12) + holder
        call = {"to": asset.contract.lower(), "data": "0x" + data.hex()}
        result = self.call("eth_call", [call, block])
        if not isinstance(result, str) or not _WORD_RE.fullmatch(result):
            raise InputError(
                f"--rpc {self.shown}: eth_call balanceOf on {asset.contract} did not return "
                "one 32-byte word (not an ERC-20 contract at that block?)"
            )
        return int(result, 16)
