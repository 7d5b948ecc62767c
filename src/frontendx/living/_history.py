"""Results over time: what an agent config's result was, as of any moment, and how two
results compare.

A *result* of an agent config is the set of its episodes in one run (results carried over
from earlier runs included), so a run that re-ran only what changed still yields a whole
result. Two results are compared on the cells they share only, so that a run over more apps
or states is never compared with a smaller one as if they measured the same thing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from frontendx.errors import ConfigError
from frontendx.metrics import Constants, MetricChange, compare_episodes
from frontendx.records import EpisodeResult, EpisodeSpec
from frontendx.review import scored
from frontendx.store import EpisodeIndex, Store


def pair_key(spec: EpisodeSpec) -> str:
    """A cell without its agent: what makes two agents' episodes comparable."""
    task = spec.task
    return json.dumps(
        [spec.app, list(spec.bugs), spec.state.name, task.kind, task.target_bug, spec.repeat]
    )


@dataclass(frozen=True)
class ResultRef:
    """One result of one agent config: its episodes in one run."""

    agent: str
    run_id: str
    at: float  # when its newest freshly computed episode finished
    episode_ids: tuple[int, ...]
    fresh: int  # episodes computed in this run (the rest were carried over)


@dataclass(frozen=True)
class Comparison:
    """`new` against `old` for one task, on the cells both have."""

    task: str
    old: str  # what the old side is: "agent @ run"
    new: str
    cells: int
    changes: list[MetricChange]

    @property
    def regression(self) -> bool:
        return any(c.worse for c in self.changes)


def agent_results(index: Sequence[EpisodeIndex]) -> dict[str, list[ResultRef]]:
    """agent label -> its results, oldest first. A run counts as a result of an agent
    config only when it computed at least one of its episodes afresh."""
    by_run: dict[tuple[str, str], list[EpisodeIndex]] = defaultdict(list)
    for e in index:
        by_run[(e.agent, e.run_id)].append(e)
    results: dict[str, list[ResultRef]] = defaultdict(list)
    for (agent, run_id), rows in by_run.items():
        fresh = [r for r in rows if r.reused_from is None]
        if not fresh:
            continue
        results[agent].append(
            ResultRef(
                agent=agent,
                run_id=run_id,
                at=max(r.finished_at for r in fresh),
                episode_ids=tuple(r.id for r in rows),
                fresh=len(fresh),
            )
        )
    for refs in results.values():
        refs.sort(key=lambda r: r.at)
    return dict(results)


def compare_results(
    old: Sequence[EpisodeResult],
    new: Sequence[EpisodeResult],
    *,
    old_label: str,
    new_label: str,
    constants: Constants | None = None,
    pair_agents: bool = True,
) -> list[Comparison]:
    """Per task, compare the episodes of both sides on the cells they share. With
    `pair_agents`, cells also pair on the agent label (two runs of the same configs)."""

    def key(ep: EpisodeResult) -> tuple[str, str]:
        return (ep.spec.agent.label if pair_agents else "", pair_key(ep.spec))

    old_by = {key(e): e for e in old}
    new_by = {key(e): e for e in new}
    shared = sorted(set(old_by) & set(new_by))
    comparisons = []
    for task in sorted({old_by[k].spec.task.kind for k in shared}):
        keys = [k for k in shared if old_by[k].spec.task.kind == task]
        changes = compare_episodes(
            [old_by[k] for k in keys],
            [new_by[k] for k in keys],
            constants=constants,
            seed=f"{old_label}\x1f{new_label}\x1f{task}",
        )
        comparisons.append(Comparison(task, old_label, new_label, len(keys), changes))
    return comparisons


def compare_runs(
    store: Store, old_run: str, new_run: str, *, constants: Constants | None = None
) -> list[Comparison]:
    """Each agent config present in both runs, old run against new (both scored with the
    native bugs accepted so far, frontendx.review)."""
    old_eps = scored(store, store.episodes(store.run(old_run).id))
    new_eps = scored(store, store.episodes(store.run(new_run).id))
    agents = sorted({e.spec.agent.label for e in old_eps} & {e.spec.agent.label for e in new_eps})
    if not agents:
        raise ConfigError(f"runs {old_run} and {new_run} have no agent config in common")
    out = []
    for agent in agents:
        out += compare_results(
            [e for e in old_eps if e.spec.agent.label == agent],
            [e for e in new_eps if e.spec.agent.label == agent],
            old_label=f"{agent} @ {old_run}",
            new_label=f"{agent} @ {new_run}",
            constants=constants,
        )
    return out


def compare_agents(
    store: Store,
    old_agent: str,
    new_agent: str,
    *,
    as_of: float | None = None,
    constants: Constants | None = None,
) -> list[Comparison]:
    """Two agent configs' newest results (as of a time, with the native bugs accepted by
    then), on the cells both ran."""
    latest = scored(store, [r for _, r in store.latest_rows(as_of)], as_of)
    sides = []
    for wanted in (old_agent, new_agent):
        eps = [e for e in latest if wanted in (e.spec.agent.label, e.spec.agent.name)]
        labels = sorted({e.spec.agent.label for e in eps})
        if not eps:
            known = sorted({e.spec.agent.label for e in latest})
            raise ConfigError(f"no results for agent {wanted!r}; agents: {', '.join(known)}")
        if len(labels) > 1:
            raise ConfigError(
                f"agent {wanted!r} ran with several configs ({', '.join(labels)}); "
                "name one by its label"
            )
        sides.append((labels[0], eps))
    (old_label, old_eps), (new_label, new_eps) = sides
    return compare_results(
        old_eps,
        new_eps,
        old_label=old_label,
        new_label=new_label,
        constants=constants,
        pair_agents=False,
    )


def latest_regressions(store: Store, *, constants: Constants | None = None) -> list[Comparison]:
    """For every agent config with at least two results: newest against previous."""
    out = []
    for agent, refs in sorted(agent_results(store.index()).items()):
        if len(refs) < 2:
            continue
        prev, last = refs[-2], refs[-1]
        results = store.results(prev.episode_ids + last.episode_ids)  # unreadable rows left out
        # both sides with the same ground truth: the native bugs accepted so far
        results = dict(zip(results, scored(store, results.values()), strict=True))
        out += compare_results(
            [results[i] for i in prev.episode_ids if i in results],
            [results[i] for i in last.episode_ids if i in results],
            old_label=f"{agent} @ {prev.run_id}",
            new_label=f"{agent} @ {last.run_id}",
            constants=constants,
        )
    return out
