"""The review queue (issue 15): findings judged `also_on_clean`, grouped by claim; a reviewer
accepts one as a native bug of that app version; from then on, findings on it score as
validated in every report, with the change in the changelog and the board before it still
shown under --as-of. Stores on both backends (SQLite, and a throwaway PostgreSQL cluster)."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import store_pg
from click.testing import CliRunner
from conftest import MINI, TOTAL_SHOWN, run_spec
from test_metrics import episode, facts, found

from frontendx.cli import main
from frontendx.errors import ConfigError
from frontendx.metrics import compute_rows, load_constants
from frontendx.records import BugFacts, EpisodeResult, ReplayRecord, Verdict, VerdictKind
from frontendx.repro import Finding
from frontendx.review import (
    Triage,
    accept,
    candidates,
    native_bugs,
    rescore,
    review_list,
    scored,
)
from frontendx.store import Store, copy_store, open_store

CLAIM_STEPS: list[dict[str, Any]] = [
    {"action": "goto", "url": "/"},
    TOTAL_SHOWN,
    {
        "action": "expect",
        "condition": "text",
        "target": {"test_id": "total"},
        "text": "Total: 999",
        "exact": True,
        "timeout_ms": 500,  # it never holds: fail each replay fast
    },
]
"""A claim about the mini app that fails on every variant, the clean app included: what a
finding about a defect nobody seeded looks like to the validator."""


def cli(*args: str) -> str:
    """Run a read or review command in this process (the run itself is a real subprocess)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def report_rows(db: Path, *extra: str) -> dict[str, dict[str, Any]]:
    data = json.loads(cli("report", "--db", str(db), "--format", "json", *extra))
    return {r["agent_name"]: r for r in data["rows"]}


def test_a_real_run_accepted_native_bug_scores_as_validated_from_then_on(
    tmp_path: Path,
) -> None:
    spec = {
        "apps": [str(MINI)],
        "tasks": ["explore"],
        "workers": 1,
        "replays": 1,
        "agents": [
            {
                "name": "scripted",
                "config": {"findings": [{"title": "No 999", "steps": CLAIM_STEPS}]},
            }
        ],
    }
    started = time.monotonic()
    db = run_spec(tmp_path, spec)
    print(f"run: {time.monotonic() - started:.1f}s")

    [claim] = json.loads(cli("review", "list", "--db", str(db), "--format", "json"))
    assert (claim["app"], claim["n_agents"], claim["n_episodes"], claim["n_findings"]) == (
        "mini",
        1,
        1,
        1,
    )
    assert claim["claim"]["text"] == "Total: 999" and claim["accepted_as"] is None
    assert "also fails on the clean app" in claim["evidence"][0]
    purposes = {r["purpose"] for r in claim["examples"][0]["replays"]}
    assert purposes == {"buggy", "clean"}  # the replays that judged it, as evidence

    before = report_rows(db)["scripted"]
    assert (before["verdict_also_on_clean"], before["n_false_positives"]) == (1, 1)
    assert (before["n_validated"], before["n_native_validated"], before["fp_rate"]) == (0, 0, 1.0)

    with pytest.raises(ConfigError, match="seeded bug with that id"):
        accept(open_store(db), claim["id"], "total-off")
    out = cli("review", "accept", claim["id"], "--as", "total-999", "--db", str(db))
    assert "accepted" in out and "total-999" in out

    after = report_rows(db)["scripted"]
    assert (after["verdict_validated"], after["verdict_also_on_clean"]) == (1, 0)
    assert (after["n_validated"], after["n_native_validated"]) == (1, 1)
    assert (after["n_false_positives"], after["fp_rate"]) == (0, 0.0)
    assert after["recall"] == before["recall"] == 0.0  # recall stays over the seeded bugs
    # the false-positive waste is gone; the triage of the finding stays
    assert after["human_minutes_saved"] > before["human_minutes_saved"]

    # the board as it stood before the acceptance is unchanged under --as-of
    store = open_store(db, create=False)
    finished = max(r.finished_at for r in store.episodes())
    [bug] = native_bugs(store)
    assert finished < bug.accepted_at
    when = datetime.fromtimestamp((finished + bug.accepted_at) / 2, UTC).isoformat()
    assert report_rows(db, "--as-of", when)["scripted"] == before
    # and the history says when the ground truth changed
    [entry] = json.loads(cli("changelog", "--db", str(db), "--format", "json"))
    assert "native bug total-999" in entry["changes"][0] and entry["at"] == bug.accepted_at
    listed = json.loads(cli("review", "list", "--db", str(db), "--format", "json"))
    assert listed[0]["accepted_as"] == "total-999"
    # accepting it again is an error that says so
    result = CliRunner().invoke(
        main, ["review", "accept", claim["id"], "--as", "other", "--db", str(db)]
    )
    assert result.exit_code != 0 and "already accepted as native bug 'total-999'" in result.output


# --- scoring rules, on stored episodes ------------------------------------------------------


def also_on_clean(
    title: str = "claim",
    text: str = "Total: 999",
    *,
    app_version: str = "v1",
    agent: str = "crawler",
    repeat: int = 0,
    state: str = "desktop",
    n: int = 1,
    kind: VerdictKind = VerdictKind.ALSO_ON_CLEAN,
) -> EpisodeResult:
    """An episode on shop (bug b1 active) with `n` findings making one claim, judged `kind`
    with replay evidence, plus one validated finding of b1."""
    ep = episode(
        bugs=["b1"],
        findings=[found(1.0, VerdictKind.VALIDATED, "b1")]
        + [found(2.0 + i, kind) for i in range(n)],
        agent=agent,
        repeat=repeat,
        state=state,
    )
    steps = [*CLAIM_STEPS[:-1], {**CLAIM_STEPS[-1], "text": text}]
    finding = Finding.model_validate({"title": title, "steps": steps})
    replays = [
        ReplayRecord(variant=("b1",), purpose="buggy", outcome="fails", step_index=2),
        ReplayRecord(
            variant=(), purpose="clean", outcome="fails", step_index=2, message="Total: 6"
        ),
    ]
    findings = [ep.findings[0]] + [
        f.model_copy(
            update={
                "finding": finding,
                "verdict": Verdict(kind=kind, reason="fails on clean", replays=replays),
            }
        )
        for f in ep.findings[1:]
    ]
    return ep.model_copy(update={"findings": findings, "versions": {"app": app_version}})


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "r.db")
    return store_pg.cluster().new_database()


def filled(location: str, episodes: list[EpisodeResult]) -> Store:
    store = open_store(location)
    run = store.create_run({}, len(episodes), "test")
    for ep in episodes:
        assert store.add_episode(run, ep)
    return store


def test_native_bugs_are_stored_versioned_and_scored_on_both_backends(
    location: str, tmp_path: Path
) -> None:
    eps = [
        also_on_clean(agent="crawler", repeat=0, n=2),  # the second finding: a duplicate
        also_on_clean(agent="llm", repeat=1),
        also_on_clean(agent="llm", repeat=2, app_version="v2"),  # another app version
        also_on_clean(agent="crawler", repeat=3, kind=VerdictKind.NOT_REPRODUCED),
    ]
    store = filled(location, eps)
    assert store.native_bugs() == []  # no table yet: none accepted
    queue = review_list(store)
    assert [(c.app_version, len(c.agents), len(c.episodes), c.n_findings) for c in queue] == [
        ("v1", 2, 2, 3),
        ("v2", 1, 1, 1),
    ]
    v1 = queue[0]
    before = compute_rows(scored(store, store.episodes()))

    bug, _ = accept(store, v1.id, "total-999", at=1000.0)
    assert [b.as_dict() for b in native_bugs(store)] == [bug.as_dict()]
    assert bug.claim == v1.claim and bug.accepted_at == 1000.0
    [entry] = store.changelog()
    assert entry["at"] == 1000.0 and "gains native bug total-999" in entry["changes"][0]
    assert entry["versions"]["native_bug"]["candidate"] == v1.id
    assert store.add_native_bug(bug.as_dict(), ["again"]) is False  # once per candidate
    assert len(store.changelog()) == 1
    with pytest.raises(ConfigError, match="already accepted"):
        accept(store, v1.id, "another")
    with pytest.raises(ConfigError, match="seeded bug"):
        accept(store, queue[1].id, "b1")
    with pytest.raises(ConfigError, match="no review candidate"):
        accept(store, "0000000000", "x")

    results = scored(store, store.episodes())
    kinds = [[f.verdict.kind.value for f in r.findings if f.verdict] for r in results]
    assert kinds == [
        ["validated", "validated", "duplicate"],
        ["validated", "validated"],
        ["validated", "also_on_clean"],  # v2: not the accepted app version
        ["validated", "not_reproduced"],  # same claim, but not judged also_on_clean
    ]
    first = results[0].findings[1].verdict
    assert first is not None and first.bug_id == "native:total-999"
    assert "native bug total-999" in first.reason and "fails on clean" in first.reason
    assert first.replays == eps[0].findings[1].verdict.replays  # type: ignore[union-attr]
    # the stored episodes are untouched
    assert [r.findings for r in store.episodes()] == [e.findings for e in eps]

    def total(rows: list[Any], *fields: str) -> tuple[int, ...]:
        return tuple(sum(getattr(r, f) for r in rows) for f in fields)

    after = compute_rows(results)
    counts = ("n_validated", "n_native_validated", "n_false_positives")
    assert total(before, *counts) == (4, 0, 5)
    assert total(after, *counts) == (6, 2, 2)
    assert total(after, "verdict_validated", "verdict_duplicate") == (6, 1)
    assert {r.recall for r in before} == {r.recall for r in after} == {1.0}
    # before the acceptance, the same stored episodes score as they did
    assert rescore(store.episodes(), native_bugs(store), as_of=999.0) == store.episodes()

    # a copy of the store carries its native bugs (and their changelog entries)
    copy = open_store(tmp_path / "copy.db")
    copy_store(store, copy)
    assert [b.as_dict() for b in native_bugs(copy)] == [bug.as_dict()]
    assert [e["changes"] for e in copy.changelog()] == [entry["changes"]]
    store.close()
    # readers that cannot write still see them
    reader = open_store(location, create=False, read_only=True)
    assert [b.bug_id for b in native_bugs(reader)] == ["total-999"]
    reader.close()


def test_compare_as_of_sees_the_ground_truth_of_its_moment(tmp_path: Path) -> None:
    from frontendx.living import compare_agents

    eps = [also_on_clean(agent="crawler", repeat=r) for r in range(3)]
    eps += [also_on_clean(agent="llm", repeat=r, kind=VerdictKind.NOT_REPRODUCED) for r in range(3)]
    store = filled(
        str(tmp_path / "c.db"), [e.model_copy(update={"finished_at": 10.0}) for e in eps]
    )
    [c] = candidates(store.latest_rows())
    accept(store, c.id, "total-999", at=100.0)

    def fp(at: float | None) -> dict[str, float | None]:
        [comparison] = compare_agents(store, "crawler", "llm", as_of=at)
        return {m.metric: m.old for m in comparison.changes}

    assert fp(50.0)["fp_rate"] == 0.5  # before: the claim is a false positive
    assert fp(None)["fp_rate"] == 0.0  # after: a native bug, validated


def test_a_native_bug_earns_its_minutes_and_joins_its_category_and_difficulty_slices(
    location: str, tmp_path: Path
) -> None:
    # two apps' seeded bugs in the store: shop's b1 (10 min, from `episode`) and another
    # app's bug worth 40 minutes, which must not move shop's default
    other = also_on_clean(agent="llm").model_copy(
        update={"spec": also_on_clean().spec.model_copy(update={"app": "admin"})}
    )
    other = other.model_copy(update={"bug_facts": {"b1": facts(minutes=40.0)}})
    store = filled(location, [also_on_clean(), other])
    shop = next(c for c in candidates(store.latest_rows()) if c.app == "shop")
    before = compute_rows(scored(store, store.episodes()), by=["category"])
    assert {r.slice["category"] for r in before} == {"ui"}  # b1's category only

    with pytest.raises(ConfigError, match="--category 'styling': not a category id; choose"):
        accept(store, shop.id, "lost", triage=Triage(category="styling"))
    with pytest.raises(ConfigError, match="--manual-minutes -1: give a number"):
        accept(store, shop.id, "lost", triage=Triage(manual_minutes=-1))
    assert store.native_bugs() == []  # a refused triage stores nothing

    bug, c = accept(store, shop.id, "lost", triage=Triage(category="state", difficulty="hard"))
    assert bug.facts == BugFacts(
        category="state", difficulty="hard", severity="unknown", manual_minutes=10.0
    )
    assert c.minutes_source == "the median of shop's 1 seeded bug(s)"
    assert [b.facts for b in native_bugs(open_store(location, create=False))] == [bug.facts]

    results = scored(store, store.episodes())
    [rescored] = [r for r in results if r.spec.app == "shop"]
    assert rescored.bug_facts["native:lost"] == bug.facts
    plain = [r for r in compute_rows(results) if r.agent_name == "crawler"]
    old = [r for r in compute_rows(store.episodes()) if r.agent_name == "crawler"]
    # the claim now earns the bug's 10 minutes and no longer wastes a false positive's
    waste = load_constants().wasted_minutes_per_false_positive
    assert plain[0].human_minutes_saved == pytest.approx(old[0].human_minutes_saved + 10 + waste)
    by_category = {
        (r.agent_name, r.slice["category"]): r for r in compute_rows(results, by=["category"])
    }
    assert by_category[("crawler", "state")].n_native_validated == 1
    assert by_category[("crawler", "state")].recall is None  # no seeded bug in that slice
    assert by_category[("crawler", "ui")].n_native_validated == 0
    by_difficulty = {
        r.slice["difficulty"]: r
        for r in compute_rows(results, by=["difficulty"])
        if r.agent_name == "crawler"
    }
    assert by_difficulty["hard"].n_validated == 1

    # minutes given override the default (the review logic is the same on both backends)
    empty = filled(
        str(tmp_path / "lone.db"), [also_on_clean().model_copy(update={"bug_facts": {}})]
    )
    [lone] = candidates(empty.latest_rows())
    bug, c = accept(empty, lone.id, "lost")
    assert bug.facts is not None and bug.facts.manual_minutes == 0.0
    assert c.minutes_source == "none: no stored episode of shop carries a seeded bug's minutes"
    with pytest.raises(ConfigError, match="already accepted"):
        accept(empty, lone.id, "again", triage=Triage(manual_minutes=7.5))


def test_a_claim_in_an_existing_first_part_table_is_read(tmp_path: Path) -> None:
    """Stores whose table the first part of the queue made (same columns) keep working."""
    db = tmp_path / "old.db"
    store = filled(str(db), [also_on_clean()])
    [c] = candidates(store.latest_rows())
    store.close()
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE review_native_bugs (candidate TEXT NOT NULL, app TEXT NOT NULL, "
        "app_version TEXT NOT NULL, bug_id TEXT NOT NULL, claim_json TEXT NOT NULL, "
        "title TEXT NOT NULL, accepted_at REAL NOT NULL, PRIMARY KEY (app, app_version, candidate))"
    )
    conn.execute(
        "INSERT INTO review_native_bugs VALUES (?, 'shop', 'v1', 'old', ?, 't', 5.0)",
        (c.id, json.dumps(c.claim)),
    )
    conn.commit()
    conn.close()
    reopened = open_store(db, create=False)
    assert [(b.bug_id, b.accepted_at, b.facts) for b in native_bugs(reopened)] == [
        ("old", 5.0, None)  # no facts: no minutes, slices as unknown
    ]
    assert reopened.episodes() != scored(reopened, reopened.episodes())
    # the next acceptance adds the facts column; the old row still reads, without facts
    reopened.add_episode(
        reopened.create_run({}, 1, "test"), also_on_clean("other", "Total: 1", repeat=1)
    )
    other = next(x for x in candidates(reopened.latest_rows()) if x.id != c.id)
    accept(reopened, other.id, "new", triage=Triage(manual_minutes=3))
    assert [(b.bug_id, b.facts and b.facts.manual_minutes) for b in native_bugs(reopened)] == [
        ("old", None),
        ("new", 3.0),
    ]


def test_the_guide_review_commands_parse() -> None:
    import click
    from test_bad_input import _doc_commands

    guide = Path(__file__).resolve().parent.parent / "docs" / "byo-app.md"
    commands = [c for c in _doc_commands(guide) if c[0] == "review"]
    assert {c[1] for c in commands} == {"list", "accept"}
    group = main.get_command(click.Context(main), "review")
    assert isinstance(group, click.Group)
    for words in commands:
        command = group.get_command(click.Context(group), words[1])
        assert command is not None, words
        command.make_context(words[1], words[2:])  # raises on a wrong usage
