"""Where batches of proofs run: in this process, or a local process pool.

Tasks are plain picklable tuples handed to a module-level function, so the
same code can later run on other executors. Results come back in task order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """All cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_ordered(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    workers: int,
    on_result: Callable[[int, R], None] | None = None,
    window: int | None = None,
) -> Iterator[tuple[int, R]]:
    """Run ``fn`` over ``tasks``; yield (index, result) as they complete, keeping
    at most ``window`` tasks in flight (bounded memory), and call ``on_result``."""
    if workers <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            result = fn(task)
            if on_result:
                on_result(i, result)
            yield i, result
        return
    limit = window or 4 * workers
    # fork: workers inherit what the parent already built (generators, tables)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: dict[Future[Any], int] = {}
        next_task = 0
        while next_task < len(tasks) or pending:
            while next_task < len(tasks) and len(pending) < limit:
                pending[pool.submit(fn, tasks[next_task])] = next_task
                next_task += 1
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                result = fut.result()
                if on_result:
                    on_result(i, result)
                yield i, result
