"""The record-and-playback baseline for `generate` (docs/design.md §6).

It does what snapshot-testing tools do: crawl the app it is given (the correct one), and for
every page it reaches record a test that revisits the page and asserts what was there, the
visible text, the values of the fields and the accessible names of the controls. It knows
nothing of the app: it follows same-origin links breadth-first from the start page, and loads
each page twice, keeping only what both loads showed (dynamic content masked, as snapshot tools
do). Its
mutation score and the share of its tests dropped as flaky are the figures an AI test writer
must beat.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error
from pydantic import Field

from frontendx.agents._config import AgentConfig, parse_config
from frontendx.agents._page import control_locator, page_controls
from frontendx.agents._protocol import AgentContext
from frontendx.browser import PageEvents
from frontendx.repro import Expect, Goto, Step

_LINKS_JS = """
() => [...document.querySelectorAll('a[href]')].map(a => a.href)
"""

# Visible leaf texts outside controls: headings, paragraphs, cells, list items, badges.
_TEXTS_JS = """
(limit) => {
  const out = [];
  const seen = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (el.children.length || el.closest('button, a, label, select, textarea, script, style'))
      continue;
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ');
    if (!text || text.length > 60 || seen.has(text)) continue;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width <= 0 || r.height <= 0 || s.visibility === 'hidden') continue;
    seen.add(text);
    out.push(text);
    if (out.length >= limit) break;
  }
  return out;
}
"""


class RecorderConfig(AgentConfig):
    """The recorder's options (recorded with every episode)."""

    max_pages: int = Field(default=10, ge=1, le=200, description="pages crawled and recorded")
    max_assertions: int = Field(
        default=20, ge=1, le=200, description="assertions per recorded page"
    )
    timeout_ms: int = Field(
        default=2000, ge=100, le=30_000, description="each assertion's wait, as recorded"
    )


class RecorderAgent:
    """Crawls the app and records one snapshot test per page it reaches."""

    name = "recorder"
    version = "1"
    config_model = RecorderConfig

    def __init__(self, **options: Any) -> None:
        self.settings = parse_config(RecorderConfig, "recorder", options)
        self.config: dict[str, Any] = self.settings.stored()

    async def run(self, ctx: AgentContext) -> None:
        from frontendx.validate import Replayer

        events = PageEvents()
        events.attach(ctx.context)
        events.page = ctx.page
        runner = Replayer(ctx.page, events, ctx.app_url, action_timeout_ms=3_000)
        origin = urlsplit(ctx.app_url)
        queue, seen = ["/"], {"/"}
        recorded = 0
        while queue and recorded < self.settings.max_pages:
            path = queue.pop(0)
            ctx.step()
            if (await runner.run([Goto(url=path)])).step_index is not None:
                continue  # the page does not load: nothing to record
            with contextlib.suppress(Error):
                await events.settle()
            for link in await _links(ctx):
                parts = urlsplit(link)
                if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                    continue
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                target += f"#{parts.fragment}" if parts.fragment else ""
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
            assertions = await self.snapshot(ctx)
            # Record twice and keep what both recordings saw, as snapshot tools mask dynamic
            # content: a visit counter or a clock would make the test fail on the correct app.
            ctx.step()
            if assertions and (await runner.run([Goto(url=path)])).step_index is None:
                with contextlib.suppress(Error):
                    await events.settle()
                again = {s.model_dump_json() for s in await self.snapshot(ctx)}
                assertions = [s for s in assertions if s.model_dump_json() in again]
            if assertions:
                recorded += 1
                await ctx.add_test(f"page {path} looks as recorded", [Goto(url=path), *assertions])

    async def snapshot(self, ctx: AgentContext) -> list[Step]:
        """Assertions of what the page shows now: control names and field values first
        (what users act on), then visible texts, up to `max_assertions`."""
        timeout = self.settings.timeout_ms
        limit = self.settings.max_assertions
        steps: list[Step] = []
        for control in await page_controls(ctx.page):
            target = control_locator(control)
            if control["kind"] == "input":
                steps.append(
                    Expect(
                        condition="value",
                        target=target,
                        value=control.get("value") or "",
                        timeout_ms=timeout,
                    )
                )
            else:
                steps.append(Expect(condition="visible", target=target, timeout_ms=timeout))
        try:
            texts: list[str] = await ctx.page.evaluate(_TEXTS_JS, limit)
        except Error:
            texts = []
        for text in texts:
            target = control_locator({"kind": "text", "name": text})
            steps.append(Expect(condition="visible", target=target, timeout_ms=timeout))
        return steps[:limit]


async def _links(ctx: AgentContext) -> list[str]:
    try:
        found: list[str] = await ctx.page.evaluate(_LINKS_JS)
    except Error:
        return []
    return found
