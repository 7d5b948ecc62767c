"""Executing a matrix: a local process pool, two browsers per worker process (the agent's
and the harness's, see `Worker`).

Each finished episode is stored (atomically) by the parent as soon as it arrives, so a killed
run loses at most the episodes in flight, and `resume` runs exactly the cells not yet stored.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Protocol

import frontendx
from frontendx.records import EpisodeResult, EpisodeSpec, EpisodeStatus
from frontendx.runner._episode import InfraError, Worker


@dataclass(frozen=True)
class WorkerOptions:
    artifacts: Path
    chromium: str | None
    replays: int


class Sink(Protocol):
    """Where finished episodes go (the store), and progress."""

    def done(self, result: EpisodeResult) -> None: ...


# Per-process state of a pool worker: its own event loop, browsers and app servers.
_loop: asyncio.AbstractEventLoop | None = None
_worker: Worker | None = None


def _init_worker(options: WorkerOptions) -> None:
    global _loop, _worker
    _loop = asyncio.new_event_loop()
    _worker = Worker(options.artifacts, chromium=options.chromium, replays=options.replays)
    Finalize(_worker, _close_worker, exitpriority=10)


def _close_worker() -> None:
    if _loop is not None and _worker is not None:
        _loop.run_until_complete(_worker.close())


def _run_in_worker(spec_json: str) -> tuple[str, str]:
    """('ok', result json) or ('infra', message). Agent failures are inside the result; any
    other failure is the harness's, so it is retried and never scored against the agent."""
    assert _loop is not None and _worker is not None
    spec = EpisodeSpec.model_validate_json(spec_json)
    try:
        result = _loop.run_until_complete(_worker.run(spec))
    except InfraError as exc:
        return "infra", str(exc)
    except Exception:
        return "infra", "harness error: " + traceback.format_exc(limit=8)[-1500:]
    return "ok", result.model_dump_json()


def infra_result(spec: EpisodeSpec, message: str, attempts: int) -> EpisodeResult:
    now = time.time()
    return EpisodeResult(
        spec=spec,
        status=EpisodeStatus.INFRA_ERROR,
        error=message[:2000],
        attempts=attempts,
        started_at=now,
        finished_at=now,
        frontendx_version=frontendx.__version__,
    )


def execute(
    specs: Sequence[EpisodeSpec],
    options: WorkerOptions,
    *,
    workers: int,
    retries: int,
    on_done: Callable[[EpisodeResult], None],
    on_retry: Callable[[EpisodeSpec, int, str], None] | None = None,
) -> None:
    """Run every spec in a process pool; call `on_done` (in this process) for each result,
    and `on_retry(spec, failed_attempt, message)` before an infrastructure failure is retried."""
    if not specs:
        return
    todo = list(specs)
    attempts: dict[str, int] = {}
    context = multiprocessing.get_context("spawn")
    while todo:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(todo)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(options,),
        )
        running: dict[Future[tuple[str, str]], EpisodeSpec] = {}
        try:
            for spec in todo:
                running[pool.submit(_run_in_worker, spec.model_dump_json())] = spec
            todo = []
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    spec = running.pop(future)
                    attempts[spec.key] = attempts.get(spec.key, 0) + 1
                    try:
                        kind, payload = future.result()
                    except BrokenProcessPool:
                        kind, payload, broken = "infra", "worker process died", True
                    except Exception as exc:  # e.g. a result that cannot be unpickled
                        kind, payload = "infra", f"worker failed: {exc!r}"
                    if kind == "ok":
                        result = EpisodeResult.model_validate_json(payload)
                        on_done(result.model_copy(update={"attempts": attempts[spec.key]}))
                    elif attempts[spec.key] > retries:
                        on_done(infra_result(spec, payload, attempts[spec.key]))
                    else:
                        if on_retry is not None:
                            on_retry(spec, attempts[spec.key], payload)
                        if broken:
                            todo.append(spec)
                        else:
                            running[pool.submit(_run_in_worker, spec.model_dump_json())] = spec
                if broken:
                    # the pool is unusable: requeue what it still held and start a new one
                    todo.extend(running.values())
                    running.clear()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
