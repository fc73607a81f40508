"""Text from a bundle reaches the auditor's terminal verbatim, or not at all.

``verify`` and ``inspect`` print strings that come from the untrusted manifest
(the epoch, the statement's name). A custodian is not bound to the library's
prover: with a patched copy it proves a perfectly valid bundle for any epoch
string (here: ``prove_epoch`` with its epoch check switched off). Such a string
must either be refused when the bundle is read (a one-line failure, exit 1 or
2) or be shown exactly as it is: never interpreted as rich markup, which would
let the bundle restyle or hide parts of what the auditor reads (an epoch
``[bold]2026-12[/bold]`` displayed as ``2026-12``), or crash the command with a
traceback after every check passed (``[/]``).

Found while hardening (issue 5): ``verify``/``inspect`` passed these strings
to rich with markup on and ``bundle.read`` accepted any non-empty epoch.
Fixed in 4a122c7: ``bundle.read``, ``inclusion.parse`` and ``prove_epoch``
accept only ``EPOCH_RE`` (SPEC §14), and the CLI escapes manifest text.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import ASSETS, MASTER, small_exchange
from typer.testing import CliRunner

from zksolvency import bundle, solvency
from zksolvency.circuits import load_statement
from zksolvency.cli import app

RUNNER = CliRunner()
#: (case id, epoch, statement name)
CASES = [
    ("epoch-closing-tag", "[/]2026-11", "per-asset-solvency"),
    ("epoch-restyled", "[bold]2026-12[/bold]", "per-asset-solvency"),
    ("statement-name-tag", "2026-11", "solvency [/]"),
]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One valid 4-leaf bundle per case, from a prover without the epoch check."""
    users, balances, reserves = small_exchange(3, 2)
    out = {}
    for case, epoch, name in CASES:
        st = dataclasses.replace(load_statement().bind(ASSETS), name=name)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(solvency, "EPOCH_RE", re.compile(r".{1,64}"), raising=False)
            proof = solvency.prove_epoch(
                st, users, balances, reserves, MASTER, epoch, min_leaves=4, batch_size=4, workers=1
            )
        path = tmp_path_factory.mktemp(case) / "bundle"
        bundle.write(path, proof)
        out[case] = path
    return out


def _shown_verbatim_or_refused(args: list[str], text: str) -> None:
    result = RUNNER.invoke(app, args)
    if result.exception is not None:  # a crash, not a result
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 0:
        assert text in result.stdout, f"{text!r} was not shown verbatim"
    else:
        assert result.exit_code in (1, 2)
        assert len(result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.parametrize(("case", "epoch", "name"), CASES, ids=[c[0] for c in CASES])
def test_verify_shows_manifest_text_verbatim(
    bundles: dict[str, Path], case: str, epoch: str, name: str
) -> None:
    text = name if case.startswith("statement") else epoch
    _shown_verbatim_or_refused(["verify", str(bundles[case]), "--workers", "1", "--quiet"], text)


@pytest.mark.parametrize(("case", "epoch", "name"), CASES, ids=[c[0] for c in CASES])
def test_inspect_shows_manifest_text_verbatim(
    bundles: dict[str, Path], case: str, epoch: str, name: str
) -> None:
    text = name if case.startswith("statement") else epoch
    _shown_verbatim_or_refused(["inspect", str(bundles[case])], text)


def test_plain_epoch_is_shown(tmp_path: Path) -> None:
    """The control: an ordinary bundle's epoch and statement name are shown as they are."""
    users, balances, reserves = small_exchange(3, 2)
    st = load_statement().bind(ASSETS)
    proof = solvency.prove_epoch(
        st, users, balances, reserves, MASTER, "2026-11", min_leaves=4, batch_size=4, workers=1
    )
    path = tmp_path / "b"
    bundle.write(path, proof)
    for args in (["verify", str(path), "--workers", "1", "--quiet"], ["inspect", str(path)]):
        result = RUNNER.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "2026-11" in result.stdout
        assert st.name in result.stdout
