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

SCHEMA_VERSION = 1

_SCHEMA = """
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
    UNIQUE (run_id, key)
);
CREATE INDEX IF NOT EXISTS episodes_run ON episodes (run_id);
CREATE INDEX IF NOT EXISTS episodes_fingerprint ON episodes (fingerprint);
"""


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
            return
        # one script, one transaction: a half-created store is never left behind
        self._db.executescript(
            f"BEGIN; {_SCHEMA} INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); "
            "COMMIT;"
        )

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def create_run(self, spec: dict[str, Any], n_episodes: int, version: str) -> str:
        run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        with self._tx():
            self._db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?)",
                (run_id, time.time(), json.dumps(spec, sort_keys=True), n_episodes, version),
            )
        return run_id

    def add_episode(
        self, run_id: str, result: EpisodeResult, *, reused_from: int | None = None
    ) -> bool:
        """Store one episode atomically; False if that cell of the run is already stored.
        `reused_from` names the stored episode whose still-valid result this one carries."""
        with self._tx():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO episodes (run_id, key, fingerprint, app, agent, task, "
                "status, finished_at, result_json, reused_from) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    result.spec.key,
                    result.fingerprint,
                    result.spec.app,
                    result.spec.agent.label,
                    result.spec.task.kind,
                    result.status.value,
                    result.finished_at,
                    result.model_dump_json(),
                    reused_from,
                ),
            )
        return cursor.rowcount == 1

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
