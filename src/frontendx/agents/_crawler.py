"""`crawler`: a model-free agent. Systematic, seeded exploration with generic oracles.

It visits pages breadth-first from the start URL, following same-origin links, then on each
page clicks every named button and fills every labelled input with boundary and invalid
values. After each action it asks generic oracles whether something is wrong:

- an uncaught page error, or a console error (Chromium's own "Failed to load resource" lines
  are left to the HTTP oracle);
- a response with status >= 500;
- a link that leads to a "not found" page (a broken link or an unknown route);
- axe-core violations of impact serious or critical;
- two visible controls whose boxes overlap;
- a visual difference from the baseline screenshot of the approved (clean) build, over
  `visual_threshold` of the pixels (default 0.1%: anti-aliasing noise stays below it, a moved
  or recoloured component does not).

Each symptom becomes a finding in the repro language whose claim is the symptom's assertion.
Before reporting, the path is shrunk: every action that is not needed for the symptom to show
again is dropped (each try is a fresh navigation), so findings carry minimal repros.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import itertools
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from playwright.async_api import ConsoleMessage, Error, Page, Request, Response
from playwright.async_api import TimeoutError as PwTimeout
from pydantic import Field

from frontendx.agents._config import AgentConfig, Number, parse_config
from frontendx.agents._page import control_locator, page_controls
from frontendx.agents._protocol import AgentContext
from frontendx.repro import (
    Click,
    Expect,
    ExpectNoA11yViolation,
    ExpectNoConsoleError,
    ExpectNoHttpError,
    ExpectNoLayoutOverlap,
    ExpectNoPageError,
    Fill,
    Finding,
    Goto,
    Locator,
    Press,
    Step,
)

# Values for text inputs: empty, boundaries, wrong types, too long, markup.
PROBE_VALUES: tuple[str, ...] = (
    "it's",
    "",
    "0",
    "-1",
    "999999999",
    "x" * 300,
    "<b>é</b>",
)
PASS_2_SHARE = 0.75
"""The actions pass stops at this share of the budget, so the revisit pass always runs."""
_AFTER = "\x00after\x00"
"""Placeholder in a symptom's title for the action it follows, filled in after shrinking."""
ROUTE_SAMPLES = 3
"""Pages visited per route pattern (``/product/#``): a sample, seeded."""
NOT_FOUND = re.compile(r"\b(page not found|not found)\b", re.IGNORECASE)
_TEXTS_JS = """
() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.children.length || el.closest('button, a, label, [role=button]')) continue;
    const text = (el.innerText || '').trim();
    if (!text || text.length > 40) continue;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width <= 0 || r.height <= 0 || s.visibility === 'hidden') continue;
    const id = el.closest('[data-testid]');
    out.push({kind: 'text', role: 'text', name: text,
              test_id: id && id.contains(el) ? id.getAttribute('data-testid') : null,
              box: [r.left + scrollX, r.top + scrollY, r.width, r.height]});
  }
  return out;
}
"""


@dataclass
class _Symptoms:
    """What the oracles saw since the last navigation."""

    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)  # URL paths with status >= 500
    writes: int = 0  # requests other than GET/HEAD: the action changed server-side state
    inflight: int = 0
    last_activity: float = 0.0

    def clear(self) -> None:
        self.page_errors.clear()
        self.console_errors.clear()
        self.server_errors.clear()
        self.writes = 0


@dataclass(frozen=True)
class _Action:
    """One thing the crawler tries on a page: the steps it performs (and reports), with the
    bookkeeping it keeps beside them (what kind of try it is, for ordering, shrinking and
    titles)."""

    steps: tuple[Step, ...]
    kind: Literal["click", "link", "fill", "form"]
    value: str | None = None  # the probe value typed, for fills and forms
    what: str = "control"  # the name of the control it is about, for titles


@dataclass(frozen=True)
class _Candidate:
    title: str
    actions: tuple[_Action, ...]  # after the goto of the page
    claim: Step
    kind: str
    setup: tuple[tuple[str, _Action], ...] = ()  # (page, action) run before that goto
    signature: str | None = None  # what makes two reports of this kind the same symptom


class CrawlerConfig(AgentConfig):
    """The crawler's options."""

    seed: int = Field(default=0, description="seeds the order of pages and actions")
    max_pages: int = Field(default=12, ge=1, description="pages visited in the first pass")
    max_actions_per_page: int = Field(default=10, ge=0)
    visual_threshold: Number = Field(
        default=0.001, ge=0, lt=1, description="share of pixels a visual difference must exceed"
    )
    accessibility: bool = True
    visual: bool = True


class CrawlerAgent:
    """Model-free exploration with generic oracles; see the module docstring."""

    name = "crawler"
    version = "1"

    config_model = CrawlerConfig

    def __init__(self, **options: Any) -> None:
        settings = parse_config(CrawlerConfig, "crawler", options)
        self.settings = settings
        self.config: dict[str, Any] = settings.stored()
        self._rng = random.Random(settings.seed)
        self._reported: set[str] = set()
        self._load_findings: list[tuple[str, str]] = []  # (kind, page) seen as loaded

    # --- the run ----------------------------------------------------------------------------

    async def run(self, ctx: AgentContext) -> None:
        page = ctx.page
        symptoms = _Symptoms()
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(ctx.app_url))

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                symptoms.console_errors.append(msg.text)

        def on_response(response: Response) -> None:
            if response.status >= 500 and response.url.startswith(origin):
                symptoms.server_errors.append(urlsplit(response.url).path)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: symptoms.page_errors.append(str(exc)))
        page.on("response", on_response)

        def on_request(request: Request) -> None:
            symptoms.inflight += 1
            symptoms.last_activity = time.monotonic()
            if request.method not in ("GET", "HEAD") and request.url.startswith(origin):
                symptoms.writes += 1

        def on_done(_: Request) -> None:
            symptoms.inflight = max(0, symptoms.inflight - 1)
            symptoms.last_activity = time.monotonic()

        page.on("request", on_request)
        page.on("requestfinished", on_done)
        page.on("requestfailed", on_done)
        crawl = _Crawl(self, ctx, page, symptoms, origin)
        await crawl.explore()

    # --- helpers used by _Crawl -------------------------------------------------------------

    def shuffled(self, items: list[Any]) -> list[Any]:
        out = list(items)
        self._rng.shuffle(out)
        return out


class _Crawl:
    def __init__(
        self,
        agent: CrawlerAgent,
        ctx: AgentContext,
        page: Page,
        symptoms: _Symptoms,
        origin: str,
    ) -> None:
        self.agent, self.ctx, self.page, self.symptoms, self.origin = (
            agent,
            ctx,
            page,
            symptoms,
            origin,
        )
        self.cfg = agent.settings
        from frontendx.browser import PageEvents
        from frontendx.validate import Replayer

        # the crawler's own oracles watch the page; the runner's event record goes unused
        self.runner = Replayer(
            page, PageEvents(), origin, action_timeout_ms=3_000, goto_timeout_ms=10_000
        )
        budget = ctx.task.budget
        self.deadline_s = budget.wall_seconds * 0.85
        self.entries: dict[str, list[Step]] = {}
        # Controls each page has in the app's initial state: only those are acted on, since a
        # finding must replay from a fresh browser (state-dependent pages get the revisit).
        self.initial: dict[str, set[tuple[str, str]]] = {}
        self.max_steps = budget.steps - 10

    def out_of_budget(self, share: float = 1.0) -> bool:
        """Past `share` of the time or step budget (the crawler keeps a margin for the
        harness, and leaves each pass its part)."""
        return (
            self.ctx.elapsed() > self.deadline_s * share or self.ctx.steps >= self.max_steps * share
        )

    async def explore(self) -> None:
        """Three passes, cheapest first: every page as loaded (links found breadth-first),
        then the actions of each page, then every page again in the state those actions
        left behind (a cart with an item, a submitted form)."""
        pages = await self.discover()
        history: list[tuple[str, _Action]] = []
        for path in list(pages):
            if self.out_of_budget(PASS_2_SHARE):
                break
            if not await self.open(path):
                continue
            first = self.initial.get(path, set())
            actions = self.actions(
                [c for c in await self.controls() if (c["kind"], c["name"]) in first]
            )
            for action in actions[: self.cfg.max_actions_per_page]:
                if self.out_of_budget(PASS_2_SHARE):
                    break
                if not await self.open(path) or not await self.perform(action):
                    continue
                await self.check(path, (action,))
                if action.kind == "link":
                    await self.check_not_found(path, (action,))
                elif self.symptoms.writes:
                    history.append((path, action))
                landed = self.same_origin_path(self.page.url)
                if landed is not None and landed not in pages:
                    pages.append(landed)
        for path in pages:
            if self.out_of_budget():
                return
            if await self.open(path):
                await self.page_checks(path, history)

    async def discover(self) -> list[str]:
        """Breadth-first over same-origin links from "/", checking each page as loaded. A
        page that does not load from its URL (a "not found" on a deep link) is reached the
        way a user reaches it, through the link on its parent page, from then on."""
        queue, seen = ["/"], ["/"]
        via: dict[str, tuple[str, _Action]] = {}  # page -> (parent, link click)
        visited = 0
        while queue and visited < self.cfg.max_pages and not self.out_of_budget():
            path = queue.pop(0)
            visited += 1
            if not await self.open(path):
                continue
            await self.check(path, ())
            if path != "/" and await self.check_not_found(path, ()) and path in via:
                parent, link = via[path]
                self.entries[path] = [*self.entry(parent), *link.steps]
                if not await self.open(path):
                    continue
            await self.page_checks(path, [])
            controls = await self.controls()
            self.initial[path] = {(c["kind"], c["name"]) for c in controls}
            for c in self.agent.shuffled(controls):
                if c["kind"] == "link":
                    target = self.same_origin_path(c.get("href"))
                    if target is None or target in seen:
                        continue
                    # /product/1 and /product/2 are one route: a few samples are enough
                    if sum(_route(p) == _route(target) for p in seen) >= ROUTE_SAMPLES:
                        continue
                    seen.append(target)
                    queue.append(target)
                    via[target] = (path, _click(c, "link"))
        return seen[: max(visited, 1)]

    def entry(self, path: str) -> list[Step]:
        """The steps that open a page: its URL, or the clicks that lead to it."""
        return self.entries.get(path) or [Goto(url=path)]

    async def open(self, path: str) -> bool:
        """Open a page by its entry steps, from a fresh navigation."""
        first, *rest = self.entry(path)
        assert isinstance(first, Goto), "a page's entry starts with its navigation"
        if not await self.goto(first.url):
            return False
        return await self.perform(_Action(tuple(rest), "click")) if rest else True

    def actions(self, controls: list[dict[str, Any]]) -> list[_Action]:
        out: list[_Action] = []
        for c in controls:
            if c["kind"] in ("button", "check"):
                out.append(_click(c, "click"))
            elif c["kind"] == "link" and self.same_origin_path(c.get("href")) is not None:
                out.append(_click(c, "link"))
            elif c["kind"] == "input":
                others = self.agent.shuffled([v for v in PROBE_VALUES if v != "it's"])
                for value in ["it's", *others[:2]]:
                    # typed, then submitted with Enter: the way a search field is used
                    target = control_locator(c)
                    steps = (Fill(target=target, value=value), Press(target=target, key="Enter"))
                    out.append(_Action(steps, "fill", value, c["name"]))
        # Forms: every field filled with one probe value, then a button: the way most
        # searches and submissions run. Shrinking drops the fills the symptom does not need.
        forms = []
        fields = [c for c in controls if c["kind"] == "input"]
        if fields:
            # Every button once with a quote in every field (the classic unescaped-input
            # probe), then once more with another probe value.
            others = self.agent.shuffled([v for v in PROBE_VALUES if v and v != "it's"])
            buttons = self.agent.shuffled([c for c in controls if c["kind"] == "button"])
            for value in ("it's", None):
                for n, c in enumerate(buttons):
                    typed = value if value is not None else others[n % len(others)]
                    form: list[Step] = [
                        Fill(target=control_locator(f), value=typed) for f in fields
                    ]
                    form.append(Click(target=control_locator(c)))
                    forms.append(_Action(tuple(form), "form", typed, c["name"]))
        # Round-robin over forms (quote probe), buttons and links, so that every kind gets
        # its turn within the per-page limit; other probe values and single fields last.
        typed = [a for a in out if a.kind == "fill"]
        quoted = [a for a in forms + typed if a.value == "it's"]
        rest = [a for a in forms if a.value != "it's"]
        buttons = self.agent.shuffled([a for a in out if a.kind == "click"])
        links = self.agent.shuffled([a for a in out if a.kind == "link"])
        typed = self.agent.shuffled([a for a in typed if a.value != "it's"])
        ordered: list[_Action] = []
        for group in itertools.zip_longest(quoted, buttons, links):
            ordered += [a for a in group if a is not None]
        return ordered + rest + typed

    # --- browser primitives -----------------------------------------------------------------

    def same_origin_path(self, href: str | None) -> str | None:
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            return None
        url = urljoin(self.page.url or self.origin + "/", href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    async def goto(self, path: str) -> bool:
        self.symptoms.clear()
        if not await self.run_step(Goto(url=path)):
            return False
        await self.settle()
        return True

    async def run_step(self, step: Step) -> bool:
        """Perform one step through the shared step runner; False if it does not go through
        (a control that does not respond is skipped, not waited for)."""
        from frontendx.errors import StepError

        self.ctx.step()
        try:
            await self.runner.step(step)
        except (StepError, Error):
            return False
        return True

    async def settle(self, quiet_s: float = 0.4, timeout_s: float = 4.0) -> None:
        """Wait until no request has been in flight for `quiet_s`: a click's fetches (and
        their errors) land before the oracles look. The load state alone does not say so,
        since it is already reached when an action starts new requests."""
        with contextlib.suppress(PwTimeout, Error):
            await self.page.wait_for_load_state("load", timeout=int(timeout_s * 1000))
        started = time.monotonic()
        deadline = started + timeout_s
        while time.monotonic() < deadline:
            s = self.symptoms
            # quiet counts from the later of the last request and the start of this wait
            if s.inflight == 0 and time.monotonic() - max(s.last_activity, started) >= quiet_s:
                return
            await asyncio.sleep(0.05)

    async def controls(self) -> list[dict[str, Any]]:
        return await page_controls(self.page)

    async def perform(self, action: _Action) -> bool:
        for step in action.steps:
            if not await self.run_step(step):
                return False
        await self.settle()
        return True

    async def replay_actions(self, path: str, actions: tuple[_Action, ...]) -> bool:
        if not await self.open(path):
            return False
        for action in actions:
            if not await self.perform(action):
                return False
        return True

    # --- oracles ----------------------------------------------------------------------------

    async def check(self, path: str, actions: tuple[_Action, ...]) -> None:
        s = self.symptoms
        found: list[_Candidate] = []
        if s.page_errors:
            msg = s.page_errors[0].splitlines()[0][:120]
            found.append(
                _Candidate(
                    f"Uncaught error after {_AFTER} on {path}: {msg}",
                    actions,
                    ExpectNoPageError(),
                    "page_error",
                    signature=msg,
                )
            )
        if s.server_errors:
            url = s.server_errors[0]
            found.append(
                _Candidate(
                    f"Server error (HTTP 5xx) from {url} after {_AFTER} on {path}",
                    actions,
                    ExpectNoHttpError(url=url),
                    "http_5xx",
                    signature=url,
                )
            )
        if s.console_errors and not s.page_errors:
            msg = s.console_errors[0][:60]
            found.append(
                _Candidate(
                    f"Console error after {_AFTER} on {path}: {msg}",
                    actions,
                    ExpectNoConsoleError(pattern=re.escape(msg)),
                    "console_error",
                    signature=msg,
                )
            )
        for candidate in found:
            await self.shrink_and_report(path, candidate)

    async def check_not_found(self, path: str, actions: tuple[_Action, ...]) -> bool:
        """Report a page that says "not found"; True if it does."""
        try:
            text = await self.page.locator("body").inner_text(timeout=2_000)
        except (PwTimeout, Error):
            return False
        match = NOT_FOUND.search(text)
        if match is None:
            return False
        if actions:
            # the state that made the link appear must not be needed: check from scratch
            if not await self.replay_actions(path, actions):
                return False
            try:
                text = await self.page.locator("body").inner_text(timeout=2_000)
            except (PwTimeout, Error):
                return False
            if NOT_FOUND.search(text) is None:
                return False
        phrase = match.group(0)
        claim = Expect(condition="text", target=Locator(css="body"), text=phrase, negate=True)
        if actions:
            title = (
                f"{_describe(actions[0]).capitalize()} on {path} leads to a page saying {phrase!r}"
            )
        else:
            title = f"Opening {path} directly shows a page saying {phrase!r}"
        await self.report(_Candidate(title, actions, claim, "not_found"), path)
        return True

    async def page_checks(self, path: str, setup: list[tuple[str, _Action]]) -> None:
        """Oracles that look at a settled page: accessibility, overlap, and (on the first
        pass, in the app's initial state) the visual baseline. `setup` is the state-changing
        actions performed before: findings in that state carry them as their first steps."""
        before = tuple(setup)
        if self.cfg.accessibility:
            await self.check_axe(path, before)
        await self.check_overlap(path, before)
        explained = any(p == path for _, p in self.agent._load_findings)
        if self.cfg.visual and self.ctx.baseline is not None and not before and not explained:
            await self.check_visual(path, self.ctx.baseline)

    async def check_axe(self, path: str, setup: tuple[tuple[str, _Action], ...]) -> None:
        from frontendx.validate import axe_source

        try:
            if not await self.page.evaluate("() => typeof window.axe === 'object'"):
                await self.page.add_script_tag(content=axe_source())
            violations: list[dict[str, Any]] = await self.page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help}))"
            )
        except Error:
            return
        for v in violations:
            if v.get("impact") in ("serious", "critical"):
                await self.report(
                    _Candidate(
                        f"Accessibility: {v['help']} ({v['id']}) on {path}",
                        (),
                        ExpectNoA11yViolation(rule=v["id"]),
                        "a11y",
                        setup,
                    ),
                    path,
                )

    async def check_overlap(self, path: str, setup: tuple[tuple[str, _Action], ...]) -> None:
        """Two controls, or a control and a short text, whose boxes overlap."""
        controls = [c for c in await self.controls() if c["kind"] in ("button", "input")]
        try:
            texts: list[dict[str, Any]] = await self.page.evaluate(_TEXTS_JS)
        except Error:
            texts = []
        controls += texts
        for i, a in enumerate(controls):
            for b in controls[i + 1 :]:
                if a["kind"] == b["kind"] == "text":
                    continue
                if a["name"] == b["name"]:  # a field and its own floating label or legend
                    continue
                area = _overlap(a["box"], b["box"])
                smaller = min(a["box"][2] * a["box"][3], b["box"][2] * b["box"][3])
                # one control drawn inside another (an icon button in a field) is design
                if area > 1.0 and area < 0.95 * smaller:
                    await self.report(
                        _Candidate(
                            f"{a['name']!r} and {b['name']!r} overlap on {path}",
                            (),
                            ExpectNoLayoutOverlap(a=control_locator(a), b=control_locator(b)),
                            "overlap",
                            setup,
                        ),
                        path,
                    )

    async def check_visual(
        self, path: str, baseline: Callable[[str], Awaitable[bytes | None]]
    ) -> None:
        expected = await baseline(path)
        if expected is None:
            return
        try:
            actual = await self.page.locator("body").screenshot(
                timeout=5_000, animations="disabled"
            )
        except (PwTimeout, Error):
            return
        if actual == expected:
            return
        ratio = _pixel_difference(actual, expected)
        if ratio <= self.cfg.visual_threshold:
            return
        claim = Expect(
            condition="screenshot_region",
            target=Locator(css="body"),
            screenshot_sha256=hashlib.sha256(expected).hexdigest(),
        )
        await self.report(
            _Candidate(
                f"{path} looks different from the approved baseline ({100 * ratio:.1f}% of pixels)",
                (),
                claim,
                "visual",
            ),
            path,
        )

    # --- shrink and report ------------------------------------------------------------------

    async def shrink_and_report(self, path: str, candidate: _Candidate) -> None:
        """Drop every action the symptom does not need (greedy one-at-a-time removal, each
        try a fresh navigation; a form is first tried as its bare click), then report."""
        if _same_symptom(candidate, path) in self.agent._reported:
            return  # already reported from another action: no need to shrink it again
        actions = list(candidate.actions)
        for j, action in enumerate(actions):
            if action.kind == "form" and not self.out_of_budget():
                bare = _Action(action.steps[-1:], "click", what=action.what)
                trial = (*actions[:j], bare, *actions[j + 1 :])
                if await self.replay_actions(path, trial) and self.shows(candidate.kind):
                    actions[j] = bare
        i = 0
        while i < len(actions) and not self.out_of_budget():
            trial = tuple(actions[:i] + actions[i + 1 :])
            if await self.replay_actions(path, trial) and self.shows(candidate.kind):
                actions = list(trial)
            else:
                i += 1
        # Report only what shows again from a fresh navigation: a late response from an
        # earlier page must not be blamed on this one.
        if not (await self.replay_actions(path, tuple(actions)) and self.shows(candidate.kind)):
            return
        # the title names what the symptom needs, after shrinking
        after = _describe(actions[-1]) if actions else "loading the page"
        await self.report(
            _Candidate(
                candidate.title.replace(_AFTER, after, 1),
                tuple(actions),
                candidate.claim,
                candidate.kind,
                signature=candidate.signature,
            ),
            path,
        )

    def shows(self, kind: str) -> bool:
        s = self.symptoms
        return {
            "page_error": bool(s.page_errors),
            "http_5xx": bool(s.server_errors),
            "console_error": bool(s.console_errors),
        }.get(kind, False)

    async def report(self, candidate: _Candidate, path: str) -> None:
        # One report per symptom and page: the same violation seen again after setup
        # actions is the same finding.
        if not candidate.actions and not candidate.setup:
            # the page is wrong as loaded: a visual difference there is explained already
            self.agent._load_findings.append((candidate.kind, path))
        key = repr((candidate.kind, path, candidate.actions, candidate.claim))
        same = _same_symptom(candidate, path)
        if key in self.agent._reported or same in self.agent._reported:
            return
        self.agent._reported.update((key, same))
        steps: list[Step] = []
        for page, action in candidate.setup:
            steps += self.entry(page)
            steps += action.steps
        # a "not found" on a deep link is reported from the URL itself: that is the bug
        steps += [Goto(url=path)] if candidate.kind == "not_found" else self.entry(path)
        for action in candidate.actions:
            steps += action.steps
        steps.append(candidate.claim)
        await self.ctx.report(
            Finding(title=candidate.title[:200], steps=steps, actual=candidate.kind)
        )


def _same_symptom(candidate: _Candidate, path: str) -> str:
    """Reports with equal keys are one symptom: same kind, route and claim, and the same
    signature (error message, failing URL) or, without one, the same actions."""
    return repr(
        (candidate.kind, _route(path), candidate.signature or candidate.actions, candidate.claim)
    )


def _route(path: str) -> str:
    """A path's route pattern: numbers and ids replaced (``/product/7`` -> ``/product/#``)."""
    return re.sub(r"/(\d+|[0-9a-f]{8,}|[0-9a-f-]{36})(?=/|$|\?)", "/#", path.split("?")[0])


def _click(control: dict[str, Any], kind: Literal["click", "link"]) -> _Action:
    return _Action((Click(target=control_locator(control)),), kind, what=control["name"])


def _describe(action: _Action) -> str:
    if action.kind == "fill":
        return f"entering {(action.value or '')[:20]!r} in {action.what!r}"
    if action.kind == "form":
        return f"filling the form with {(action.value or '')[:20]!r} and clicking {action.what!r}"
    return f"clicking {action.what!r}"


def _overlap(a: list[float], b: list[float]) -> float:
    """Area (px²) of the intersection of two [x, y, w, h] boxes."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def _pixel_difference(a: bytes, b: bytes) -> float:
    """Share of pixels that differ between two PNGs (1.0 when their sizes differ)."""
    from PIL import Image, ImageChops

    with Image.open(io.BytesIO(a)) as ia, Image.open(io.BytesIO(b)) as ib:
        if ia.size != ib.size:
            return 1.0
        diff = ImageChops.difference(ia.convert("RGB"), ib.convert("RGB")).convert("L")
        changed = sum(diff.point(lambda v: 255 if v > 16 else 0).histogram()[255:])
        return changed / (ia.size[0] * ia.size[1])
