"""The results store on SQLite. Every completed episode is one atomic insert."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontendx.errors import StoreError
from frontendx.records import EpisodeResult

SCHEMA_VERSION = 2

# Added in schema 2: the cell (key without agent version) for history queries, the changelog
# of `watch`, and a cache of computed dashboard views keyed by the store's revision.
_V2 = """
CREATE INDEX IF NOT EXISTS episodes_cell ON episodes (cell, finished_at);
CREATE TABLE IF NOT EXISTS changelog (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    versions_json TEXT NOT NULL,
    changes_json TEXT NOT NULL,
    run_id TEXT REFERENCES runs(id),
    reused INTEGER NOT NULL,
    ran INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS views (
    key TEXT PRIMARY KEY,
    revision TEXT NOT NULL,
    payload TEXT NOT NULL
);
"""

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    spec_json TEXT NOT NULL,
    n_episodes INTEGER NOT NULL,
    frontendx_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS episodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    app TEXT NOT NULL,
    agent TEXT NOT NULL,
    task TEXT NOT NULL,
    status TEXT NOT NULL,
    finished_at REAL NOT NULL,
    result_json TEXT NOT NULL,
    reused_from INTEGER REFERENCES episodes(id),
    cell TEXT NOT NULL DEFAULT '',
    UNIQUE (run_id, key)
);
CREATE INDEX IF NOT EXISTS episodes_run ON episodes (run_id);
CREATE INDEX IF NOT EXISTS episodes_fingerprint ON episodes (fingerprint);
"""
    + _V2
)


@dataclass(frozen=True)
class EpisodeIndex:
    """An episode's identity and time: enough to select results without parsing them."""

    id: int
    run_id: str
    agent: str
    cell: str
    finished_at: float
    reused_from: int | None
    status: str


@dataclass(frozen=True)
class RunInfo:
    id: str
    created_at: float
    spec: dict[str, Any]
    n_episodes: int
    n_done: int


class SqliteStore:
    """A FrontendX results database. Refuses files that are not one."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not path.exists():
            if not create:
                raise StoreError(f"{path}: no such results database (run `frontendx run` first)")
            if not path.parent.is_dir():
                raise StoreError(
                    f"{path}: cannot create the database, folder {path.parent} does not exist"
                )
        elif path.is_dir():
            raise StoreError(f"{path} is a folder; give a database file path, e.g. {path}/runs.db")
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_or_init()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a FrontendX results database ({exc})") from None

    def _check_or_init(self) -> None:
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path}: an SQLite file, but not a FrontendX results database")
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {row[0] if row else '?'} is newer than this "
                    f"FrontendX understands ({SCHEMA_VERSION}); upgrade FrontendX"
                )
            if int(row[0]) < 2:
                self._migrate_to_2()
            return
        # one script, one transaction: a half-created store is never left behind
        self._db.executescript(
            f"BEGIN; {_SCHEMA} INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); "
            "COMMIT;"
        )

    def _migrate_to_2(self) -> None:
        """Schema 1 -> 2: add the cell column (filled from each stored result) and the
        changelog and views tables, in one transaction."""
        with self._tx():
            self._db.execute("ALTER TABLE episodes ADD COLUMN cell TEXT NOT NULL DEFAULT ''")
            rows = self._db.execute("SELECT id, result_json FROM episodes").fetchall()
            for row_id, payload in rows:
                cell = EpisodeResult.model_validate_json(payload).spec.cell
                self._db.execute("UPDATE episodes SET cell=? WHERE id=?", (cell, row_id))
            for statement in _V2.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def create_run(
        self,
        spec: dict[str, Any],
        n_episodes: int,
        version: str,
        *,
        run_id: str | None = None,
        created_at: float | None = None,
    ) -> str:
        created_at = time.time() if created_at is None else created_at
        if run_id is None:
            run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        with self._tx():
            self._db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?)",
                (run_id, created_at, json.dumps(spec, sort_keys=True), n_episodes, version),
            )
        return run_id

    def add_episode(
        self, run_id: str, result: EpisodeResult, *, reused_from: int | None = None
    ) -> bool:
        """Store one episode atomically; False if that cell of the run is already stored.
        `reused_from` names the stored episode whose still-valid result this one carries."""
        return self.add_episodes(run_id, [result], reused_from=reused_from) == 1

    def add_episodes(
        self, run_id: str, results: Iterable[EpisodeResult], *, reused_from: int | None = None
    ) -> int:
        """Store episodes in one transaction (all or none); returns how many were new."""
        rows = [
            (
                run_id,
                r.spec.key,
                r.fingerprint,
                r.spec.app,
                r.spec.agent.label,
                r.spec.task.kind,
                r.status.value,
                r.finished_at,
                r.model_dump_json(),
                reused_from,
                r.spec.cell,
            )
            for r in results
        ]
        with self._tx():
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO episodes (run_id, key, fingerprint, app, agent, task, "
                "status, finished_at, result_json, reused_from, cell) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return self._db.total_changes - before

    def reusable(self, fingerprints: Iterable[str]) -> dict[str, tuple[int, EpisodeResult]]:
        """fingerprint -> (episode id, result) of the newest scored result with it."""
        wanted = list(set(fingerprints))
        found: dict[str, tuple[int, EpisodeResult]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT id, fingerprint, result_json FROM episodes WHERE fingerprint IN ({marks}) "
                "AND status != 'infra_error' AND reused_from IS NULL ORDER BY finished_at",
                chunk,
            )
            for row_id, fp, payload in rows:
                found[fp] = (row_id, EpisodeResult.model_validate_json(payload))
        return found

    def runs(self) -> list[RunInfo]:
        rows = self._db.execute(
            "SELECT r.id, r.created_at, r.spec_json, r.n_episodes, "
            "(SELECT COUNT(*) FROM episodes e WHERE e.run_id = r.id) "
            "FROM runs r ORDER BY r.created_at"
        ).fetchall()
        return [RunInfo(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

    def run(self, run_id: str | None = None) -> RunInfo:
        """A run by id, or the newest run."""
        runs = self.runs()
        if not runs:
            raise StoreError(f"{self.path}: holds no runs yet")
        if run_id is None:
            return runs[-1]
        for info in runs:
            if info.id == run_id:
                return info
        known = ", ".join(r.id for r in runs[-5:])
        raise StoreError(f"{self.path}: no run {run_id!r} (recent runs: {known})")

    def done_keys(self, run_id: str) -> set[str]:
        return {
            r[0] for r in self._db.execute("SELECT key FROM episodes WHERE run_id=?", (run_id,))
        }

    def episodes(self, run_id: str | None = None) -> list[EpisodeResult]:
        return [result for _, result in self.episode_rows(run_id)]

    def episode_rows(self, run_id: str | None = None) -> Iterator[tuple[int, EpisodeResult]]:
        """(episode id, result) pairs, for one run or the whole store."""
        if run_id is None:
            cursor = self._db.execute("SELECT id, result_json FROM episodes ORDER BY id")
        else:
            cursor = self._db.execute(
                "SELECT id, result_json FROM episodes WHERE run_id=? ORDER BY id", (run_id,)
            )
        for row_id, payload in cursor:
            yield row_id, EpisodeResult.model_validate_json(payload)

    def latest_rows(self, as_of: float | None = None) -> Iterator[tuple[int, EpisodeResult]]:
        """The newest result of every cell finished at or before `as_of` (None: now),
        preferring a scored result over a newer infra error. Carried-over copies are skipped:
        a result counts once, at the time it was computed."""
        cursor = self._db.execute(
            "SELECT id, result_json FROM ("
            "  SELECT id, result_json, ROW_NUMBER() OVER ("
            "    PARTITION BY cell ORDER BY status = 'infra_error', finished_at DESC, id DESC"
            "  ) AS rn FROM episodes WHERE reused_from IS NULL AND finished_at <= ?"
            ") WHERE rn = 1 ORDER BY id",
            (float("inf") if as_of is None else as_of,),
        )
        for row_id, payload in cursor:
            yield row_id, EpisodeResult.model_validate_json(payload)

    def index(self) -> list[EpisodeIndex]:
        """Every stored episode's identity and time, without parsing results."""
        rows = self._db.execute(
            "SELECT id, run_id, agent, cell, finished_at, reused_from, status FROM episodes "
            "ORDER BY id"
        )
        return [EpisodeIndex(*r) for r in rows]

    def results(self, ids: Iterable[int]) -> dict[int, EpisodeResult]:
        """Episode id -> result, for the given ids."""
        wanted = list(set(ids))
        found: dict[int, EpisodeResult] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT id, result_json FROM episodes WHERE id IN ({marks})", chunk
            )
            for row_id, payload in rows:
                found[row_id] = EpisodeResult.model_validate_json(payload)
        return found

    def cell_versions(self, cells: Iterable[str]) -> dict[str, dict[str, str]]:
        """cell -> the version sources of its newest stored result (to explain re-runs)."""
        wanted = list(set(cells))
        found: dict[str, dict[str, str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT cell, json_extract(result_json, '$.versions') FROM episodes "
                f"WHERE cell IN ({marks}) AND reused_from IS NULL ORDER BY finished_at, id",
                chunk,
            )
            for cell, versions in rows:
                found[cell] = json.loads(versions) if versions else {}
        return found

    def time_points(self) -> list[tuple[str, float]]:
        """(run id, time its newest episode finished) of every run that computed results,
        oldest first: the moments at which the "as of" view can change."""
        rows = self._db.execute(
            "SELECT run_id, MAX(finished_at) FROM episodes WHERE reused_from IS NULL "
            "GROUP BY run_id ORDER BY MAX(finished_at)"
        )
        return [(r[0], r[1]) for r in rows]

    def revision(self) -> str:
        """Changes whenever an episode or a changelog entry is added."""
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM episodes), (SELECT MAX(id) FROM episodes), "
            "(SELECT COUNT(*) FROM changelog)"
        ).fetchone()
        return f"{row[0]}-{row[1]}-{row[2]}"

    def add_change(
        self,
        versions: dict[str, Any],
        changes: list[str],
        *,
        run_id: str | None,
        reused: int,
        ran: int,
        at: float | None = None,
    ) -> None:
        """Append one entry to the changelog: what changed, and what ran because of it."""
        with self._tx():
            self._db.execute(
                "INSERT INTO changelog (at, versions_json, changes_json, run_id, reused, ran) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    time.time() if at is None else at,
                    json.dumps(versions, sort_keys=True),
                    json.dumps(changes),
                    run_id,
                    reused,
                    ran,
                ),
            )

    def changelog(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT id, at, versions_json, changes_json, run_id, reused, ran FROM changelog "
            "ORDER BY id"
        )
        return [
            {
                "id": r[0],
                "at": r[1],
                "versions": json.loads(r[2]),
                "changes": json.loads(r[3]),
                "run_id": r[4],
                "reused": r[5],
                "ran": r[6],
            }
            for r in rows
        ]

    def cached_view(self, key: str, revision: str) -> str | None:
        row = self._db.execute(
            "SELECT payload FROM views WHERE key=? AND revision=?", (key, revision)
        ).fetchone()
        return None if row is None else str(row[0])

    def cache_view(self, key: str, revision: str, payload: str) -> None:
        """Keep a computed view; raises `StoreError` when the store cannot be written."""
        try:
            with self._tx():
                self._db.execute(
                    "INSERT OR REPLACE INTO views (key, revision, payload) VALUES (?, ?, ?)",
                    (key, revision, payload),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot cache a view ({exc})") from None

    def run_of(self, episode_id: int) -> str:
        row = self._db.execute("SELECT run_id FROM episodes WHERE id=?", (episode_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no episode with id {episode_id}")
        return str(row[0])

    def episode(self, episode_id: int) -> EpisodeResult:
        row = self._db.execute(
            "SELECT result_json FROM episodes WHERE id=?", (episode_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no episode with id {episode_id}")
        return EpisodeResult.model_validate_json(row[0])


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
