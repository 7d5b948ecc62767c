"""A hostile external agent for tests/test_sandbox_escape.py: it tries every way out of the
sandbox it knows, and writes what each attempt gave to ESCAPE_OUT.

Run as ``python escape_agent.py MODE``: `escape` (every attack), `report-and-kill` (report a
finding, then kill the browser's process, found through DevTools). Only the standard library
and Playwright, as a third-party agent would have.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
import urllib.request
from typing import Any

ENV = os.environ

SHARED_WORKER = """async (url) => {
  const code = `onconnect = (e) => { const port = e.ports[0];
    fetch(${JSON.stringify(url)}).then((r) => r.text())
      .then((t) => port.postMessage('reached: ' + t),
            (err) => port.postMessage('failed: ' + err)); };`;
  const worker = new SharedWorker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));
  return await new Promise((resolve) => {
    worker.port.onmessage = (e) => resolve(e.data);
    setTimeout(() => resolve('no answer'), 5000);
  });
}"""

WEBSOCKET = """(url) => new Promise((resolve) => {
  const ws = new WebSocket(url);
  ws.onopen = () => resolve('open');
  ws.onerror = () => resolve('failed');
  setTimeout(() => resolve('no answer'), 5000);
})"""


def _try(fn: Any) -> Any:
    try:
        return {"ok": fn()}
    except Exception as exc:
        return {"error": str(exc).splitlines()[0]}


def raw_devtools_ports() -> list[int]:
    """Loopback ports (from /proc/net/tcp, as any process can read it) that answer as
    Chromium's DevTools, other than the relay FrontendX gave: the relay's way around."""
    relay = int(ENV["FRONTENDX_CDP_URL"].rsplit(":", 1)[1].strip("/"))
    ports = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.split(":")
            if state == "0A" and address == "0100007F":  # LISTEN on 127.0.0.1
                ports.add(int(port, 16))
    found = []
    for port in sorted(ports - {relay}):
        try:
            url = f"http://127.0.0.1:{port}/json/version"
            with urllib.request.urlopen(url, timeout=1) as answer:
                if "webSocketDebuggerUrl" in json.loads(answer.read()):
                    found.append(port)
        except Exception:
            continue
    return found


def escape() -> None:
    from playwright.sync_api import sync_playwright

    canary, secret = ENV["CANARY_URL"], ENV["SECRET_FILE"]
    seen: dict[str, Any] = {"raw_devtools_ports": raw_devtools_ports()}
    with sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(ENV["FRONTENDX_CDP_URL"])
        page = browser.contexts[0].pages[0]
        page.goto(ENV["FRONTENDX_APP_URL"] + "/")
        seen["shared_worker"] = page.evaluate(SHARED_WORKER, canary + "/shared-worker")
        ws_url = canary.replace("http://", "ws://") + "/websocket"
        seen["websocket"] = page.evaluate(WEBSOCKET, ws_url)

        cdp = browser.new_browser_cdp_session()
        seen["target_canary"] = _try(
            lambda: cdp.send("Target.createTarget", {"url": canary + "/create-target"})
        )
        seen["target_file"] = _try(
            lambda: cdp.send("Target.createTarget", {"url": "file://" + secret})
        )
        seen["target_file_spaced"] = _try(
            lambda: cdp.send("Target.createTarget", {"url": " file://" + secret})
        )
        time.sleep(1.0)  # let the new targets load
        texts = []
        for context in browser.contexts:
            for other in context.pages:
                if other.url.startswith("file:"):
                    texts.append(_try(lambda p=other: p.evaluate("document.body.innerText")))
        seen["file_pages"] = texts

        page_cdp = page.context.new_cdp_session(page)
        frame_id = page_cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]

        def load(url: str) -> Any:
            answer = page_cdp.send(
                "Network.loadNetworkResource",
                {
                    "frameId": frame_id,
                    "url": url,
                    "options": {"disableCache": True, "includeCredentials": False},
                },
            )
            resource = answer["resource"]
            body = ""
            if resource.get("stream"):
                body = page_cdp.send("IO.read", {"handle": resource["stream"]}).get("data", "")
            return {
                "success": resource.get("success"),
                "status": resource.get("httpStatusCode"),
                "body": body,
            }

        seen["load_canary"] = _try(lambda: load(canary + "/load-network-resource"))
        seen["load_file"] = _try(lambda: load("file://" + secret))

        def direct_context() -> Any:
            made = cdp.send("Target.createBrowserContext", {"proxyServer": "direct://"})
            context_id = made["browserContextId"]
            cdp.send(
                "Target.createTarget",
                {"url": canary + "/direct-context", "browserContextId": context_id},
            )
            time.sleep(1.0)
            return context_id

        seen["direct_context"] = _try(direct_context)

        def blank_to_file() -> Any:
            # a page the agent opens on about:blank, sent to file: by script: Chromium's own
            # rule (no file: from a non-file page) is what holds here, not the relay
            blank = browser.contexts[0].new_page()
            with contextlib.suppress(Exception):
                blank.evaluate("url => { location.href = url; }", "file://" + secret)
            time.sleep(0.5)
            return {"url": blank.url, "text": _try(lambda: blank.inner_text("body"))}

        seen["blank_to_file"] = _try(blank_to_file)
        seen["navigate_chrome"] = _try(
            lambda: page_cdp.send("Page.navigate", {"url": "chrome://version"})
        )
        seen["upload_outside"] = _try(
            lambda: page_cdp.send("DOM.setFileInputFiles", {"files": [secret], "backendNodeId": 1})
        )
        seen["browser_close"] = _try(lambda: cdp.send("Browser.close"))
        time.sleep(0.5)
        seen["still_connected"] = browser.is_connected()
    with open(ENV["ESCAPE_OUT"], "w") as f:
        json.dump(seen, f)


def report_and_kill() -> None:
    """Reports a finding, then tries to end the browser: Browser.close over CDP, then SIGKILL
    to the browser's process, found through DevTools (which works unless the agent runs in
    its own PID namespace). Writes what happened to ESCAPE_OUT."""
    from playwright.sync_api import sync_playwright

    finding = json.loads(ENV["FINDING"])
    request = urllib.request.Request(
        ENV["FRONTENDX_FINDINGS_URL"],
        data=json.dumps(finding).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).read()
    seen: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(ENV["FRONTENDX_CDP_URL"])
        cdp = browser.new_browser_cdp_session()
        seen["close"] = _try(lambda: cdp.send("Browser.close"))
        info = cdp.send("SystemInfo.getProcessInfo")["processInfo"]
        pid = next(p["id"] for p in info if p["type"] == "browser")
        seen["kill"] = _try(lambda: os.kill(pid, signal.SIGKILL))
        time.sleep(1.0)
        seen["connected"] = browser.is_connected()
    with open(ENV["ESCAPE_OUT"], "w") as f:
        json.dump(seen, f)


if __name__ == "__main__":
    {"escape": escape, "report-and-kill": report_and_kill}[sys.argv[1]]()
