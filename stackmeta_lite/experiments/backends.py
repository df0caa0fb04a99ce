"""Where the runs of a sweep execute: in this process (``serial``), on local cores
(``processes``) or on a Ray cluster (``ray``, needs the ``ray`` extra)."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from typing import Any

from stackmeta_lite.common.processes import worker_pool

BACKENDS: tuple[str, ...] = ("processes", "serial", "ray")
Job = Any
Outcome = tuple[Any, str, str]
"""(result or None, error line, traceback)."""


def outcomes(
    function: Callable[[Job], Outcome], jobs: list[Job], backend: str, workers: int | None = None
) -> Iterator[tuple[Job, Outcome]]:
    """(job, ``function(job)``) for each job, in the order the jobs finish, on ``backend``.
    ``function`` must not raise (it reports its own errors in its outcome); a worker that dies
    (out of memory, say) gives ``(None, error, traceback)``. Local workers (``worker_pool``) are
    at most one per job and end with this process (SIGTERM, Ctrl-C or an error)."""
    if backend == "serial" or len(jobs) == 1:
        for job in jobs:
            yield job, function(job)
    elif backend == "ray":
        yield from _ray_outcomes(function, jobs)
    elif jobs:
        with worker_pool(workers, len(jobs)) as pool:
            futures = {pool.submit(function, job): job for job in jobs}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as error:  # the worker died (e.g. out of memory)
                    outcome = None, f"{type(error).__name__}: {error}", traceback.format_exc()
                yield futures[future], outcome


def connect_ray(address: str | None = None) -> str:
    """Connect this process to Ray for the ``ray`` backend; return the cluster's address.

    Joins the cluster at ``address`` (``host:port`` of a head started with ``ray start --head``,
    or ``ray://host:port``), else the one named by Ray's own ``RAY_ADDRESS`` environment
    variable, else starts a private Ray instance on this machine (never a stray local cluster).
    """
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("the ray backend needs Ray: pip install -e '.[ray]'") from error
    if address is not None and (not isinstance(address, str) or not address.strip()):
        raise ValueError(f"address must be a Ray address such as 127.0.0.1:6379, got {address!r}")
    if ray.is_initialized():
        current = ray.get_runtime_context().gcs_address
        if address is not None and address != current:
            raise RuntimeError(f"already connected to the Ray cluster at {current}, not {address}")
        return current
    target = address or os.environ.get("RAY_ADDRESS") or "local"
    ray.init(address=target, include_dashboard=False, log_to_driver=False)
    return ray.get_runtime_context().gcs_address


def _ray_outcomes(function: Callable[[Job], Outcome], jobs: list[Job]):
    """(job, ``function(job)``) for each job, in the order the Ray tasks finish."""
    import ray

    connect_ray()
    remote = ray.remote(function)
    pending = {remote.remote(job): job for job in jobs}
    while pending:
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        job = pending.pop(ref)
        try:
            outcome = ray.get(ref)
        except Exception as error:  # the Ray worker died
            outcome = None, f"{type(error).__name__}: {error}", traceback.format_exc()
        yield job, outcome
