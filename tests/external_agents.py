"""Misbehaving and probing external agents for tests/test_external.py.

Run as ``python external_agents.py MODE``; see each function. Only the standard library and
Playwright, as a third-party agent would have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

ENV = os.environ


def post(url: str, body: Any, timeout: float = 10) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"content-type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw.decode(errors="replace")}


def fail() -> None:
    """Exits early with code 3 and a message on stderr, having reported nothing."""
    print("starting up", flush=True)
    print("fatal: cannot find the widget registry (exit 3)", file=sys.stderr, flush=True)
    sys.exit(3)


def flood() -> None:
    """Posts findings as fast as it can, until FrontendX stops it."""
    for n in range(20_000):
        post(ENV["FRONTENDX_FINDINGS_URL"], {"title": f"spam {n}"})
    print("never stopped", file=sys.stderr)


def bad() -> None:
    """Reports one finding whose steps fail the schema, and one that is not JSON."""
    status, answer = post(
        ENV["FRONTENDX_FINDINGS_URL"], {"title": "bad steps", "steps": [{"action": "click"}]}
    )
    print(json.dumps({"status": status, "answer": answer}), flush=True)
    if status != 400 or "step 0 (click)" not in answer.get("error", ""):
        sys.exit(f"expected a 400 naming the step, got {status} {answer}")
    status, answer = post(ENV["FRONTENDX_FINDINGS_URL"], b"{not json")
    if status != 400 or "not JSON" not in answer.get("error", ""):
        sys.exit(f"expected a 400 for a body that is not JSON, got {status} {answer}")


def env() -> None:
    """Writes its environment to ENV_OUT and exits."""
    with open(ENV["ENV_OUT"], "w") as f:
        json.dump(dict(ENV), f)


def sleep() -> None:
    """Starts a child, writes both pids, and sleeps past any budget."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    with open(ENV["PIDS_FILE"], "w") as f:
        json.dump([os.getpid(), child.pid], f)
    time.sleep(600)


def probe() -> None:
    """Records what an agent can see and reach: its environment, the task, the sandbox page's
    state, and whether other origins and the app's control port answer it."""
    from playwright.sync_api import sync_playwright

    control = ENV["PROBE_CONTROL_URL"]
    with open(ENV["FRONTENDX_TASK_FILE"], encoding="utf-8") as f:
        task_text = f.read()
    seen: dict[str, Any] = {"env": dict(ENV), "task_file": task_text}
    with sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(ENV["FRONTENDX_CDP_URL"])
        seen["pages_at_start"] = [len(c.pages) for c in browser.contexts]
        page = browser.contexts[0].pages[0]
        page.goto(ENV["FRONTENDX_APP_URL"] + "/")
        page.get_by_test_id("total").filter(has_text="Total").wait_for()
        seen["viewport"] = page.evaluate("[innerWidth, innerHeight]")
        seen["language"] = page.evaluate("navigator.language")
        seen["total"] = page.get_by_test_id("total").inner_text()
        seen["page_fetch_control"] = page.evaluate(
            "url => fetch(url).then(r => 'status ' + r.status, e => 'failed: ' + e)",
            control + "/health",
        )

        def visit(target: Any, url: str) -> str:
            try:
                response = target.goto(url)
                text = target.inner_text("body")[:80] if response else ""
                return f"reached: {response.status if response else '?'} {text}"
            except Exception as exc:
                return f"blocked: {str(exc).splitlines()[0]}"

        seen["page_goto_control"] = visit(page, control + "/health")
        extra = browser.contexts[0].new_page()
        seen["new_page_goto_control"] = visit(extra, control + "/health")
        own = browser.new_context()
        seen["new_context_goto_control"] = visit(own.new_page(), control + "/health")
        # leave `extra` and `own` open: FrontendX must close them
    seen["direct_control_health"] = post(control + "/health", {})
    seen["direct_control_variant"] = post(control + "/variant", {"bugs": []})
    seen["report"] = post(
        ENV["FRONTENDX_FINDINGS_URL"],
        {
            "title": "Total is off",
            "steps": [
                {"action": "goto", "url": "/"},
                {
                    "action": "expect",
                    "condition": "text",
                    "target": {"test_id": "total"},
                    "text": "Total:",
                    "timeout_ms": 15_000,
                },
                {
                    "action": "expect",
                    "condition": "text",
                    "target": {"test_id": "total"},
                    "text": "Total: 6",
                    "exact": True,
                },
            ],
        },
    )
    seen["answer"] = post(ENV["FRONTENDX_QUESTIONS_URL"], {"question": "What does Clear do?"})
    seen["steps"] = post(ENV["FRONTENDX_STEPS_URL"], {"n": 2})
    with open(ENV["PROBE_OUT"], "w") as f:
        json.dump(seen, f)


def reviewer() -> None:
    """A change reviewer: checks what the task file and the environment give it (the base
    build, the pull request), that a block before any finding is refused, then reports a
    search that must not crash and blocks."""
    with open(ENV["FRONTENDX_TASK_FILE"]) as f:
        task = json.load(f)
    if task["kind"] != "regression" or task["base_url"] != ENV.get("FRONTENDX_BASE_URL"):
        sys.exit(f"no base build in the task: {task.get('base_url')!r}")
    pr = task["pull_request"]
    if not pr["title"] or not pr["files"] or "regressions" in pr or "edits" in pr:
        sys.exit(f"unexpected pull request: {pr}")
    status, answer = post(ENV["FRONTENDX_DECISION_URL"], {"decision": "block"})
    if status != 400 or "needs at least one finding" not in answer.get("error", ""):
        sys.exit(f"a block without a finding was not refused: {status} {answer}")
    post(
        ENV["FRONTENDX_FINDINGS_URL"],
        {
            "title": "Search fails",
            "steps": [
                {"action": "goto", "url": "/"},
                {"action": "fill", "target": {"label": "Search"}, "value": "tea"},
                {"action": "click", "target": {"role": "button", "name": "Go"}},
                {"action": "expect_no_http_error"},
            ],
        },
    )
    status, answer = post(ENV["FRONTENDX_DECISION_URL"], {"decision": "block"})
    if status != 200 or answer.get("decision") != "block":
        sys.exit(f"the block was not taken: {status} {answer}")


def triager() -> None:
    """A red-test triager: checks the task file's red test (steps, pytest file, history, trace),
    that a bad label is refused, re-runs the test, labels it flaky with a cause and posts the
    red test's own good version as the fix (the steps with the expect's wait put back)."""
    with open(ENV["FRONTENDX_TASK_FILE"]) as f:
        task = json.load(f)
    red = task["failing_test"]
    if task["kind"] != "flaky" or len(red["history"]) != 10 or red["history"][-1] != "fail":
        sys.exit(f"unexpected red test: {red}")
    if "def test_red_test" not in red["pytest"] or not red["failure"]:
        sys.exit("the red test comes without its pytest file or its failure")
    if red["trace"] is not None and not os.path.isfile(red["trace"]):
        sys.exit(f"the trace is not readable: {red['trace']}")
    status, answer = post(ENV["FRONTENDX_TRIAGE_URL"], {"label": "maybe"})
    if status != 400 or "label must be one of" not in answer.get("error", ""):
        sys.exit(f"a bad label was not refused: {status} {answer}")
    status, rerun = post(ENV["FRONTENDX_RUN_TEST_URL"], {}, timeout=60)
    if status != 200 or "passed" not in rerun:
        sys.exit(f"the re-run did not answer: {status} {rerun}")
    fixed = [
        {k: v for k, v in step.items() if k != "ms"}
        | ({"timeout_ms": 4000} if "timeout_ms" in step else {})
        for step in red["steps"]
        if step["action"] != "wait_for"
    ]
    status, answer = post(ENV["FRONTENDX_FIX_URL"], {"steps": fixed})
    if status != 202:
        sys.exit(f"the fix was not taken: {status} {answer}")
    status, answer = post(
        ENV["FRONTENDX_TRIAGE_URL"], {"label": "flaky", "category": "fixed_sleep"}
    )
    if status != 200 or answer.get("label") != "flaky":
        sys.exit(f"the label was not taken: {status} {answer}")


if __name__ == "__main__":
    modes = {"fail": fail, "flood": flood, "bad": bad, "sleep": sleep, "probe": probe, "env": env}
    modes["reviewer"] = reviewer
    modes["triager"] = triager
    modes[sys.argv[1]]()
