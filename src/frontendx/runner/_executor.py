"""Executing a matrix: a local process pool, two browsers per worker process (the agent's
and the harness's, see `Worker`), or a Ray cluster (`runner._ray`, `executor: {kind: ray}`).

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
from frontendx.errors import ConfigError
from frontendx.records import EpisodeResult, EpisodeSpec, EpisodeStatus
from frontendx.runner._episode import InfraError, Worker
from frontendx.runner._spec import ExecutorSpec


@dataclass(frozen=True)
class WorkerOptions:
    staging: Path
    """local folder the workers write each episode's files to (`<staging>/<episode key>/`);
    the driver uploads them to the run's artifacts URL (frontendx.artifacts)"""
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
    _worker = Worker(options.staging, chromium=options.chromium, replays=options.replays)
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
    claim: Callable[[int], Sequence[EpisodeSpec]],
    options: WorkerOptions,
    *,
    workers: int,
    retries: int,
    on_done: Callable[[EpisodeResult], None],
    on_retry: Callable[[EpisodeSpec, int, str], None] | None = None,
) -> None:
    """Run the episodes that `claim(n)` hands out, at most `n` at a time as workers free up,
    on one process pool (so each worker keeps its browsers and app servers), until `claim`
    hands out none while nothing is running. Calls `on_done` (in this process) for each
    result, and `on_retry(spec, failed_attempt, message)` before an infrastructure failure is
    retried. A list of specs can be passed as `claim=specs_source(specs)`."""
    pool = _Pool(claim, options, workers, retries, on_done, on_retry)
    while pool.run_until_empty_or_broken():
        pass  # a worker process died: the pool starts anew with what it held, retried first


class _Pool:
    def __init__(
        self,
        claim: Callable[[int], Sequence[EpisodeSpec]],
        options: WorkerOptions,
        workers: int,
        retries: int,
        on_done: Callable[[EpisodeResult], None],
        on_retry: Callable[[EpisodeSpec, int, str], None] | None,
    ) -> None:
        self.claim, self.options, self.workers, self.retries = claim, options, workers, retries
        self.on_done, self.on_retry = on_done, on_retry
        self.attempts: dict[str, int] = {}
        self.again: list[EpisodeSpec] = []  # infrastructure failures to retry, first in line

    def run_until_empty_or_broken(self) -> bool:
        """True when the pool broke (a worker process died) with work left."""
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.options,),
        )
        running: dict[Future[tuple[str, str]], EpisodeSpec] = {}
        try:
            self._fill(pool, running)
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    broken |= self._handle(running.pop(future), future)
                if broken:
                    self.again.extend(running.values())
                    return True
                self._fill(pool, running)
            return False
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _fill(
        self, pool: ProcessPoolExecutor, running: dict[Future[tuple[str, str]], EpisodeSpec]
    ) -> None:
        free = self.workers - len(running)
        retry, self.again = self.again[:free], self.again[free:]
        fresh = self.claim(free - len(retry)) if free > len(retry) else []
        for spec in [*retry, *fresh]:
            running[pool.submit(_run_in_worker, spec.model_dump_json())] = spec

    def _handle(self, spec: EpisodeSpec, future: Future[tuple[str, str]]) -> bool:
        """Pass on a finished episode (or queue its retry); True when the pool broke."""
        self.attempts[spec.key] = attempts = self.attempts.get(spec.key, 0) + 1
        broken = False
        try:
            kind, payload = future.result()
        except BrokenProcessPool:
            kind, payload, broken = "infra", "worker process died", True
        except Exception as exc:  # e.g. a result that cannot be unpickled
            kind, payload = "infra", f"worker failed: {exc!r}"
        if kind == "ok":
            result = EpisodeResult.model_validate_json(payload)
            self.on_done(result.model_copy(update={"attempts": attempts}))
        elif attempts > self.retries:
            self.on_done(infra_result(spec, payload, attempts))
        else:
            if self.on_retry is not None:
                self.on_retry(spec, attempts, payload)
            self.again.append(spec)
        return broken


class Executor(Protocol):
    """Runs what `claim` hands out, as `execute` does; may be called several times (the
    workers live on between calls) until `close`."""

    def __call__(
        self,
        claim: Callable[[int], Sequence[EpisodeSpec]],
        options: WorkerOptions,
        *,
        workers: int,
        retries: int,
        on_done: Callable[[EpisodeResult], None],
        on_retry: Callable[[EpisodeSpec, int, str], None] | None = None,
    ) -> None: ...

    def close(self) -> None: ...


class LocalExecutor:
    """The process pool on this machine (`execute`); each call starts its own pool."""

    def __call__(
        self,
        claim: Callable[[int], Sequence[EpisodeSpec]],
        options: WorkerOptions,
        *,
        workers: int,
        retries: int,
        on_done: Callable[[EpisodeResult], None],
        on_retry: Callable[[EpisodeSpec, int, str], None] | None = None,
    ) -> None:
        execute(
            claim, options, workers=workers, retries=retries, on_done=on_done, on_retry=on_retry
        )

    def close(self) -> None:
        pass


RAY_MISSING = (
    "the Ray executor needs Ray, which is not installed: pip install 'frontendx[ray]' "
    "(or run on this machine's process pool: --executor local)"
)


def make_executor(spec: ExecutorSpec, workers: int) -> Executor:
    """The executor a run spec asks for, for `workers` workers. On Ray it joins the cluster
    (or starts a local Ray) at once, so a missing Ray, an unreachable cluster or a refused
    token fail before anything is stored. The caller closes it."""
    if spec.kind == "local":
        return LocalExecutor()
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    from frontendx.runner._ray import RayExecutor

    executor = RayExecutor(spec.address)
    executor.connect(workers)
    return executor


def specs_source(specs: Sequence[EpisodeSpec]) -> Callable[[int], list[EpisodeSpec]]:
    """A `claim` for `execute` that hands out `specs` in order."""
    todo = list(specs)

    def claim(n: int) -> list[EpisodeSpec]:
        taken, todo[:] = todo[:n], todo[n:]
        return taken

    return claim
