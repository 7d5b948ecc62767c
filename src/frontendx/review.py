"""The review queue: findings judged `also_on_clean`, grouped by claim, for a human to look at.

A claim that fails on the clean app too is either false or a real defect nobody seeded (a
*native* bug of the app). The ground truth cannot know which; a reviewer can. The queue groups
such findings by app and claim (the finding's last assertion), with how many agents and
episodes made it and the validator's replay evidence, and `accept` records one as a known
native bug of that app version, in its own table in the results store (`review_native_bugs`,
created on first use; the store's own tables are untouched). It is never written to the
user's manifest.

Not done yet (issue 15): scoring findings on an accepted native bug as validated, and the
dashboard view; `review list` and `review accept` read and write the records below.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontendx.errors import ConfigError
from frontendx.records import EpisodeResult, VerdictKind

_TABLE = """CREATE TABLE IF NOT EXISTS review_native_bugs (
    candidate TEXT NOT NULL,
    app TEXT NOT NULL,
    app_version TEXT NOT NULL,
    bug_id TEXT NOT NULL,
    claim_json TEXT NOT NULL,
    title TEXT NOT NULL,
    accepted_at REAL NOT NULL,
    PRIMARY KEY (app, app_version, candidate)
)"""


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
    accepted_as: str | None = None

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
            "evidence": self.evidence,
            "accepted_as": self.accepted_as,
        }


def candidate_id(app: str, app_version: str, claim: dict[str, Any]) -> str:
    payload = json.dumps([app, app_version, claim], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:10]


def candidates(rows: Iterable[tuple[int, EpisodeResult]]) -> list[Candidate]:
    """The also_on_clean findings of `rows` (episode id, result), grouped by app version and
    claim, most agents first."""
    found: dict[str, Candidate] = {}
    for episode_id, result in rows:
        for reported in result.findings:
            verdict, finding = reported.verdict, reported.finding
            if verdict is None or verdict.kind is not VerdictKind.ALSO_ON_CLEAN:
                continue
            if finding is None:
                continue
            claim = [s for s in finding.steps if s.is_assertion][-1].model_dump(mode="json")
            app, version = result.spec.app, result.versions.get("app", "")
            key = candidate_id(app, version, claim)
            group = found.setdefault(key, Candidate(key, app, version, claim, finding.title))
            group.agents.add(result.spec.agent.label)
            if episode_id not in group.episodes:
                group.episodes.append(episode_id)
            if verdict.reason and verdict.reason not in group.evidence:
                group.evidence.append(verdict.reason)
    return sorted(found.values(), key=lambda c: (-len(c.agents), -len(c.episodes), c.id))


class NativeBugs:
    """Accepted native bugs, in the results store's SQLite file (one table of its own)."""

    def __init__(self, db: Path) -> None:
        if not db.is_file():
            raise ConfigError(f"{db}: no such results store; run `frontendx run` first")
        self._db = sqlite3.connect(db)
        self._db.execute(_TABLE)
        self._db.commit()

    def accepted(self) -> dict[str, str]:
        """candidate id -> the bug id it was accepted as."""
        rows = self._db.execute("SELECT candidate, bug_id FROM review_native_bugs")
        return dict(rows.fetchall())

    def accept(self, candidate: Candidate, bug_id: str) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO review_native_bugs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    candidate.id,
                    candidate.app,
                    candidate.app_version,
                    bug_id,
                    json.dumps(candidate.claim, sort_keys=True),
                    candidate.title,
                    time.time(),
                ),
            )

    def close(self) -> None:
        self._db.close()
