"""Starting and resuming runs: matrix -> executor -> store, with a progress bar."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import frontendx
from frontendx.browser import chromium_executable
from frontendx.records import EpisodeResult, EpisodeSpec
from frontendx.runner._episode import fingerprint
from frontendx.runner._executor import WorkerOptions, execute
from frontendx.runner._spec import RunSpec, expand, parse_run_spec
from frontendx.store import SqliteStore
from frontendx.suite import get_app


@dataclass
class RunSummary:
    run_id: str
    total: int
    skipped: int
    ran: int
    reused: int = 0
    statuses: Counter[str] = field(default_factory=Counter)


def artifacts_dir_for(db: Path) -> Path:
    return db.with_name(db.stem + "-artifacts")


def start_run(
    store: SqliteStore,
    spec: RunSpec,
    *,
    chromium: str | None = None,
    chromium_version: str,
    force: bool = False,
    console: Console | None = None,
) -> RunSummary:
    """Record a new run and execute its matrix. Cells whose fingerprint matches a stored
    result are carried over instead of run again, unless `force`."""
    episodes = expand(spec)
    run_id = store.create_run(spec.model_dump(mode="json"), len(episodes), frontendx.__version__)
    reused = 0
    if not force:
        prints = {e.key: _fingerprint(e, chromium_version) for e in episodes}
        stored = store.reusable(prints.values())
        for episode in episodes:
            hit = stored.get(prints[episode.key])
            if hit is not None:
                reused += store.add_episode(run_id, hit[1], reused_from=hit[0])
    summary = _execute(store, run_id, spec, chromium=chromium, console=console)
    summary.reused = reused
    return summary


def _fingerprint(episode: EpisodeSpec, chromium_version: str) -> str:
    return fingerprint(
        episode, app_hash=get_app(episode.app).content_hash(), chromium=chromium_version
    )


def resume_run(
    store: SqliteStore,
    run_id: str | None = None,
    *,
    chromium: str | None = None,
    console: Console | None = None,
) -> RunSummary:
    """Run the cells of a run that are not stored yet (none lost, none duplicated)."""
    info = store.run(run_id)
    spec = parse_run_spec(info.spec, f"run {info.id}")
    return _execute(store, info.id, spec, chromium=chromium, console=console)


def _execute(
    store: SqliteStore,
    run_id: str,
    spec: RunSpec,
    *,
    chromium: str | None,
    console: Console | None,
) -> RunSummary:
    chromium_executable(chromium)  # fail early with a clear message when the path is wrong
    episodes = expand(spec)
    done = store.done_keys(run_id)
    todo = [e for e in episodes if e.key not in done]
    summary = RunSummary(run_id, len(episodes), len(episodes) - len(todo), 0)
    options = WorkerOptions(artifacts_dir_for(store.path), chromium, spec.replays)
    options.artifacts.mkdir(parents=True, exist_ok=True)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=False,
    )

    with progress:
        bar = progress.add_task(
            f"run {run_id}", total=len(episodes), completed=summary.skipped, last=""
        )

        def on_done(result: EpisodeResult) -> None:
            store.add_episode(run_id, result)
            summary.ran += 1
            summary.statuses[result.status.value] += 1
            s = result.spec
            progress.update(
                bar,
                advance=1,
                last=f"{s.agent.label} {s.task.kind} {s.app}/{s.state.name}: {result.status.value}",
            )

        execute(todo, options, workers=spec.workers, retries=spec.retries, on_done=on_done)
    return summary
