"""Executing a matrix on a Ray cluster (`executor: {kind: ray}`; `pip install frontendx[ray]`).

Each worker is a Ray actor: one worker process on some node of the cluster, holding its own
`Worker` (browsers and app servers, reused across its episodes, as a process-pool worker
does). Each episode is one task on a free actor. The semantics are the process pool's
(`runner._executor`): the driver stores each finished episode as it arrives, infrastructure
failures are retried (bounded) and recorded as `infra_error`, never scored, and an actor that
dies mid-episode (its process or its whole node gone) costs that episode a retry, not a
result: the actor is replaced and the episode goes back to the front of the line.

Workers write an episode's files (traces, screenshots) to a staging folder on their own node
and send the bytes back with the result; the driver uploads them to the run's artifacts URL
before it stores the episode, so the nodes need no shared file system and no credentials for
the artifacts' store (frontendx.artifacts).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from frontendx.errors import ConfigError, InfraError
from frontendx.records import EpisodeResult, EpisodeSpec
from frontendx.runner._episode import Worker
from frontendx.runner._executor import RAY_MISSING, WorkerOptions, infra_result

PLACEMENT_TIMEOUT_S = 300.0
"""How long work may wait with no worker actor running on the cluster before the run fails
(the cluster has no free CPU for one, or every node is gone)."""

_CLOSE_TIMEOUT_S = 30.0


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


class EpisodeActor:
    """A Ray actor's state: its own event loop and `Worker`. Methods run one at a time."""

    def __init__(self, options: WorkerOptions) -> None:
        self.loop = asyncio.new_event_loop()
        self.staging = options.staging
        self.worker = Worker(options.staging, chromium=options.chromium, replays=options.replays)

    def ready(self) -> str:
        return f"{os.uname().nodename} pid {os.getpid()}"

    def run(self, spec_json: str) -> tuple[str, str, dict[str, bytes]]:
        """('ok', result json, its files) or ('infra', message, {}), as a pool worker returns
        them, plus the bytes of the episode's artifacts by relative path (the driver may be on
        another machine)."""
        spec = EpisodeSpec.model_validate_json(spec_json)
        try:
            result = self.loop.run_until_complete(self.worker.run(spec))
            files = {r: (self.staging / r).read_bytes() for r in set(result.artifacts.values())}
        except InfraError as exc:
            return "infra", str(exc), {}
        except Exception:
            return "infra", "harness error: " + traceback.format_exc(limit=8)[-1500:], {}
        finally:
            shutil.rmtree(self.staging / spec.key, ignore_errors=True)
        return "ok", result.model_dump_json(), files

    def close(self) -> None:
        self.loop.run_until_complete(self.worker.close())


def _forwarded_env() -> dict[str, str]:
    """FrontendX's own settings (FRONTENDX_*) reach the workers as they reach a pool's."""
    return {k: v for k, v in os.environ.items() if k.startswith("FRONTENDX_")}


class RayExecutor:
    """`execute` on a Ray cluster. Call it like `runner.execute` (it may be called several
    times; the actors and their browsers live until `close`)."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self._ray: Any = None
        self._owns_ray = False
        self._actor_class: Any = None
        self._options: WorkerOptions | None = None
        self._idle: list[Any] = []  # started actors with nothing to do
        self._starting: dict[Any, Any] = {}  # ready() ref -> actor being placed and started
        self.replaced = 0
        """actors that died and were replaced (worker process or node lost)"""

    def connect(self, workers: int) -> Any:
        """Join the cluster (or start a local Ray sized for `workers`); once."""
        if self._ray is not None:
            return self._ray
        ray = _ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            if self.address is None:
                kwargs["num_cpus"] = workers  # a local Ray sized for the run
            try:
                ray.init(address=self.address, **kwargs)
            except ConnectionError as exc:
                if _refused_token(exc):
                    raise ConfigError(
                        f"--ray-address {self.address}: the Ray cluster refused this driver's "
                        "token; give it the cluster's token (RAY_AUTH_MODE=token and "
                        "RAY_AUTH_TOKEN_PATH=FILE, or RAY_AUTH_TOKEN)"
                    ) from None
                raise ConfigError(
                    f"--ray-address {self.address}: cannot join that Ray cluster ({exc}); "
                    "start it with `ray start --head` and pass the address it prints"
                ) from None
            self._owns_ray = True
        self._ray = ray
        self._actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(EpisodeActor)
        return ray

    def _start_actor(self) -> None:
        assert self._options is not None
        actor = self._actor_class.options(
            scheduling_strategy="SPREAD",
            runtime_env={"env_vars": _forwarded_env()},
        ).remote(self._options)
        self._starting[actor.ready.remote()] = actor

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
        """Run the episodes that `claim(n)` hands out on `workers` actors, as
        `runner.execute` does on a process pool."""
        ray = self.connect(workers)
        if self._options != options:
            self._stop_actors()
            self._options = options
        for _ in range(workers - len(self._idle) - len(self._starting)):
            self._start_actor()
        attempts: dict[str, int] = {}
        again: list[EpisodeSpec] = []  # infrastructure failures to retry, first in line
        running: dict[Any, tuple[EpisodeSpec, Any]] = {}  # run() ref -> (spec, actor)
        nobody_since: float | None = None
        while True:
            # hand work to idle actors: retries first, then freshly claimed cells
            if self._idle:
                free = len(self._idle)
                retry, again = again[:free], again[free:]
                fresh = list(claim(free - len(retry))) if free > len(retry) else []
                for spec in [*retry, *fresh]:
                    actor = self._idle.pop()
                    running[actor.run.remote(spec.model_dump_json())] = (spec, actor)
            if not running and not again and self._idle:
                return  # nothing left to claim, nothing in flight
            if not running and not self._idle:
                # work is waiting, yet no actor is running: the cluster has to place one
                nobody_since = nobody_since or time.monotonic()
                if time.monotonic() - nobody_since > PLACEMENT_TIMEOUT_S:
                    raise InfraError(
                        f"Ray executor: no worker actor could start on the cluster at "
                        f"{self.address or '(local)'} for {PLACEMENT_TIMEOUT_S:.0f} s: it has no "
                        "free CPU for one (each takes 1), or its nodes are gone; add nodes "
                        "or lower `workers`"
                    )
            else:
                nobody_since = None
            refs = [*running, *self._starting]
            finished, _ = ray.wait(refs, num_returns=1, timeout=5.0)
            for ref in finished:
                if ref in self._starting:
                    self._started(ref)
                    continue
                spec, actor = running.pop(ref)
                attempts[spec.key] = attempt = attempts.get(spec.key, 0) + 1
                try:
                    kind, payload, files = ray.get(ref)
                    self._idle.append(actor)
                except ray.exceptions.RayError as exc:  # the actor's process or node died
                    kind, payload, files = "infra", f"Ray worker lost: {_first_line(exc)}", {}
                    self._replace(actor)
                if kind == "ok":
                    _unpack(options.staging, files)
                    result = EpisodeResult.model_validate_json(payload)
                    on_done(result.model_copy(update={"attempts": attempt}))
                elif attempt > retries:
                    on_done(infra_result(spec, payload, attempt))
                else:
                    if on_retry is not None:
                        on_retry(spec, attempt, payload)
                    again.append(spec)

    def _started(self, ref: Any) -> None:
        actor = self._starting.pop(ref)
        try:
            self._ray.get(ref)
        except self._ray.exceptions.RayError:  # died while starting (node lost, no browser)
            self._replace(actor)
            return
        self._idle.append(actor)

    def _replace(self, actor: Any) -> None:
        self.replaced += 1
        with contextlib.suppress(Exception):  # already gone with its node
            self._ray.kill(actor, no_restart=True)
        self._start_actor()

    def _stop_actors(self) -> None:
        if self._ray is None:
            return
        ray = self._ray
        actors = [*self._idle, *self._starting.values()]
        closing = [a.close.remote() for a in self._idle]
        if closing:  # let the workers close their browsers and app servers
            ray.wait(closing, num_returns=len(closing), timeout=_CLOSE_TIMEOUT_S)
        for actor in actors:
            with contextlib.suppress(Exception):
                ray.kill(actor, no_restart=True)
        self._idle, self._starting = [], {}

    def close(self) -> None:
        """Stop the actors (closing their browsers), and the local Ray if this started one."""
        self._stop_actors()
        if self._ray is not None and self._owns_ray:
            self._ray.shutdown()
        self._ray = None
        self._owns_ray = False


def _unpack(staging: Path, files: dict[str, bytes]) -> None:
    """An episode's files, sent back by its actor, into the driver's staging folder."""
    for rel, data in files.items():
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _refused_token(exc: BaseException) -> bool:
    """Whether joining a cluster failed on its token (Ray wraps that error in others)."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "AuthenticationError" or "InvalidAuthToken" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
