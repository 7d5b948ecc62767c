"""External agents (docs/design.md §8): any program, driving FrontendX's Chromium over CDP and
reporting by HTTP. Both shipped examples run end to end through the real CLI, next to agents
that exit early, flood the findings endpoint, send findings that fail the schema, or overrun
their budget; and a probe checks what an external agent can see and reach."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, TESTS, run_spec
from playwright.async_api import Browser, async_playwright

from frontendx.agents import AgentContext, TaskView, make_agent, spec_answerer
from frontendx.agents._external import ExternalAgent
from frontendx.agents._model import ModelClient, ModelEndpoint
from frontendx.agents._registry import config_listing
from frontendx.browser import NetworkGuard, Sandbox, cdp_endpoint, launch_chromium
from frontendx.gateway import DUMMY_KEY
from frontendx.records import Budget
from frontendx.suite import App, AppServer
from frontendx.suite._states import BrowserState, Viewport

ROOT = TESTS.parent
EXAMPLES = ROOT / "examples"
HELPERS = TESTS / "external_agents.py"
PY = sys.executable


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its reaper does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _running_with(entry: str) -> set[int]:
    """The pids (as this process sees them) of running processes whose environment holds
    `entry`: a confined agent lives in its own PID namespace, so the pids it reports are not
    these."""
    found = set()
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc.name.isdigit() and entry.encode() in (proc / "environ").read_bytes().split(
                b"\0"
            ):
                found.add(int(proc.name))
    return {pid for pid in found if _alive(pid)}


@pytest.fixture(scope="session")
def node_agent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Node example, installed from its lock file into a temporary copy."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the Node example agent (not installed)")
    folder = tmp_path_factory.mktemp("node-agent") / "node-agent"
    shutil.copytree(EXAMPLES / "node-agent", folder, ignore=shutil.ignore_patterns("node_modules"))
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / "agent.mjs"


# --- what an external agent sees and reaches (in process: one app, one browser) -----------


@pytest.fixture(scope="module")
async def cdp_browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        # as the Worker launches the agent browser: every request through a network guard
        guard = NetworkGuard("agent")
        await guard.start()
        browser = await launch_chromium(pw, cdp_port=0, guard=guard, isolate_network=True)
        yield browser
        await browser.close()
        await guard.stop()


def sandboxed_context(
    box: Sandbox, app: App, browser: Browser, task: TaskView, **extra: Any
) -> AgentContext:
    """The context the Worker gives an agent: the sandbox's page, the spec's product owner,
    and the browser's CDP endpoint."""
    return AgentContext(
        task=task,
        page=box.page,
        context=box.context,
        answer=spec_answerer(app.spec_text),
        cdp_url=cdp_endpoint(browser),
        **extra,
    )


async def test_external_agent_drives_the_sandbox_and_nothing_else(
    mini_app: App,
    mini_servers: list[AppServer],
    cdp_browser: Browser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # harness secrets in the harness's own environment must not reach the agent
    monkeypatch.setenv("FRONTENDX_CONTROL_TOKEN", "canary-control-token")
    monkeypatch.setenv("FRONTENDX_SECRET_CANARY", "canary-secret")
    server = mini_servers[0]
    bugs = tuple(sorted(mini_app.bugs))
    await server.set_variant(bugs)
    state = BrowserState(name="probe", viewport=Viewport(width=700, height=500), locale="de-DE")
    out = tmp_path / "probe.json"
    agent = make_agent(
        "external",
        {
            "command": [PY, str(HELPERS), "probe"],
            "env": {"PROBE_OUT": str(out), "PROBE_CONTROL_URL": server._control},
        },
    )
    task = TaskView(kind="explore", app_url=server.url, spec=mini_app.spec_text, budget=Budget())
    try:
        async with Sandbox(cdp_browser, mini_app, server.url, state) as box:
            ctx = sandboxed_context(box, mini_app, cdp_browser, task)
            await asyncio.wait_for(agent.run(ctx), timeout=60)
            # the harness's page is still its own, and the agent's other pages are gone
            assert await box.page.evaluate("1 + 1") == 2
            cdp = await cdp_browser.new_browser_cdp_session()
            targets = (await cdp.send("Target.getTargets"))["targetInfos"]
            contexts = (await cdp.send("Target.getBrowserContexts"))["browserContextIds"]
            await cdp.detach()
            assert len([t for t in targets if t["type"] == "page"]) == 1  # the sandbox page
            assert len(contexts) == 1  # the sandbox's; the one the agent made is disposed
    finally:
        await server.set_variant(())
    seen = json.loads(out.read_text())

    # the sandbox's page, in the sandbox's browser state
    assert seen["pages_at_start"] == [1]
    assert seen["viewport"] == [700, 500]
    assert seen["language"] == "de-DE"
    assert seen["total"] == "Total: 7"  # total-off is active
    # other origins (here: the app's control port) are blocked from every page it opens
    assert seen["page_fetch_control"].startswith("failed")
    for key in ("page_goto_control", "new_page_goto_control", "new_context_goto_control"):
        assert seen[key].startswith("reached: 403 Blocked by the FrontendX sandbox"), (key, seen)
    # and from its own process, the control port refuses it without the harness's token
    for key in ("direct_control_health", "direct_control_variant"):
        status, body = seen[key]
        assert status == 403 and "control token required" in body["error"], (key, seen[key])
    assert server.active == frozenset()  # (reset by the harness above, not by the agent)

    # the environment: the protocol's variables, PATH/HOME/LANG, its own env; nothing else
    env: dict[str, str] = seen["env"]
    assert "FRONTENDX_CONTROL_TOKEN" not in env and "FRONTENDX_SECRET_CANARY" not in env
    assert not any("canary" in v for v in env.values())
    for bug in bugs:
        assert bug not in json.dumps(env) and bug not in seen["task_file"]
    frontendx_vars = {k for k in env if k.startswith("FRONTENDX_")}
    assert frontendx_vars == {
        "FRONTENDX_CDP_URL",
        "FRONTENDX_TARGET_ID",
        "FRONTENDX_APP_URL",
        "FRONTENDX_TASK_FILE",
        "FRONTENDX_FINDINGS_URL",
        "FRONTENDX_QUESTIONS_URL",
        "FRONTENDX_STEPS_URL",
        "FRONTENDX_TESTS_URL",
        "FRONTENDX_DECISION_URL",
        "FRONTENDX_TRIAGE_URL",
        "FRONTENDX_FIX_URL",
        "FRONTENDX_RUN_TEST_URL",
        "FRONTENDX_BUDGET_SECONDS",
        "FRONTENDX_BUDGET_STEPS",
    }
    allowed = {"PATH", "HOME", "LANG", "TMPDIR", "PROBE_OUT", "PROBE_CONTROL_URL"}
    python_adds = {"LC_CTYPE"}  # set by the interpreter itself under some locales
    assert set(env) - frontendx_vars <= allowed | python_adds
    task_file = json.loads(seen["task_file"])
    assert task_file["app_url"] == server.url and task_file["kind"] == "explore"
    assert task_file["budget"]["wall_seconds"] == 120

    # what it reported, asked and counted went through the context, stamped on receipt
    status, body = seen["report"]
    assert status == 202 and body["index"] == 0
    assert len(ctx.findings) == 1 and ctx.findings[0].finding is not None
    assert 0 < ctx.findings[0].found_at == body["found_at"]
    status, body = seen["answer"]
    assert status == 200 and "Clear" in body["answer"]
    assert ctx.questions == 1
    assert seen["steps"] == [200, {"steps": 2, "remaining": 198}] and ctx.steps == 2


async def test_agent_over_its_wall_budget_is_killed_with_its_children(
    mini_app: App, mini_servers: list[AppServer], cdp_browser: Browser, tmp_path: Path
) -> None:
    pids = tmp_path / "pids.json"
    agent = make_agent(
        "external", {"command": [PY, str(HELPERS), "sleep"], "env": {"PIDS_FILE": str(pids)}}
    )
    server = mini_servers[0]
    budget = Budget(wall_seconds=4)
    task = TaskView(kind="explore", app_url=server.url, spec=mini_app.spec_text, budget=budget)
    async with Sandbox(cdp_browser, mini_app, server.url, BrowserState(name="desktop")) as box:
        ctx = sandboxed_context(box, mini_app, cdp_browser, task)

        async def running() -> set[int]:
            while not pids.exists():
                await asyncio.sleep(0.05)
            return _running_with(f"PIDS_FILE={pids}")

        seen = asyncio.ensure_future(running())
        # exactly as the Worker runs an agent: cancelled at the budget (status `timeout`)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(agent.run(ctx), timeout=budget.wall_seconds)
    assert len(json.loads(pids.read_text())) == 2
    assert len(await seen) >= 2  # the agent and its child (and, confined, their wrappers)
    for _ in range(40):  # SIGKILL takes a moment to land
        if not any(_alive(pid) for pid in await seen):
            break
        await asyncio.sleep(0.05)
    assert not any(_alive(pid) for pid in await seen)  # the whole process group died


async def test_agent_with_a_model_is_pointed_at_the_gateway(
    mini_app: App, mini_servers: list[AppServer], cdp_browser: Browser, tmp_path: Path
) -> None:
    out = tmp_path / "env.json"
    agent = make_agent(
        "external", {"command": [PY, str(HELPERS), "env"], "env": {"ENV_OUT": str(out)}}
    )
    server = mini_servers[0]
    task = TaskView(kind="explore", app_url=server.url, spec=mini_app.spec_text, budget=Budget())
    model = ModelClient("http://127.0.0.1:9999/v1", api="anthropic", model="claude-test")
    try:
        async with Sandbox(cdp_browser, mini_app, server.url, BrowserState(name="desktop")) as box:
            ctx = sandboxed_context(box, mini_app, cdp_browser, task, model=model)
            await asyncio.wait_for(agent.run(ctx), timeout=30)
    finally:
        await model.aclose()
    env = json.loads(out.read_text())
    assert env["FRONTENDX_GATEWAY_URL"] == env["OPENAI_BASE_URL"] == "http://127.0.0.1:9999/v1"
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:9999"
    assert (env["FRONTENDX_MODEL_API"], env["FRONTENDX_MODEL"]) == ("anthropic", "claude-test")
    assert env["OPENAI_API_KEY"] == env["ANTHROPIC_API_KEY"] == DUMMY_KEY  # a placeholder


def test_bad_external_agent_configs_fail_clearly() -> None:
    from frontendx.errors import ConfigError

    cases: list[tuple[dict[str, Any], str]] = [
        ({"command": "node agent.mjs"}, "`command`: Input should be a valid list"),
        ({"command": []}, "`command`: List should have at least 1 item"),
        ({"command": [PY], "model": "m"}, "give both `base_url` and `model`"),
        ({"command": [PY], "api": "grpc"}, "`api`: Input should be 'openai' or 'anthropic'"),
        ({"command": [PY], "comand": [PY]}, "Accepted options: api, api_key_env"),
        ({"command": ["no-such-program-xyz"]}, "not on PATH"),
        ({"command": [PY], "env": {"FRONTENDX_APP_URL": "x"}}, "FRONTENDX_* variables"),
        ({"command": [PY], "version_command": [PY, "-c", "import sys; sys.exit(4)"]}, "exited 4"),
        ({"command": [PY], "cwd": "/no/such/dir"}, "is not a directory"),
    ]
    for config, message in cases:
        with pytest.raises(ConfigError, match=message.replace("*", r"\*")):
            make_agent("external", config)
    agent = make_agent(
        "external",
        {"command": [PY], "version_command": [PY, "-c", "print('2.5.1\\nbuild 7')"]},
    )
    assert (agent.name, agent.version) == ("external", "2.5.1")
    # the config is a pydantic model sharing the model endpoint's fields; the stored config
    # keeps only what was given, as before the model existed (cell identities unchanged)
    listed = config_listing(ExternalAgent)[1]["properties"]
    assert set(ModelEndpoint.model_fields) <= set(listed) and "command" in listed
    with_model = make_agent(
        "external", {"command": [PY], "base_url": "http://h/v1", "model": "gpt-5-mini"}
    )
    assert with_model.config == {
        "command": [PY],
        "base_url": "http://h/v1",
        "model": "gpt-5-mini",
        "api": "openai",
    }


# --- through the real CLI -------------------------------------------------------------------


def _external(name: str, command: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": "external", "config": {"name": name, "command": command, **extra}}


def test_examples_and_misbehaving_agents_through_the_cli(node_agent: Path, tmp_path: Path) -> None:
    spec = {
        "apps": [str(MINI)],
        "workers": 1,
        "replays": 1,
        "retries": 0,
        "budget": {"wall_seconds": 20},
        "agents": [
            _external(
                "node-example",
                ["node", str(node_agent)],
                version_command=["node", "--version"],
            ),
            _external("python-example", [PY, str(EXAMPLES / "python-agent" / "agent.py")]),
            _external("exits-early", [PY, str(HELPERS), "fail"]),
            _external("flooder", [PY, str(HELPERS), "flood"]),
            _external("bad-schema", [PY, str(HELPERS), "bad"]),
        ],
    }
    db = run_spec(tmp_path, spec, timeout=600)
    with sqlite3.connect(db) as conn:
        results = [json.loads(r[0]) for r in conn.execute("SELECT result_json FROM episodes")]
    by_name = {r["spec"]["agent"]["config"]["name"]: r for r in results}
    assert len(by_name) == 5

    # both examples: one finding each, stamped on receipt, validated by replay
    for name in ("node-example", "python-example"):
        result = by_name[name]
        assert result["status"] == "ok", (name, result["error"])
        (finding,) = result["findings"]
        assert finding["verdict"]["kind"] == "validated", (name, finding["verdict"])
        assert finding["verdict"]["bug_id"] == "total-off"
        assert 0 < finding["found_at"] < 20
        assert result["usage"]["questions"] == 1 and result["usage"]["steps"] >= 1
        # confined here: the process in its namespaces, its browser in its own network
        assert result["trust"] == "sandboxed", name
    assert by_name["node-example"]["spec"]["agent"]["version"].startswith("v")
    assert by_name["python-example"]["spec"]["agent"]["version"] == "0"

    early = by_name["exits-early"]
    assert early["status"] == "agent_error" and early["findings"] == []
    assert "exited with code 3" in early["error"]
    assert "cannot find the widget registry" in early["error"]  # its stderr, quoted

    flood = by_name["flooder"]
    assert flood["status"] == "budget_exceeded", flood["error"]
    assert "flooded the findings endpoint" in flood["error"]
    assert 0 < len(flood["findings"]) <= 200
    assert {f["verdict"]["kind"] for f in flood["findings"]} == {"invalid"}

    bad = by_name["bad-schema"]
    assert bad["status"] == "ok", bad["error"]
    (finding,) = bad["findings"]  # the body that was not JSON is refused, not recorded
    assert finding["verdict"]["kind"] == "invalid"
    assert "step 0 (click)" in finding["verdict"]["reason"]
