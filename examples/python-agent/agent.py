"""A minimal external FrontendX agent in Python (see docs/external-agents.md).

FrontendX starts Chromium and this process, and tells it by environment where everything is.
The agent connects to the harness's browser over CDP, drives the sandbox's page (already in the
episode's browser state: viewport, locale, signed-in role), and reports findings in the repro
language by HTTP. It checks one thing: that a displayed "Total: N" equals the sum of the
amounts listed on the page.

Needs only the `playwright` package (no browser download: it connects to FrontendX's Chromium).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import urllib.error
import urllib.request
from typing import Any

from playwright.sync_api import sync_playwright

ENV = os.environ


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST JSON; returns the status and the JSON answer (errors answer JSON too)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def step() -> None:
    """Count one browser action against the step budget (optional, keeps usage honest)."""
    post(ENV["FRONTENDX_STEPS_URL"], {"n": 1})


def main() -> None:
    with open(ENV["FRONTENDX_TASK_FILE"], encoding="utf-8") as f:
        task = json.load(f)
    app_url = ENV["FRONTENDX_APP_URL"]
    print(f"task {task['kind']} on {app_url}, {ENV['FRONTENDX_BUDGET_SECONDS']}s", flush=True)
    with sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(ENV["FRONTENDX_CDP_URL"])
        # The sandbox's page is the one page of the browser when the agent starts. Pages
        # opened elsewhere are still confined to the app's origin, but lack the browser state.
        page = browser.contexts[0].pages[0]
        step()
        page.goto(app_url + "/")
        with contextlib.suppress(Exception):  # an app without a list: nothing to compare
            page.locator("li").first.wait_for(timeout=5000)
        items = page.locator("li").all_inner_texts()
        amounts = [float(m[1]) for t in items if (m := re.search(r"(-?\d+(?:\.\d+)?)\s*$", t))]
        total = page.get_by_text(re.compile(r"^Total:"))
        shown = total.first.inner_text().strip() if total.count() else None
        sum_ = float(sum(amounts))
        expected = f"Total: {int(sum_) if sum_.is_integer() else sum_}"
        print(f"items {items}; shown {shown}; expected {expected}", flush=True)

        _, answer = post(
            ENV["FRONTENDX_QUESTIONS_URL"],
            {"question": "What should the total at the bottom of the list show?"},
        )
        print(f"product owner: {answer.get('answer')}", flush=True)

        if shown is not None and amounts and shown != expected:
            test_id = total.first.get_attribute("data-testid")
            target = {"test_id": test_id} if test_id else {"text": shown}
            status, body = post(
                ENV["FRONTENDX_FINDINGS_URL"],
                {
                    "title": "Total does not match the listed amounts",
                    "description": f"The list shows amounts {amounts} but the page says {shown!r}.",
                    "steps": [
                        {"action": "goto", "url": "/"},
                        {
                            "action": "expect",
                            "condition": "text",
                            "target": target,
                            "text": expected,
                            "exact": True,
                        },
                    ],
                    "expected": expected,
                    "actual": shown,
                },
            )
            print(f"reported: HTTP {status} {body}", flush=True)
        # Leaving the `with` block disconnects; the browser belongs to FrontendX.


if __name__ == "__main__":
    main()
