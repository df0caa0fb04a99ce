"""Worker processes that end with their parent: one process pool for sweeps and benchmarks.

``worker_pool(workers, n_jobs)`` sizes the pool (``pool_size``: never more processes than jobs;
by default no more than the cores; more than the cores only when asked, with a warning, and never
above ``MAX_WORKERS_PER_CORE`` per core) and guarantees that the workers end when the block ends
in any way: normally they finish their jobs; on an exception, Ctrl-C (SIGINT) or ``kill``
(SIGTERM, turned into ``SystemExit(143)`` while the pool is open) they are terminated and reaped
before the exception travels on, so no worker outlives the sweep.
"""

from __future__ import annotations

import os
import signal
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from stackmeta_lite.common.validation import check_integer

MAX_WORKERS_PER_CORE = 4
"""Explicitly asked workers beyond this many per core are refused: they only contend."""


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_workers(workers: int | None) -> int | None:
    """``workers`` as None (all cores) or an int in [1, ``MAX_WORKERS_PER_CORE`` x cores], or a
    ValueError naming the limit; checked before any computing."""
    if workers is None:
        return None
    workers = check_integer("workers", workers, low=1)
    limit = MAX_WORKERS_PER_CORE * cores()
    if workers > limit:
        raise ValueError(
            f"workers must be at most {limit} ({MAX_WORKERS_PER_CORE} per core, {cores()} "
            f"cores), got {workers}"
        )
    return workers


def pool_size(workers: int | None, n_jobs: int) -> int:
    """Processes for ``n_jobs`` jobs: ``workers`` (see ``check_workers``; None for all cores),
    never more than the jobs; above the cores only when asked, with a warning."""
    n_jobs = check_integer("number of jobs", n_jobs, low=1)
    workers, available = check_workers(workers), cores()
    if workers is None:
        return min(n_jobs, available)
    size = min(workers, n_jobs)
    if size > available:
        warnings.warn(
            f"{size} worker processes on {available} cores: they will contend for the cores",
            RuntimeWarning,
            stacklevel=3,
        )
    return size


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def worker_pool(workers: int | None, n_jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``pool_size(workers, n_jobs)`` workers that never outlive the block."""
    pool = ProcessPoolExecutor(max_workers=pool_size(workers, n_jobs))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if in_main else None
    try:
        yield pool
    except BaseException:
        _terminate(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued jobs, then terminate and reap the running workers."""
    processes = list((pool._processes or {}).values())  # the only handle on the workers
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
