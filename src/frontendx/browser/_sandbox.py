"""A fresh browser context per episode or replay, in a browser state, sandboxed to one origin."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
)

from frontendx.browser._guard import BLOCKED_HEADER
from frontendx.browser._jitter import jitter_script
from frontendx.browser._launch import guard_of
from frontendx.errors import AppError
from frontendx.suite import App, BrowserState, Jitter


@dataclass(frozen=True)
class HttpError:
    status: int
    url: str


@dataclass
class PageEvents:
    """Symptoms seen in a context: console errors, uncaught page errors, HTTP errors,
    and blocked requests. Also tracks in-flight requests so assertions can let the page settle."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[HttpError] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    page: Page | None = None
    _inflight: int = 0
    _last_activity: float = field(default_factory=time.monotonic)
    _requests: int = 0
    """requests this context has started, ever"""
    _settled: tuple[int, int, int] | None = None
    """(requests, page fetches, page input events) counted when the last settle found the page
    quiet; None before that and whenever a settle did not end quiet"""

    def attach(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.on("weberror", lambda err: self.page_errors.append(str(err.error)))
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_done)
        context.on("requestfailed", self._on_done)
        context.on("response", self._on_response)

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def _on_request(self, _request: Request) -> None:
        self._inflight += 1
        self._requests += 1
        self._last_activity = time.monotonic()

    def _on_done(self, _request: Request) -> None:
        self._inflight = max(0, self._inflight - 1)
        self._last_activity = time.monotonic()

    def _on_response(self, response: Response) -> None:
        if BLOCKED_HEADER in response.headers:  # the network guard's refusal, not the app's
            self.blocked.append(response.url)
        elif response.status >= 400:
            self.http_errors.append(HttpError(response.status, response.url))

    async def settle(self, quiet_s: float = 0.4, timeout_s: float = 3.0) -> None:
        """Wait until no request has been in flight for `quiet_s` (or `timeout_s` passes).

        Returns at once when the previous settle found the page quiet and nothing happened
        since: no request started (counted by the context's request events and by the page's
        own fetch/XHR probe) and no input reached the page (no click, key, input, pointer
        move, drag or resize, which may start a request a while later). Back-to-back symptom
        assertions then wait once, not once each; a step that acts or fetches in between makes
        the next settle wait in full. Needs the probe (`Sandbox(instrument=True)`); without
        it every settle waits in full."""
        if self._settled is not None and self._inflight == 0:
            requests = self._requests  # before asking the page: a request meanwhile counts
            counts = await self._page_counts()
            if counts is not None and counts[0] == 0 and (requests, *counts[1:]) == self._settled:
                return
        self._settled = None
        started = time.monotonic()
        deadline = started + timeout_s
        while time.monotonic() < deadline:
            # Quiet is counted from the later of the last request and the start of this wait:
            # the requests an action causes may start a moment after it (a route change
            # renders, then fetches), and an old quiet spell must not hide them.
            quiet_for = time.monotonic() - max(self._last_activity, started)
            if self._inflight == 0 and quiet_for >= quiet_s:
                requests = self._requests
                counts = await self._page_counts()
                if counts is None or self.page is None:
                    if counts is not None:  # no probe: quiet, but never a fast settle next
                        return
                elif counts[0]:
                    self._last_activity = time.monotonic()
                elif self._inflight == 0 and requests == self._requests:
                    self._settled = (requests, counts[1], counts[2])
                    return
            await asyncio.sleep(0.03)

    async def _page_counts(self) -> tuple[int, int, int] | None:
        """(fetch/XHR calls in flight, started, input events) as the page's probe counts
        them; (0, 0, 0) without a probe, None while the page navigates."""
        if self.page is None:
            return 0, 0, 0
        try:
            counts = await self.page.evaluate(
                "() => [window.__fxInflight || 0, window.__fxStarted || 0, window.__fxInputs || 0]"
            )
        except Exception:  # navigating: the next poll asks again
            return None
        inflight, started, inputs = (int(c) for c in counts)
        return inflight, started, inputs


# Validator contexts only (never an agent's): counts the page's in-flight fetch/XHR calls so a
# symptom assertion can wait for requests a click started, however late their events arrive;
# and the calls started and the input events seen, so `settle` can tell that nothing happened
# since the last one.
_INFLIGHT_PROBE = """(() => {
  let n = 0, total = 0;
  const fetch0 = window.fetch;
  window.fetch = function (...args) {
    n++; total++; return fetch0.apply(this, args).finally(() => { n--; });
  };
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    n++; total++; this.addEventListener('loadend', () => { n--; }, { once: true });
    return send0.apply(this, args);
  };
  Object.defineProperty(window, '__fxInflight', { get: () => n });
  Object.defineProperty(window, '__fxStarted', { get: () => total });
  let inputs = 0;
  for (const type of ['pointerdown', 'pointerup', 'pointermove', 'mousedown', 'mouseup',
                      'mousemove', 'click', 'dblclick', 'contextmenu', 'keydown', 'keyup',
                      'input', 'change', 'submit', 'dragstart', 'drop', 'wheel', 'touchstart',
                      'touchend', 'resize', 'focusin']) {
    window.addEventListener(type, () => { inputs++; }, { capture: true, passive: true });
  }
  Object.defineProperty(window, '__fxInputs', { get: () => inputs });
})();"""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


SLOW_NETWORK_DELAY_S = 0.3
"""What the `slow` network adds before each request."""


class Sandbox:
    """One browser context: in a state, allowed to reach only the app's origin.

    On a browser launched with a network guard (`launch_chromium(..., guard=...)`), the
    sandbox puts its origin on the guard's allowlist while it is open, and the guard (a proxy
    every request of the browser goes through) does the confining and the slow network. On
    any other browser, it intercepts its own context's requests instead; that misses requests
    the interception does not see (shared workers, WebSockets), so agents only ever get a
    guarded browser.

    Use as ``async with Sandbox(browser, app, url, state) as box: box.page ...``.
    """

    def __init__(
        self,
        browser: Browser,
        app: App,
        app_url: str,
        state: BrowserState,
        *,
        trace_path: Path | None = None,
        instrument: bool = False,
        jitter: Jitter | None = None,
        also: Sequence[str] = (),
    ) -> None:
        """`also`: more URLs of the same app the context may reach and is signed in to (a
        change's base build beside its head); give them another host name than `app_url`'s
        (`reference_url`), or the two servers' cookies would mix."""
        self.browser = browser
        self.app = app
        self.app_url = app_url.rstrip("/")
        self.origin = origin_of(app_url)
        self.also = [u.rstrip("/") for u in also]
        self.origins = [self.origin, *(origin_of(u) for u in self.also)]
        self.state = state
        self.trace_path = trace_path
        self.events = PageEvents()
        self.instrument = instrument
        self.jitter = jitter
        """seeded clock offset and animation durations for the context; None (the default): off"""
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._guarded = False

    @property
    def context(self) -> BrowserContext:
        assert self._context is not None, "Sandbox used outside `async with`"
        return self._context

    @property
    def page(self) -> Page:
        assert self._page is not None, "Sandbox used outside `async with`"
        return self._page

    async def __aenter__(self) -> Sandbox:
        s = self.state
        options: dict[str, Any] = {
            "viewport": {"width": s.viewport.width, "height": s.viewport.height},
            "is_mobile": s.is_mobile,
            "has_touch": s.has_touch,
            "device_scale_factor": s.device_scale_factor,
            "locale": s.locale,
            "timezone_id": s.timezone,
            "color_scheme": s.color_scheme,
            "service_workers": "block",
        }
        guard = guard_of(self.browser)
        if guard is not None:
            delay = SLOW_NETWORK_DELAY_S if s.network == "slow" else 0.0
            for origin in self.origins:
                guard.allow(origin, delay_s=delay)
            self._guarded = True
        try:
            self._context = context = await self.browser.new_context(**options)
        except BaseException:
            self._release()
            raise
        try:
            await self._prepare(context, guard is None)
        except BaseException as exc:
            await self.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    async def _prepare(self, context: BrowserContext, intercept: bool) -> None:
        s = self.state
        context.set_default_timeout(5000)
        self.events.attach(context)
        if intercept:
            # Playwright documents that routing turns the HTTP cache off: only here
            await context.route("**/*", self._guard)
        if self.instrument:
            await context.add_init_script(_INFLIGHT_PROBE)
        if self.jitter is not None:
            await context.add_init_script(jitter_script(self.jitter))
        if self.trace_path is not None:
            await context.tracing.start(screenshots=True, snapshots=True)
        if s.flags:
            name, value = self.app.manifest.flags_cookie, json.dumps(s.flags)
            await context.add_cookies(
                [{"name": name, "value": value, "url": u} for u in [self.app_url, *self.also]]
            )
        if s.role != "anonymous":
            for url in [self.app_url, *self.also]:
                await self._sign_in(s.role, url)
        self._page = await context.new_page()
        if self.instrument:
            self.events.page = self._page
        if s.storage == "warm":
            await self._page.goto(self.app_url + "/")

    async def _guard(self, route: Route) -> None:
        url = route.request.url
        if origin_of(url) in self.origins:
            if self.state.network == "slow":
                await asyncio.sleep(SLOW_NETWORK_DELAY_S)
            await route.continue_()
        else:
            self.events.blocked.append(url)
            await route.abort("blockedbyclient")

    def _release(self) -> None:
        guard = guard_of(self.browser)
        if self._guarded and guard is not None:
            for origin in self.origins:
                guard.disallow(origin)
        self._guarded = False

    async def _sign_in(self, role: str, app_url: str) -> None:
        manifest = self.app.manifest
        account = manifest.accounts.get(role)
        if account is None:
            raise AppError(
                f"state {self.state.name!r} signs in as {role!r}, but app {self.app.name!r} "
                f"has no such account (accounts: {', '.join(manifest.accounts) or 'none'})"
            )
        login = manifest.login
        response = await self.context.request.post(
            app_url + login.path,
            data={login.email_field: account.email, login.password_field: account.password},
        )
        if not response.ok:
            raise AppError(f"signing in as {role!r} failed: HTTP {response.status}")

    async def screenshot(self, path: Path) -> Path | None:
        try:
            await self.page.screenshot(path=str(path), timeout=5000)
        except Exception:
            return None
        return path

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._context is None:
            self._release()
            return
        try:
            if not self.browser.is_connected():
                return  # closed under it (by an agent): nothing left to save or close
            try:
                if self.trace_path is not None:
                    self.trace_path.parent.mkdir(parents=True, exist_ok=True)
                    await self._context.tracing.stop(path=str(self.trace_path))
            finally:
                await self._context.close()
        except Exception:
            if self.browser.is_connected():
                raise
        finally:
            self._context = None
            self._release()
