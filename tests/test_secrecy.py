"""An agent cannot learn the ground truth from outside the browser: not from other processes'
`/proc` entries (the control token, the harness's environment), not from the suite's files
(app.yaml, builds, the results store), not from control answers, and not from the names of
the assets a variant serves. Each test makes the attack an agent author would."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import MINI, TESTS, frontendx_cli

from frontendx.agents import make_agent
from frontendx.agents._external import sandbox_problem
from frontendx.suite import App, AppServer, builtin_app_names, get_app, load_app

PY = sys.executable
CANARY = "canary-3f9c1e-not-for-agents"
ODD_PATHS = ("/index.html%00.yaml", "/%00", "/assets/%00.js", "/a%01b", "/api/%00", "/%7f")

PEEKER = r'''
"""A hostile agent: reads every /proc entry it can see, its parent's environment, the app's
manifest and the results store, and uses any control token it finds on every loopback port."""
import json, os, sys, subprocess, urllib.request

def read(path):
    try:
        with open(path, "rb") as f:
            return f.read(200_000).decode("utf-8", "replace")
    except OSError as exc:
        return f"error: {exc.__class__.__name__}"

seen = {"environ": {}, "cmdline": {}, "tokens": [], "health": []}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        seen["environ"][pid] = read(f"/proc/{pid}/environ")
        seen["cmdline"][pid] = read(f"/proc/{pid}/cmdline")
seen["parent_environ"] = read(f"/proc/{os.getppid()}/environ")
app_yaml = os.environ["PEEK_APP_DIR"] + "/app.yaml"
seen["app_yaml"] = read(app_yaml)
subprocess.run(["umount", os.environ["PEEK_APP_DIR"]], capture_output=True)
seen["app_yaml_after_umount"] = read(app_yaml)
seen["store"] = read(os.environ["PEEK_DB"])
artifacts = os.environ["PEEK_DB"].removesuffix(".db") + "-artifacts"
seen["artifacts"] = os.listdir(artifacts) if os.path.isdir(artifacts) else []
for text in seen["environ"].values():
    for entry in text.split("\0"):
        if entry.startswith("FRONTENDX_CONTROL_TOKEN="):
            seen["tokens"].append(entry.split("=", 1)[1])
ports = set()
for line in read("/proc/net/tcp").splitlines()[1:]:
    local, state = line.split()[1], line.split()[3]
    if state == "0A" and local.startswith("0100007F:"):
        ports.add(int(local.split(":")[1], 16))
for token in seen["tokens"]:
    for port in sorted(ports):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/health", headers={"x-frontendx-control": token}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                seen["health"].append(response.read().decode())
        except Exception:
            pass
with open(os.environ["PEEK_OUT"], "w") as f:
    json.dump(seen, f)
'''


def _confinement_or_skip() -> None:
    problem = sandbox_problem()
    if problem is not None:
        pytest.skip(f"external agents cannot be confined on this machine: {problem}")


def test_confined_agent_finds_no_secret_in_proc_or_the_suite_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The /proc attack, through the real CLI (so the harness's environment, with an API-key
    canary, is the environment its processes started with, as /proc shows it)."""
    _confinement_or_skip()
    monkeypatch.setenv("FRONTENDX_TEST_SECRET_KEY", CANARY)
    peeker, out, db = tmp_path / "peeker.py", tmp_path / "seen.json", tmp_path / "runs.db"
    peeker.write_text(PEEKER)
    config = {
        "name": "peeker",
        "command": [PY, str(peeker)],
        "env": {"PEEK_OUT": str(out), "PEEK_APP_DIR": str(MINI), "PEEK_DB": str(db)},
    }
    spec = {
        "apps": [str(MINI)],
        "workers": 1,
        "replays": 1,
        "retries": 0,
        "budget": {"wall_seconds": 30},
        "agents": [{"name": "external", "config": config}],
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    frontendx_cli("run", "--spec", str(tmp_path / "spec.yaml"), "--db", str(db), check=True)
    with sqlite3.connect(db) as conn:
        (result,) = [json.loads(r[0]) for r in conn.execute("SELECT result_json FROM episodes")]
    assert result["status"] == "ok", result["error"]
    seen = json.loads(out.read_text())
    mine = "\n".join(seen["environ"].values())
    assert "FRONTENDX_APP_URL=" in mine, "the probe read its own /proc entry at least"
    everything = json.dumps(seen)
    assert CANARY not in everything, "the harness's environment reached the agent"
    assert not seen["tokens"] and not seen["health"], seen["health"]
    for bug_id in load_app(MINI).bugs:
        assert bug_id not in everything, f"bug id {bug_id!r} reached the agent"
    for key in ("app_yaml", "app_yaml_after_umount"):
        assert seen[key].startswith("error: FileNotFoundError"), (key, seen[key][:200])
    assert not seen["store"].startswith("SQLite format"), "the results store was readable"
    assert seen["artifacts"] == []


def test_unconfined_agents_are_marked_so(monkeypatch: pytest.MonkeyPatch) -> None:
    agent = make_agent("external", {"command": [PY, "-c", "pass"]})
    assert agent.trust == ("sandboxed" if sandbox_problem() is None else "unconfined")  # type: ignore[attr-defined]
    monkeypatch.setattr(
        "frontendx.agents._external.sandbox_problem", lambda: "no user namespaces here"
    )
    assert agent.trust == "unconfined"  # type: ignore[attr-defined]


def _environ(pid: int) -> str:
    return Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace")


def _processes_under(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = [int(c) for c in children]
    for child in list(found):
        found += _processes_under(child)
    return found


async def test_app_processes_hold_no_harness_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app server and a command app's process: no control token and nothing of the
    harness's environment beyond a plain set; a command app gets its own switches (by design:
    they are how it turns its bugs on)."""
    monkeypatch.setenv("FRONTENDX_TEST_SECRET_KEY", CANARY)
    app = load_app(TESTS / "apps" / "greeter")
    server = AppServer(app)
    await server.start()
    try:
        await server.set_variant(["greeting-drops-name"])
        assert server._proc is not None
        pids = [server._proc.pid, *_processes_under(server._proc.pid)]
        assert len(pids) >= 2, "the server and the app's own process"
        for pid in pids:
            environ = _environ(pid)
            cmdline = Path(f"/proc/{pid}/cmdline").read_text()
            assert CANARY not in environ and server._token not in environ, pid
            assert server._token not in cmdline, pid
        assert any("GREETER_SHORT=1" in _environ(pid) for pid in pids[1:])
    finally:
        await server.stop()


async def test_control_answers_carry_no_bug_id() -> None:
    app = load_app(MINI)
    server = AppServer(app)
    await server.start()
    try:
        assert server._client is not None
        answers = []
        for variant in ([], sorted(app.bugs)):
            answers.append((await server._client.post("/variant", json={"bugs": variant})).text)
            answers.append((await server._client.post("/health", json={})).text)
            answers.append((await server._client.get("/health")).text)
            answers.append((await server._client.post("/reset", json={})).text)
        await server.set_variant(sorted(app.bugs))  # the harness still confirms its switch
    finally:
        await server.stop()
    assert answers[0] != answers[4], "the variant's digest tells the harness it switched"
    for answer in answers:
        assert json.loads(answer).get("ok") is True, answer
        for bug_id in app.bugs:
            assert bug_id not in answer, answer


def _one_variant_per_build(app: App) -> list[list[str]]:
    return [sorted(bugs) for bugs in app.build_index()]


def _repository_names(app: App) -> str:
    """Every name the repository's builds use: file names under dist/ and builds.json."""
    names = [p.name for p in app.dist_dir.rglob("*")]
    return "\n".join(names) + (app.dist_dir / "builds.json").read_text()


async def _served(client: httpx.AsyncClient) -> tuple[str, dict[str, bytes]]:
    """The index page and every asset it loads, following references between assets."""
    index = (await client.get("/")).text
    todo = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
    assets: dict[str, bytes] = {}
    while todo:
        url = todo.pop()
        if url in assets:
            continue
        response = await client.get(url)
        assert response.status_code == 200, url
        assets[url] = response.content
        if url.endswith(".js"):
            for name in re.findall(r'"\./([\w.-]+\.js)"', response.text):
                todo.append(url.rsplit("/", 1)[0] + "/" + name)
    return index, assets


@pytest.fixture(scope="module", params=builtin_app_names())
async def hosted(request: pytest.FixtureRequest) -> AsyncIterator[AppServer]:
    server = AppServer(get_app(request.param))
    await server.start()
    yield server
    await server.stop()


async def test_every_variant_serves_the_same_page_and_asset_names(hosted: AppServer) -> None:
    app = hosted.app
    repository = _repository_names(app)
    pages, urls = set(), set()
    async with httpx.AsyncClient(base_url=hosted.url) as client:
        for variant in _one_variant_per_build(app):
            await hosted.set_variant(variant)
            index, assets = await _served(client)
            assert assets, index
            pages.add(index)
            urls.add(tuple(sorted(assets)))
            for url in assets:
                assert url.rsplit("/", 1)[1] not in repository, url
            # the build's own names are not served, so an agent cannot probe for them
            build = app.build_dir(variant)
            for own in build.rglob("*"):
                if own.is_file() and own.name != "index.html":
                    path = "/" + own.relative_to(build).as_posix()
                    assert (await client.get(path)).status_code == 404, path
    assert len(pages) == 1, f"{len(pages)} different index pages across the variants"
    assert len(urls) == 1, urls


async def test_odd_bytes_in_a_path_give_4xx_on_every_variant(hosted: AppServer) -> None:
    async with httpx.AsyncClient(base_url=hosted.url) as client:
        for variant in [[], *[[b] for b in sorted(hosted.app.bugs)]]:
            await hosted.set_variant(variant)
            for path in ODD_PATHS:
                status = (await client.get(path)).status_code
                assert 400 <= status < 500, (variant, path, status)
