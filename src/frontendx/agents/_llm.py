"""`llm`: a model-driven tester.

It reads the app's spec (and, when reproducing, the customer's report), explores through tool
calls, and reports findings in the repro language with a claim assertion. Each turn it sees
the page as configured:

- ``aria``: the accessibility snapshot of the page plus a numbered list of its named controls
  (``e1: button "Apply"``), which actions address by ref;
- ``dom``: the page's DOM pruned to structure, text and the attributes that identify things;
- ``screenshot``: a screenshot with set-of-marks (each control's ref drawn on it);

in any combination. Actions go by ref; with ``coordinates: true`` it may also click at x, y.
It keeps track of what it has covered (pages, actions) and tells the model, and it can ask
the product owner when the spec is ambiguous. Budgets: steps (browser actions) here, tokens
and dollars in the gateway, which meters every call.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from playwright.async_api import Error, Page
from playwright.async_api import TimeoutError as PwTimeout
from pydantic import Field, field_validator

from frontendx.agents._config import Number, parse_config
from frontendx.agents._model import Message, ModelClient, ModelEndpoint, Reply, Tool, ToolCall
from frontendx.agents._page import control_locator, locator_json, page_controls
from frontendx.agents._protocol import AgentContext
from frontendx.errors import ConfigError, ReproError
from frontendx.records import CHANGE_TASKS
from frontendx.repro import Click, Fill, Goto, Press, Select, Step, parse_steps
from frontendx.repro._steps import step_schema, steps_help
from frontendx.suite import LABELS, FlakeCategory

KEEP_OBSERVATIONS = 2
"""Older observations are elided from the conversation to bound its size."""

_STEP_HELP = (
    "Findings use the repro language: a JSON list of steps, ending with the assertion that "
    "fails because of the bug (the claim). Each step is an object with an `action` and its "
    "fields (? marks optional ones):\n"
    + steps_help()
    + "\nA locator (target, a, b, source) is an object with exactly one of role (with name), "
    'label, placeholder, text, test_id, css, xpath; e.g. {"role":"button","name":"Apply"}. '
    "The controls list gives each control's locator. Assert what SHOULD be true on a correct "
    "app: the claim must fail on the buggy app and hold on a correct one."
)

_PRUNE_JS = """
() => {
  const keep = ['id', 'name', 'role', 'href', 'type', 'placeholder', 'value', 'alt', 'title',
                'for', 'data-testid'];
  const walk = (el, depth) => {
    if (depth > 12) return '';
    const tag = el.tagName.toLowerCase();
    if (['script', 'style', 'svg', 'noscript', 'link', 'meta'].includes(tag)) return '';
    const attrs = [...el.attributes]
      .filter(a => keep.includes(a.name) || a.name.startsWith('aria-'))
      .map(a => `${a.name}="${a.value.slice(0, 60)}"`).join(' ');
    const kids = [...el.childNodes].map(n => n.nodeType === 3
      ? n.textContent.trim().slice(0, 120) : (n.nodeType === 1 ? walk(n, depth + 1) : ''))
      .filter(Boolean).join('');
    if (!kids && !attrs && !['input', 'img', 'button'].includes(tag)) return '';
    return `<${tag}${attrs ? ' ' + attrs : ''}>${kids}</${tag}>`;
  };
  return walk(document.body, 0);
}
"""

_MARKS_JS = """
(items) => {
  const layer = document.createElement('div');
  layer.id = '__fx_marks';
  layer.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;z-index:2147483647';
  for (const [ref, box] of items) {
    const tag = document.createElement('div');
    tag.textContent = ref;
    tag.style.cssText = `position:absolute;left:${box[0]}px;top:${box[1]}px;`
      + 'font:bold 11px monospace;background:#ff0;color:#000;border:1px solid #000;padding:0 2px';
    const frame = document.createElement('div');
    frame.style.cssText = `position:absolute;left:${box[0]}px;top:${box[1]}px;`
      + `width:${box[2]}px;height:${box[3]}px;outline:2px solid #f0f`;
    layer.append(frame, tag);
  }
  document.body.append(layer);
}
"""


class LlmConfig(ModelEndpoint):
    """The llm agent's options: its model endpoint plus how it sees and acts on pages."""

    observation: list[Literal["aria", "dom", "screenshot"]] = Field(
        default=["aria"], min_length=1, description="what the model sees each turn"
    )
    coordinates: bool = Field(default=False, description="offer click_at(x, y)")
    max_turns: int = Field(default=30, ge=1)
    max_output_tokens: int = Field(default=1024, ge=1)
    temperature: Number = 0.0

    @field_validator("observation", mode="before")
    @classmethod
    def _one_view(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class LlmAgent:
    """A model-driven tester; see the module docstring. Its endpoint is configured by
    `api`, `base_url`, `model` and `api_key_env`; the harness puts the metered gateway in
    front of it and hands the agent a client for the gateway only."""

    name = "llm"
    version = "1"

    config_model = LlmConfig

    def __init__(self, **options: Any) -> None:
        # Options are keyword arguments (as `make_agent` and plug-ins pass them) validated by
        # `LlmConfig`; the endpoint is checked now (price known, key variable set, cassette
        # present), so a bad config fails the run spec, not every episode.
        settings = parse_config(LlmConfig, "llm", options)
        settings.check()
        self.settings = settings
        self.config: dict[str, Any] = settings.stored()

    async def run(self, ctx: AgentContext) -> None:
        if ctx.model is None:
            raise ConfigError("llm: the harness gave no model client (is base_url set?)")
        session = _Session(self.settings, ctx, ctx.model)
        await session.run()
        if ctx.task.kind in CHANGE_TASKS and ctx.decision is None:
            # the model never decided: block on what it reported, as its prompt says
            ctx.decide("block" if ctx.findings else "approve")


class _Session:
    def __init__(self, config: LlmConfig, ctx: AgentContext, model: ModelClient) -> None:
        self.cfg, self.ctx, self.model = config, ctx, model
        self.page: Page = ctx.page
        from frontendx.browser import PageEvents
        from frontendx.validate import Replayer

        # the one settle of the step runner (PageEvents.settle): quiet for a moment after the
        # last request, where `networkidle` returns at once on a page that was already idle
        events = PageEvents()
        events.attach(ctx.context)
        events.page = self.page
        self.runner = Replayer(
            self.page, events, ctx.app_url, action_timeout_ms=5_000, goto_timeout_ms=10_000
        )
        self.performed: list[Step] = []
        self.refs: dict[str, dict[str, Any]] = {}
        self.visited: list[str] = []
        self.actions_done = 0
        self.reported = 0
        self.done = False

    # --- conversation -----------------------------------------------------------------------

    def tools(self) -> list[Tool]:
        ref = {"type": "string", "description": "a control's ref, e.g. e3"}
        tools = [
            Tool("goto", "Open a path of the app.", _obj(path={"type": "string"})),
            Tool("click", "Click a control.", _obj(ref=ref)),
            Tool(
                "fill",
                "Type a value into a text field (replacing its content).",
                _obj(ref=ref, value={"type": "string"}),
            ),
            Tool(
                "press",
                "Press a key (e.g. Enter) in a control.",
                _obj(ref=ref, key={"type": "string"}),
            ),
            Tool(
                "select", "Choose an option of a select.", _obj(ref=ref, value={"type": "string"})
            ),
            (
                Tool(
                    "add_test",
                    "Add a regression test: a name and steps in the repro language whose "
                    "assertions hold on this (correct) app.",
                    _test_schema(),
                )
                if self.ctx.task.kind == "generate"
                else Tool(
                    "report_finding",
                    "Report a bug, with steps in the repro language ending in the claim.",
                    _finding_schema(),
                )
            ),
            Tool(
                "ask",
                "Ask the product owner a question when the spec is ambiguous.",
                _obj(question={"type": "string"}),
            ),
            Tool("done", "Stop testing.", _obj()),
        ]
        if self.ctx.task.kind == "flaky":
            categories = [c.value for c in FlakeCategory]
            tools += [
                Tool(
                    "run_test",
                    "Re-run a test once as CI does (fresh browser, reset app, new timing); "
                    "no steps: the red test itself. Answers passed or failed with the message.",
                    _steps_schema(required=False),
                ),
                Tool(
                    "label",
                    "Say why the test is red: flaky (with its root cause), product_bug (report "
                    "the bug with report_finding too) or outdated_test.",
                    {
                        "type": "object",
                        "properties": {
                            "label": {"type": "string", "enum": list(LABELS)},
                            "category": {"type": "string", "enum": categories},
                        },
                        "required": ["label"],
                    },
                ),
                Tool(
                    "fix_test",
                    "Give the fixed test (flaky or outdated): it must pass every run and still "
                    "check what the test checked.",
                    _steps_schema(required=True),
                ),
            ]
        if self.ctx.task.kind in CHANGE_TASKS:
            tools.append(
                Tool(
                    "decide",
                    "Approve or block the pull request (block only after reporting the "
                    "regression that makes you block it).",
                    _obj(decision={"type": "string", "enum": ["approve", "block"]}),
                )
            )
        if self.cfg.coordinates:
            tools.append(
                Tool(
                    "click_at",
                    "Click at page coordinates (CSS pixels).",
                    _obj(x={"type": "number"}, y={"type": "number"}),
                )
            )
        return tools

    def system(self) -> str:
        task = self.ctx.task
        if task.kind == "reproduce":
            goal = (
                "A customer reported the problem below. Reproduce it and report it as one "
                f"finding with a minimal repro.\n\nCustomer report: {task.report}"
            )
        elif task.kind == "generate":
            goal = (
                "This app is correct. Write the regression tests its team never had time "
                "to write: explore it, then add tests (add_test) whose assertions hold now "
                "and would fail if a future change broke behaviour the spec describes: "
                "totals and counts, filters and search, form validation, navigation, "
                "signed-in flows, layout on this screen and accessibility. Each test starts "
                "with a goto and must pass every time: assert on stable text, never on "
                "clocks, counters or random content. Your suite is scored by how many "
                "hidden regressions it catches, and tests that fail on this app are dropped."
            )
        elif task.kind in CHANGE_TASKS and task.pull_request is not None:
            pr = task.pull_request
            files = "\n".join(
                f"- {f.get('path')} ({', '.join(f.get('components') or [])}) "
                f"+{f.get('added', 0)} -{f.get('removed', 0)}"
                for f in pr.files
            )
            visual = (
                " This is a design change: only visual findings count (contrast, overflow, "
                "focus rings, a region compared with the base build, overlap)."
                if task.kind == "visual"
                else ""
            )
            goal = (
                "Review this pull request before it merges. You are on its head build; the "
                f"base build (before the change) is at {task.base_url}. Check what it "
                "touches and what could have broken around it. Report every regression you "
                "can prove (a claim that fails on the head build and holds on the base "
                "build; `expect_matches_base` compares a region with the base build), and "
                "never report what the PR meant to change. Then decide: block if you "
                f"reported a regression, else approve.{visual}\n\nPull request: {pr.title}"
                f"\n\n{pr.description}\n\nFiles changed:\n{files}"
            )
        elif task.kind == "flaky" and task.failing_test is not None:
            red = task.failing_test
            goal = (
                "A test of this app is red in CI. Find out why: is it flaky (it fails only "
                "sometimes, from its own timing, ordering or clock assumptions), is the "
                "product broken (a real regression: report it with report_finding), or is "
                "the test outdated (the app changed on purpose and the test was not "
                "updated)? Calling a real regression flaky or outdated is the costly "
                "mistake. You may re-run the test (run_test) and explore the app, which runs "
                "with CI's timing noise. Then call `label`, and for a flaky or outdated test "
                "give the fixed test with fix_test: it must pass every run and still check "
                f"what the test checked.\n\nTest: {red.title}\nSteps:\n"
                + json.dumps(red.steps, indent=1)
                + "\n\nRecent CI runs (oldest first): "
                + " ".join(red.history)
                + f"\nThe failing run: {red.failure}\n\nAs CI runs it:\n{red.pytest}"
            )
        else:
            goal = (
                "Explore the app and report every bug you can prove: behaviour that "
                "contradicts the spec, errors, broken layout or accessibility problems."
            )
        return (
            "You are a meticulous QA engineer testing a web app in a real browser through "
            f"tools.\n\n{goal}\n\n{_STEP_HELP}\n\nApp spec:\n{task.spec}"
        )

    async def run(self) -> None:
        await self.goto("/")
        messages = [
            Message("system", self.system()),
            await self.observe("Start. You are on the home page."),
        ]
        tools = self.tools()
        for _ in range(self.cfg.max_turns):
            reply: Reply = await self.model.chat(messages, tools)
            messages.append(Message("assistant", reply.text, tool_calls=reply.tool_calls))
            if not reply.tool_calls:
                break  # the model answered in prose: it has nothing more to do
            for call in reply.tool_calls:
                result = await self.execute(call)
                messages.append(Message("tool", result, tool_call_id=call.id))
            if self.done:
                break
            _elide_old_observations(messages)
            messages.append(await self.observe("After your actions:"))

    # --- observation ------------------------------------------------------------------------

    async def observe(self, lead: str) -> Message:
        controls = await page_controls(self.page)
        self.refs = {f"e{i + 1}": c for i, c in enumerate(controls)}
        path = _path(self.page.url)
        parts = [lead, f"URL: {path}"]
        views = self.cfg.observation
        if "aria" in views:
            try:
                snapshot = await self.page.locator("body").aria_snapshot(timeout=3_000)
            except (PwTimeout, Error):
                snapshot = "(no snapshot)"
            parts.append("Accessibility snapshot:\n" + snapshot[:6000])
        if "dom" in views:
            try:
                dom = await self.page.evaluate(_PRUNE_JS)
            except Error:
                dom = "(no DOM)"
            parts.append("Pruned DOM:\n" + str(dom)[:8000])
        lines = []
        for ref, c in self.refs.items():
            extra = f' value="{c["value"]}"' if c.get("value") else ""
            locator = json.dumps(locator_json(control_locator(c)))
            lines.append(f'{ref}: {c["role"]} "{c["name"]}"{extra} locator={locator}')
        parts.append("Controls:\n" + ("\n".join(lines) or "(none)"))
        if self.performed:
            done = [
                json.dumps({"action": s.action, **s.model_dump(mode="json", exclude_defaults=True)})
                for s in self.performed
            ]
            parts.append("Steps since the last goto:\n" + "\n".join(done[-12:]))
        parts.append(
            f"Covered: pages {', '.join(self.visited) or '-'}; {self.actions_done} actions; "
            f"{self.reported} findings reported; steps left "
            f"{self.ctx.task.budget.steps - self.ctx.steps}."
        )
        images = []
        if "screenshot" in views:
            images.append(await self.marked_screenshot())
        return Message("user", "\n\n".join(parts), images=images)

    async def marked_screenshot(self) -> bytes:
        marks = [[ref, c["box"]] for ref, c in self.refs.items()]
        try:
            await self.page.evaluate(_MARKS_JS, marks)
            return await self.page.screenshot(animations="disabled")
        finally:
            await self.page.evaluate("() => document.getElementById('__fx_marks')?.remove()")

    # --- tools ------------------------------------------------------------------------------

    async def execute(self, call: ToolCall) -> str:
        args = call.arguments
        try:
            match call.name:
                case "goto":
                    return await self.goto(str(args.get("path", "/")))
                case "click" | "fill" | "press" | "select":
                    return await self.act(call.name, args)
                case "click_at" if self.cfg.coordinates:
                    self.ctx.step()
                    await self.page.mouse.click(float(args["x"]), float(args["y"]))
                    await self.settle()
                    self.actions_done += 1
                    return "clicked"
                case "report_finding":
                    return await self.report(args)
                case "add_test":
                    return await self.add_test(args)
                case "ask":
                    return "Answer: " + await self.ctx.ask(str(args.get("question", "")))
                case "run_test" if self.ctx.task.kind == "flaky":
                    steps = args.get("steps")
                    outcome = await self.ctx.run_test(steps if isinstance(steps, list) else None)
                    return "passed" if outcome.passed else f"failed: {outcome.message}"
                case "label" if self.ctx.task.kind == "flaky":
                    category = args.get("category")
                    self.ctx.triage(str(args.get("label", "")), category or None)
                    return f"labelled: {self.ctx.label}"
                case "fix_test" if self.ctx.task.kind == "flaky":
                    self.ctx.fix_test(list(args.get("steps") or []))
                    return "fix recorded"
                case "decide" if self.ctx.task.kind in CHANGE_TASKS:
                    self.ctx.decide(str(args.get("decision", "")))
                    self.done = True
                    return f"decided: {self.ctx.decision}"
                case "done":
                    self.done = True
                    return "ok"
        except (KeyError, ValueError, TypeError, ReproError) as exc:
            return f"error: bad arguments for {call.name}: {exc}"
        return f"error: unknown tool {call.name!r}"

    async def perform(self, step: Step) -> str | None:
        """Run one step through the shared step runner, remembering it for the model (the
        steps since the last navigation are a repro prefix it can copy); an error message
        if it did not go through."""
        from frontendx.errors import StepError

        self.ctx.step()
        try:
            await self.runner.step(step)
        except (StepError, Error) as exc:
            return f"error: {(str(exc).strip() or type(exc).__name__).splitlines()[0]}"
        self.performed = [step] if isinstance(step, Goto) else [*self.performed, step]
        await self.settle()
        return None

    async def goto(self, path: str) -> str:
        failed = await self.perform(Goto(url="/" + path.lstrip("/")))
        if failed:
            return failed
        here = _path(self.page.url)
        if here not in self.visited:
            self.visited.append(here)
        return f"opened {here}"

    async def act(self, action: str, args: dict[str, Any]) -> str:
        control = self.refs.get(str(args.get("ref")))
        if control is None:
            return f"error: no control {args.get('ref')!r}; use a ref from the controls list"
        target = control_locator(control)
        step: Step
        if action == "click":
            step = Click(target=target)
        elif action == "fill":
            step = Fill(target=target, value=str(args["value"]))
        elif action == "press":
            step = Press(target=target, key=str(args["key"]))
        else:
            step = Select(target=target, values=[str(args["value"])])
        failed = await self.perform(step)
        if failed:
            return failed
        self.actions_done += 1
        here = _path(self.page.url)
        if here not in self.visited:
            self.visited.append(here)
        return f"done; now at {here}"

    async def settle(self) -> None:
        try:
            await self.runner.events.settle()
        except (PwTimeout, Error):
            return

    async def add_test(self, args: dict[str, Any]) -> str:
        steps = args.get("steps")
        added = await self.ctx.add_test(
            str(args.get("name") or ""), steps if isinstance(steps, list) else [steps]
        )
        if added.error is not None:
            return f"recorded, but it will be dropped: {added.error}"
        self.reported += 1
        return "added"

    async def report(self, args: dict[str, Any]) -> str:
        finding = {
            "title": str(args.get("title") or "untitled finding")[:500],
            "description": str(args.get("description") or "")[:20_000],
            "steps": args.get("steps"),
            "expected": str(args.get("expected") or "")[:5_000],
            "actual": str(args.get("actual") or "")[:5_000],
        }
        try:
            parse_steps(finding["steps"])
        except ReproError as exc:
            # Still reported (and judged invalid): malformed findings are the agent's to own.
            await self.ctx.report(finding)
            return f"recorded, but the steps are malformed: {exc}"
        await self.ctx.report(finding)
        self.reported += 1
        return "reported"


def _test_schema() -> dict[str, Any]:
    """add_test's arguments: a name and steps typed by the step models' JSON schema."""
    step = step_schema()
    defs = step.pop("$defs", {})
    schema = _obj(name={"type": "string"}, steps={"type": "array", "minItems": 1, "items": step})
    schema["$defs"] = defs
    return schema


def _steps_schema(*, required: bool) -> dict[str, Any]:
    """run_test's and fix_test's arguments: a test's steps."""
    step = step_schema()
    defs = step.pop("$defs", {})
    schema = _obj(steps={"type": "array", "minItems": 1, "items": step})
    schema["required"] = ["steps"] if required else []
    schema["$defs"] = defs
    return schema


def _finding_schema() -> dict[str, Any]:
    """report_finding's arguments: `steps` typed by the step models' own JSON schema, so the
    model is told exactly the language the validator replays."""
    step = step_schema()
    defs = step.pop("$defs", {})
    schema = _obj(
        title={"type": "string"},
        steps={"type": "array", "minItems": 1, "items": step},
        description={"type": "string"},
        expected={"type": "string"},
        actual={"type": "string"},
    )
    schema["required"] = ["title", "steps"]
    schema["$defs"] = defs
    return schema


def _obj(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


_OBSERVATION_LEADS = re.compile(r"^(Start\.|After your actions:)")


def _elide_old_observations(messages: list[Message]) -> None:
    seen = 0
    for m in reversed(messages):
        if m.role == "user" and _OBSERVATION_LEADS.match(m.text):
            seen += 1
            if seen >= KEEP_OBSERVATIONS:
                m.text = m.text.split("\n", 2)[0] + " [older observation elided]"
                m.images = []
