"""`crawler`: a model-free agent. A seeded state-flow crawler with generic and spec-derived
oracles, in the spirit of Crawljax and model-based web testing.

**States and actions.** Every page it sees is abstracted to a state: a hash of its accessible
skeleton with volatile text masked (`_crawl_state.py`). It keeps a graph of states and of the
actions between them. An action is a short sequence of repro steps on one state's controls:
a click on a button, check, tab or same-origin link; an option picked in a select; a value typed
in a field and submitted with Enter; a form's fields filled and one of its buttons clicked. Typed
values are a realistic one (a word taken from the page, a well-formed e-mail, a number, a date)
and fuzz probes (a quote, empty, a parenthesis, accents, spaces, a plus address, 300 characters,
negative and zero).

**Walks.** It first opens every page a guest reaches, as loaded: breadth-first over the same-
origin links it sees, up to `max_pages` and `DISCOVERY_SHARE` of the budget (cheap, and where
most page-level symptoms show). Then it explores in walks. A walk starts from a fresh browser
(the episode's initial cookies, empty storage) on a start page, as a guest or signed in, and
then chains up to `max_depth` actions, each chosen from the **current** state: an untried action
first (a sign-in before anything else, then forms, new routes, buttons and selects, typed
probes, known links, each ranked lower the more often the same control was tried anywhere, ties
broken by the seeded random source), else an edge to a state that still has untried actions. It
never goes back to the page's URL between actions, so it acts on what its last action created:
an item it added, a dialog it opened. Start pages are the same-origin links it has seen (a few
per route pattern, at most `max_pages`), the least-walked first.

**Test accounts.** When a state has a password field and the task lists test accounts
(`TaskView.accounts`), signing in as each account is an action like any other (the field
before the password gets the e-mail, Enter submits). Once a sign-in has worked, walks start
signed in as that account in turn with walks as a guest: the sign-in is the start of their path.

**Oracles**, after every action:

- an uncaught page error, or a console error (Chromium's own "Failed to load resource" lines
  are left to the HTTP oracle); a response with status >= 500;
- a page that says "not found" (a broken link, or a deep link that the app cannot open);

and on every new state:

- axe-core violations of impact serious or critical; two visible controls whose boxes overlap;
- a visual difference from the baseline screenshot of the approved (clean) build, over
  `visual_threshold` of the pixels (walk starts as a guest only);
- spec-derived invariants (`_crawl_oracles.py`): a stated count equals the items listed, a total
  equals the sum of its lines, and, after an action that wrote to the server, a reload keeps what
  it did (a removed item stays gone, a saved value stays).

**Repros.** A finding's steps are the shortest known path from a fresh browser to the failing
check: the path of the state the failing action started from, then that action. Symptom
findings are shrunk (up to `shrink_tries` replays that drop one action each) and, like every
finding whose claim is an `expect`, re-checked from a fresh browser before they are reported.
Findings are reported as they are found, so recall grows with the budget.

Nothing in it names an app, a route, a label or a bug; its config is recorded with every
episode.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from playwright.async_api import ConsoleMessage, Error, Page, Request, Response
from playwright.async_api import TimeoutError as PwTimeout
from pydantic import Field

from frontendx.agents._config import AgentConfig, Number, parse_config
from frontendx.agents._crawl_oracles import check_view, persistence_claims
from frontendx.agents._crawl_state import View, observe, route_of
from frontendx.agents._page import control_locator
from frontendx.agents._protocol import AgentContext
from frontendx.records import CHANGE_TASKS
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
    Select,
    Step,
    WaitFor,
)

# Fuzz probes for text inputs: quote, empty, parenthesis, accents, spaces, plus address, too
# long, negative, zero, markup.
PROBE_VALUES: tuple[str, ...] = (
    "it's",
    "",
    "a (b",
    "é è ü",
    "two words",
    "qa+1@example.com",
    "x" * 300,
    "-1",
    "0",
    "<b>é</b>",
)
REALISTIC: dict[str, str] = {
    "email": "qa.tester@example.com",
    "password": "Str0ng-Passw0rd!",
    "number": "2",
    "date": "2025-03-14",
    "tel": "5550100199",
    "url": "https://example.com",
}
_AFTER = "\x00after\x00"
"""Placeholder in a symptom's title for the action it follows, filled in after shrinking."""
ROUTE_SAMPLES = 3
"""Start pages per route pattern (``/product/#``): a sample, seeded."""
DISCOVERY_SHARE = 0.3
"""The share of the budget the first pass (every page a guest reaches, as loaded) may use."""
AXE_PER_ROUTE = 4
"""axe-core runs per route pattern and identity: a state's first visits, not every state."""
SETTLE_WAIT_MS = 600
"""The wait before a negative `expect` claim, so that a page still loading cannot pass it."""
NOT_FOUND = re.compile(r"\b(page not found|not found)\b", re.IGNORECASE)
PRIORITY: dict[str, float] = {
    "signin": -10.0,
    "form": 1.0,
    "newlink": 1.5,
    "select": 2.0,
    "click": 2.0,
    "fill": 3.0,
    "link": 4.0,
}
"""Rank of an untried action by kind (lower first); each earlier try of the same control
anywhere adds `RETRY_PENALTY`, and a seeded random number in [0, 1) breaks ties."""
RETRY_PENALTY = 1.5
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
    """What the oracles saw since the last clear."""

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


ActionKind = Literal["goto", "signin", "click", "link", "fill", "form", "select", "reload"]


@dataclass(frozen=True)
class _Action:
    """One thing the crawler does: the steps it performs (and reports), with the bookkeeping
    kept beside them (what kind of try it is, for ranking, shrinking and titles)."""

    steps: tuple[Step, ...]
    kind: ActionKind
    value: str | None = None  # the probe value typed, for fills and forms; the role signed in
    what: str = "control"  # the name of the control it is about (a URL for a goto)

    @property
    def key(self) -> str:
        """The same control tried anywhere (for the retry penalty)."""
        if self.kind in ("link", "goto"):
            return f"{self.kind}:{self.what}"
        return repr((self.kind, self.steps))


@dataclass
class _Node:
    """A state of the graph: its actions, which were tried, where they led, and the shortest
    known path to it from a fresh browser."""

    state: str
    url: str
    actions: list[_Action]
    path: tuple[_Action, ...]
    tried: set[int] = field(default_factory=set)
    edges: dict[int, str] = field(default_factory=dict)

    def untried(self, limit: int) -> list[int]:
        if len(self.tried) >= limit:
            return []
        return [i for i in range(len(self.actions)) if i not in self.tried]


@dataclass(frozen=True)
class _Candidate:
    title: str
    path: tuple[_Action, ...]  # from a fresh browser, starting with a goto
    claim: Step
    kind: str
    route: str
    signature: str | None = None  # what makes two reports of this kind the same symptom


class CrawlerConfig(AgentConfig):
    """The crawler's options (stored with every episode)."""

    seed: int = Field(default=0, description="seeds the order of start pages and actions")
    max_pages: int = Field(
        default=12, ge=1, description="start pages: same-origin links walks may start from"
    )
    max_actions_per_page: int = Field(
        default=10, ge=0, description="untried actions tried per state before it counts as done"
    )
    max_depth: int = Field(
        default=6, ge=1, description="actions chained in one walk before starting afresh"
    )
    shrink_tries: int = Field(
        default=4, ge=0, description="replays spent shrinking one symptom's path"
    )
    sign_in: bool = Field(default=True, description="sign in with the task's test accounts")
    invariants: bool = Field(
        default=True, description="check counts, sums and persistence after a reload"
    )
    visual_threshold: Number = Field(
        default=0.001, ge=0, lt=1, description="share of pixels a visual difference must exceed"
    )
    accessibility: bool = True
    visual: bool = True


class CrawlerAgent:
    """Model-free state-flow exploration with generic oracles; see the module docstring."""

    name = "crawler"
    version = "2"

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
        if ctx.task.kind in CHANGE_TASKS:
            # a change review: what it found on the head build (its visual check compares
            # with the base build there) blocks the change
            ctx.decide("block" if ctx.findings else "approve")

    # --- helpers used by _Crawl -------------------------------------------------------------

    def shuffled(self, items: list[Any]) -> list[Any]:
        out = list(items)
        self._rng.shuffle(out)
        return out

    def random(self) -> float:
        return self._rng.random()


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
        self.max_steps = budget.steps - 10
        self.nodes: dict[str, _Node] = {}
        self.tries: Counter[str] = Counter()
        self.starts: Counter[tuple[str, str]] = Counter()  # (identity, url) -> walks
        self.start_pages: list[str] = ["/"]
        self.bad_starts: set[str] = set()
        accounts = getattr(ctx.task, "accounts", None) or {}
        self.accounts: dict[str, dict[str, str]] = accounts if self.cfg.sign_in else {}
        # identity -> the actions that sign it in from a fresh browser (a goto and the form)
        self.modes: dict[str, tuple[_Action, ...]] = {"guest": ()}
        self.identity = "guest"
        self.initial_cookies: list[Any] = []
        self.axe_runs: Counter[tuple[str, str]] = Counter()
        self.visual_checked: set[str] = set()
        self.moved = False  # a re-check replayed a path: the walk's page is gone
        self.dead: set[tuple[str, str]] = set()  # (route, locator) that did not respond

    def out_of_budget(self, share: float = 1.0) -> bool:
        """Past `share` of the time or step budget (the crawler keeps a margin for the
        harness)."""
        return (
            self.ctx.elapsed() > self.deadline_s * share or self.ctx.steps >= self.max_steps * share
        )

    # --- walks ------------------------------------------------------------------------------

    async def explore(self) -> None:
        with contextlib.suppress(Error):
            self.initial_cookies = await self.ctx.context.cookies()
        # First every page a guest can reach, as loaded (breadth-first over the links found,
        # cheap and where most page-level symptoms show), then walks from them.
        while not self.out_of_budget(DISCOVERY_SHARE):
            unseen = [p for p in self.start_pages if not self.starts[("guest", p)]]
            if not unseen:
                break
            await self.walk("guest", unseen[0], depth=0)
        while not self.out_of_budget():
            start = self.pick_start()
            if start is None:
                return
            await self.walk(*start)

    def pick_start(self) -> tuple[str, str] | None:
        """The (identity, start page) walked least so far; ties by the seeded random source.
        None when every start was walked and no known state has untried actions."""
        pages = [p for p in self.start_pages if p not in self.bad_starts]
        options = [(mode, p) for mode in self.modes for p in pages]
        if not options:
            return None
        pending = any(n.untried(self.cfg.max_actions_per_page) for n in self.nodes.values())
        if not pending and all(self.starts[o] for o in options):
            return None
        least = min(self.starts[o] for o in options)
        best = [o for o in options if self.starts[o] == least]
        return best[int(self.agent.random() * len(best))]

    async def walk(self, identity: str, url: str, depth: int | None = None) -> None:
        """One walk: a fresh browser as `identity`, the start page, then up to `depth` (default
        `max_depth`) actions chosen from the current state."""
        max_depth = self.cfg.max_depth if depth is None else depth
        self.starts[(identity, url)] += 1
        self.moved = False
        if not await self.fresh(identity):
            self.modes.pop(identity, None)  # its sign-in no longer works: walk as a guest
            return
        goto = _Action((Goto(url=url),), "goto", what=url)
        self.symptoms.clear()
        if not await self.perform(goto):
            self.bad_starts.add(url)
            return
        path: tuple[_Action, ...] = (*self.modes[identity], goto)
        if await self.after_action(path, None, None):
            return
        view = await observe(self.page)
        if view is None:
            return
        if await self.check_not_found(path, url, direct=True):
            self.bad_starts.add(url)
            return
        node = await self.visit(view, path, identity)
        if self.moved:
            return
        if identity == "guest" and url not in self.visual_checked:
            self.visual_checked.add(url)
            await self.check_visual_start(url)
        depth = 0
        while depth < max_depth and not self.out_of_budget():
            choice = self.choose(node)
            if choice is None:
                return
            index, action = choice
            pre = view
            before_url = self.page.url
            self.symptoms.clear()
            ok = await self.perform(action)
            node.tried.add(index)
            self.tries[action.key] += 1
            if not ok:
                continue
            depth += 1
            path = (*path, action)
            if action.kind == "signin":
                identity = await self.signed_in(action, node, path)
                if identity != "guest":  # the sign-in as the prefix has it, with its wait
                    path = (*path[:-1], self.modes[identity][-1])
            writes = self.symptoms.writes
            if await self.after_action(path, node, action):
                return  # the page was replayed from scratch while shrinking: start afresh
            view = await observe(self.page)
            if view is None or self.same_origin_path(self.page.url) is None:
                return
            if self.page.url != before_url and await self.check_not_found(
                path, view.url, direct=False
            ):
                return
            new = await self.visit(view, path, identity)
            node.edges[index] = new.state
            node = new
            if self.moved:
                return
            if writes and self.cfg.invariants and not self.out_of_budget():
                reloaded = await self.check_reload(pre, view, path)
                if reloaded is None or self.moved:
                    return
                path, view = reloaded

    async def fresh(self, identity: str, force: bool = False) -> bool:
        """Bring the browser to a fresh start as `identity`: the episode's initial cookies, empty
        storage, then the identity's sign-in. A browser already signed in as that account is
        kept as it is (signing in again would spend steps on every walk)."""
        if identity == self.identity and identity != "guest" and not force:
            return True
        with contextlib.suppress(Error):
            await self.page.evaluate(
                "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"
            )
        with contextlib.suppress(Error):
            await self.ctx.context.clear_cookies()
            if self.initial_cookies:
                await self.ctx.context.add_cookies(self.initial_cookies)
        self.identity = "guest"
        for action in self.modes.get(identity, ()):
            if not await self.perform(action):
                return False
        self.identity = identity
        return True

    async def signed_in(self, action: _Action, node: _Node, path: tuple[_Action, ...]) -> str:
        """After a sign-in action: if the password field is gone, walks may now start signed
        in as its account, from the page the form was on."""
        view = await observe(self.page)
        role = action.value or "guest"
        if view is None or view.has_password:
            return self.identity
        self.identity = role
        if role not in self.modes:
            # A replay does not settle between steps: the prefix waits for the page the sign-in
            # lands on before it goes on (or a moment, when the sign-in stays on its page).
            landed = self.same_origin_path(self.page.url) or node.url
            wait: Step = (
                Expect(condition="url", url=landed.split("?")[0], timeout_ms=8_000)
                if landed.split("?")[0] != node.url.split("?")[0]
                else WaitFor(ms=SETTLE_WAIT_MS)
            )
            signin = _Action((*action.steps, wait), "signin", action.value, action.what)
            self.modes[role] = (_Action((Goto(url=node.url),), "goto", what=node.url), signin)
        return role

    def choose(self, node: _Node) -> tuple[int, _Action] | None:
        """The next action from the current state: an untried one (ranked, see PRIORITY),
        else an edge towards a state with untried actions."""
        untried = node.untried(self.cfg.max_actions_per_page)
        for i in [i for i in untried if not self.alive(node.actions[i])]:
            node.tried.add(i)  # its control did not respond here before: skip it
            untried.remove(i)
        if untried:

            def rank(i: int) -> float:
                action = node.actions[i]
                kind: str = action.kind
                if kind == "link" and not self.tries[action.key]:
                    kind = "newlink"
                return (
                    PRIORITY.get(kind, 3.0)
                    + RETRY_PENALTY * self.tries[action.key]
                    + self.agent.random()
                )

            best = min(untried, key=rank)
            return best, node.actions[best]
        onward = [
            i
            for i, state in node.edges.items()
            if state in self.nodes
            and state != node.state
            and self.nodes[state].untried(self.cfg.max_actions_per_page)
        ]
        if not onward:
            return None
        pick = self.agent.shuffled(sorted(onward))[0]
        return pick, node.actions[pick]

    async def visit(self, view: View, path: tuple[_Action, ...], identity: str) -> _Node:
        """The node of the observed state (new states get their actions and their oracles);
        its shortest known path is kept."""
        state = view.state + ("" if identity == "guest" else f"@{identity}")
        node = self.nodes.get(state)
        if node is not None:
            if len(path) < len(node.path):
                node.path = path
            return node
        node = _Node(state, view.url, self.actions_for(view), path)
        self.nodes[state] = node
        await self.state_checks(view, node, identity)
        return node

    # --- actions ----------------------------------------------------------------------------

    def actions_for(self, view: View) -> list[_Action]:
        """Every action of a state, from its controls (see the module docstring)."""
        for c in view.controls:
            if c["kind"] == "link":
                self.add_start(c.get("href"))
        out = self.actions(view.controls, words=_words(view))
        if view.has_password and self.identity == "guest":
            out = self.sign_ins(view.controls) + out
        return out

    def add_start(self, href: str | None) -> None:
        target = self.same_origin_path(href)
        if target is None or target in self.start_pages:
            return
        if len(self.start_pages) >= self.cfg.max_pages:
            return
        # /product/1 and /product/2 are one route: a few samples are enough
        if sum(route_of(p) == route_of(target) for p in self.start_pages) >= ROUTE_SAMPLES:
            return
        self.start_pages.append(target)

    def sign_ins(self, controls: list[dict[str, Any]]) -> list[_Action]:
        """Signing in as each test account not signed in yet: the field before the password
        gets the e-mail, the password field the password, and Enter submits."""
        fields = [c for c in controls if c["kind"] == "input"]
        secret = next((c for c in fields if c.get("type") == "password"), None)
        if secret is None:
            return []
        before = [c for c in fields[: fields.index(secret)] if c.get("group") == secret["group"]]
        user = before[-1] if before else None
        if user is None:
            return []
        out = []
        for role, account in self.accounts.items():
            if role in self.modes or not account.get("email"):
                continue
            steps = (
                Fill(target=control_locator(user), value=account["email"]),
                Fill(target=control_locator(secret), value=account.get("password", "")),
                Press(target=control_locator(secret), key="Enter"),
            )
            out.append(_Action(steps, "signin", role, f"the sign-in form as {role}"))
        return out

    def actions(
        self, controls: list[dict[str, Any]], words: list[str] | None = None
    ) -> list[_Action]:
        """The actions on a page's controls (in a seeded order; ranking happens in `choose`)."""
        out: list[_Action] = []
        word = self.agent.shuffled(words)[0] if words else "Test"
        for c in controls:
            if c["kind"] in ("button", "check"):
                out.append(_click(c, "click"))
            elif c["kind"] == "link" and self.same_origin_path(c.get("href")) is not None:
                out.append(_click(c, "link"))
            elif c["kind"] == "select":
                options = [o for o in c.get("options", []) if o and o != c.get("value")]
                for option in self.agent.shuffled(options)[:2]:
                    step = Select(target=control_locator(c), values=[option])
                    out.append(_Action((step,), "select", option, c["name"]))
            elif c["kind"] == "input" and c.get("type") != "password":
                probes = self.agent.shuffled([v for v in PROBE_VALUES if v != "it's"])
                for value in [_realistic(c, word), "it's", *probes[:1]]:
                    # typed, then submitted with Enter: the way a search field is used
                    target = control_locator(c)
                    steps = (Fill(target=target, value=value), Press(target=target, key="Enter"))
                    out.append(_Action(steps, "fill", value, c["name"]))
        # Forms: a group's fields all filled, then one of its buttons: once with realistic
        # values, once with a quote in every text field, once with another probe.
        fields = [c for c in controls if c["kind"] == "input"]
        groups = sorted({c.get("group", -1) for c in fields})
        for group in groups:
            members = [c for c in fields if c.get("group", -1) == group]
            buttons = [c for c in controls if c["kind"] == "button" and c.get("group", -1) == group]
            if any(c.get("submit") for c in buttons):
                buttons = [c for c in buttons if c.get("submit")]  # not a show-password toggle
            if not buttons:
                continue
            probe = self.agent.shuffled([v for v in PROBE_VALUES if v and v != "it's"])[0]
            for variant in ("realistic", "it's", probe):
                for button in buttons[:2]:
                    form: list[Step] = []
                    for f in members:
                        value = _realistic(f, word)
                        if variant != "realistic" and f.get("type") in ("text", "search"):
                            value = variant
                        elif "@" in variant and f.get("type") == "email":
                            value = variant  # an e-mail probe goes in e-mail fields too
                        form.append(Fill(target=control_locator(f), value=value))
                    form.append(Click(target=control_locator(button)))
                    out.append(_Action(tuple(form), "form", variant, button["name"]))
        return out

    # --- browser primitives -----------------------------------------------------------------

    def same_origin_path(self, href: str | None) -> str | None:
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            return None
        here = self.page.url if self.page is not None else ""
        url = urljoin(here or self.origin + "/", href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    async def run_step(self, step: Step) -> bool:
        """Perform one step through the shared step runner; False if it does not go through
        (a control that does not respond is skipped, not waited for)."""
        from frontendx.errors import StepError

        self.ctx.step()
        try:
            await self.runner.step(step)
        except (StepError, Error):
            target = getattr(step, "target", None)
            if target is not None:
                self.dead.add((self.route(), repr(target)))
            return False
        return True

    def route(self) -> str:
        """The current page's route pattern."""
        here = self.page.url if self.page is not None else None
        return route_of(self.same_origin_path(here) or "/")

    def alive(self, action: _Action) -> bool:
        """False when one of the action's controls did not respond on this route before (a
        control that times out costs seconds: it is not tried again)."""
        route = self.route()
        return not any(
            (route, repr(getattr(s, "target", None))) in self.dead
            for s in action.steps
            if getattr(s, "target", None) is not None
        )

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

    async def perform(self, action: _Action) -> bool:
        for step in action.steps:
            if not await self.run_step(step):
                return False
        await self.settle()
        return True

    async def replay(self, path: tuple[_Action, ...]) -> bool:
        """Perform a path from a fresh browser (its first actions sign in, if any)."""
        self.moved = True
        if not await self.fresh("guest", force=True):
            return False
        self.symptoms.clear()
        for action in path:
            if not await self.perform(action):
                return False
            if action.kind == "signin":
                self.identity = action.value or "guest"
        return True

    async def recheck(self, path: tuple[_Action, ...], claim: Step) -> bool:
        """True when `claim` fails after `path` replayed from a fresh browser."""
        from frontendx.validate._replay import Outcome

        if self.out_of_budget() or not await self.replay(path):
            return False
        self.ctx.step()
        result = await self.runner.run([claim])
        return result.outcome == Outcome.FAILS

    # --- oracles ----------------------------------------------------------------------------

    async def after_action(
        self, path: tuple[_Action, ...], node: _Node | None, action: _Action | None
    ) -> bool:
        """Symptom oracles after an action (or a walk's start). True when a finding was shrunk
        and re-checked, which leaves the browser elsewhere."""
        s = self.symptoms
        route = route_of(self.same_origin_path(self.page.url) or "/")
        # the shortest known path to this action: the state it started from, then it
        if node is not None and action is not None and len(node.path) + 1 < len(path):
            path = (*node.path, action)
        found: list[_Candidate] = []
        if s.page_errors:
            msg = s.page_errors[0].splitlines()[0][:120]
            found.append(
                _Candidate(
                    f"Uncaught error after {_AFTER}: {msg}",
                    path,
                    ExpectNoPageError(),
                    "page_error",
                    route,
                    signature=msg,
                )
            )
        if s.server_errors:
            url = s.server_errors[0]
            found.append(
                _Candidate(
                    f"Server error (HTTP 5xx) from {url} after {_AFTER}",
                    path,
                    ExpectNoHttpError(url=url),
                    "http_5xx",
                    route,
                    signature=url,
                )
            )
        if s.console_errors and not s.page_errors:
            msg = s.console_errors[0][:60]
            found.append(
                _Candidate(
                    f"Console error after {_AFTER}: {msg}",
                    path,
                    ExpectNoConsoleError(pattern=re.escape(msg)),
                    "console_error",
                    route,
                    signature=msg,
                )
            )
        moved = False
        for candidate in found:
            moved = await self.shrink_and_report(candidate) or moved
        return moved

    async def check_not_found(self, path: tuple[_Action, ...], url: str, direct: bool) -> bool:
        """Report a page that says "not found"; True if it does."""
        try:
            text = await self.page.locator("body").inner_text(timeout=2_000)
        except (PwTimeout, Error):
            return False
        match = NOT_FOUND.search(text)
        if match is None:
            return False
        phrase = match.group(0)
        claim = Expect(condition="text", target=Locator(css="body"), text=phrase, negate=True)
        if direct:
            title = f"Opening {url} directly shows a page saying {phrase!r}"
            path = path[-1:]  # the URL itself is the bug: no sign-in needed to show it
        else:
            title = f"{_describe(path[-1]).capitalize()} leads to a page saying {phrase!r}"
        await self.report_checked(
            _Candidate(title, path, claim, "not_found", route_of(url), signature=url)
        )
        return True

    async def state_checks(self, view: View, node: _Node, identity: str) -> None:
        """Oracles on a new state: accessibility, overlap, spec-derived invariants."""
        route = route_of(view.url)
        if self.cfg.accessibility and self.axe_runs[(route, identity)] < AXE_PER_ROUTE:
            self.axe_runs[(route, identity)] += 1
            await self.check_axe(node.path, route)
        await self.check_overlap(node.path, route)
        if self.cfg.invariants:
            for v in check_view(view):
                await self.report_checked(
                    _Candidate(
                        f"On {view.url}: {v.title}",
                        node.path,
                        v.claim,
                        v.kind,
                        route,
                        signature=v.signature,
                    )
                )

    async def check_reload(
        self, pre: View, view: View, path: tuple[_Action, ...]
    ) -> tuple[tuple[_Action, ...], View] | None:
        """After an action that wrote to the server: reload, and report what the reload undid.
        Returns the path and view after the reload (None when the page cannot be read)."""
        url = self.same_origin_path(self.page.url)
        if url is None:
            return None
        # the wait lets the write land before the reload in a replay, which does not settle
        reload = _Action((WaitFor(ms=SETTLE_WAIT_MS), Goto(url=url)), "reload", what=url)
        self.symptoms.clear()
        if not await self.perform(reload):
            return None
        path = (*path, reload)
        after = await observe(self.page)
        if after is None:
            return None
        for title, claim in persistence_claims(pre, view, after):
            await self.report_checked(
                _Candidate(
                    f"After {_describe(path[-2])} on {view.url}, {title}",
                    path,
                    claim,
                    "persistence",
                    route_of(url),
                    signature=title,
                )
            )
        return path, after

    async def check_axe(self, path: tuple[_Action, ...], route: str) -> None:
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
                        f"Accessibility: {v['help']} ({v['id']}) on {route}",
                        path,
                        ExpectNoA11yViolation(rule=v["id"]),
                        "a11y",
                        route,
                        signature=v["id"],
                    )
                )

    async def check_overlap(self, path: tuple[_Action, ...], route: str) -> None:
        """Two controls, or a control and a short text, whose boxes overlap."""
        from frontendx.agents._page import page_controls

        controls = [c for c in await page_controls(self.page) if c["kind"] in ("button", "input")]
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
                            f"{a['name']!r} and {b['name']!r} overlap on {route}",
                            path,
                            ExpectNoLayoutOverlap(a=control_locator(a), b=control_locator(b)),
                            "overlap",
                            route,
                            signature=f"{a['name']}|{b['name']}",
                        )
                    )

    async def check_visual_start(self, url: str) -> None:
        """The page as loaded by a guest against the approved baseline."""
        if not self.cfg.visual or self.ctx.baseline is None:
            return
        if any(p == url for _, p in self.agent._load_findings):
            return  # the page is wrong as loaded: a visual difference there is explained
        await self.check_visual(url, self.ctx.baseline)

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
        goto = _Action((Goto(url=path),), "goto", what=path)
        await self.report(
            _Candidate(
                f"{path} looks different from the approved baseline ({100 * ratio:.1f}% of pixels)",
                (goto,),
                claim,
                "visual",
                route_of(path),
                signature=path,
            )
        )

    # --- shrink and report ------------------------------------------------------------------

    async def shrink_and_report(self, candidate: _Candidate) -> bool:
        """Drop actions the symptom does not need (up to `shrink_tries` replays from a fresh
        browser, each dropping one action; a form is first tried as its bare click), re-check
        the result from a fresh browser, then report. True when the browser was replayed."""
        if _same_symptom(candidate) in self.agent._reported:
            return False  # already reported from another action: no need to shrink it again
        path = list(candidate.path)
        tries = self.cfg.shrink_tries
        last = len(path) - 1
        if path and path[last].kind == "form" and tries > 0 and not self.out_of_budget():
            tries -= 1
            bare = _Action(path[last].steps[-1:], "click", what=path[last].what)
            trial = (*path[:last], bare)
            if await self.replay(trial) and self.shows(candidate.kind):
                path[last] = bare
        i = len(path) - 2  # the latest earlier action first: most often the one not needed
        while i >= 0 and tries > 0 and not self.out_of_budget():
            if path[i].kind == "goto" and not any(a.kind == "goto" for a in path[:i]):
                i -= 1  # the first navigation opens the app: every path needs one
                continue
            tries -= 1
            trial = tuple(path[:i] + path[i + 1 :])
            if await self.replay(trial) and self.shows(candidate.kind):
                path = list(trial)
            i -= 1
        # Report only what shows again from a fresh browser: a late response from an earlier
        # page must not be blamed on this one.
        if not (await self.replay(tuple(path)) and self.shows(candidate.kind)):
            return True
        after = _describe(path[-1])
        await self.report(
            _Candidate(
                candidate.title.replace(_AFTER, after, 1),
                tuple(path),
                candidate.claim,
                candidate.kind,
                candidate.route,
                signature=candidate.signature,
            )
        )
        return True

    def shows(self, kind: str) -> bool:
        s = self.symptoms
        return {
            "page_error": bool(s.page_errors),
            "http_5xx": bool(s.server_errors),
            "console_error": bool(s.console_errors),
        }.get(kind, False)

    async def report_checked(self, candidate: _Candidate) -> None:
        """Report an `expect` claim once it fails again after its path from a fresh browser.
        The re-check leaves the browser elsewhere; callers end their walk."""
        if _same_symptom(candidate) in self.agent._reported:
            return
        waited = (*candidate.path, _Action((WaitFor(ms=SETTLE_WAIT_MS),), "click", what="wait"))
        if not await self.recheck(waited, candidate.claim):
            self.agent._reported.add(_same_symptom(candidate))  # not again: it did not hold up
            return
        await self.report(
            _Candidate(
                candidate.title,
                waited,
                candidate.claim,
                candidate.kind,
                candidate.route,
                candidate.signature,
            )
        )

    async def report(self, candidate: _Candidate) -> None:
        # One report per symptom and route: the same violation seen again elsewhere is the
        # same finding.
        if len(candidate.path) == 1 and candidate.path[0].kind == "goto":
            self.agent._load_findings.append((candidate.kind, candidate.path[0].what))
        same = _same_symptom(candidate)
        if same in self.agent._reported:
            return
        self.agent._reported.add(same)
        await self.ctx.report(
            Finding(
                title=candidate.title[:200],
                steps=_steps_of(candidate.path, candidate.claim),
                actual=candidate.kind,
            )
        )


def _steps_of(path: tuple[_Action, ...], claim: Step) -> list[Step]:
    steps: list[Step] = [s for action in path for s in action.steps]
    steps.append(claim)
    return steps


def _same_symptom(candidate: _Candidate) -> str:
    """Reports with equal keys are one symptom: same kind, route and claim, and the same
    signature (error message, failing URL, rule) or, without one, the same path."""
    return repr(
        (
            candidate.kind,
            candidate.route,
            candidate.signature or candidate.path,
            candidate.claim if candidate.kind not in ("a11y",) else None,
        )
    )


def _words(view: View) -> list[str]:
    """Words from the page's list items: realistic values to type (a search that finds)."""
    out = []
    for lst in view.lists:
        for head in lst.get("heads", []):
            out += [w for w in re.findall(r"[^\W\d_]{4,}", head)][:1]
    return out[:20]


def _realistic(control: dict[str, Any], word: str) -> str:
    return REALISTIC.get(control.get("type") or "text", word)


def _click(control: dict[str, Any], kind: Literal["click", "link"]) -> _Action:
    return _Action((Click(target=control_locator(control)),), kind, what=control["name"])


def _describe(action: _Action) -> str:
    if action.kind == "fill":
        return f"entering {(action.value or '')[:20]!r} in {action.what!r}"
    if action.kind == "form":
        return f"filling the form with {(action.value or '')[:20]!r} and clicking {action.what!r}"
    if action.kind == "select":
        return f"choosing {(action.value or '')[:20]!r} in {action.what!r}"
    if action.kind in ("goto", "reload"):
        return f"opening {action.what}"
    if action.kind == "signin":
        return f"signing in as {action.value}"
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
