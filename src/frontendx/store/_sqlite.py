"""The results store on SQLite. Every completed episode is one atomic insert."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from frontendx.errors import StoreError
from frontendx.records import EpisodeResult
from frontendx.store._flat import (
    BASE_EPISODE_COLUMNS,
    EPISODE_COLUMNS,
    FLAT_TABLES,
    episode_values,
    flat_rows,
    flat_tables_sql,
    insert_sql,
)

SCHEMA_VERSION = 4

READ_ONLY_COMMANDS = "report, compare, serve, export-site, changelog and export-test"

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

# Added in schema 3: a lease per cell being computed, so that concurrent drivers (two `run`s
# or `resume`s on one store) split the work. `key` is the episode's fingerprint: a cell with
# the same versions computed by another driver is reused, not computed again.
_V3 = """
CREATE TABLE IF NOT EXISTS leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""

# Added in schema 4: results as tables (store/_flat.py): flat columns of each episode, and the
# findings, verdicts and replays tables, written beside the JSON payload.
_V4 = [
    *(f"ALTER TABLE episodes ADD COLUMN {name} {kind}" for name, kind in EPISODE_COLUMNS),
    *flat_tables_sql(),
]

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
    + _V3
    + "".join(f"{statement};\n" for statement in _V4)
)


# The review queue's accepted native bugs (frontendx.review): bugs of an app version that nobody
# seeded, accepted by a reviewer from findings judged `also_on_clean`. A table of its own,
# created on the first acceptance (a store without one has accepted none), so no schema version
# changes; each acceptance also appends a changelog entry, in the same transaction.
NATIVE_BUG_COLUMNS = (
    "candidate",
    "app",
    "app_version",
    "bug_id",
    "claim_json",
    "title",
    "accepted_at",
    "facts_json",
)
NATIVE_FACTS_COLUMN = "facts_json"
"""The native bug's category, difficulty, severity and manual minutes (JSON; NULL in a table an
older FrontendX made, which gains the column on its next acceptance)."""
_NATIVE_BUGS = """CREATE TABLE IF NOT EXISTS review_native_bugs (
    candidate TEXT NOT NULL,
    app TEXT NOT NULL,
    app_version TEXT NOT NULL,
    bug_id TEXT NOT NULL,
    claim_json TEXT NOT NULL,
    title TEXT NOT NULL,
    accepted_at REAL NOT NULL,
    facts_json TEXT,
    PRIMARY KEY (app, app_version, candidate)
)"""


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
    """A FrontendX results database. Refuses files that are not one.

    `read_only=True` opens the file without writing anything to it (so a store on read-only
    media, or one without write permission, can still be read); `read_only=False` insists on
    write access and says so clearly when the store cannot be written; `None` (the default)
    opens for writing and falls back to reading only when the store cannot be written.

    A stored row that cannot be decoded (damaged, or written by a FrontendX that let
    through a value its successors reject) is skipped by every reader, named once on stderr.
    """

    def __init__(self, path: Path, *, create: bool = True, read_only: bool | None = None) -> None:
        self.path = path
        self.location = str(path)
        self.name = str(path)
        self.read_only = False
        self.schema_version = SCHEMA_VERSION
        self._warned: set[tuple[str, object]] = set()
        if not path.exists():
            if not create or read_only:
                raise StoreError(f"{path}: no such results database (run `frontendx run` first)")
            if not path.parent.is_dir():
                raise StoreError(
                    f"{path}: cannot create the database, folder {path.parent} does not exist"
                )
        elif path.is_dir():
            raise StoreError(f"{path} is a folder; give a database file path, e.g. {path}/runs.db")
        elif not os.access(path, os.R_OK):
            raise StoreError(f"{path}: no permission to read the results database")
        writable = _writable(path)
        if read_only is False and not writable:
            raise StoreError(self._read_only_message())
        if read_only or (read_only is None and not writable):
            self._open_read_only()
            return
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_or_init()
        except sqlite3.OperationalError as exc:
            if not _is_read_only_error(exc):
                raise StoreError(f"{path}: not a FrontendX results database ({exc})") from None
            if read_only is False:
                raise StoreError(self._read_only_message()) from None
            self._db.close()
            self._open_read_only()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a FrontendX results database ({exc})") from None

    def _read_only_message(self) -> str:
        return (
            f"{self.path}: the results database is read-only (read-only media, or no write "
            f"permission on the file or its folder {self.path.parent}), and this command "
            "writes to it. Copy it to a writable folder, or use a read-only command "
            f"({READ_ONLY_COMMANDS})"
        )

    def _open_read_only(self) -> None:
        """Open without writing: `mode=ro`, and `immutable=1` when SQLite cannot even keep its
        shared-memory file next to the database (a read-only folder)."""
        self.read_only = True
        uri = "file:" + quote(str(self.path.resolve()), safe="/")
        problem: sqlite3.DatabaseError | None = None
        for options in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                self._db = sqlite3.connect(
                    uri + options, uri=True, timeout=30, isolation_level=None
                )
                self._check_or_init()
                return
            except sqlite3.OperationalError as exc:
                problem = exc
                self._db.close()
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: not a FrontendX results database ({exc})") from None
        raise StoreError(f"{self.path}: cannot open the database read-only ({problem})")

    def _check_or_init(self) -> None:
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:
            raise StoreError(f"{self.path}: an SQLite file, but not a FrontendX results database")
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            try:
                version = int(row[0]) if row is not None else None
            except (TypeError, ValueError):
                raise StoreError(
                    f"{self.path}: table `meta`, key `schema_version`: {row[0]!r} is not an "
                    "integer; the file is damaged or was not written by FrontendX (restore it "
                    "from a backup, or start a new database with another --db)"
                ) from None
            if version is None or version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {version if version is not None else '?'} is "
                    f"newer than this FrontendX understands ({SCHEMA_VERSION}); upgrade FrontendX"
                )
            if version < SCHEMA_VERSION and self.read_only:
                if version < 2:
                    raise StoreError(
                        f"{self.path}: schema version {version} must be upgraded before it "
                        "can be read, and the database is read-only; run any command on a "
                        "writable copy once"
                    )
                # schema 2 lacks only the leases, which readers do not need, and schema 3 the
                # flat tables, which `table` asks for (with a clear message)
                self.schema_version = version
                return
            if version < 2:
                self._migrate_to_2()
            if version < 3:
                self._migrate_to_3()
            if version < 4:
                self._migrate_to_4()
            return
        if self.read_only:
            raise StoreError(f"{self.path}: an empty file, not a FrontendX results database")
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
                result = self._decode(row_id, payload)
                if result is not None:  # an unreadable row keeps no cell: no reader uses it
                    cell = result.spec.cell
                    self._db.execute("UPDATE episodes SET cell=? WHERE id=?", (cell, row_id))
            for statement in _V2.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")

    def _migrate_to_3(self) -> None:
        """Schema 2 -> 3: add the leases table. Nothing stored changes."""
        with self._tx():
            self._db.execute(_V3)
            self._db.execute("UPDATE meta SET value='3' WHERE key='schema_version'")

    def _migrate_to_4(self) -> None:
        """Schema 3 -> 4: add the flat columns and tables (results as tables), filled from each
        stored result, in one transaction."""
        with self._tx():
            have = {r[1] for r in self._db.execute("PRAGMA table_info(episodes)")}
            for name, kind in EPISODE_COLUMNS:
                if name not in have:
                    self._db.execute(f"ALTER TABLE episodes ADD COLUMN {name} {kind}")
            for statement in flat_tables_sql():
                self._db.execute(statement)
            for table in FLAT_TABLES:  # filled from the payloads below, whatever they held
                self._db.execute(f"DELETE FROM {table}")
            rows = self._db.execute("SELECT id, result_json FROM episodes").fetchall()
            for row_id, payload in rows:
                result = self._decode(row_id, payload)
                if result is not None:  # an unreadable row keeps no flat copy
                    self._write_flat(row_id, result)
            self._db.execute("UPDATE meta SET value='4' WHERE key='schema_version'")

    def _write_flat(self, episode_id: int, result: EpisodeResult) -> None:
        names = ", ".join(f"{name}=?" for name, _ in EPISODE_COLUMNS)
        self._db.execute(
            f"UPDATE episodes SET {names} WHERE id=?", (*episode_values(result), episode_id)
        )
        for table, rows in flat_rows(episode_id, result).items():
            if rows:
                self._db.executemany(insert_sql(table, "?"), rows)

    def _warn(self, table: str, row_id: object, why: str) -> None:
        if (table, row_id) in self._warned:
            return
        self._warned.add((table, row_id))
        print(
            f"warning: {self.path}: table `{table}`, row {row_id} cannot be read and is "
            f"skipped ({why})",
            file=sys.stderr,
            flush=True,
        )

    def _decode(self, row_id: int, payload: str | bytes) -> EpisodeResult | None:
        """A stored result, or None (named on stderr once) if the row cannot be decoded."""
        try:
            return EpisodeResult.model_validate_json(payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top)"
            more = f" and {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
            self._warn("episodes", row_id, f"field `{where}`: {first['msg']}{more}")
        except ValueError as exc:
            self._warn("episodes", row_id, str(exc)[:200])
        return None

    def _json(self, table: str, row_id: object, text: Any) -> Any:
        try:
            return json.loads(text)
        except (TypeError, ValueError) as exc:
            self._warn(table, row_id, f"not JSON: {exc}")
            return None

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
        self,
        run_id: str,
        result: EpisodeResult,
        *,
        reused_from: int | None = None,
        lease: tuple[str, str] | None = None,
    ) -> bool:
        """Store one episode atomically; False if that cell of the run is already stored.
        `reused_from` names the stored episode whose still-valid result this one carries;
        `lease` (owner, key) is released in the same transaction."""
        return self.add_episodes(run_id, [result], reused_from=reused_from, lease=lease) == 1

    def add_episodes(
        self,
        run_id: str,
        results: Iterable[EpisodeResult],
        *,
        reused_from: int | None = None,
        lease: tuple[str, str] | None = None,
    ) -> int:
        """Store episodes in one transaction (all or none); returns how many were new."""
        results_list = list(results)
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
            for r in results_list
        ]
        names = ", ".join(name for name, _ in EPISODE_COLUMNS)
        marks = ", ".join("?" * (11 + len(EPISODE_COLUMNS)))
        sql = (
            "INSERT OR IGNORE INTO episodes (run_id, key, fingerprint, app, agent, task, "
            f"status, finished_at, result_json, reused_from, cell, {names}) VALUES ({marks})"
        )
        with self._tx():
            added = 0
            for row, result in zip(rows, results_list, strict=True):
                cursor = self._db.execute(sql, (*row, *episode_values(result)))
                if cursor.rowcount == 1 and cursor.lastrowid is not None:
                    added += 1
                    for table, flat in flat_rows(cursor.lastrowid, result).items():
                        if flat:
                            self._db.executemany(insert_sql(table, "?"), flat)
            if lease is not None:
                self._db.execute("DELETE FROM leases WHERE owner=? AND key=?", lease)
            return added

    # Leases: a driver claims a cell (by fingerprint) before computing it and releases the
    # lease in the transaction that stores the result, so concurrent `run`s and `resume`s on
    # one store split the cells. A lease is renewed while its driver lives; the lease of a
    # driver that died expires and is taken over.

    def claim(
        self,
        owner: str,
        wanted: Iterable[tuple[str, str, str]],
        *,
        limit: int,
        ttl: float,
        since: float | None,
    ) -> list[str]:
        """Lease up to `limit` of the `wanted` cells, each (fingerprint, run id, key), for
        `owner`, in one transaction. Skipped: cells already stored in their run, cells whose
        fingerprint has a scored result computed at or after `since` (None: at any time;
        the caller reuses it), and cells leased by another driver whose lease has not
        expired. Returns the fingerprints claimed."""
        candidates = list(wanted)
        claimed: list[str] = []
        now = time.time()
        with self._tx():
            self._db.execute("DELETE FROM leases WHERE expires_at < ?", (now,))
            others = self._db.execute(
                "SELECT DISTINCT owner FROM leases WHERE owner != ?", (owner,)
            )
            for (other,) in others.fetchall():
                if _died_here(other):  # killed on this machine: no need to wait for expiry
                    self._db.execute("DELETE FROM leases WHERE owner=?", (other,))
            for fp, run_id, key in candidates:
                if len(claimed) >= limit:
                    break
                taken = self._db.execute(
                    "SELECT 1 FROM leases WHERE key=? UNION ALL "
                    "SELECT 1 FROM episodes WHERE run_id=? AND key=? UNION ALL "
                    "SELECT 1 FROM episodes WHERE fingerprint=? AND status != 'infra_error' "
                    "AND reused_from IS NULL AND finished_at >= ? LIMIT 1",
                    (fp, run_id, key, fp, -1.0 if since is None else since),
                ).fetchone()
                if taken is None:
                    self._db.execute(
                        "INSERT INTO leases (key, owner, expires_at) VALUES (?, ?, ?)",
                        (fp, owner, now + ttl),
                    )
                    claimed.append(fp)
        return claimed

    def leased_by_others(self, owner: str, keys: Iterable[str]) -> set[str]:
        """Which of `keys` another driver holds a live lease on."""
        wanted = list(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key FROM leases WHERE key IN ({marks}) AND owner != ? AND expires_at >= ?",
                (*chunk, owner, time.time()),
            )
            found.update(r[0] for r in rows)
        return found

    def release_leases(self, owner: str, keys: Iterable[str] | None = None) -> None:
        """Give up `owner`'s leases (all of them when `keys` is None)."""
        with self._tx():
            if keys is None:
                self._db.execute("DELETE FROM leases WHERE owner=?", (owner,))
            else:
                self._db.executemany(
                    "DELETE FROM leases WHERE owner=? AND key=?", [(owner, k) for k in keys]
                )

    @contextlib.contextmanager
    def leases_kept(self, owner: str, ttl: float) -> Iterator[None]:
        """Renew `owner`'s leases every `ttl`/4 seconds (on a thread with its own connection)
        while the block runs; release whatever is left when it ends, however it ends."""
        stop = threading.Event()

        def renew() -> None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                while not stop.wait(ttl / 4):
                    with contextlib.suppress(sqlite3.Error):
                        db.execute(
                            "UPDATE leases SET expires_at=? WHERE owner=?",
                            (time.time() + ttl, owner),
                        )
            finally:
                db.close()

        thread = threading.Thread(target=renew, name="frontendx-leases", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self.release_leases(owner)

    def reusable(
        self, fingerprints: Iterable[str], *, since: float | None = None
    ) -> dict[str, tuple[int, EpisodeResult]]:
        """fingerprint -> (episode id, result) of the newest scored result with it (computed
        at or after `since`, when given)."""
        wanted = list(set(fingerprints))
        found: dict[str, tuple[int, EpisodeResult]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT id, fingerprint, result_json FROM episodes WHERE fingerprint IN ({marks}) "
                "AND status != 'infra_error' AND reused_from IS NULL AND finished_at >= ? "
                "ORDER BY finished_at",
                (*chunk, -1.0 if since is None else since),
            )
            for row_id, fp, payload in rows:
                result = self._decode(row_id, payload)
                if result is not None:
                    found[fp] = (row_id, result)
        return found

    def run_rows(self) -> list[tuple[str, float, dict[str, Any], int, str]]:
        """Every run as stored: (id, created_at, spec, n_episodes, frontendx_version)."""
        rows = self._db.execute(
            "SELECT id, created_at, spec_json, n_episodes, frontendx_version FROM runs "
            "ORDER BY created_at, id"
        ).fetchall()
        found = []
        for r in rows:
            spec = self._json("runs", r[0], r[2])
            if isinstance(spec, dict):
                found.append((r[0], r[1], spec, r[3], r[4]))
        return found

    def episode_id(self, run_id: str, key: str) -> int | None:
        """The id of the episode stored for cell `key` of run `run_id`, if any."""
        row = self._db.execute(
            "SELECT id FROM episodes WHERE run_id=? AND key=?", (run_id, key)
        ).fetchone()
        return None if row is None else int(row[0])

    def table(self, name: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """(column names, rows) of a table of results: `episodes` (without the JSON payload),
        `findings`, `verdicts`, `replays` or `runs`."""
        columns = table_columns(name)
        if self.schema_version < 4 and name != "runs":
            raise StoreError(
                f"{self.path}: schema version {self.schema_version} has no results tables, and "
                "the database is read-only; run any writing command on a writable copy once"
            )
        rows = self._db.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY 1").fetchall()
        return columns, [tuple(r) for r in rows]

    def runs(self) -> list[RunInfo]:
        rows = self._db.execute(
            "SELECT r.id, r.created_at, r.spec_json, r.n_episodes, "
            "(SELECT COUNT(*) FROM episodes e WHERE e.run_id = r.id) "
            "FROM runs r ORDER BY r.created_at"
        ).fetchall()
        runs = []
        for r in rows:
            spec = self._json("runs", r[0], r[2])
            if isinstance(spec, dict):
                runs.append(RunInfo(r[0], r[1], spec, r[3], r[4]))
            elif spec is not None:
                self._warn("runs", r[0], "its spec is not a mapping")
        return runs

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
            result = self._decode(row_id, payload)
            if result is not None:
                yield row_id, result

    def latest_rows(self, as_of: float | None = None) -> Iterator[tuple[int, EpisodeResult]]:
        """The newest result of every cell finished at or before `as_of` (None: now),
        preferring a scored result over a newer infra error. Carried-over copies are skipped:
        a result counts once, at the time it was computed."""
        until = float("inf") if as_of is None else as_of
        rows = self._db.execute(
            "SELECT id, cell, result_json FROM ("
            "  SELECT id, cell, result_json, ROW_NUMBER() OVER ("
            "    PARTITION BY cell ORDER BY status = 'infra_error', finished_at DESC, id DESC"
            "  ) AS rn FROM episodes WHERE reused_from IS NULL AND finished_at <= ?"
            ") WHERE rn = 1 ORDER BY id",
            (until,),
        ).fetchall()
        found: list[tuple[int, EpisodeResult]] = []
        for row_id, cell, payload in rows:
            result = self._decode(row_id, payload)
            if result is None:  # the cell's next-newest result that can be read stands in
                older = self._db.execute(
                    "SELECT id, result_json FROM episodes WHERE cell=? AND id != ? "
                    "AND reused_from IS NULL AND finished_at <= ? "
                    "ORDER BY status = 'infra_error', finished_at DESC, id DESC",
                    (cell, row_id, until),
                )
                for older_id, older_payload in older:
                    result = self._decode(older_id, older_payload)
                    if result is not None:
                        row_id = older_id
                        break
            if result is not None:
                found.append((row_id, result))
        yield from sorted(found, key=lambda pair: pair[0])

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
                result = self._decode(row_id, payload)
                if result is not None:
                    found[row_id] = result
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
                decoded = self._json("episodes", f"of cell {cell}", versions) if versions else {}
                found[cell] = decoded if isinstance(decoded, dict) else {}
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

    def add_native_bug(self, bug: dict[str, Any], changes: list[str] | None = None) -> bool:
        """Record an accepted native bug (`NATIVE_BUG_COLUMNS`; `claim` a mapping) and, with
        `changes`, the changelog entry that says so, in one transaction. False (and nothing
        written) when that candidate of that app version is already recorded."""
        if self.read_only:
            raise StoreError(self._read_only_message())
        with self._tx():
            self._db.execute(_NATIVE_BUGS)
            if NATIVE_FACTS_COLUMN not in self._native_columns():
                self._db.execute(f"ALTER TABLE review_native_bugs ADD COLUMN {NATIVE_FACTS_COLUMN}")
            cursor = self._db.execute(
                f"INSERT OR IGNORE INTO review_native_bugs ({', '.join(NATIVE_BUG_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in NATIVE_BUG_COLUMNS)})",
                native_bug_values(bug),
            )
            if cursor.rowcount != 1:
                return False
            if changes is not None:
                self._db.execute(
                    "INSERT INTO changelog (at, versions_json, changes_json, run_id, reused, "
                    "ran) VALUES (?, ?, ?, NULL, 0, 0)",
                    (
                        bug["accepted_at"],
                        json.dumps({"native_bug": _native_facts(bug)}, sort_keys=True),
                        json.dumps(changes),
                    ),
                )
        return True

    def native_bugs(self) -> list[dict[str, Any]]:
        """Every accepted native bug, oldest acceptance first (none when the table was never
        made)."""
        present = self._native_columns()
        if not present:
            return []
        columns = [c for c in NATIVE_BUG_COLUMNS if c in present]
        rows = self._db.execute(
            f"SELECT {', '.join(columns)} FROM review_native_bugs ORDER BY accepted_at, candidate"
        ).fetchall()
        records = (native_bug_record(dict(zip(columns, r, strict=True)), self._json) for r in rows)
        return [b for b in records if b is not None]

    def _native_columns(self) -> set[str]:
        """The columns of review_native_bugs (none when the table was never made)."""
        return {r[1] for r in self._db.execute("PRAGMA table_info(review_native_bugs)")}

    def changelog(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT id, at, versions_json, changes_json, run_id, reused, ran FROM changelog "
            "ORDER BY id"
        )
        entries = []
        for r in rows:
            versions, changes = (
                self._json("changelog", r[0], r[2]),
                self._json("changelog", r[0], r[3]),
            )
            if not isinstance(versions, dict) or not isinstance(changes, list):
                if versions is not None and changes is not None:
                    self._warn("changelog", r[0], "versions or changes of the wrong type")
                continue
            entries.append(
                {
                    "id": r[0],
                    "at": r[1],
                    "versions": versions,
                    "changes": [str(c) for c in changes],
                    "run_id": r[4],
                    "reused": r[5],
                    "ran": r[6],
                }
            )
        return entries

    def cached_view(self, key: str, revision: str) -> str | None:
        row = self._db.execute(
            "SELECT payload FROM views WHERE key=? AND revision=?", (key, revision)
        ).fetchone()
        return None if row is None else str(row[0])

    def cache_view(self, key: str, revision: str, payload: str) -> None:
        """Keep a computed view; raises `StoreError` when the store cannot be written."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; views are kept in memory only")
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
        result = self._decode(episode_id, row[0])
        if result is None:
            raise StoreError(
                f"{self.path}: episode {episode_id} is stored but cannot be read (see the "
                "warning above); choose another episode"
            )
        return result


def table_columns(name: str) -> list[str]:
    """The columns `Store.table` returns for table `name` (a located error for another name)."""
    if name == "episodes":
        return [*BASE_EPISODE_COLUMNS, *(c for c, _ in EPISODE_COLUMNS)]
    if name == "runs":
        return ["id", "created_at", "spec_json", "n_episodes", "frontendx_version"]
    if name in FLAT_TABLES:
        return [c for c, _ in FLAT_TABLES[name][0]]
    known = ", ".join(["episodes", *FLAT_TABLES, "runs"])
    raise StoreError(f"no results table {name!r}; the tables are {known}")


def native_bug_values(bug: dict[str, Any]) -> tuple[Any, ...]:
    """A native bug record as the row `add_native_bug` stores (`NATIVE_BUG_COLUMNS`)."""
    as_json = {"claim_json": "claim", NATIVE_FACTS_COLUMN: "facts"}
    return tuple(
        json.dumps(bug.get(as_json[c]), sort_keys=True) if c in as_json else bug[c]
        for c in NATIVE_BUG_COLUMNS
    )


def native_bug_record(
    row: dict[str, Any], parse: Callable[[str, Any, Any], Any]
) -> dict[str, Any] | None:
    """A stored native bug row (some of `NATIVE_BUG_COLUMNS`) as the record `add_native_bug`
    took: `claim` and `facts` (None when unknown) parsed with the store's `_json`; None when
    the claim is unreadable."""
    bug = dict(row)
    claim = parse("review_native_bugs", bug["candidate"], bug.pop("claim_json"))
    if not isinstance(claim, dict):
        return None
    bug["claim"] = claim
    facts_json = bug.pop(NATIVE_FACTS_COLUMN, None)
    facts = parse("review_native_bugs", bug["candidate"], facts_json) if facts_json else None
    bug["facts"] = facts if isinstance(facts, dict) else None
    return bug


def _native_facts(bug: dict[str, Any]) -> dict[str, Any]:
    """What a changelog entry of an acceptance keeps about the native bug."""
    return {k: bug[k] for k in ("candidate", "app", "app_version", "bug_id")}


def new_lease_owner() -> str:
    """A name for one driver process, unique across machines sharing a store."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _died_here(owner: str) -> bool:
    """Whether the driver named `owner` ran on this machine and its process is gone."""
    host, _, pid = owner.rpartition(":")[0].rpartition(":")  # host:pid:nonce
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by another user
        return False
    return False


def _writable(path: Path) -> bool:
    """Whether SQLite can write the store: the file, and its folder (for the write-ahead log
    and shared-memory files it keeps next to it)."""
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(path.parent, os.W_OK)


def _is_read_only_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
