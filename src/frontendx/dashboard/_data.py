"""The dashboard's data: every view the dashboard shows, as JSON-ready dicts computed from the
store alone.

Views are addressed by a relative path (``data/leaderboard/latest/all.json``), and the same
paths are served by `frontendx serve` and written by `frontendx export-site`, so the live
dashboard and the static site are one frontend over one set of files.

Computing a view parses stored results and bootstraps intervals, which is slow on a large
store; views are therefore cached per store *revision* (it changes whenever an episode or a
changelog entry is added) in memory and in the store's ``views`` table, so each view is
computed once per change of the store, not once per request.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import math
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontendx
from frontendx.artifacts import Artifacts
from frontendx.errors import ConfigError, StoreError
from frontendx.errors import NotFound as NotFound  # re-exported: moved to errors.py
from frontendx.living import SOURCES, latest_regressions
from frontendx.metrics import Constants, MetricsRow, compute_rows, load_constants
from frontendx.records import CHANGE_TASKS, EpisodeResult, EpisodeStatus, VerdictKind
from frontendx.report import export_finding_test, to_csv
from frontendx.review import candidates, native_bugs, rescore
from frontendx.store import SqliteStore

log = logging.getLogger(__name__)

SLICE_DIMS: tuple[str, ...] = ("app", "state", "category", "difficulty")
"""Slices the leaderboard can be cut by (task is a column of every row)."""

VIEWS_FORMAT = 7
"""Bumped whenever a view's shape or computation changes, so views cached in a store by an
older FrontendX are recomputed rather than served."""

PAGE_SIZE = 200
"""Episodes per page of an episode list."""

PARETO: dict[str, tuple[str, bool]] = {
    # front name -> (x metric, lower x is better); y is always recall, higher is better
    "cost_recall": ("cost_per_validated_bug", True),
    "ttr_recall": ("ttr_median_s", True),
    "fp_recall": ("fp_rate", True),
}


def safe_name(text: str) -> str:
    """`text` as a file- and URL-safe name: unchanged when already safe, else a slug plus a
    short hash (so distinct texts never share a name). Static file servers decode ``%``
    escapes, so escaped names would not survive the export."""
    if re.fullmatch(r"[A-Za-z0-9._@-]{1,80}", text) and not text.startswith("."):
        return text
    slug = re.sub(r"[^A-Za-z0-9._@-]+", "_", text).strip("._")[:48] or "x"
    return f"{slug}~{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def slice_key(dim: str | None = None, value: str | None = None) -> str:
    """``all`` or ``dim=value`` with the value made safe for a file name."""
    if dim is None:
        return "all"
    return f"{dim}={safe_name(str(value))}"


def agent_key(label: str) -> str:
    return safe_name(label)


@dataclass(frozen=True)
class _Episode:
    id: int
    run_id: str
    cell: str
    result: EpisodeResult


class _Snapshot:
    """Every freshly computed episode of the store, parsed once per store revision."""

    def __init__(self, store: SqliteStore) -> None:
        self.revision = store.revision()
        index = [e for e in store.index() if e.reused_from is None]
        results = store.results(e.id for e in index)  # rows that cannot be read are left out
        self.episodes = [  # as stored
            _Episode(e.id, e.run_id, e.cell, results[e.id]) for e in index if e.id in results
        ]
        self.native = native_bugs(store)  # the review queue's accepted native bugs
        self.by_id = {e.id: e for e in self._rescored(self.episodes, None)}
        self.points = store.time_points()
        self.changelog = store.changelog()
        self._as_of: dict[float | None, list[_Episode]] = {}

    def _rescored(self, episodes: list[_Episode], at: float | None) -> list[_Episode]:
        """`episodes` scored with the native bugs accepted by `at` (None: all of them)."""
        results = rescore([e.result for e in episodes], self.native, at)
        return [
            e if r is e.result else _Episode(e.id, e.run_id, e.cell, r)
            for e, r in zip(episodes, results, strict=True)
        ]

    def as_of(self, at: float | None) -> list[_Episode]:
        """Newest result per cell at `at` (None: now), preferring scored ones, as the store's
        `latest_rows` does, scored with the native bugs accepted by then."""
        if at not in self._as_of:
            self._as_of[at] = self._rescored(self.stored_as_of(at), at)
        return self._as_of[at]

    def stored_as_of(self, at: float | None) -> list[_Episode]:
        """As `as_of`, with every result as stored (no native bug applied)."""
        best: dict[str, _Episode] = {}
        for e in self.episodes:
            r = e.result
            if at is not None and r.finished_at > at:
                continue
            cur = best.get(e.cell)
            if cur is None or _rank(e) > _rank(cur):
                best[e.cell] = e
        return sorted(best.values(), key=lambda e: e.id)


def _rank(e: _Episode) -> tuple[bool, float, int]:
    return (e.result.status is not EpisodeStatus.INFRA_ERROR, e.result.finished_at, e.id)


class Views:
    """The dashboard's views of one store. Thread-safe; cheap to call repeatedly."""

    def __init__(
        self,
        store: SqliteStore,
        *,
        constants: Constants | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.constants = constants if constants is not None else load_constants()
        self.clock = clock
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None
        self._memo: dict[str, Any] = {}
        self._generation = 0  # bumped by clear(), so views cached in the store are skipped
        self._artifacts: dict[str | None, Artifacts] = {}  # by URL (None: beside the store)

    # --- plumbing ---------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget every computed view (memory and the store's cache): the next request
        recomputes from the stored episodes."""
        with self._lock:
            self._snapshot = None
            self._memo.clear()
            self._generation += 1

    def snapshot(self) -> _Snapshot:
        with self._lock:
            revision = self.store.revision()
            if self._snapshot is None or self._snapshot.revision != revision:
                self._snapshot = _Snapshot(self.store)
                self._memo.clear()
            return self._snapshot

    def _cached(self, key: str, compute: Callable[[_Snapshot], Any]) -> Any:
        snap = self.snapshot()
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            cache_key = (
                f"{VIEWS_FORMAT}/{frontendx.__version__}/{self.constants.version}/"
                f"{self._generation}/{key}"
            )
            stored = self.store.cached_view(cache_key, snap.revision)
            if stored is not None:
                value = json.loads(stored)
            else:
                value = compute(snap)
                # a read-only store still serves, from memory
                with contextlib.suppress(StoreError):
                    self.store.cache_view(cache_key, snap.revision, json.dumps(value))
            self._memo[key] = value
            return value

    def _parse_slice(self, key: str) -> tuple[str | None, str | None]:
        if key == "all":
            return None, None
        dim = key.partition("=")[0]
        for item in self.index()["slices"].get(dim, []):
            if item["key"] == key:
                return dim, item["value"]
        raise NotFound(f"no slice {key!r}; the slices are listed in data/index.json")

    def _agent(self, key: str) -> str:
        for item in self.index()["agents"]:
            if item["key"] == key:
                return str(item["label"])
        raise NotFound(f"no agent {key!r}; the agents are listed in data/index.json")

    def _point(self, snap: _Snapshot, as_of: str) -> float | None:
        if as_of == "latest":
            return None
        for run_id, at in snap.points:
            if run_id == as_of:
                return at
        raise NotFound(f"no as-of point {as_of!r}; see data/index.json for the points")

    # --- views ------------------------------------------------------------------------------

    def index(self) -> dict[str, Any]:
        def compute(snap: _Snapshot) -> dict[str, Any]:
            latest = [e.result for e in snap.as_of(None)]
            about: dict[str, dict[str, Any]] = {}
            for r in sorted(latest, key=lambda r: r.finished_at):  # the newest version wins
                about[r.spec.agent.label] = {
                    "name": r.spec.agent.name,
                    "version": r.spec.agent.version,
                    "config": r.spec.agent.config,
                    **agent_facts(r.spec.agent.name),
                }
            values: dict[str, set[str]] = defaultdict(set)
            for r in latest:
                values["app"].add(r.spec.app)
                values["state"].add(r.spec.state.name)
                values["task"].add(r.spec.task.kind)
                for facts in r.bug_facts.values():
                    values["category"].add(facts.category)
                    values["difficulty"].add(facts.difficulty)
            return {
                "frontendx_version": frontendx.__version__,
                "constants_version": self.constants.version,
                "confidence": self.constants.confidence,
                "generated_at": self.clock(),
                "episodes": len(snap.episodes),
                "points": [{"id": rid, "at": at} for rid, at in snap.points],
                "slices": {
                    d: [{"value": v, "key": slice_key(d, v)} for v in sorted(values[d])]
                    for d in SLICE_DIMS
                },
                "tasks": sorted(values["task"]),
                "agents": [
                    {"label": a, "key": agent_key(a), **about[a]}
                    for a in sorted({r.spec.agent.label for r in latest})
                ],
            }

        return dict(self._cached("index", compute))

    def leaderboard(self, as_of: str = "latest", slice_: str = "all") -> dict[str, Any]:
        """Rows per agent config and task, in a slice (``all`` or a key from the index),
        with age, staleness and Pareto-front flags."""
        dim, value = self._parse_slice(slice_)

        def compute(snap: _Snapshot) -> dict[str, Any]:
            rows = [
                row
                for row in self._rows(as_of, dim)
                if dim is None or row["slice"].get(dim) == value
            ]
            # calibration agents (oracle, null) check the validator: they are on no front
            calibration = set(self.calibration_agents())
            _mark_pareto([r for r in rows if r["agent"] not in calibration])
            for row in rows:
                row["calibration"] = row["agent"] in calibration
                row.setdefault("pareto", dict.fromkeys(PARETO, False))
            return {"as_of": as_of, "slice": slice_, "rows": rows}

        return dict(self._cached(f"leaderboard/{as_of}/{slice_}", compute))

    def _rows(self, as_of: str, dim: str | None) -> list[dict[str, Any]]:
        """Leaderboard rows of one as-of point for every value of one slice dimension,
        computed once and shared by every slice view of that dimension."""

        def compute(snap: _Snapshot) -> list[dict[str, Any]]:
            episodes = [e.result for e in snap.as_of(self._point(snap, as_of))]
            rows = compute_rows(
                episodes, by=() if dim is None else (dim,), constants=self.constants
            )
            known = _known_versions(snap)
            out = []
            for row in rows:
                mine = [
                    r
                    for r in episodes
                    if r.spec.agent.label == row.agent
                    and r.spec.agent.version == row.agent_version
                    and r.spec.task.kind == row.task
                ]
                item = row.model_dump(mode="json")
                newest = max((r.finished_at for r in mine), default=0.0)
                item["newest_at"] = newest
                item["age_s"] = max(0.0, self.clock() - newest) if newest else None
                reasons = _stale_reasons(mine, known)
                item["stale"] = bool(reasons)
                item["stale_reasons"] = reasons
                out.append(item)
            return out

        return [dict(r) for r in self._cached(f"rows/{as_of}/{dim or 'all'}", compute)]

    def regressions(self) -> dict[str, list[str]]:
        """``agent\\x1ftask`` -> the headline metrics on which each agent config's newest
        result is worse than its previous one beyond the CI (what `frontendx compare`
        flags), with the change and its interval, for the latest leaderboard."""

        def compute(snap: _Snapshot) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for comp in latest_regressions(self.store, constants=self.constants):
                agent = comp.new.split(" @ ")[0]
                out[f"{agent}\x1f{comp.task}"] = [
                    f"{c.metric}: {_signed(c.diff)} (CI {_signed(c.diff_ci_low)} to "
                    f"{_signed(c.diff_ci_high)}) vs {comp.old.split(' @ ')[-1]}"
                    for c in comp.changes
                    if c.worse
                ]
            return out

        return dict(self._cached("regressions", compute))

    def leaderboard_csv(self, as_of: str = "latest", slice_: str = "all") -> str:
        rows = [
            MetricsRow.model_validate(_row_fields(r))
            for r in self.leaderboard(as_of, slice_)["rows"]
        ]
        return to_csv(rows)

    def trends(self) -> dict[str, Any]:
        """Headline metrics of every agent config and task at every as-of point. Point
        estimates only: intervals for every point would cost a bootstrap per point."""

        def compute(snap: _Snapshot) -> dict[str, Any]:
            quick = self.constants.model_copy(update={"bootstrap_resamples": 0})
            series: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
            for run_id, at in snap.points:
                episodes = [e.result for e in snap.as_of(at)]
                best: dict[tuple[str, str], MetricsRow] = {}
                for row in compute_rows(episodes, constants=quick):
                    # A config mid-upgrade has rows for two versions at one point: the trend
                    # follows the version that holds most of its cells.
                    cur = best.get((row.agent, row.task))
                    if cur is None or row.n_episodes > cur.n_episodes:
                        best[(row.agent, row.task)] = row
                for row in best.values():
                    series[(row.agent, row.task)].append(
                        {
                            "at": at,
                            "point": run_id,
                            "recall": row.recall,
                            "fp_rate": row.fp_rate,
                            "cost_per_validated_bug": row.cost_per_validated_bug,
                            "ttr_median_s": row.ttr_median_s,
                            "n_episodes": row.n_episodes,
                            "agent_version": row.agent_version,
                        }
                    )
            return {
                "series": [
                    {"agent": agent, "task": task, "points": points}
                    for (agent, task), points in sorted(series.items())
                ]
            }

        return dict(self._cached("trends", compute))

    def matrix(self, as_of: str = "latest") -> dict[str, Any]:
        """Bug x agent: how often each agent config validated each bug where it was scored."""

        def compute(snap: _Snapshot) -> dict[str, Any]:
            bugs: dict[tuple[str, str], dict[str, Any]] = {}
            cells: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
            for e in snap.as_of(self._point(snap, as_of)):
                r = e.result
                if r.status is EpisodeStatus.INFRA_ERROR:
                    continue
                found = r.validated_bugs
                scored = (
                    [r.spec.task.target_bug]
                    if r.spec.task.kind == "reproduce" and r.spec.task.target_bug
                    else list(dict.fromkeys(r.manifestable_bugs))
                )
                for bug in scored:
                    facts = r.bug_facts.get(bug)
                    bugs.setdefault(
                        (r.spec.app, bug),
                        {
                            "app": r.spec.app,
                            "bug": bug,
                            "category": facts.category if facts else "unknown",
                            "difficulty": facts.difficulty if facts else "unknown",
                        },
                    )
                    tally = cells[(r.spec.app, bug, r.spec.agent.label, r.spec.task.kind)]
                    tally[0] += bug in found
                    tally[1] += 1
            return {
                "as_of": as_of,
                "bugs": [bugs[k] for k in sorted(bugs)],
                "agents": sorted({k[2] for k in cells}),
                "cells": [
                    {"app": a, "bug": b, "agent": g, "task": t, "found": f, "scored": n}
                    for (a, b, g, t), (f, n) in sorted(cells.items())
                ],
            }

        return dict(self._cached(f"matrix/{as_of}", compute))

    def matrix_csv(self, as_of: str = "latest") -> str:
        """The bug x agent matrix as CSV: one line per (app, bug, agent config, task)."""
        data = self.matrix(as_of)
        facts = {(b["app"], b["bug"]): b for b in data["bugs"]}
        calibration = set(self.calibration_agents())
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(
            [
                "app",
                "bug",
                "category",
                "difficulty",
                "agent",
                "calibration",
                "task",
                "found",
                "scored",
                "share",
            ]
        )
        for c in data["cells"]:
            b = facts.get((c["app"], c["bug"]), {})
            share = round(c["found"] / c["scored"], 4) if c["scored"] else ""
            writer.writerow(
                [
                    c["app"],
                    c["bug"],
                    b.get("category", ""),
                    b.get("difficulty", ""),
                    c["agent"],
                    c["agent"] in calibration,
                    c["task"],
                    c["found"],
                    c["scored"],
                    share,
                ]
            )
        return buf.getvalue()

    def calibration_agents(self) -> list[str]:
        """Labels of the agent configs that calibrate the validator (oracle, null): shown
        apart from the ranking and left out of cross-agent totals."""
        return [a["label"] for a in self.index()["agents"] if a.get("calibration")]

    def episodes(self, as_of: str, agent: str, page: int = 0) -> dict[str, Any]:
        """One page of an agent config's episodes in a view, newest first."""

        def compute(snap: _Snapshot) -> dict[str, Any]:
            mine = [
                e
                for e in snap.as_of(self._point(snap, as_of))
                if e.result.spec.agent.label == agent
            ]
            mine.sort(key=lambda e: -e.result.finished_at)
            pages = max(1, math.ceil(len(mine) / PAGE_SIZE))
            if not 0 <= page < pages:
                raise NotFound(f"page {page} of agent {agent!r}: there are {pages} pages")
            chunk = mine[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            return {
                "as_of": as_of,
                "agent": agent,
                "page": page,
                "pages": pages,
                "total": len(mine),
                "episodes": [_summary(e) for e in chunk],
            }

        return dict(self._cached(f"episodes/{as_of}/{agent_key(agent)}/{page}", compute))

    def episode(self, episode_id: int) -> dict[str, Any]:
        """Everything about one episode: spec, steps of each finding, verdicts with their
        replay evidence, and the names of its downloadable files."""
        snap = self.snapshot()
        e = snap.by_id.get(episode_id)
        if e is None:
            raise NotFound(f"no episode {episode_id} (carried-over copies show their original)")
        r = e.result
        data = r.model_dump(mode="json")
        data["id"] = e.id
        data["run_id"] = e.run_id
        data["agent"] = r.spec.agent.label
        data["variant"] = r.spec.variant_label
        data["files"] = sorted(self.artifact_files(episode_id))
        data["generated_tests"] = data.pop("tests")  # a generate episode's suite
        data["tests"] = [f"test-{f.index}.py" for f in r.findings if f.finding is not None]
        return data

    def changelog(self) -> dict[str, Any]:
        return {"entries": self.snapshot().changelog}

    def review(self) -> dict[str, Any]:
        """The review queue (frontendx.review): the also_on_clean findings of every cell's
        newest result as stored, grouped by app version and claim, with their agents,
        episodes and replay evidence, and the native bugs accepted so far."""

        def compute(snap: _Snapshot) -> dict[str, Any]:
            accepted = {b.candidate: b for b in snap.native}
            queue = candidates((e.id, e.result) for e in snap.stored_as_of(None))
            for c in queue:
                bug = accepted.get(c.id)
                if bug is not None:
                    c.accepted_as, c.accepted_at = bug.bug_id, bug.accepted_at
            return {
                "candidates": [c.as_dict() for c in queue],
                "native_bugs": [b.as_dict() for b in snap.native],
            }

        return dict(self._cached("review", compute))

    def changes(self, as_of: str = "latest") -> dict[str, Any]:
        """The change-review workflow (tasks `regression` and `visual`, docs/design.md
        §6.2): per agent config and task the review figures (the leaderboard's rows, so the
        numbers are the same), the same figures per CI budget (slice ``ci_budget``: catch rate
        against CI budget), and the change x agent matrix: what each agent config did with
        each change, one entry per episode, linked to it."""

        def compute(snap: _Snapshot) -> dict[str, Any]:
            calibration = set(self.calibration_agents())
            mine = [
                e
                for e in snap.as_of(self._point(snap, as_of))
                if e.result.spec.task.kind in CHANGE_TASKS
            ]
            rows = [r for r in self._rows(as_of, None) if r["task"] in CHANGE_TASKS]
            budget_rows = []
            for sliced in compute_rows(
                [e.result for e in mine], by=("ci_budget",), constants=self.constants
            ):
                item = sliced.model_dump(mode="json")
                item["budget_s"] = _budget_seconds(sliced.slice["ci_budget"])
                budget_rows.append(item)
            for item in (*rows, *budget_rows):
                item["calibration"] = item["agent"] in calibration
            budget_rows.sort(key=lambda r: (r["task"], r["agent"], r["budget_s"]))
            changes: dict[tuple[str, str], dict[str, Any]] = {}
            cells = []
            for e in mine:
                r = e.result
                cid = r.change.id if r.change is not None else r.spec.task.change or "-"
                facts = changes.setdefault(
                    (r.spec.app, cid),
                    {"app": r.spec.app, "change": cid, "design": False, "regressions": []},
                )
                if r.change is not None:
                    facts["design"] = facts["design"] or r.change.design
                    facts["regressions"] = sorted({*facts["regressions"], *r.change.regressions})
                cells.append(
                    {
                        "app": r.spec.app,
                        "change": cid,
                        "agent": r.spec.agent.label,
                        "task": r.spec.task.kind,
                        "budget_s": r.spec.task.budget.wall_seconds,
                        "state": r.spec.state.name,
                        "repeat": r.spec.repeat,
                        "episode": e.id,
                        "outcome": review_outcome(r),
                        "decision": r.decision or ("approve" if r.change is not None else None),
                        "decided_at": r.decided_at,
                        "caught": sorted(
                            b
                            for b in (r.change.regressions if r.change is not None else [])
                            if b in r.validated_bugs
                        ),
                        "carrying": bool(r.change is not None and r.change.regressions),
                    }
                )
            for facts in changes.values():
                facts["regression_free"] = not facts["regressions"]
            cells.sort(
                key=lambda c: (
                    c["app"],
                    c["change"],
                    c["agent"],
                    c["task"],
                    c["budget_s"],
                    c["state"],
                    c["repeat"],
                )
            )
            return {
                "as_of": as_of,
                "tasks": sorted({c["task"] for c in cells}),
                "budgets": sorted({c["budget_s"] for c in cells}),
                "agents": sorted({c["agent"] for c in cells}),
                "rows": rows,
                "budget_rows": budget_rows,
                "changes": [changes[k] for k in sorted(changes)],
                "cells": cells,
            }

        return dict(self._cached(f"changes/{as_of}", compute))

    def changes_csv(self, as_of: str, part: str) -> str:
        """A part of the change-review view as CSV: ``figures`` and ``budgets`` in the
        leaderboard's CSV format (one line per agent config and task, and per CI budget),
        ``matrix`` one line per episode of the change x agent matrix."""
        data = self.changes(as_of)
        if part in ("figures", "budgets"):
            items = data["rows" if part == "figures" else "budget_rows"]
            return to_csv([MetricsRow.model_validate(_row_fields(r)) for r in items])
        if part != "matrix":
            raise NotFound(f"no part {part!r} of the change review: figures, budgets or matrix")
        facts = {(c["app"], c["change"]): c for c in data["changes"]}
        calibration = set(self.calibration_agents())
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(
            [
                "app",
                "change",
                "design",
                "regression_free",
                "agent",
                "calibration",
                "task",
                "ci_budget_s",
                "state",
                "repeat",
                "outcome",
                "decision",
                "decided_at_s",
                "caught",
                "episode",
            ]
        )
        for c in data["cells"]:
            change = facts[(c["app"], c["change"])]
            writer.writerow(
                [
                    c["app"],
                    c["change"],
                    change["design"],
                    change["regression_free"],
                    c["agent"],
                    c["agent"] in calibration,
                    c["task"],
                    f"{c['budget_s']:g}",
                    c["state"],
                    c["repeat"],
                    c["outcome"],
                    c["decision"] or "",
                    "" if c["decided_at"] is None else c["decided_at"],
                    " ".join(c["caught"]),
                    c["episode"],
                ]
            )
        return buf.getvalue()

    # --- files ------------------------------------------------------------------------------

    def artifacts_of(self, result: EpisodeResult) -> Artifacts:
        """Where an episode's files are: the URL its run stored them at, or the folder beside
        the store."""
        url = result.artifacts_url
        with self._lock:
            if url not in self._artifacts:
                self._artifacts[url] = Artifacts.for_store(self.store.path, url)
            return self._artifacts[url]

    def artifact_files(self, episode_id: int) -> dict[str, str]:
        """name -> relative path of an episode's stored artifacts (trace, screenshot) that
        exist, read through `frontendx.artifacts` (any fsspec URL)."""
        e = self.snapshot().by_id.get(episode_id)
        if e is None:
            raise NotFound(f"no episode {episode_id}")
        try:
            artifacts = self.artifacts_of(e.result)
        except ConfigError as exc:  # e.g. s3:// without s3fs where the dashboard runs
            log.warning("episode %s: artifacts unreadable: %s", episode_id, exc)
            return {}
        files = {}
        for rel in e.result.artifacts.values():
            if artifacts.exists(rel):
                files[rel.rsplit("/", 1)[-1]] = rel
        return files

    def finding_test(self, episode_id: int, index: int) -> str:
        e = self.snapshot().by_id.get(episode_id)
        if e is None:
            raise NotFound(f"no episode {episode_id}")
        try:
            return export_finding_test(
                e.result, index, episode_id=episode_id, filename=f"test-{index}.py"
            )
        except ConfigError as exc:
            raise NotFound(str(exc)) from None

    # --- addressing -------------------------------------------------------------------------

    def get(self, path: str) -> tuple[str, bytes | Path]:
        """A data path -> (media type, body or file). Raises `NotFound`."""
        parts = path.strip("/").split("/")
        if parts[0] == "data":
            parts = parts[1:]
        routes: list[tuple[str, Callable[[re.Match[str]], tuple[str, bytes | Path]]]] = [
            (r"index\.json", lambda m: _json(self.index())),
            (r"trends\.json", lambda m: _json(self.trends())),
            (r"changelog\.json", lambda m: _json(self.changelog())),
            (r"review\.json", lambda m: _json(self.review())),
            (r"regressions\.json", lambda m: _json({"regressions": self.regressions()})),
            (
                r"leaderboard/([^/]+)/([^/]+)\.json",
                lambda m: _json(self.leaderboard(m[1], m[2])),
            ),
            (
                r"leaderboard/([^/]+)/([^/]+)\.csv",
                lambda m: ("text/csv", self.leaderboard_csv(m[1], m[2]).encode()),
            ),
            (r"matrix/([^/]+)\.json", lambda m: _json(self.matrix(m[1]))),
            (r"changes/([^/]+)\.json", lambda m: _json(self.changes(m[1]))),
            (
                r"changes/([^/]+)/([a-z]+)\.csv",
                lambda m: ("text/csv", self.changes_csv(m[1], m[2]).encode()),
            ),
            (r"matrix/([^/]+)\.csv", lambda m: ("text/csv", self.matrix_csv(m[1]).encode())),
            (
                r"episodes/([^/]+)/([^/]+)/(\d+)\.json",
                lambda m: _json(self.episodes(m[1], self._agent(m[2]), int(m[3]))),
            ),
            (r"episode/(\d+)\.json", lambda m: _json(self.episode(int(m[1])))),
            (
                r"episode/(\d+)/test-(\d+)\.py",
                lambda m: ("text/x-python", self.finding_test(int(m[1]), int(m[2])).encode()),
            ),
            (r"episode/(\d+)/files/([^/]+)", lambda m: self._file(int(m[1]), m[2])),
        ]
        rel = "/".join(parts)
        for pattern, handler in routes:
            match = re.fullmatch(pattern, rel)
            if match:
                return handler(match)
        raise NotFound(f"no such data path: {path}")

    def _file(self, episode_id: int, name: str) -> tuple[str, bytes]:
        rel = self.artifact_files(episode_id).get(name)
        if rel is None:
            raise NotFound(f"episode {episode_id} has no file {name!r}")
        try:
            body = self.artifacts_of(self.snapshot().by_id[episode_id].result).read(rel)
        except (OSError, ConfigError) as exc:  # gone since it was listed
            raise NotFound(f"episode {episode_id}: cannot read {name!r}: {exc}") from None
        media = {".png": "image/png", ".zip": "application/zip"}.get(Path(name).suffix, "")
        return media or "application/octet-stream", body

    def all_paths(self) -> Iterable[str]:
        """Every data path of the site, for the static export."""
        index = self.index()
        yield from (
            "index.json",
            "trends.json",
            "changelog.json",
            "regressions.json",
            "review.json",
        )
        points = ["latest"] + [p["id"] for p in index["points"]]
        slices = ["all"] + [item["key"] for d in SLICE_DIMS for item in index["slices"][d]]
        for point in points:
            for s in slices:
                yield f"leaderboard/{point}/{s}.json"
                yield f"leaderboard/{point}/{s}.csv"
            yield f"matrix/{point}.json"
            yield f"matrix/{point}.csv"
            yield f"changes/{point}.json"
            for part in ("figures", "budgets", "matrix"):
                yield f"changes/{point}/{part}.csv"
            snap = self.snapshot()
            labels = sorted(
                {e.result.spec.agent.label for e in snap.as_of(self._point(snap, point))}
            )
            for label in labels:
                pages = self.episodes(point, label, 0)["pages"]
                for page in range(pages):
                    yield f"episodes/{point}/{agent_key(label)}/{page}.json"
        for e in self.snapshot().episodes:
            yield f"episode/{e.id}.json"
            for name in self.artifact_files(e.id):
                yield f"episode/{e.id}/files/{name}"
            for f in e.result.findings:
                if f.finding is not None:
                    yield f"episode/{e.id}/test-{f.index}.py"


# --- helpers --------------------------------------------------------------------------------


def agent_facts(name: str) -> dict[str, Any]:
    """What the dashboard says about an agent by its registered name: its description (the
    class's docstring, for built-in agents) and whether it is a calibration agent (the class
    declares ``calibration = True``). Plug-in agents are not imported here: trusted code
    runs in `run`, not when results are read."""
    from frontendx.agents import available_agents

    info = available_agents().get(name)
    if info is None or info.kind == "entry-point":
        return {"description": None, "calibration": False}
    doc = " ".join((info.factory.__doc__ or "").split("\n\n")[0].split())
    return {
        "description": doc or None,
        "calibration": bool(getattr(info.factory, "calibration", False)),
    }


REVIEW_OUTCOMES: tuple[str, ...] = (
    "caught",
    "missed",
    "blocked_unvalidated",
    "false_block",
    "approved",
    "infra_error",
    "not_scored",
)
"""What an agent did with a change, per episode (the change x agent matrix)."""


def review_outcome(r: EpisodeResult) -> str:
    """What a change-review episode's agent did with the change, by the definitions of the
    catch and false-block rates (frontendx.metrics, docs/design.md §6.2): on a change
    carrying a regression that shows, `caught` (blocked with a validated finding on one of
    its regressions), `blocked_unvalidated` (blocked without one) or `missed` (approved; no
    decision is an approve); on a regression-free change, `false_block` or `approved`.
    `infra_error`: not scored; `not_scored`: no change facts were stored."""
    if r.status is EpisodeStatus.INFRA_ERROR:
        return "infra_error"
    if r.change is None:
        return "not_scored"
    if not r.change.regressions:
        return "false_block" if r.blocked else "approved"
    if not r.blocked:
        return "missed"
    validated = r.validated_bugs
    return "caught" if any(b in validated for b in r.change.regressions) else "blocked_unvalidated"


def _budget_seconds(label: str) -> float:
    """A ``ci_budget`` slice value (``300s``) as seconds."""
    return float(label.removesuffix("s"))


def _json(value: Any) -> tuple[str, bytes]:
    return "application/json", json.dumps(value, allow_nan=False).encode()


def _signed(x: float | None) -> str:
    if x is None:
        return "?"
    if math.isinf(x):
        return "+inf" if x > 0 else "-inf"
    return f"{x:+.3g}"


def _row_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k in MetricsRow.model_fields}


def _summary(e: _Episode) -> dict[str, Any]:
    r = e.result
    kinds = [f.verdict.kind for f in r.findings if f.verdict is not None]
    return {
        "id": e.id,
        "run_id": e.run_id,
        "agent": r.spec.agent.label,
        "agent_version": r.spec.agent.version,
        "app": r.spec.app,
        "task": r.spec.task.kind,
        "state": r.spec.state.name,
        "variant": r.spec.variant_label,
        "status": r.status.value,
        "trust": r.trust,
        "findings": len(r.findings),
        "validated": sum(k is VerdictKind.VALIDATED for k in kinds),
        "false_positives": sum(
            1 for f in r.findings if f.verdict is None or f.verdict.kind.is_false_positive
        ),
        "found": sorted(r.validated_bugs),
        "finished_at": r.finished_at,
        "wall_seconds": r.usage.wall_seconds,
    }


def _known_versions(snap: _Snapshot) -> dict[str, Any]:
    """The newest value of every version source: the last watch check where there is one,
    else the newest value seen in any stored result (by time)."""
    known: dict[str, Any] = {"apps": {}, "agents": {}}
    for e in sorted(snap.episodes, key=lambda e: e.result.finished_at):
        v = e.result.versions
        if not v:
            continue
        known["frontendx"] = v.get("frontendx", "")
        known["chromium"] = v.get("chromium", "")
        known["apps"][e.result.spec.app] = v.get("app", "")
        known["agents"][e.result.spec.agent.label] = {
            k: v.get(k, "") for k in ("agent", "agent_package", "model")
        }
    checks = [c for c in snap.changelog if "native_bug" not in c["versions"]]
    if checks:  # the last version check (an accepted native bug's entry holds no versions)
        last = checks[-1]["versions"]
        known["frontendx"] = last.get("frontendx", known.get("frontendx"))
        known["chromium"] = last.get("chromium", known.get("chromium"))
        known["apps"].update(last.get("apps", {}))
        known["agents"].update(last.get("agents", {}))
    return known


def _stale_reasons(episodes: Sequence[EpisodeResult], known: Mapping[str, Any]) -> list[str]:
    """Why a result is stale: version sources whose known newest value differs from the one
    the result was computed with."""
    reasons: dict[str, None] = {}
    for r in episodes:
        v = r.versions
        if not v:
            continue
        current = {
            "frontendx": known.get("frontendx"),
            "chromium": known.get("chromium"),
            "app": known["apps"].get(r.spec.app),
            **known["agents"].get(r.spec.agent.label, {}),
        }
        for source in SOURCES:
            now = current.get(source)
            if now is not None and v.get(source, "") != now:
                where = f" ({r.spec.app})" if source == "app" else ""
                reasons[f"newer {source}{where}: {now or '(none)'}"[:120]] = None
    return list(reasons)


def _mark_pareto(rows: list[dict[str, Any]]) -> None:
    """Flag, per task, the rows on each Pareto front (recall up, the other metric down)."""
    for name, (metric, _lower_better) in PARETO.items():
        for row in rows:
            row.setdefault("pareto", {})[name] = False
        for task in {r["task"] for r in rows}:
            pts = [
                r
                for r in rows
                if r["task"] == task and r[metric] is not None and r["recall"] is not None
            ]
            for r in pts:
                dominated = any(
                    o is not r
                    and o[metric] <= r[metric]
                    and o["recall"] >= r["recall"]
                    and (o[metric] < r[metric] or o["recall"] > r["recall"])
                    for o in pts
                )
                r["pareto"][name] = not dominated
