"""Ground truth never reaches an agent: no bug id, bug title or switch name appears in the
DOM, JS globals, cookies, storage or any network response, in any variant."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINI
from playwright.async_api import Browser, Response

from frontendx.browser import Sandbox
from frontendx.repro import Step
from frontendx.suite import App, AppServer, Bug, builtin_app_names, get_app, get_state, load_app
from frontendx.validate import Replayer

APPS = [*builtin_app_names(), str(MINI)]
# the browser-side leakage check replays every bug of an app (30-55 s an app): the default run
# covers the mini app and two built-in apps, `make test-slow` every app
BROWSER_CHECKED = {"shop", "design-system", str(MINI)}
BROWSER_APPS = [
    a if a in BROWSER_CHECKED else pytest.param(a, marks=pytest.mark.slow) for a in APPS
]


def forbidden_tokens(app: App) -> list[str]:
    # the harness's own names; `"switches":` as a JSON key, since "Switches" is also a UI word
    # (the design-system gallery has a page of them)
    tokens = ["__BUG", "bug_id", '"switches":']
    for bug in app.bugs.values():
        tokens += [bug.id, bug.title]
    tokens += list(app.edits)  # a change's intended edits are switches too
    # the compile-time switch names a frontend build is made with
    toggles = app.root / "frontend" / "toggles.json"
    if toggles.exists():
        tokens += list(json.loads(toggles.read_text()).values())
    return tokens


def leaks(text: str, tokens: list[str]) -> list[str]:
    lowered = text.lower()
    return [t for t in tokens if t.lower() in lowered]


def _actions_of(repro: list[Step]) -> list[Step]:
    """The repro up to its last action (the assertions after it are the claim)."""
    last = max((i for i, step in enumerate(repro) if not step.is_assertion), default=-1)
    return repro[: last + 1]


def _collect_into(sink: list[Response]) -> Callable[[Response], None]:
    return lambda response: sink.append(response)


def _app(name: str) -> App:
    return load_app(Path(name)) if "/" in name else get_app(name)


@pytest.mark.parametrize("name", APPS)
def test_no_build_file_names_a_bug(name: str) -> None:
    app = _app(name)
    tokens = forbidden_tokens(app)
    for path in app.dist_dir.rglob("*"):
        if path.is_file() and path.name != "builds.json":
            found = leaks(path.read_text(encoding="utf-8", errors="replace"), tokens)
            assert not found, f"{path} contains {found}"
    assert all(not re.search(r"[a-z]+-[a-z]+", d) for d in app.build_index().values())


@pytest.mark.parametrize("name", BROWSER_APPS)
async def test_agent_sees_no_ground_truth_while_every_bug_is_active(
    browser: Browser, name: str
) -> None:
    """Every bug's repro is replayed in its own state with all bugs on, four at a time on one
    server, without its closing assertions: outcomes do not matter here, only what the browser
    gets to see, and a failing claim would only wait out its timeout."""
    app = _app(name)
    tokens = forbidden_tokens(app)
    server = AppServer(app)
    await server.start()
    seen: list[tuple[str, str]] = []
    lanes = asyncio.Semaphore(4)

    async def visit(bug: Bug) -> None:
        state = bug.manifesting_states()[0]
        async with lanes, Sandbox(browser, app, server.url, state) as box:
            bodies: list[Response] = []
            box.page.on("response", _collect_into(bodies))
            await Replayer(box.page, box.events, server.url).run(_actions_of(bug.repro))
            with contextlib.suppress(Exception):  # let the last action's requests finish
                await box.page.wait_for_load_state("networkidle", timeout=3000)
            for response in bodies:
                try:
                    seen.append((f"response {response.url}", await response.text()))
                except Exception:  # redirects and aborted requests have no body
                    continue
            seen.append(("DOM", await box.page.content()))
            globals_ = await box.page.evaluate(
                """() => {
                    const fresh = new Set(Object.getOwnPropertyNames(
                        document.createElement('iframe').contentWindow || {}));
                    return Object.getOwnPropertyNames(window).filter(k => !fresh.has(k));
                }"""
            )
            seen.append(("JS globals", " ".join(globals_)))
            storage = await box.page.evaluate(
                "() => JSON.stringify([{...localStorage}, {...sessionStorage}])"
            )
            seen.append(("storage", storage))
            cookies = await box.context.cookies()
            seen.append(("cookies", " ".join(f"{c['name']}={c['value']}" for c in cookies)))

    try:
        # every bug of the suite (those only changes bring have no all-bugs build)
        await server.set_variant(app.suite_bugs)
        await asyncio.gather(*(visit(bug) for bug in app.suite_bugs.values()))
    finally:
        await server.stop()
    assert len(seen) > 4 * len(app.suite_bugs)
    for where, text in seen:
        found = leaks(text, tokens)
        assert not found, f"{app.name}: {where} reveals {found}"


async def test_control_port_and_other_origins_are_unreachable_from_the_page(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    server = mini_servers[0]
    control = server._control  # the harness's own endpoint
    async with Sandbox(browser, mini_app, server.url, get_state("desktop")) as box:
        await box.page.goto(server.url + "/")
        outcome = await box.page.evaluate(
            """async (urls) => Promise.all(urls.map(u => fetch(u, {method: 'POST'})
                .then(r => 'reached ' + r.status).catch(() => 'blocked')))""",
            [control + "/reset", "http://example.com/"],
        )
    assert outcome == ["blocked", "blocked"]
    assert any("/reset" in u for u in box.events.blocked)
