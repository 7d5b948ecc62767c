"""The `crawler` agent on the mini app, through the real CLI: its generic oracles find the bugs
they can see (an uncaught error, a 5xx, a phone-only overlap), its findings carry shrunk repros,
and the validator accepts them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from conftest import MINI, frontendx_cli

from frontendx.agents._crawler import _Symptoms


def episodes(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        return [json.loads(r[0]) for r in conn.execute("SELECT result_json FROM episodes")]


def test_crawler_finds_what_generic_oracles_can_see(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    frontendx_cli(
        "run",
        "--apps",
        str(MINI),
        "--agents",
        "crawler",
        "--states",
        "desktop,mobile",
        "--workers",
        "1",
        "--db",
        str(db),
        check=True,
        timeout=900,
    )
    found: dict[str, set[str]] = {}
    for ep in episodes(db):
        assert ep["status"] == "ok", ep["error"]
        state = ep["spec"]["state"]["name"]
        found[state] = {
            f["verdict"]["bug_id"] for f in ep["findings"] if f["verdict"]["kind"] == "validated"
        }
        for f in ep["findings"]:
            steps = f["finding"]["steps"]
            assert steps[0]["action"] == "goto"
            assert steps[-1]["action"].startswith("expect")
    assert {"clear-throws", "search-500"} <= found["desktop"]
    assert "narrow-overlap" in found["mobile"]
    assert "narrow-overlap" not in found["desktop"]  # it does not show there

    # the uncaught error's repro was shrunk to the one click it needs
    (desktop,) = [e for e in episodes(db) if e["spec"]["state"]["name"] == "desktop"]
    throws = next(f for f in desktop["findings"] if f["verdict"]["bug_id"] == "clear-throws")
    assert [s["action"] for s in throws["finding"]["steps"]] == [
        "goto",
        "click",
        "expect_no_page_error",
    ]

    by_category = frontendx_cli(
        "report", "--db", str(db), "--by", "state,category", "--format", "json", check=True
    )
    rows = {
        (r["slice"]["state"], r["slice"]["category"]): r
        for r in json.loads(by_category.stdout)["rows"]
    }
    assert rows[("desktop", "uncaught-error")]["recall"] == 1.0
    assert rows[("desktop", "http-5xx")]["recall"] == 1.0
    assert rows[("mobile", "responsive")]["recall"] == 1.0


class _Budget:
    wall_seconds = 60.0
    steps = 100


class _Ctx:
    """Just what `_Crawl` reads of an agent context (no browser is needed to plan actions)."""

    class task:  # mirrors AgentContext.task
        budget = _Budget()

    app_url = "http://127.0.0.1:1"

    def __init__(self) -> None:
        self.steps = 0

    def step(self, n: int = 1) -> None:
        self.steps += n

    def elapsed(self) -> float:
        return 0.0


class _RecordingRunner:
    def __init__(self) -> None:
        self.ran: list[Any] = []

    async def step(self, step: Any) -> None:
        self.ran.append(step)


async def test_crawler_actions_are_repro_steps_performed_by_the_step_runner() -> None:
    from frontendx.agents._crawler import CrawlerAgent, _Crawl
    from frontendx.repro import Click, Fill, Press, Step
    from frontendx.repro._steps import step_models

    crawl = _Crawl(CrawlerAgent(), _Ctx(), None, _Symptoms(), "http://127.0.0.1:1")  # type: ignore[arg-type]
    controls = [
        {"kind": "input", "role": "textbox", "name": "Search", "box": [0, 0, 9, 9]},
        {"kind": "button", "role": "button", "name": "Go", "box": [0, 0, 9, 9]},
    ]
    actions = crawl.actions(controls)
    models = step_models()
    for action in actions:
        assert action.steps and all(isinstance(s, models) for s in action.steps)
    # the form is its fills then the click; a typed probe is submitted with Enter
    form = next(a for a in actions if a.kind == "form")
    assert [type(s) for s in form.steps] == [Fill, Click]
    typed = next(a for a in actions if a.kind == "fill")
    assert [type(s) for s in typed.steps] == [Fill, Press]
    # performing an action runs exactly its steps through the runner, one budget step each
    runner = _RecordingRunner()
    crawl.runner = runner  # type: ignore[assignment]
    crawl.settle = _no_settle  # type: ignore[method-assign]
    assert await crawl.perform(form)
    ran: list[Step] = runner.ran
    assert ran == list(form.steps) and crawl.ctx.steps == len(form.steps)


async def _no_settle() -> None:
    return None
