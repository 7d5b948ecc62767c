"""The `Store` contract, run against both backends: SQLite (a file) and PostgreSQL (a real
server: a throwaway cluster from tests/store_pg.py). Every test gets a new, empty store."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import store_pg
from test_metrics import episode, found

from frontendx.errors import StoreError
from frontendx.records import EpisodeResult, EpisodeStatus, ReplayRecord, Verdict, VerdictKind
from frontendx.store import SCHEMA_VERSION, Store, open_store

NewStore = Callable[[], str]


@pytest.fixture(params=["sqlite", "postgres"])
def new_location(request: pytest.FixtureRequest, tmp_path: Path) -> NewStore:
    """A factory of locations of new, empty stores on one backend."""
    if request.param == "sqlite":
        counter = iter(range(1000))
        return lambda: str(tmp_path / f"s{next(counter)}.db")
    cluster = store_pg.cluster()
    return cluster.new_database


@pytest.fixture
def store(new_location: NewStore) -> Iterator[Store]:
    opened = open_store(new_location())
    yield opened
    opened.close()


def raw_sql(location: str, sql: str) -> None:
    """Run `sql` on the store's database directly, as another program (or an older or
    newer FrontendX) would."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            conn.execute(sql)
    else:
        conn = sqlite3.connect(location, isolation_level=None)
        conn.executescript(sql)
        conn.close()


def judged(bugs: list[str], repeat: int = 0, finished_at: float = 10.0) -> EpisodeResult:
    """An episode with a validated finding (with replays), a false positive and an
    unjudged one."""
    result = episode(
        bugs=bugs,
        findings=[
            found(3.0, VerdictKind.VALIDATED, bugs[0]),
            found(5.0, VerdictKind.ALSO_ON_CLEAN),
            found(7.0, None),
        ],
        repeat=repeat,
    )
    replays = [
        ReplayRecord(variant=tuple(bugs), purpose="buggy", outcome="fails", seconds=1.5),
        ReplayRecord(variant=(), purpose="clean", outcome="holds", seconds=0.5),
    ]
    first = result.findings[0]
    assert first.verdict is not None
    verdict = Verdict(kind=first.verdict.kind, bug_id=bugs[0], replays=replays)
    findings = [first.model_copy(update={"verdict": verdict}), *result.findings[1:]]
    return result.model_copy(
        update={"findings": findings, "finished_at": finished_at, "fingerprint": f"fp{repeat}"}
    )


def test_both_backends_satisfy_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)


def test_episodes_round_trip_and_a_cell_of_a_run_is_stored_once(store: Store) -> None:
    run = store.create_run({"agents": ["a"]}, 2, "0.1", run_id="r1", created_at=5.0)
    first, second = judged(["a"], 0), judged(["a"], 1)
    assert store.add_episode(run, first)
    assert not store.add_episode(run, first)  # same cell of the same run
    assert store.add_episodes(run, [first, second]) == 1
    assert store.episodes(run) == [first, second]
    assert [r for _, r in store.episode_rows()] == [first, second]
    (info,) = store.runs()
    assert (info.id, info.created_at, info.spec, info.n_episodes, info.n_done) == (
        "r1",
        5.0,
        {"agents": ["a"]},
        2,
        2,
    )
    assert store.run().id == "r1" and store.run("r1").id == "r1"
    assert store.run_rows() == [("r1", 5.0, {"agents": ["a"]}, 2, "0.1")]
    assert store.done_keys(run) == {first.spec.key, second.spec.key}
    ids = [e.id for e in store.index()]
    assert len(ids) == 2 and store.results(ids) == {ids[0]: first, ids[1]: second}
    assert store.episode(ids[1]) == second and store.run_of(ids[1]) == "r1"
    assert store.episode_id(run, second.spec.key) == ids[1]
    assert store.episode_id(run, "nope") is None


def test_unknown_runs_and_episodes_are_clear_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="holds no runs yet"):
        store.run()
    store.create_run({}, 0, "0", run_id="r1")
    with pytest.raises(StoreError, match="no run 'r2' \\(recent runs: r1\\)"):
        store.run("r2")
    with pytest.raises(StoreError, match="no episode with id 99"):
        store.episode(99)
    with pytest.raises(StoreError, match="no episode with id 99"):
        store.run_of(99)


def test_latest_rows_prefer_a_scored_result_and_respect_as_of(store: Store) -> None:
    run = store.create_run({}, 3, "0")
    old = judged(["a"], finished_at=10.0)
    newer = old.model_copy(update={"finished_at": 20.0, "attempts": 2})
    crashed = old.model_copy(update={"finished_at": 30.0, "status": EpisodeStatus.INFRA_ERROR})
    other = store.create_run({}, 3, "0")
    store.add_episode(run, old)
    store.add_episode(other, newer)
    third = store.create_run({}, 3, "0")
    store.add_episode(third, crashed)
    assert [r for _, r in store.latest_rows()] == [newer]
    assert [r for _, r in store.latest_rows(as_of=15.0)] == [old]
    assert [p[0] for p in store.time_points()] == [run, other, third]


def test_reuse_by_fingerprint_and_cell_versions(store: Store) -> None:
    run = store.create_run({}, 1, "0")
    result = judged(["a"], finished_at=50.0).model_copy(update={"versions": {"app": "v1"}})
    store.add_episode(run, result)
    (stored_id,) = [e.id for e in store.index()]
    assert store.reusable(["fp0", "other"]) == {"fp0": (stored_id, result)}
    assert store.reusable(["fp0"], since=60.0) == {}
    carried = store.create_run({}, 1, "0")
    store.add_episode(carried, result, reused_from=stored_id)
    assert store.index()[1].reused_from == stored_id
    assert store.reusable(["fp0"]) == {"fp0": (stored_id, result)}  # the copy is not reused
    assert store.cell_versions([result.spec.cell]) == {result.spec.cell: {"app": "v1"}}


def test_revision_changelog_and_cached_views(store: Store) -> None:
    before = store.revision()
    run = store.create_run({}, 1, "0")
    store.add_episode(run, judged(["a"]))
    after_episode = store.revision()
    store.add_change({"frontendx": "1"}, ["frontendx 0 -> 1"], run_id=run, reused=2, ran=3, at=7.0)
    assert len({before, after_episode, store.revision()}) == 3
    (entry,) = store.changelog()
    assert {k: v for k, v in entry.items() if k != "id"} == {
        "at": 7.0,
        "versions": {"frontendx": "1"},
        "changes": ["frontendx 0 -> 1"],
        "run_id": run,
        "reused": 2,
        "ran": 3,
    }
    assert store.cached_view("board", "r1") is None
    store.cache_view("board", "r1", "{}")
    store.cache_view("board", "r2", "[]")
    assert store.cached_view("board", "r1") is None and store.cached_view("board", "r2") == "[]"


def test_leases_split_cells_between_drivers(store: Store) -> None:
    run = store.create_run({}, 4, "0")
    cells = [(f"fp{i}", run, f"key{i}") for i in range(4)]
    assert store.claim("elsewhere:1:a", cells, limit=2, ttl=60, since=None) == ["fp0", "fp1"]
    assert store.claim("elsewhere:2:b", cells, limit=10, ttl=60, since=None) == ["fp2", "fp3"]
    assert store.claim("elsewhere:3:c", cells, limit=10, ttl=60, since=None) == []
    assert store.leased_by_others("elsewhere:3:c", ["fp0", "fp3"]) == {"fp0", "fp3"}
    assert store.leased_by_others("elsewhere:1:a", ["fp0", "fp3"]) == {"fp3"}
    store.release_leases("elsewhere:2:b", ["fp2"])
    assert store.claim("elsewhere:3:c", cells, limit=10, ttl=60, since=None) == ["fp2"]
    store.release_leases("elsewhere:1:a")
    assert store.leased_by_others("x", ["fp0", "fp1"]) == set()


def test_an_expired_lease_is_taken_over_and_storing_releases_a_lease(store: Store) -> None:
    run = store.create_run({}, 1, "0")
    result = judged(["a"], finished_at=50.0)
    cell = [("fp0", run, result.spec.key)]
    assert store.claim("elsewhere:1:a", cell, limit=1, ttl=0.05, since=None) == ["fp0"]
    time.sleep(0.1)
    assert store.claim("elsewhere:2:b", cell, limit=1, ttl=60, since=None) == ["fp0"]
    assert store.add_episode(run, result, lease=("elsewhere:2:b", "fp0"))
    assert store.leased_by_others("nobody", ["fp0"]) == set()
    assert store.claim("elsewhere:3:c", cell, limit=1, ttl=60, since=None) == []
    other = store.create_run({}, 1, "0")
    again = [("fp0", other, result.spec.key)]
    assert store.claim("elsewhere:3:c", again, limit=1, ttl=60, since=40.0) == []
    assert store.claim("elsewhere:3:c", again, limit=1, ttl=60, since=60.0) == ["fp0"]


def test_a_kept_lease_is_renewed_and_released_after(store: Store) -> None:
    run = store.create_run({}, 1, "0")
    cells = [("fp0", run, "k")]
    with store.leases_kept("elsewhere:1:a", ttl=0.4):
        assert store.claim("elsewhere:1:a", cells, limit=1, ttl=0.4, since=None) == ["fp0"]
        time.sleep(0.9)  # past the lease time: only renewal keeps it
        assert store.claim("elsewhere:2:b", cells, limit=1, ttl=60, since=None) == []
    assert store.leased_by_others("elsewhere:2:b", ["fp0"]) == set()


def test_results_tables_have_real_columns(store: Store) -> None:
    run = store.create_run({}, 1, "0")
    result = judged(["a", "b"], repeat=2)
    store.add_episode(run, result)
    store.add_episode(run, result)  # not stored twice: no second set of rows either
    (episode_id,) = [e.id for e in store.index()]
    columns, rows = store.table("episodes")
    (row,) = [dict(zip(columns, r, strict=True)) for r in rows]
    assert row["id"] == episode_id and row["run_id"] == run and row["variant"] == "a+b"
    assert (row["repeat"], row["state"], row["agent_name"], row["status"]) == (
        2,
        "desktop",
        "agent",
        "ok",
    )
    assert (row["n_findings"], row["n_validated"], row["n_false_positives"]) == (3, 1, 1)
    columns, rows = store.table("findings")
    assert [r[columns.index("verdict")] for r in rows] == ["validated", "also_on_clean", None]
    assert [r[columns.index("title")] for r in rows] == ["finding 0", "finding 1", "finding 2"]
    columns, rows = store.table("verdicts")
    got = [(r[columns.index("kind")], r[columns.index("false_positive")]) for r in rows]
    assert got == [("validated", 0), ("also_on_clean", 1)]
    assert rows[0][columns.index("replay_seconds")] == 2.0
    columns, rows = store.table("replays")
    assert [(r[columns.index("purpose")], r[columns.index("variant")]) for r in rows] == [
        ("buggy", "a+b"),
        ("clean", "clean"),
    ]
    with pytest.raises(StoreError, match="no results table 'nope'"):
        store.table("nope")


def test_a_store_from_a_newer_frontendx_is_refused(new_location: NewStore) -> None:
    location = new_location()
    open_store(location).close()
    raw_sql(location, f"UPDATE meta SET value='{SCHEMA_VERSION + 1}' WHERE key='schema_version'")
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1} is newer than"):
        open_store(location)


def test_no_store_yet_is_a_clear_error_unless_created(new_location: NewStore) -> None:
    location = new_location()
    with pytest.raises(StoreError, match="run `frontendx run"):
        open_store(location, create=False)
    open_store(location, create=True).close()
    store = open_store(location, create=False)
    assert store.runs() == []
    store.close()


def test_a_read_only_store_reads_and_keeps_views_in_memory(new_location: NewStore) -> None:
    location = new_location()
    writer = open_store(location)
    run = writer.create_run({}, 1, "0")
    writer.add_episode(run, judged(["a"]))
    writer.close()
    reader = open_store(location, create=False, read_only=True)
    assert reader.read_only and len(reader.episodes()) == 1
    with pytest.raises(StoreError, match="read-only"):
        reader.cache_view("k", "r", "{}")
    reader.close()


def test_postgres_migrations_run_in_order_and_record_the_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from frontendx.store import _postgres

    location = store_pg.cluster().new_database()
    open_store(location).close()
    newer = SCHEMA_VERSION + 1
    monkeypatch.setattr(_postgres, "SCHEMA_VERSION", newer)
    monkeypatch.setattr(
        _postgres, "MIGRATIONS", {newer: ["ALTER TABLE runs ADD COLUMN note TEXT DEFAULT 'x'"]}
    )
    store = open_store(location)
    assert store.schema_version == newer  # type: ignore[attr-defined]
    store.close()
    import psycopg

    with psycopg.connect(location) as conn:
        meta = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        conn.execute("SELECT note FROM runs")
    assert meta is not None and int(meta[0]) == newer


def test_a_schema_3_sqlite_store_gains_its_results_tables(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = open_store(db)
    run = store.create_run({}, 1, "0")
    store.add_episode(run, judged(["a"]))
    store.close()
    # what FrontendX wrote before results as tables
    raw_sql(
        str(db),
        "DROP TABLE findings; DROP TABLE verdicts; DROP TABLE replays; "
        "ALTER TABLE episodes DROP COLUMN n_findings; "
        "UPDATE meta SET value='3' WHERE key='schema_version';",
    )
    reader = open_store(db, read_only=True)
    assert len(reader.episodes()) == 1
    with pytest.raises(StoreError, match="schema version 3 has no results tables"):
        reader.table("findings")
    reader.close()
    store = open_store(db)
    assert len(store.table("findings")[1]) == 3 and len(store.table("verdicts")[1]) == 2
    columns, rows = store.table("episodes")
    assert rows[0][columns.index("n_findings")] == 3
    store.close()


def test_an_unreachable_postgres_store_is_a_clear_error_without_its_password() -> None:
    store_pg.cluster()  # psycopg and a server are needed for the rest of the contract anyway
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://bench:s3cret@127.0.0.1:1/results", create=False)
    message = str(caught.value)
    assert "postgresql://bench:***@127.0.0.1:1/results: cannot connect to PostgreSQL" in message
    assert "s3cret" not in message and "check the URL" in message
    missing = store_pg.cluster().url("no_such_db")
    with pytest.raises(StoreError, match="create it first"):
        open_store(missing)
