"""Where batches of proofs run: in this process, a local process pool, or a
Dask distributed cluster.

Tasks are plain picklable values handed to a module-level function, so every
executor runs the same code and, the provers' randomness being derived from
the master secret (:class:`zksolvency.kdf.NonceRng`), produces the same bytes.
Tasks are drawn lazily from an iterable and at most ``window`` are in flight,
so the caller's memory stays bounded however many tasks there are. Results
come back as ``(index, result)`` in completion order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from zksolvency.errors import ParameterError

T = TypeVar("T")
R = TypeVar("R")

DASK_SCHEME = "dask://"
#: Seconds to wait for a Dask scheduler before giving up.
DASK_CONNECT_TIMEOUT = 20


def default_workers() -> int:
    """All cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class Executor(Protocol):
    #: How many tasks can run at once (for sizing windows and batches).
    workers: int
    name: str

    def run(
        self, fn: Callable[[T], R], tasks: Iterable[T], window: int | None = None
    ) -> Iterator[tuple[int, R]]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """This process (one worker) or a pool of forked processes, which inherit
    what the parent already built (generators, fixed-base tables)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self.name = f"local ({self.workers} process{'es' if self.workers > 1 else ''})"

    def run(
        self, fn: Callable[[T], R], tasks: Iterable[T], window: int | None = None
    ) -> Iterator[tuple[int, R]]:
        if self.workers <= 1:
            for i, task in enumerate(tasks):
                yield i, fn(task)
            return
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx) as pool:
            yield from _windowed(pool.submit, fn, tasks, window or 4 * self.workers)

    def close(self) -> None:
        pass


class DaskExecutor:
    """An existing Dask distributed scheduler (``dask://HOST:PORT``). Every
    worker needs zksolvency installed; batches carry their values and
    blindings, so the cluster must be trusted with them (docs/SCALING.md)."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ParameterError(
                "--executor dask://…: the Dask extra is not installed "
                "(pip install 'zksolvency[distributed]')"
            ) from None
        target = "tcp://" + address.removeprefix(DASK_SCHEME)
        try:
            self._client = Client(target, timeout=DASK_CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ParameterError(
                f"--executor {address}: cannot reach the scheduler ({exc})"
            ) from None
        self.workers = _dask_threads(self._client)
        self.name = f"dask ({target}, {self.workers} worker threads)"

    @classmethod
    def from_client(cls, client: Any) -> DaskExecutor:
        """Wrap an already connected ``distributed.Client`` (tests, notebooks)."""
        self = cls.__new__(cls)
        self._client = client
        self.workers = _dask_threads(client)
        self.name = f"dask ({client.scheduler.address}, {self.workers} worker threads)"
        return self

    def run(
        self, fn: Callable[[T], R], tasks: Iterable[T], window: int | None = None
    ) -> Iterator[tuple[int, R]]:
        def submit(f: Callable[[T], R], task: T) -> Any:
            return self._client.submit(f, task, pure=False)

        yield from _windowed(submit, fn, tasks, window or 4 * self.workers, dask=True)

    def close(self) -> None:
        self._client.close()


def _dask_threads(client: Any) -> int:
    workers = client.scheduler_info()["workers"].values()
    return max(1, sum(w.get("nthreads", 1) for w in workers))


def make_executor(spec: str | None, workers: int | None = None) -> Executor:
    """``local`` (default) or ``dask://HOST:PORT``."""
    if spec is None or spec == "local":
        return LocalExecutor(workers)
    if spec.startswith(DASK_SCHEME) and len(spec) > len(DASK_SCHEME):
        return DaskExecutor(spec)
    raise ParameterError(f"--executor {spec!r}: use 'local' or 'dask://HOST:PORT'")


def _windowed(
    submit: Callable[..., Any],
    fn: Callable[[T], Any],
    tasks: Iterable[T],
    limit: int,
    *,
    dask: bool = False,
) -> Iterator[tuple[int, Any]]:
    """Submit lazily, at most ``limit`` in flight; yield results as they complete."""
    if dask:
        from distributed import wait as dask_wait
    it = enumerate(tasks)
    pending: dict[Any, int] = {}
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < limit:
                nxt = next(it, None)
                if nxt is None:
                    exhausted = True
                    break
                pending[submit(fn, nxt[1])] = nxt[0]
            if not pending:
                return
            if dask:
                done = dask_wait(list(pending), return_when="FIRST_COMPLETED").done
            else:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                yield i, fut.result()
    finally:
        for fut in pending:
            fut.cancel()
