"""The `crawler` agent: on the mini app, through the real CLI, its generic oracles find the bugs
they can see (an uncaught error, a 5xx, a phone-only overlap), its findings carry shrunk repros,
and the validator accepts them. Without an app: its state abstraction, its policy (the next
action comes from the current state), its sign-in with the task's test accounts, its
spec-derived invariants, and that nothing in it is tuned to the built-in suite."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from conftest import MINI, frontendx_cli

from frontendx.agents._crawl_state import View
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
        accounts = {"user": {"email": "u@example.com", "password": "pw-1"}}

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


def _crawl(**options: Any) -> Any:
    from frontendx.agents._crawler import CrawlerAgent, _Crawl

    return _Crawl(CrawlerAgent(**options), _Ctx(), None, _Symptoms(), "http://127.0.0.1:1")  # type: ignore[arg-type]


def _view(url: str, controls: list[dict[str, Any]], **facts: Any) -> View:
    return View(url=url, controls=controls, skeleton=["main"], **facts)


SIGN_IN = [
    {"kind": "input", "role": "textbox", "name": "E-mail", "type": "email", "group": 0},
    {"kind": "input", "role": "textbox", "name": "Secret", "type": "password", "group": 0},
    {"kind": "button", "role": "button", "name": "Go", "group": 0},
    {"kind": "link", "role": "link", "name": "Elsewhere", "href": "/elsewhere", "group": -1},
]


def test_crawler_signs_in_with_the_tasks_accounts_before_anything_else() -> None:
    from frontendx.agents._crawler import _Node
    from frontendx.repro import Fill, Press

    crawl = _crawl()
    view = _view("/enter", SIGN_IN, has_password=True)
    node = _Node("s", view.url, crawl.actions_for(view), ())
    _, action = crawl.choose(node)
    assert action.kind == "signin" and action.value == "user"
    fill_user, fill_secret, enter = action.steps
    assert isinstance(fill_user, Fill) and fill_user.value == "u@example.com"
    assert fill_user.target.label == "E-mail"
    assert isinstance(fill_secret, Fill) and fill_secret.value == "pw-1"
    assert isinstance(enter, Press) and enter.key == "Enter"
    # the password is never typed as a probe, and without accounts there is no sign-in
    assert all(
        not (isinstance(s, Fill) and s.target.label == "Secret" and s.value != "pw-1")
        or a.kind == "form"
        for a in node.actions
        for s in a.steps
    )
    assert all(a.kind != "signin" for a in _crawl(sign_in=False).actions_for(view))


def test_crawler_chooses_from_the_current_state_and_prefers_untried_actions() -> None:
    from frontendx.agents._crawler import _Node

    crawl = _crawl(seed=3)
    controls = [
        {"kind": "button", "role": "button", "name": n, "group": -1} for n in ("A", "B", "C")
    ]
    node = _Node("s", "/", crawl.actions(controls), ())
    chosen = []
    for _ in range(3):
        index, action = crawl.choose(node)
        node.tried.add(index)
        crawl.tries[action.key] += 1
        chosen.append(action.what)
    assert sorted(chosen) == ["A", "B", "C"]  # each untried action once
    # all tried: the next choice is an edge towards a state that still has untried actions
    other = _Node("t", "/", crawl.actions(controls[:1]), ())
    crawl.nodes = {"s": node, "t": other}
    assert crawl.choose(node) is None
    node.edges[1] = "t"
    assert crawl.choose(node) == (1, node.actions[1])
    # the same seed makes the same choices
    again = _crawl(seed=3)
    fresh = _Node("s", "/", again.actions(controls), ())
    assert [again.choose(fresh)[1].what for _ in range(1)] == chosen[:1]


def test_spec_derived_invariants_are_replayable_claims() -> None:
    from frontendx.agents._crawl_oracles import check_view, persistence_claims
    from frontendx.repro import Expect
    from frontendx.repro._steps import step_models

    items = {"size": 2, "texts": ["Tea $2.50", "Jam $4.00"], "heads": ["Tea", "Jam"]}
    count = {"text": "3 results", "test_id": "count", "context": "3 results"}
    total = {"text": "$7.50", "test_id": None, "context": "Total $7.50"}
    wrong = check_view(_view("/", [], lists=[items], numbers=[count, total]))
    kinds = {v.kind: v for v in wrong}
    assert set(kinds) == {"count", "sum"}
    claim = kinds["count"].claim
    assert isinstance(claim, Expect) and claim.negate and claim.text == "3 results"
    assert all(isinstance(v.claim, step_models()) for v in wrong)
    right: list[dict[str, Any]] = [
        {"text": "2 results", "test_id": "count", "context": "2 results"}
    ]
    right.append({"text": "$6.50", "test_id": None, "context": "Total $6.50"})
    assert check_view(_view("/", [], lists=[items], numbers=right)) == []
    # a count larger than the list is expected when the page offers paging
    paged = [{"kind": "button", "role": "button", "name": "Next"}]
    assert check_view(_view("/", paged, lists=[items], numbers=[count])) == []
    # a removed item back after a reload
    one = {"size": 1, "texts": ["Jam $4.00"], "heads": ["Jam"]}
    back = persistence_claims(
        _view("/", [], lists=[items]), _view("/", [], lists=[one]), _view("/", [], lists=[items])
    )
    assert [c.target.text for _, c in back] == ["Tea"]  # type: ignore[union-attr]
    assert (
        persistence_claims(
            _view("/", [], lists=[items]), _view("/", [], lists=[one]), _view("/", [], lists=[one])
        )
        == []
    )


async def test_state_abstraction_masks_volatile_text(browser: Any) -> None:
    from frontendx.agents._crawl_state import observe

    page = await browser.new_page()
    try:

        async def state(html: str) -> str:
            await page.set_content(html)
            view = await observe(page)
            assert view is not None
            return view.state

        base = "<main><h1>Cart (2)</h1><ul><li>Tea <button>Remove</button></li>{}</ul></main>"
        two = await state(base.format("<li>Jam <button>Remove</button></li>"))
        three = await state(
            base.replace("(2)", "(3)").format(
                "<li>Bread <button>Remove</button></li><li>Milk <button>Remove</button></li>"
            )
        )
        assert two == three  # more items, other names, other numbers: one state
        dialog = base.format("") + "<div role=dialog><button>Confirm</button></div>"
        assert await state(dialog) != two  # a dialog opened: a new state
    finally:
        await page.close()


def test_crawler_is_not_tuned_to_the_suite() -> None:
    """No app name, route, label, account or bug id of the built-in suite in the crawler."""
    import frontendx.agents as agents
    from frontendx.repro import Goto
    from frontendx.suite import get_app
    from frontendx.suite._registry import builtin_app_names

    folder = Path(agents.__file__).parent
    source = "\n".join(p.read_text() for p in [folder / "_crawler.py", *folder.glob("_crawl_*.py")])
    needles: set[str] = set()
    for name in builtin_app_names():
        app = get_app(name)
        needles |= {name, app.manifest.title}
        needles |= {a.email for a in app.manifest.accounts.values()}
        for bug in app.bugs.values():
            needles.add(bug.id)
            for step in bug.repro:
                if isinstance(step, Goto) and step.url.strip("/"):
                    needles.add(step.url.split("?")[0])
                for loc in (getattr(step, "target", None), getattr(step, "a", None)):
                    for value in (loc.name, loc.label, loc.text, loc.test_id) if loc else ():
                        if value and len(value) > 3:
                            needles.add(value)
    assert len(needles) > 100
    found = sorted(n for n in needles if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", source))
    assert found == []
