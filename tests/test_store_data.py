"""`frontendx store copy` between SQLite and PostgreSQL (both directions), results as tables
(`frontendx.results.load`, `frontendx export-data`) and the DuckDB example of docs/store.md,
run as written on an exported store."""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import store_pg
from click.testing import CliRunner
from test_metrics import episode, found
from test_store_contract import judged

from frontendx.cli import main
from frontendx.errors import StoreError
from frontendx.records import EpisodeResult, VerdictKind
from frontendx.results import load
from frontendx.store import Store, copy_store, open_store

DOCS = Path(__file__).resolve().parents[1] / "docs" / "store.md"


def _fill(store: Store) -> list[EpisodeResult]:
    """Two runs of two agents, the second carrying one result over, and a changelog entry."""
    first = store.create_run({"n": 1}, 3, "0.1", run_id="r1", created_at=1.0)
    results = [
        judged(["a"], repeat=0, finished_at=10.0),
        judged(["b"], repeat=1, finished_at=11.0),
        episode(
            bugs=["a"],
            agent="other",
            findings=[found(1.0, VerdictKind.NOT_REPRODUCED), found(2.0, VerdictKind.DUPLICATE)],
        ).model_copy(update={"finished_at": 12.0}),
    ]
    store.add_episodes(first, results)
    second = store.create_run({"n": 2}, 1, "0.2", run_id="r2", created_at=2.0)
    carried = store.episode_id(first, results[0].spec.key)
    store.add_episode(second, results[0], reused_from=carried)
    store.add_change({"frontendx": "0.2"}, ["frontendx 0.1 -> 0.2"], run_id=second, reused=1, ran=0)
    return results


def _content(store: Store) -> tuple[object, ...]:
    index = store.index()
    by_id = {e.id: e for e in index}
    reused = [
        None if e.reused_from is None else (by_id[e.reused_from].run_id, by_id[e.reused_from].cell)
        for e in index
    ]
    changes = [{k: v for k, v in c.items() if k != "id"} for c in store.changelog()]
    tables = {name: len(store.table(name)[1]) for name in ("findings", "verdicts", "replays")}
    return (store.run_rows(), store.episodes(), reused, changes, tables)


def test_store_copy_sqlite_to_postgres_and_back(tmp_path: Path) -> None:
    src = open_store(tmp_path / "src.db")
    _fill(src)
    want = _content(src)
    src.close()
    url = store_pg.cluster().new_database()
    runner = CliRunner()
    done = runner.invoke(main, ["store", "copy", str(tmp_path / "src.db"), url])
    assert done.exit_code == 0, done.output
    assert "copied 2 runs, 4 episodes and 1 changelog entries" in done.output
    pg = open_store(url, create=False)
    assert _content(pg) == want
    pg.close()
    done = runner.invoke(main, ["store", "copy", url, str(tmp_path / "back.db")])
    assert done.exit_code == 0, done.output
    back = open_store(tmp_path / "back.db", create=False)
    assert _content(back) == want
    back.close()
    again = runner.invoke(main, ["store", "copy", str(tmp_path / "src.db"), url])
    assert again.exit_code == 2 and "already holds runs" in again.output


def test_copy_into_a_store_with_runs_is_refused(tmp_path: Path) -> None:
    src, dst = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    dst.create_run({}, 0, "0")
    with pytest.raises(StoreError, match="already holds runs; copy into a new, empty store"):
        copy_store(src, dst)
    src.close()
    dst.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_results_load_gives_one_frame_per_table(backend: str, tmp_path: Path) -> None:
    location = str(tmp_path / "r.db") if backend == "sqlite" else store_pg.cluster().new_database()
    store = open_store(location)
    results = _fill(store)
    store.close()
    tables = load(location)
    assert len(tables.runs) == 2 and len(tables.episodes) == 4
    assert tables.episodes["reused_from"].notna().sum() == 1
    stored = [*results, results[0]]  # the carried-over copy has its rows too
    expected = Counter(
        str(f.verdict.kind) for r in stored for f in r.findings if f.verdict is not None
    )
    assert Counter(tables.verdicts["kind"]) == expected
    assert tables.verdicts["false_positive"].dtype == bool
    fp = tables.verdicts.groupby("kind")["false_positive"].first().to_dict()
    assert fp == {k: VerdictKind(k).is_false_positive for k in expected}
    assert len(tables.findings) == sum(len(r.findings) for r in stored)


def test_export_data_writes_csv_and_the_docs_duckdb_query_gives_the_stored_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    db = tmp_path / "runs.db"
    store = open_store(db)
    results = _fill(store)
    claim = {"action": "expect_no_page_error", "pattern": None}
    facts = {"category": "state", "difficulty": "hard", "severity": "unknown", "manual_minutes": 4}
    native = {"candidate": "c1", "app": "shop", "app_version": "v1", "bug_id": "lost"}
    assert store.add_native_bug(
        {**native, "claim": claim, "title": "t", "accepted_at": 9.0, "facts": facts}
    )
    store.close()
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(main, ["export-data", "--db", str(db), "--format", "parquet", "data"])
    assert done.exit_code == 0, done.output
    assert sorted(os.listdir("data")) == sorted(
        f"{t}.parquet"
        for t in ("runs", "episodes", "findings", "verdicts", "replays", "native_bugs")
    )
    done = runner.invoke(main, ["export-data", "--db", str(db), "--format", "csv", "csv"])
    with open("csv/native_bugs.csv", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert {k: row[k] for k in (*native, *facts)} == {
        **native,
        **{k: str(v) for k, v in facts.items()},
    }
    assert json.loads(row["claim_json"]) == claim and float(row["accepted_at"]) == 9.0
    n_verdicts = sum(f.verdict is not None for r in [*results, results[0]] for f in r.findings)
    assert done.exit_code == 0 and f"wrote csv/verdicts.csv ({n_verdicts} rows)" in done.output
    assert len(Path("csv/verdicts.csv").read_text().splitlines()) == n_verdicts + 1
    (query,) = re.findall(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    got = duckdb.sql(query).fetchall()
    # the same figures from the stored records themselves (each computed result once)
    want = []
    for agent in sorted({r.spec.agent.label for r in results}):
        verdicts = [
            (i, f.verdict)
            for i, r in enumerate(results)
            if r.spec.agent.label == agent
            for f in r.findings
            if f.verdict is not None
        ]
        validated = {(i, v.bug_id) for i, v in verdicts if v.kind is VerdictKind.VALIDATED}
        fps = sum(v.kind.is_false_positive for _, v in verdicts)
        want.append((agent, len(verdicts), fps, len(validated)))
    assert got == want
    assert want[0][1:] == (4, 2, 2) and want[1][1:] == (2, 1, 0)


def test_export_data_of_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["export-data", "--db", str(tmp_path / "none.db"), str(tmp_path / "out")]
    )
    assert done.exit_code == 2 and "no such results database" in done.output


def test_read_commands_give_the_same_answers_on_postgres_as_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """report, compare, changelog and export-site on a PostgreSQL store and on its SQLite copy."""
    from frontendx.dashboard import generate_synthetic

    db = tmp_path / "syn.db"
    sqlite = open_store(db)
    generate_synthetic(sqlite, episodes=16, agents=2, runs=2, now=1.8e9, artifacts=0)  # type: ignore[arg-type]
    url = store_pg.cluster().new_database()
    pg = open_store(url)
    copy_store(sqlite, pg)
    sqlite.close()
    pg.close()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command in (
        ["report", "--format", "json", "--out-dir", "rep"],
        ["compare", "--format", "json"],
        ["changelog", "--format", "json"],
    ):
        answers = [runner.invoke(main, [*command, "--db", where]) for where in (str(db), url)]
        assert answers[0].exit_code in (0, 1), answers[0].output
        assert (answers[1].exit_code, answers[1].stdout.replace(url, str(db))) == (
            answers[0].exit_code,
            answers[0].stdout,
        ), command
    done = runner.invoke(main, ["export-site", "--db", url, "site-pg"])  # SQLite: test_dashboard
    assert done.exit_code == 0, done.output
    board = "data/leaderboard/latest/all.json"
    exported = json.loads((Path("site-pg") / board).read_text(encoding="utf-8"))
    # serve: the dashboard app reopens the store on its own thread, by location
    import urllib.request

    from test_dashboard import serve_app

    from frontendx.dashboard import create_app

    bodies = []
    for where in (str(db), url):
        store = open_store(where, create=False)
        with (
            serve_app(create_app(store)) as base,  # type: ignore[arg-type]
            urllib.request.urlopen(base + board, timeout=60) as reply,
        ):
            bodies.append(json.loads(reply.read()))
        store.close()
    assert bodies[0] == bodies[1] == exported and bodies[0]


def test_the_store_docs_commands_parse() -> None:
    import click
    from test_bad_input import _doc_commands

    commands = _doc_commands(DOCS)
    assert {c[0] for c in commands} >= {"run", "report", "store", "export-data"}
    for words in commands:
        command: click.Command | None = main
        args = list(words)
        while isinstance(command, click.Group):
            command = command.get_command(click.Context(command), args.pop(0))
            assert command is not None, words
        assert command is not None
        command.make_context(words[0], args)  # raises on a wrong usage
