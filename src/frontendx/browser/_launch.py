"""Finding and launching Chromium."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import weakref
from pathlib import Path

import httpx
from playwright.async_api import Browser, Error, Playwright

from frontendx.browser import _netns
from frontendx.browser._guard import NetworkGuard
from frontendx.errors import BrowserError

# Playwright's Node driver warns on stderr when an assertion's 1 ms timeout (an `expect` with
# `timeout_ms: 0`, docs/repro-language.md) has run out before it is armed; the driver starts
# with this process's environment, and the warning says nothing a user can act on.
os.environ.setdefault("NODE_NO_WARNINGS", "1")

# Without these, headless Chromium tries to reach Google's services at start-up.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

ENV_VAR = "FRONTENDX_CHROMIUM"
_SYSTEM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_executable(explicit: str | None = None) -> str | None:
    """The Chromium to use: an explicit path, then $FRONTENDX_CHROMIUM, then the system's
    Chromium; None means Playwright's own downloaded browser."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        resolved = shutil.which(chosen) or chosen
        if not Path(resolved).is_file():
            source = "--chromium" if explicit else f"${ENV_VAR}"
            raise BrowserError(
                f"{source} points to {chosen!r}, which is not an executable file; "
                "give the path of a Chromium binary (e.g. /usr/bin/chromium)"
            )
        return resolved
    for candidate in _SYSTEM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


_CDP_URLS: weakref.WeakKeyDictionary[Browser, str] = weakref.WeakKeyDictionary()
_GUARDS: weakref.WeakKeyDictionary[Browser, NetworkGuard] = weakref.WeakKeyDictionary()
CDP_PORT_TRIES = 3


def cdp_endpoint(browser: Browser) -> str | None:
    """The CDP endpoint of a browser launched with `cdp_port`, else None: ``http://127.0.0.1:PORT``,
    or ``unix:/PATH`` for a browser in its own network namespace. External agents reach it only
    through a `CdpRelay`, which understands both."""
    return _CDP_URLS.get(browser)


def network_isolated(browser: Browser) -> bool:
    """True when `browser` runs in its own network namespace (its DevTools endpoint is then a
    Unix socket, see `_launch_isolated`): an agent process cannot reach it past the relay."""
    return _CDP_URLS.get(browser, "").startswith("unix:")


def guard_of(browser: Browser) -> NetworkGuard | None:
    """The network guard every request of `browser` goes through, if it was launched with one."""
    return _GUARDS.get(browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cdp_client(url: str, timeout: float = 10.0) -> tuple[httpx.AsyncClient, str]:
    """An HTTP client for a CDP endpoint (TCP or ``unix:``), and the base URL to ask it."""
    if url.startswith("unix:"):
        transport = httpx.AsyncHTTPTransport(uds=url.removeprefix("unix:"))
        # Chromium answers only a Host that is an IP address or localhost
        return httpx.AsyncClient(transport=transport, timeout=timeout), "http://localhost"
    return httpx.AsyncClient(timeout=timeout, trust_env=False), url


async def _cdp_answers(url: str, version: str, timeout_s: float = 5.0) -> bool:
    """True when `url` is this browser's DevTools endpoint (not some other process that took
    the port between choosing it and Chromium binding it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    client, base = cdp_client(url, timeout=2.0)
    async with client:
        while loop.time() < deadline:
            try:
                data = (await client.get(base + "/json/version")).json()
                return isinstance(data, dict) and version in str(data.get("Browser", ""))
            except (httpx.HTTPError, ValueError):
                await asyncio.sleep(0.1)
    return False


async def launch_chromium(
    pw: Playwright,
    executable: str | None = None,
    *,
    cdp_port: int | None = None,
    guard: NetworkGuard | None = None,
    isolate_network: bool = False,
) -> Browser:
    """Launch headless Chromium, with a clear error when none is installed.

    With `cdp_port` (0: any free port), Chromium also serves the DevTools protocol on
    127.0.0.1 and `cdp_endpoint(browser)` gives its URL. Only loopback clients can connect, and
    Chromium refuses DevTools WebSockets from web pages (no ``--remote-allow-origins``).

    With `guard` (started), every request the browser makes goes through that proxy, which
    lets through only the origins on its allowlist (see `_guard.py`); `Sandbox` then allows
    its app's origin for as long as it is open.

    With `isolate_network` too (and a `cdp_port` and a `guard`), Chromium runs in its own
    network namespace where the guard is its only way out and its DevTools port is a Unix
    socket of the harness's (see `_netns.py`), when this machine allows that
    (`_netns.isolation_problem()`); otherwise as without."""
    path = chromium_executable(executable)
    isolated = isolate_network and guard is not None and cdp_port is not None
    if isolated and guard is not None and _netns.isolation_problem() is None:
        return await _launch_isolated(pw, path or pw.chromium.executable_path, guard)
    tries = CDP_PORT_TRIES if cdp_port == 0 else 1
    for _ in range(tries):
        args = list(CHROMIUM_ARGS)
        if guard is not None:
            assert guard.port, "start the NetworkGuard before launching its browser"
            args += guard.chromium_args()
        port = None if cdp_port is None else (cdp_port or _free_port())
        if port is not None:
            args.append(f"--remote-debugging-port={port}")
        try:
            browser = await pw.chromium.launch(executable_path=path, headless=True, args=args)
        except Error as exc:
            where = path or "Playwright's bundled Chromium"
            raise BrowserError(
                f"cannot start Chromium ({where}): {str(exc).splitlines()[0]}\n"
                "Install it (Debian: `apt-get install -y chromium`) or set "
                f"${ENV_VAR} / --chromium to a Chromium executable."
            ) from None
        if guard is not None:
            _GUARDS[browser] = guard
        if port is None:
            return browser
        url = f"http://127.0.0.1:{port}"
        if await _cdp_answers(url, browser.version):
            _CDP_URLS[browser] = url
            return browser
        await browser.close()  # the port was taken: try another one
    raise BrowserError(
        f"Chromium started but its DevTools (CDP) endpoint did not answer on 127.0.0.1 "
        f"(tried {tries} port(s)); check that loopback TCP ports can be bound"
    )


def preflight(executable: str | None = None) -> str:
    """Start and stop Chromium once, returning its version; raises BrowserError with the fix.
    Run before a run writes anything, so a missing browser never leaves a half-made run."""
    import asyncio

    from playwright.async_api import async_playwright

    async def check() -> str:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw, executable)
            version = browser.version
            await browser.close()
            return version

    return asyncio.run(check())


async def _launch_isolated(pw: Playwright, chromium: str, guard: NetworkGuard) -> Browser:
    folder = Path(tempfile.mkdtemp(prefix="fx-netns-"))  # mode 0700: the harness's alone
    cdp_socket = folder / "cdp.sock"
    executable = _netns.wrapper(folder, chromium, await guard.unix_socket(), cdp_socket)
    args = [
        *CHROMIUM_ARGS,
        f"--proxy-server=http://127.0.0.1:{_netns.PROXY_PORT}",
        "--proxy-bypass-list=<-loopback>",
        f"--remote-debugging-port={_netns.CDP_PORT}",
    ]
    try:
        browser = await pw.chromium.launch(
            executable_path=str(executable), headless=True, args=args
        )
    except Error as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise BrowserError(
            f"cannot start Chromium ({chromium}) in its own network namespace: "
            f"{str(exc).splitlines()[0]}"
        ) from None
    browser.on("disconnected", lambda _: shutil.rmtree(folder, ignore_errors=True))
    url = f"unix:{cdp_socket}"
    if not await _cdp_answers(url, browser.version):
        await browser.close()
        raise BrowserError(
            "Chromium started in its own network namespace, but its DevTools endpoint did "
            f"not answer on {cdp_socket}"
        )
    _GUARDS[browser] = guard
    _CDP_URLS[browser] = url
    return browser
