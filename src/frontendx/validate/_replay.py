"""Replaying steps in a page: actions run, assertions are checked, the outcome is typed."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator
from playwright.async_api import Page
from playwright.async_api import expect as pw_expect
from pydantic import BaseModel, ConfigDict

from frontendx.browser import PageEvents, origin_of
from frontendx.errors import StepError
from frontendx.repro import _steps as s
from frontendx.repro import _visual as v

ACTION_TIMEOUT_MS = 10_000  # generous: only steps that cannot run pay it
_AXE = Path(__file__).resolve().parent.parent / "browser" / "vendor" / "axe.min.js"


class Outcome(StrEnum):
    FAILS = "fails"  # an assertion failed: the claim is observed
    HOLDS = "holds"  # every step ran and every assertion held
    BROKEN = "broken"  # an action could not be performed: the steps do not replay here


class ReplayResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    step_index: int | None = None
    message: str = ""
    seconds: float = 0.0


def playwright_timeout(ms: int) -> int:
    """An `expect`'s `timeout_ms` as Playwright takes it: 0 checks once (Playwright's 0 would
    wait forever), so a test can assert without waiting."""
    return max(1, ms)


class _AssertionFailed(StepError):
    pass


class _Broken(StepError):
    pass


def resolve(page: Page, loc: s.Locator, *, every: bool = False) -> PwLocator:
    """The Playwright locator for a repro locator: the first match unless `nth` is given,
    or every match (`every`, for counting)."""
    if loc.role is not None:
        found = page.get_by_role(loc.role, name=loc.name, exact=loc.exact)  # type: ignore[arg-type]
    elif loc.label is not None:
        found = page.get_by_label(loc.label, exact=loc.exact)
    elif loc.placeholder is not None:
        found = page.get_by_placeholder(loc.placeholder, exact=loc.exact)
    elif loc.text is not None:
        found = page.get_by_text(loc.text, exact=loc.exact)
    elif loc.test_id is not None:
        found = page.get_by_test_id(loc.test_id)
    elif loc.css is not None:
        found = page.locator(loc.css)
    else:
        found = page.locator(f"xpath={loc.xpath}")
    if loc.nth is not None:
        return found.nth(loc.nth)
    return found if every else found.first


@cache
def axe_source() -> str:
    """The vendored axe-core script."""
    return _AXE.read_text(encoding="utf-8")


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def url_for_match(url: str, pattern: str) -> str:
    """What a `url` assertion with `pattern` compares: the path and query, plus the
    `#fragment` when the pattern has a `#` (hash-routed apps)."""
    fragment = urlsplit(url).fragment
    if "#" in pattern and fragment:
        return f"{path_and_query(url)}#{fragment}"
    return path_and_query(url)


class Replayer:
    """The one step runner: runs steps against one page whose events are captured in
    `events`. The validator's replays, baselines and agents that act on pages (the crawler,
    the llm agent) all perform steps through it, so a step means the same wherever it runs.
    Agents pass shorter timeouts: a control that does not respond is skipped, not waited for.

    `reference_url` is the base build's root, for `expect_matches_base`: that claim replays the
    steps performed so far (`performed`) on a second page of the same context, bound to it."""

    def __init__(
        self,
        page: Page,
        events: PageEvents,
        base_url: str,
        *,
        action_timeout_ms: int = ACTION_TIMEOUT_MS,
        goto_timeout_ms: int = 2 * ACTION_TIMEOUT_MS,
        reference_url: str | None = None,
    ) -> None:
        self.reference_url = reference_url.rstrip("/") if reference_url else None
        """the base build's root, for steps that compare with it (`expect_matches_base`)"""
        self.page = page
        self.events = events
        self.base_url = base_url.rstrip("/")
        self.origin = origin_of(base_url)
        self.action_timeout_ms = action_timeout_ms
        self.goto_timeout_ms = goto_timeout_ms
        self.reference_url = reference_url.rstrip("/") if reference_url else None
        self.performed: list[s.Step] = []
        """the steps that went through on this page, in order"""

    async def run(self, steps: list[s.Step]) -> ReplayResult:
        started = time.perf_counter()
        for index, step in enumerate(steps):
            try:
                await self.step(step)
            except _AssertionFailed as exc:
                return ReplayResult(
                    outcome=Outcome.FAILS,
                    step_index=index,
                    message=f"step {index} ({step.action}): {exc}",
                    seconds=time.perf_counter() - started,
                )
            except (_Broken, PlaywrightError) as exc:
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                return ReplayResult(
                    outcome=Outcome.BROKEN,
                    step_index=index,
                    message=f"step {index} ({step.action}): {first_line}",
                    seconds=time.perf_counter() - started,
                )
        return ReplayResult(outcome=Outcome.HOLDS, seconds=time.perf_counter() - started)

    async def step(self, step: s.Step) -> None:
        """Perform one step; raises a `StepError` (or a Playwright error) when it does not go
        through."""
        await self._perform(step)
        self.performed.append(step)

    async def _perform(self, step: s.Step) -> None:
        page, t = self.page, self.action_timeout_ms
        match step:
            case s.Goto(url=url):
                target = url if "://" in url else self.base_url + "/" + url.lstrip("/")
                if origin_of(target) != self.origin:
                    raise _Broken(f"goto {url!r} leaves the app's origin {self.origin}")
                await page.goto(target, wait_until="load", timeout=self.goto_timeout_ms)
            case s.Click(target=loc):
                await resolve(page, loc).click(timeout=t)
            case s.DblClick(target=loc):
                await resolve(page, loc).dblclick(timeout=t)
            case s.Hover(target=loc):
                await resolve(page, loc).hover(timeout=t)
            case s.Fill(target=loc, value=value):
                await resolve(page, loc).fill(value, timeout=t)
            case s.Press(key=key, target=loc):
                if loc is None:
                    await page.keyboard.press(key)
                else:
                    await resolve(page, loc).press(key, timeout=t)
            case s.Select(target=loc, values=values):
                await resolve(page, loc).select_option(values, timeout=t)
            case s.Check(target=loc):
                await self._set_checked(loc, True, t)
            case s.Uncheck(target=loc):
                await self._set_checked(loc, False, t)
            case s.Drag(source=src, target=dst):
                await resolve(page, src).drag_to(resolve(page, dst), timeout=t)
            case s.Upload(target=loc, files=files):
                payloads: Any = [
                    {"name": f.name, "mimeType": f.mime_type, "buffer": f.content.encode()}
                    for f in files
                ]
                await resolve(page, loc).set_input_files(payloads, timeout=t)
            case s.WaitFor(target=loc, state=state, ms=ms):
                if loc is not None:
                    await resolve(page, loc).wait_for(state=state, timeout=t)
                else:
                    await page.wait_for_timeout(ms or 0)
            case s.SetViewport(width=w, height=h):
                await page.set_viewport_size({"width": w, "height": h})
            case s.Expect():
                await self._expect(step)
            case s.ExpectNoConsoleError(pattern=pattern):
                await self.events.settle()
                self._none_match("console error", self.events.console_errors, pattern)
            case s.ExpectNoPageError(pattern=pattern):
                await self.events.settle()
                self._none_match("uncaught page error", self.events.page_errors, pattern)
            case s.ExpectNoHttpError(min_status=min_status, url=url_part):
                await self.events.settle()
                bad = [
                    f"HTTP {e.status} {path_and_query(e.url)}"
                    for e in self.events.http_errors
                    if e.status >= min_status and (url_part is None or url_part in e.url)
                ]
                if bad:
                    raise _AssertionFailed(
                        f"saw {bad[0]}" + (f" (+{len(bad) - 1})" if bad[1:] else "")
                    )
            case s.ExpectNoA11yViolation(rule=rule, target=loc):
                await self._axe(rule, loc)
            case s.ExpectNoLayoutOverlap(a=a, b=b, tolerance_px=tol):
                await self._overlap(a, b, tol)
            case s.ExpectContrast(target=loc, min_ratio=min_ratio):
                await self._judge(loc, v.CONTRAST_JS, min_ratio)
            case s.ExpectNoOverflow(target=loc, tolerance_px=tol):
                await self._judge(loc, v.OVERFLOW_JS, tol)
            case s.ExpectFocusVisible(target=loc, min_changed_pixels=least):
                await self._focus_visible(loc, least)
            case s.ExpectMatchesBase():
                await self._matches_base(step)
            case _:  # pragma: no cover - the schema admits nothing else
                raise _Broken(f"unsupported step {step!r}")

    @staticmethod
    def _none_match(kind: str, seen: list[str], pattern: str | None) -> None:
        hits = [m for m in seen if pattern is None or re.search(pattern, m)]
        if hits:
            raise _AssertionFailed(f"saw {kind}: {hits[0][:300]}")

    async def _expect(self, e: s.Expect) -> None:
        timeout = playwright_timeout(e.timeout_ms)
        if e.condition == "url":
            await self._expect_url(e)
            return
        assert e.target is not None  # guaranteed by the schema
        loc = resolve(self.page, e.target, every=e.condition == "count")
        if e.condition == "screenshot_region":
            await self._expect_screenshot(loc, e)
            return
        base = pw_expect(loc)
        neg = e.negate
        try:
            match e.condition:
                case "visible":
                    if neg:
                        await base.not_to_be_visible(timeout=timeout)
                    else:
                        await base.to_be_visible(timeout=timeout)
                case "hidden":
                    if neg:
                        await base.to_be_visible(timeout=timeout)
                    else:
                        await base.to_be_hidden(timeout=timeout)
                case "text" if e.exact:
                    assert e.text is not None
                    if neg:
                        await base.not_to_have_text(e.text, timeout=timeout)
                    else:
                        await base.to_have_text(e.text, timeout=timeout)
                case "text":
                    assert e.text is not None
                    if neg:
                        await base.not_to_contain_text(e.text, timeout=timeout)
                    else:
                        await base.to_contain_text(e.text, timeout=timeout)
                case "value":
                    assert e.value is not None
                    if neg:
                        await base.not_to_have_value(e.value, timeout=timeout)
                    else:
                        await base.to_have_value(e.value, timeout=timeout)
                case "count":
                    assert e.count is not None
                    if neg:
                        await base.not_to_have_count(e.count, timeout=timeout)
                    else:
                        await base.to_have_count(e.count, timeout=timeout)
                case "attribute":
                    assert e.attribute is not None and e.attribute_value is not None
                    if neg:
                        await base.not_to_have_attribute(
                            e.attribute, e.attribute_value, timeout=timeout
                        )
                    else:
                        await base.to_have_attribute(
                            e.attribute, e.attribute_value, timeout=timeout
                        )
        except AssertionError as exc:
            raise _AssertionFailed(_first_line(exc)) from None

    async def _set_checked(self, loc: s.Locator, want: bool, timeout: float) -> None:
        """`check`/`uncheck`: click the box unless it is already in the wanted state, then
        require that state. A box that cannot be found or clicked makes the replay broken; a
        click that does not change its state is a failed claim (docs/repro-language.md), so a
        bug that keeps a box from toggling can be proven with the step itself."""
        found = resolve(self.page, loc)
        if await found.is_checked(timeout=timeout) == want:
            return
        await found.click(timeout=timeout)
        if await found.is_checked(timeout=timeout) != want:
            state = "unchecked" if want else "checked"
            verb = "check" if want else "uncheck"
            raise _AssertionFailed(
                f"{loc.describe()} stayed {state} after the click: `{verb}` did not change "
                "its state (a failed claim, not a broken step)"
            )

    async def _expect_url(self, e: s.Expect) -> None:
        assert e.url is not None
        deadline = time.monotonic() + e.timeout_ms / 1000
        while True:
            current = url_for_match(self.page.url, e.url)
            matched = current == e.url if e.exact else e.url in current
            if matched != e.negate:
                return
            if time.monotonic() >= deadline:
                verb = "not " if e.negate else ""
                raise _AssertionFailed(f"expected URL {verb}matching {e.url!r}, got {current!r}")
            await self.page.wait_for_timeout(50)

    async def region_screenshot(self, loc: PwLocator) -> bytes:
        """The PNG a `screenshot_region` claim hashes (visual baselines are taken with it)."""
        await self.events.settle()
        return await loc.screenshot(timeout=ACTION_TIMEOUT_MS, animations="disabled")

    async def _expect_screenshot(self, loc: PwLocator, e: s.Expect) -> None:
        shot = await self.region_screenshot(loc)
        digest = hashlib.sha256(shot).hexdigest()
        if (digest == e.screenshot_sha256) == e.negate:
            raise _AssertionFailed(f"region screenshot sha256 is {digest}")

    async def _axe(self, rule: str, loc: s.Locator | None) -> None:
        await self.events.settle()
        page = self.page
        if not await page.evaluate("() => typeof window.axe === 'object'"):
            await page.add_script_tag(content=axe_source())
        selector = None
        if loc is not None:
            handle = await resolve(page, loc).element_handle(timeout=ACTION_TIMEOUT_MS)
            selector = handle
        try:
            result = await page.evaluate(
                """async ([rule, el]) => {
                    if (!axe.getRules().some(r => r.ruleId === rule))
                        return {unknown: true};
                    const only = {runOnly: {type: 'rule', values: [rule]}};
                    const r = await axe.run(el || document, only);
                    return {violations: r.violations.map(v => ({
                        help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))};
                }""",
                [rule, selector],
            )
        finally:
            if selector is not None:
                await selector.dispose()
        if result.get("unknown"):
            raise _Broken(f"axe-core has no rule {rule!r}")
        violations = result["violations"]
        if violations:
            v = violations[0]
            raise _AssertionFailed(f"axe {rule}: {v['help']} at {', '.join(v['nodes'][:3])}")

    async def _overlap(self, a: s.Locator, b: s.Locator, tolerance: float) -> None:
        boxes = []
        for loc in (a, b):
            found = resolve(self.page, loc)
            await found.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
            box = await found.bounding_box(timeout=ACTION_TIMEOUT_MS)
            if box is None:
                raise _Broken(f"{loc.describe()} has no layout box")
            boxes.append(box)
        (ba, bb) = boxes
        dx = min(ba["x"] + ba["width"], bb["x"] + bb["width"]) - max(ba["x"], bb["x"])
        dy = min(ba["y"] + ba["height"], bb["y"] + bb["height"]) - max(ba["y"], bb["y"])
        if dx > tolerance and dy > tolerance:
            raise _AssertionFailed(
                f"{a.describe()} and {b.describe()} overlap by {dx:.0f}x{dy:.0f} px"
            )

    async def _judge(self, loc: s.Locator, script: str, arg: float) -> None:
        """Run a visual measurement (`repro._visual`) on the visible target, once the page
        has settled; its `ok` false is a failed claim with its message."""
        await self.events.settle()
        found = resolve(self.page, loc)
        await found.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
        result = await found.evaluate(script, arg, timeout=ACTION_TIMEOUT_MS)
        if not result["ok"]:
            raise _AssertionFailed(f"{loc.describe()}: {result['message']}")

    async def _pixel_diff(self, a: bytes, b: bytes, tolerance: int) -> dict[str, Any]:
        """Compare two PNGs (in the page, as exported tests do: `repro._visual.PIXEL_DIFF_JS`)."""
        pair = [base64.b64encode(a).decode(), base64.b64encode(b).decode(), tolerance]
        result: dict[str, Any] = await self.page.evaluate(v.PIXEL_DIFF_JS, pair)
        return result

    async def _focus_visible(self, loc: s.Locator, least: int) -> None:
        """Screenshot the target's box inflated by `FOCUS_MARGIN_PX`, unfocused and then
        focused the keyboard's way (`FOCUS_KEY`, then a scripted focus), and count the CSS
        pixels that changed."""
        await self.events.settle()
        page, found = self.page, resolve(self.page, loc)
        await found.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
        await found.scroll_into_view_if_needed(timeout=ACTION_TIMEOUT_MS)
        box = await found.bounding_box(timeout=ACTION_TIMEOUT_MS)
        if box is None:
            raise _Broken(f"{loc.describe()} has no layout box")
        width, height = await page.evaluate("() => [innerWidth, innerHeight]")
        m = v.FOCUS_MARGIN_PX
        x0, y0 = max(0.0, box["x"] - m), max(0.0, box["y"] - m)
        x1 = min(float(width), box["x"] + box["width"] + m)
        y1 = min(float(height), box["y"] + box["height"] + m)
        clip: Any = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}

        async def shot() -> bytes:
            return await page.screenshot(
                clip=clip, animations="disabled", scale="css", timeout=ACTION_TIMEOUT_MS
            )

        await found.evaluate(v.BLUR_JS, timeout=ACTION_TIMEOUT_MS)
        unfocused = await shot()
        await page.keyboard.press(v.FOCUS_KEY)
        if not await found.evaluate(v.FOCUS_JS, timeout=ACTION_TIMEOUT_MS):
            raise _AssertionFailed(
                f"{loc.describe()} cannot take keyboard focus (it is not focusable), so it "
                "shows no focus indicator"
            )
        focused = await shot()
        diff = await self._pixel_diff(unfocused, focused, v.FOCUS_PIXEL_TOLERANCE)
        if diff["differing"] < least:
            raise _AssertionFailed(
                f"{loc.describe()} shows no visible focus indicator: focusing it from the "
                f"keyboard changed {diff['differing']} px of its box (+{m} px around), fewer "
                f"than {least}"
            )

    async def _matches_base(self, step: s.ExpectMatchesBase) -> None:
        if self.reference_url is None:
            raise _Broken(
                "expect_matches_base needs a base build to compare with, and this replay has "
                "none (it is for the regression and visual tasks, which give one)"
            )
        head = await self.region_screenshot(resolve(self.page, step.target))
        base = await self._base_screenshot(step.target)
        diff = await self._pixel_diff(head, base, step.pixel_tolerance)
        where = step.target.describe()
        if diff["differing"] < 0:
            (w, h), (bw, bh) = diff["size"], diff["other"]
            raise _AssertionFailed(
                f"{where}: the region is {w}x{h} px here and {bw}x{bh} px on the base build"
            )
        share = diff["differing"] / max(1, diff["total"])
        if share > step.max_diff_ratio:
            x, y, w, h = diff["box"]
            raise _AssertionFailed(
                f"{where}: {diff['differing']} of {diff['total']} px ({share:.2%}) differ from "
                f"the base build by more than {step.pixel_tolerance} in a channel, above the "
                f"{step.max_diff_ratio:.2%} allowed (differences within {w}x{h} px at {x},{y})"
            )

    async def _base_screenshot(self, target: s.Locator) -> bytes:
        """The region on the base build: a second page of this context replays the steps
        performed so far (`repro._visual.base_steps`) against `reference_url`. What that page
        shows in the console or the network is not counted as this page's."""
        assert self.reference_url is not None
        events = self.events
        lists: list[list[Any]] = [
            events.console_errors,
            events.page_errors,
            events.http_errors,
            events.blocked,
        ]
        seen = [len(x) for x in lists]
        page = await self.page.context.new_page()
        try:
            base = Replayer(
                page,
                PageEvents(page=page),
                self.reference_url,
                action_timeout_ms=self.action_timeout_ms,
                goto_timeout_ms=self.goto_timeout_ms,
            )
            replayed = await base.run(v.base_steps(self.performed))
            if replayed.outcome is not Outcome.HOLDS:
                raise _Broken(
                    f"the steps before it do not replay on the base build: {replayed.message}"
                )
            return await base.region_screenshot(resolve(page, target))
        finally:
            await page.close()
            for x, n in zip(lists, seen, strict=True):
                del x[n:]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("Call log")]
    return " ".join(lines[:3])[:500] if lines else type(exc).__name__
