"""The review queue: findings judged `also_on_clean`, grouped by claim, for a human to look at.

A claim that fails on the clean app too is either false or a real defect nobody seeded (a
*native* bug of the app). The ground truth cannot know which; a reviewer can. The queue groups
such findings by app version and claim (the finding's last assertion), with how many agents and
episodes made it and the validator's replay evidence. `accept` records one as a known native
bug of that app version in the results store (`Store.add_native_bug`: a table of its own plus a
changelog entry saying when the ground truth changed), never in the user's manifest.

From its acceptance on, `rescore` turns a finding on that app version whose verdict is
`also_on_clean` and whose claim is the accepted one into `validated` against the native bug
(bug id ``native:<id>``, `metrics.NATIVE_BUG_PREFIX`; a second such finding in one episode is a
`duplicate`), with the validator's own verdict kept in the reason. Stored episodes are never
rewritten: reports, `compare` and the dashboard rescore what they read, with the native bugs
accepted by the moment they show (`--as-of`), so a board before and after an acceptance can be
compared.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from frontendx.errors import ConfigError
from frontendx.metrics import NATIVE_BUG_PREFIX, UNKNOWN
from frontendx.records import BugFacts, EpisodeResult, VerdictKind
from frontendx.repro import Finding
from frontendx.store import Store, open_store
from frontendx.suite import Category, Difficulty, Severity

BUG_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""What a native bug id may be (as a seeded bug id: letters, digits, `.`, `_`, `-`)."""

EXAMPLES = 5
"""Findings per candidate whose replay evidence is kept (`Candidate.examples`)."""


@dataclass
class Candidate:
    """One claim, on one app version, that some findings made and the clean app also fails."""

    id: str
    app: str
    app_version: str
    claim: dict[str, Any]
    title: str
    agents: set[str] = field(default_factory=set)
    episodes: list[int] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # the validator's reasons, distinct
    states: set[str] = field(default_factory=set)
    # up to EXAMPLES findings: episode, agent, state, the finding's title and steps, and the
    # validator's reason and replays
    examples: list[dict[str, Any]] = field(default_factory=list)
    n_findings: int = 0
    accepted_as: str | None = None
    accepted_at: float | None = None
    minutes_source: str | None = None  # on acceptance: how the native bug's minutes were set

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "app": self.app,
            "app_version": self.app_version,
            "claim": self.claim,
            "title": self.title,
            "agents": sorted(self.agents),
            "n_agents": len(self.agents),
            "episodes": self.episodes,
            "n_episodes": len(self.episodes),
            "n_findings": self.n_findings,
            "states": sorted(self.states),
            "evidence": self.evidence,
            "examples": self.examples,
            "accepted_as": self.accepted_as,
            "accepted_at": self.accepted_at,
        }


@dataclass(frozen=True)
class NativeBug:
    """An accepted native bug: review candidate `candidate` of `app` at `app_version`."""

    candidate: str
    app: str
    app_version: str
    bug_id: str
    claim: dict[str, Any]
    title: str
    accepted_at: float
    facts: BugFacts | None = None
    """its category, difficulty, severity and manual minutes as the reviewer gave them (None in
    acceptances recorded before FrontendX kept them: such a bug earns no minutes and slices as
    unknown)"""

    @property
    def scored_id(self) -> str:
        """The bug id verdicts validated against it carry."""
        return NATIVE_BUG_PREFIX + self.bug_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "app": self.app,
            "app_version": self.app_version,
            "bug_id": self.bug_id,
            "claim": self.claim,
            "title": self.title,
            "accepted_at": self.accepted_at,
            "facts": self.facts.model_dump(mode="json") if self.facts is not None else None,
        }


def candidate_id(app: str, app_version: str, claim: dict[str, Any]) -> str:
    payload = json.dumps([app, app_version, claim], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:10]


def claim_of(finding: Finding) -> dict[str, Any] | None:
    """A finding's claim: its last assertion, as JSON (None without one)."""
    asserts = [s for s in finding.steps if s.is_assertion]
    return asserts[-1].model_dump(mode="json") if asserts else None


def _candidate_of(result: EpisodeResult, finding: Finding) -> str | None:
    claim = claim_of(finding)
    if claim is None:
        return None
    return candidate_id(result.spec.app, result.versions.get("app", ""), claim)


def candidates(rows: Iterable[tuple[int, EpisodeResult]]) -> list[Candidate]:
    """The also_on_clean findings of `rows` (episode id, result as stored), grouped by app
    version and claim, most agents first."""
    found: dict[str, Candidate] = {}
    for episode_id, result in rows:
        for reported in result.findings:
            verdict, finding = reported.verdict, reported.finding
            if verdict is None or verdict.kind is not VerdictKind.ALSO_ON_CLEAN:
                continue
            if finding is None or (claim := claim_of(finding)) is None:
                continue
            app, version = result.spec.app, result.versions.get("app", "")
            key = candidate_id(app, version, claim)
            group = found.setdefault(key, Candidate(key, app, version, claim, finding.title))
            group.agents.add(result.spec.agent.label)
            group.states.add(result.spec.state.name)
            group.n_findings += 1
            if episode_id not in group.episodes:
                group.episodes.append(episode_id)
            if verdict.reason and verdict.reason not in group.evidence:
                group.evidence.append(verdict.reason)
            if len(group.examples) < EXAMPLES:
                group.examples.append(
                    {
                        "episode": episode_id,
                        "finding": reported.index,
                        "agent": result.spec.agent.label,
                        "state": result.spec.state.name,
                        "variant": list(result.spec.bugs),
                        "title": finding.title,
                        "steps": [s.model_dump(mode="json") for s in finding.steps],
                        "reason": verdict.reason,
                        "replays": [r.model_dump(mode="json") for r in verdict.replays],
                    }
                )
    return sorted(found.values(), key=lambda c: (-len(c.agents), -len(c.episodes), c.id))


# --- accepted native bugs -----------------------------------------------------------------------


def native_bugs(store: Store) -> list[NativeBug]:
    """The store's accepted native bugs, oldest acceptance first."""
    return [
        NativeBug(
            candidate=str(b["candidate"]),
            app=str(b["app"]),
            app_version=str(b["app_version"]),
            bug_id=str(b["bug_id"]),
            claim=dict(b["claim"]),
            title=str(b["title"]),
            accepted_at=float(b["accepted_at"]),
            facts=_facts(b.get("facts")),
        )
        for b in store.native_bugs()
    ]


def _facts(stored: Any) -> BugFacts | None:
    """Stored facts as `BugFacts` (None when missing or unreadable: scored without them)."""
    try:
        return BugFacts.model_validate(stored) if stored else None
    except ValidationError:
        return None


def review_list(store: Store) -> list[Candidate]:
    """The queue: the also_on_clean findings of every cell's newest result (as stored, before
    any rescoring), grouped, each marked with the native bug it was accepted as, if any."""
    accepted = {b.candidate: b for b in native_bugs(store)}
    found = candidates(store.latest_rows())
    for c in found:
        bug = accepted.get(c.id)
        if bug is not None:
            c.accepted_as, c.accepted_at = bug.bug_id, bug.accepted_at
    return found


@dataclass(frozen=True)
class Triage:
    """What a reviewer says of a native bug besides its id, each optional: `category`,
    `difficulty` and `severity` (the manifest's ids; unknown when not given) and
    `manual_minutes` (what finding, reporting and triaging it by hand costs; by default the
    median of the app's seeded bugs, as the stored episodes of that app version carry them)."""

    category: str | None = None
    difficulty: str | None = None
    severity: str | None = None
    manual_minutes: float | None = None


def _triage_facts(
    triage: Triage, rows: Sequence[tuple[int, EpisodeResult]], c: Candidate
) -> tuple[BugFacts, str]:
    """The facts a native bug is stored with, and how its manual minutes were set."""
    for name, value, allowed in (
        ("category", triage.category, Category),
        ("difficulty", triage.difficulty, Difficulty),
        ("severity", triage.severity, Severity),
    ):
        if value is not None and value not in {m.value for m in allowed}:
            raise ConfigError(
                f"--{name} {value!r}: not a {name} id; choose from "
                f"{', '.join(m.value for m in allowed)}"
            )
    if triage.manual_minutes is not None:
        if not math.isfinite(triage.manual_minutes) or triage.manual_minutes < 0:
            raise ConfigError(
                f"--manual-minutes {triage.manual_minutes:g}: give a number of minutes, 0 or more"
            )
        minutes, how = triage.manual_minutes, "as given"
    else:
        seeded = {
            b: f.manual_minutes
            for _, r in rows
            if r.spec.app == c.app and r.versions.get("app", "") == c.app_version
            for b, f in r.bug_facts.items()
            if not b.startswith(NATIVE_BUG_PREFIX)
        }
        minutes = statistics.median(seeded.values()) if seeded else 0.0
        how = (
            f"the median of {c.app}'s {len(seeded)} seeded bug(s)"
            if seeded
            else f"none: no stored episode of {c.app} carries a seeded bug's minutes"
        )
    facts = BugFacts(
        category=triage.category or UNKNOWN,
        difficulty=triage.difficulty or UNKNOWN,
        severity=triage.severity or UNKNOWN,
        manual_minutes=minutes,
    )
    return facts, how


def accept(
    store: Store,
    candidate: str,
    bug_id: str,
    *,
    at: float | None = None,
    triage: Triage | None = None,
) -> tuple[NativeBug, Candidate]:
    """Record review candidate `candidate` as native bug `bug_id` of its app version, with the
    reviewer's `triage` (and a changelog entry saying so), accepted at `at` (now). Raises
    `ConfigError` for an unknown candidate, a malformed id, an id that is a seeded bug of the
    app, a candidate already accepted, or a triage id that does not exist. `NativeBug.facts`
    carries the facts; `minutes_source` how its minutes were set."""
    if not BUG_ID.fullmatch(bug_id):
        raise ConfigError(
            f"--as {bug_id!r}: a native bug id is 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    rows = list(store.latest_rows())
    found = {c.id: c for c in candidates(rows)}
    if candidate not in found:
        raise ConfigError(
            f"no review candidate {candidate!r} in {store.name}; `frontendx review list` "
            f"shows the ids ({', '.join(sorted(found)) or 'none yet'})"
        )
    c = found[candidate]
    seeded = {
        b
        for _, r in rows
        if r.spec.app == c.app
        for b in (*r.spec.bugs, *r.manifestable_bugs, *r.bug_facts)
    }
    if bug_id in seeded:
        raise ConfigError(
            f"--as {bug_id!r}: {c.app} has a seeded bug with that id; give the native bug an "
            "id of its own"
        )
    for old in native_bugs(store):
        if old.candidate == c.id:
            raise ConfigError(
                f"review candidate {c.id} is already accepted as native bug {old.bug_id!r} "
                f"(on {_when(old.accepted_at)})"
            )
    facts, how = _triage_facts(triage or Triage(), rows, c)
    bug = NativeBug(
        candidate=c.id,
        app=c.app,
        app_version=c.app_version,
        bug_id=bug_id,
        claim=c.claim,
        title=c.title,
        accepted_at=time.time() if at is None else at,
        facts=facts,
    )
    c.minutes_source = how
    change = (
        f"ground truth: {c.app}@{c.app_version[:8] or '?'} gains native bug {bug_id} "
        f"(review candidate {c.id}: {len(c.agents)} agent(s), {len(c.episodes)} episode(s)); "
        "its also_on_clean findings score as validated from now on"
    )
    if not store.add_native_bug(bug.as_dict(), [change]):  # accepted meanwhile, elsewhere
        raise ConfigError(f"review candidate {c.id} is already accepted")
    return bug, c


def rescore(
    results: Iterable[EpisodeResult], native: Sequence[NativeBug], as_of: float | None = None
) -> list[EpisodeResult]:
    """`results` as scored with the native bugs accepted at or before `as_of` (None: all).

    A finding judged `also_on_clean` whose app version and claim are an accepted candidate's
    becomes `validated` with bug id ``native:<id>`` (`duplicate` when the episode already
    validated that native bug), its replays and the validator's reason kept. Every other
    finding, and every episode without such a finding, is returned as it was."""
    accepted = {b.candidate: b for b in native if as_of is None or b.accepted_at <= as_of}
    if not accepted:
        return list(results)
    out = []
    for result in results:
        findings = list(result.findings)
        seen = set(result.validated_bugs)
        facts = dict(result.bug_facts)
        changed = False
        for i, reported in enumerate(findings):
            verdict, finding = reported.verdict, reported.finding
            if verdict is None or verdict.kind is not VerdictKind.ALSO_ON_CLEAN:
                continue
            bug = accepted.get(_candidate_of(result, finding) or "") if finding else None
            if bug is None:
                continue
            kind = VerdictKind.DUPLICATE if bug.scored_id in seen else VerdictKind.VALIDATED
            seen.add(bug.scored_id)
            reason = (
                f"{kind.value} against native bug {bug.bug_id} of {bug.app}, accepted from "
                f"the review queue on {_when(bug.accepted_at)} (candidate {bug.candidate}); "
                f"the validator's verdict: also_on_clean"
                + (f" ({verdict.reason})" if verdict.reason else "")
            )
            new = verdict.model_copy(
                update={"kind": kind, "bug_id": bug.scored_id, "reason": reason}
            )
            findings[i] = reported.model_copy(update={"verdict": new})
            if bug.facts is not None:
                facts[bug.scored_id] = bug.facts
            changed = True
        update: dict[str, Any] = {"findings": findings, "bug_facts": facts}
        out.append(result.model_copy(update=update) if changed else result)
    return out


def scored(
    store: Store, results: Iterable[EpisodeResult], as_of: float | None = None
) -> list[EpisodeResult]:
    """`rescore` with the store's accepted native bugs: what every report scores."""
    return rescore(results, native_bugs(store), as_of)


class NativeBugs:
    """The accepted native bugs of the store at `db` (a path or a URL), for scripts."""

    def __init__(self, db: Path | str) -> None:
        self._store = open_store(db, create=False)

    def accepted(self) -> dict[str, str]:
        """candidate id -> the bug id it was accepted as."""
        return {b.candidate: b.bug_id for b in native_bugs(self._store)}

    def accept(self, candidate: Candidate, bug_id: str) -> None:
        accept(self._store, candidate.id, bug_id)

    def close(self) -> None:
        self._store.close()


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
