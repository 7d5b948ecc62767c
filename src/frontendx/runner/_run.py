"""Starting and resuming runs: matrix -> executor -> store, with a progress bar on a terminal
and one plain line per finished episode elsewhere (a CI log, `frontendx run > log`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import frontendx
from frontendx.artifacts import Artifacts
from frontendx.artifacts import artifacts_dir_for as artifacts_dir_for  # re-exported
from frontendx.browser import chromium_executable
from frontendx.living import VersionResolver, explain, fingerprint
from frontendx.records import EpisodeResult, EpisodeSpec
from frontendx.report import EpisodeLines
from frontendx.runner._executor import Executor, WorkerOptions, make_executor
from frontendx.runner._spec import ExecutorSpec, RunSpec, expand, parse_run_spec
from frontendx.store import SqliteStore, new_lease_owner

LEASE_SECONDS = 60.0
"""How long a claimed cell stays leased without renewal: the time after which the cells of a
driver that died are taken over by another."""

_WAIT_SECONDS = 2.0


@dataclass
class RunSummary:
    run_id: str
    total: int
    skipped: int
    ran: int
    reused: int = 0
    by_others: int = 0
    """cells another driver on the same store computed while this one ran"""
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    """why the episodes that ran had to run (a changed version source, new, forced)"""


def start_run(
    store: SqliteStore,
    spec: RunSpec,
    *,
    versions: VersionResolver,
    chromium: str | None = None,
    force: bool = False,
    console: Console | None = None,
) -> RunSummary:
    """Record a new run and execute its matrix. Cells whose fingerprint matches a stored
    result are carried over instead of run again, unless `force`; the summary says why each
    other cell ran."""
    started = time.time()
    episodes = expand(spec)
    # an artifacts URL without its backend or that cannot be written: fail before anything
    # is stored
    artifacts = Artifacts.for_store(store.path, spec.artifacts)
    artifacts.check_writable()
    # no Ray installed, or a cluster that cannot be joined: fail before anything is stored
    executor = make_executor(spec.executor, spec.worker_count)
    with contextlib.closing(executor):
        run_id = store.create_run(
            spec.model_dump(mode="json"), len(episodes), frontendx.__version__
        )
        reused = 0
        reasons: Counter[str] = Counter()
        prints = {e.key: fingerprint(e, versions.for_episode(e)) for e in episodes}
        stored = {} if force else store.reusable(prints.values())
        previous = store.cell_versions(e.cell for e in episodes)
        for episode in episodes:
            hit = stored.get(prints[episode.key])
            if hit is not None:
                reused += store.add_episode(run_id, hit[1], reused_from=hit[0])
            elif force:
                reasons["forced (--force)"] += 1
            else:
                before = previous.get(episode.cell)
                for reason in explain(before, versions.for_episode(episode)):
                    reasons[reason] += 1
        summary = _execute(
            store,
            run_id,
            spec,
            executor,
            artifacts,
            versions=versions,
            chromium=chromium,
            console=console,
            since=started if force else None,
        )
        summary.reused = reused
        summary.reasons = reasons
        return summary


def resume_run(
    store: SqliteStore,
    run_id: str | None = None,
    *,
    versions: VersionResolver,
    chromium: str | None = None,
    console: Console | None = None,
    executor: ExecutorSpec | None = None,
) -> RunSummary:
    """Run the cells of a run that are not stored yet (none lost, none duplicated), on the
    run's own executor unless `executor` is given (a Ray cluster at another address)."""
    started = time.time()
    info = store.run(run_id)
    spec = parse_run_spec(info.spec, f"run {info.id}")
    artifacts = Artifacts.for_store(store.path, spec.artifacts)  # where the run put its files
    artifacts.check_writable()
    with contextlib.closing(make_executor(executor or spec.executor, spec.worker_count)) as run_on:
        return _execute(
            store,
            info.id,
            spec,
            run_on,
            artifacts,
            versions=versions,
            chromium=chromium,
            console=console,
            since=started,
        )


def _execute(
    store: SqliteStore,
    run_id: str,
    spec: RunSpec,
    executor: Executor,
    artifacts: Artifacts,
    *,
    versions: VersionResolver,
    chromium: str | None,
    console: Console | None,
    since: float | None,
) -> RunSummary:
    """Compute the cells of a run that are not stored, in batches claimed by lease, so that
    other drivers on the same store (a second `run` or `resume`) take the other cells. A cell
    another driver computes meanwhile is carried over when it has a scored result computed
    at or after `since` (None: at any time) with the cell's fingerprint."""
    chromium_executable(chromium)  # fail early with a clear message when the path is wrong
    episodes = expand(spec)
    done = store.done_keys(run_id)
    todo = [e for e in episodes if e.key not in done]
    summary = RunSummary(run_id, len(episodes), len(episodes) - len(todo), 0)
    # Workers write each episode's files into a local staging folder (on a Ray node: its
    # own, the bytes come back with the result); the driver uploads them to `artifacts`
    # before it stores the episode, so a stored episode's files are never missing.
    sweep_staging()
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
    try:
        return _execute_staged(
            store,
            run_id,
            spec,
            executor,
            artifacts,
            WorkerOptions(staging, chromium, spec.replays),
            versions=versions,
            console=console,
            since=since,
            todo=todo,
            summary=summary,
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)


STAGING_PREFIX = "frontendx-staging-"
"""The local staging folders of drivers are ``<temp dir>/frontendx-staging-<pid>-*`` (hidden
from confined agents, see agents/_external.py)."""


def sweep_staging() -> int:
    """Delete the staging folders of drivers that are gone (killed before they could clean
    up; what they held was never stored, so `resume` runs it again). Returns how many."""
    swept = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*-*"):
        pid = folder.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        swept += 1
    return swept


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def store_artifacts(
    result: EpisodeResult, staging: Path, artifacts: Artifacts, url: str | None
) -> EpisodeResult:
    """Upload an episode's files from `staging` to `artifacts` and drop the staged copy;
    the result, stamped with the run's artifacts URL (None: the default folder), is what
    to store."""
    artifacts.upload(staging, result.artifacts.values())
    shutil.rmtree(staging / result.spec.key, ignore_errors=True)
    return result if url is None else result.model_copy(update={"artifacts_url": url})


def _execute_staged(
    store: SqliteStore,
    run_id: str,
    spec: RunSpec,
    executor: Executor,
    artifacts: Artifacts,
    options: WorkerOptions,
    *,
    versions: VersionResolver,
    console: Console | None,
    since: float | None,
    todo: list[EpisodeSpec],
    summary: RunSummary,
) -> RunSummary:
    episodes = expand(spec)
    prints = {e.key: fingerprint(e, versions.for_episode(e)) for e in todo}
    owner = new_lease_owner()
    # rich draws no bar where it cannot redraw a line: it would print nothing until the end
    sink: SqliteStore | EpisodeLines = store
    if console is not None and not console.is_terminal:
        sink = EpisodeLines(store, console, total=len(episodes), done=summary.skipped)
    progress = Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}", markup=False),
        console=console,
        transient=False,
        disable=sink is not store,
    )

    with progress, store.leases_kept(owner, LEASE_SECONDS):
        bar = progress.add_task(
            f"run {run_id}", total=len(episodes), completed=summary.skipped, last=""
        )

        def on_done(result: EpisodeResult) -> None:
            # The parent stamps the version sources, so every result of a run, infra errors
            # included, is fingerprinted by the same lookup.
            sources = versions.for_episode(result.spec)
            result = result.model_copy(
                update={"versions": sources, "fingerprint": fingerprint(result.spec, sources)}
            )
            result = store_artifacts(result, options.staging, artifacts, spec.artifacts)
            sink.add_episode(run_id, result, lease=(owner, prints[result.spec.key]))
            summary.ran += 1
            summary.statuses[result.status.value] += 1
            s = result.spec
            progress.update(
                bar,
                advance=1,
                last=f"{s.agent.label} {s.task.kind} {s.app}/{s.state.name}: {result.status.value}",
            )

        def on_retry(episode: EpisodeSpec, attempt: int, message: str) -> None:
            # said, not only counted in `attempts`: a retried failure can be the sign of a
            # harness or app problem that the retry hides
            e = episode
            first_line = (message.strip().splitlines() or ["(no message)"])[-1][:300]
            progress.console.print(
                f"retrying {e.agent.label} {e.task.kind} {e.app}/{e.state.name} "
                f"(attempt {attempt} of {spec.retries + 1} failed): {first_line}",
                markup=False,
                highlight=False,
            )

        handed: set[str] = set()  # fingerprints claimed by this driver and not yet stored

        def claim(n: int) -> list[EpisodeSpec]:
            """Up to `n` cells for the pool, claimed by lease as workers free up, so that
            another driver on the store (a second `run` or `resume`) takes the others. A cell
            another driver has computed meanwhile is carried over instead."""
            nonlocal todo
            done = store.done_keys(run_id)
            todo = [e for e in todo if e.key not in done and prints[e.key] not in handed]
            computed = store.reusable((prints[e.key] for e in todo), since=since)
            for e in todo:
                hit = computed.get(prints[e.key])
                if hit is not None and sink.add_episode(run_id, hit[1], reused_from=hit[0]):
                    summary.by_others += 1
                    progress.update(bar, advance=1, last=f"{e.agent.label}: computed elsewhere")
            todo = [e for e in todo if prints[e.key] not in computed]
            claimed = set(
                store.claim(
                    owner,
                    ((prints[e.key], run_id, e.key) for e in todo),
                    limit=n,
                    ttl=LEASE_SECONDS,
                    since=since,
                )
            )
            handed.update(claimed)
            return [e for e in todo if prints[e.key] in claimed]

        def stored(result: EpisodeResult) -> None:
            on_done(result)
            handed.discard(prints[result.spec.key])

        stalled = 0
        while True:
            try:
                executor(
                    claim,
                    options,
                    workers=spec.worker_count,
                    retries=spec.retries,
                    on_done=stored,
                    on_retry=on_retry,
                )
            finally:
                store.release_leases(owner, set(handed))
                handed.clear()
            done = store.done_keys(run_id)
            todo = [e for e in todo if e.key not in done]
            if not todo:
                break
            held = store.leased_by_others(owner, (prints[e.key] for e in todo))
            if held:
                stalled = 0
                progress.update(bar, last=f"waiting: another driver is computing {len(held)} cells")
                time.sleep(_WAIT_SECONDS)
                continue
            # stored by another driver between the look-up and the claim: the next pass carries
            # them over; twice in a row means a stored row that cannot be read
            stalled += 1
            if stalled > 1:
                break
    return summary
