"""`pixel-diff`: the classic visual-regression tool as a change reviewer.

It screenshots every route it can reach from the app's root on the base build and on the head
build, in the episode's browser state, and reports each region that differs as a finding whose
claim is `expect_matches_base` on the smallest element holding the region. It blocks on any
difference. It cannot tell an intended change from a regression: its catch rate and the share
of its findings judged `intended_change` are the baseline an AI reviewer must beat
(docs/design.md §6.2).
"""

from __future__ import annotations

import contextlib
import io
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, ImageChops
from playwright.async_api import Error, Page
from pydantic import Field

from frontendx.agents._config import AgentConfig, parse_config
from frontendx.agents._protocol import AgentContext
from frontendx.records import CHANGE_TASKS

_LINKS_JS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"

# The smallest element whose box holds the region (page coordinates, less `slack` px on each
# side), as a locator: its own or nearest ancestor's test id when that ancestor is no bigger
# than needed, else a CSS path.
_ELEMENT_JS = """
([x, y, w, h, slack]) => {
  window.scrollTo(0, Math.max(0, y + h / 2 - window.innerHeight / 2));
  const cx = x + w / 2 - window.scrollX, cy = y + h / 2 - window.scrollY;
  let el = document.elementFromPoint(cx, cy) || document.body;
  const holds = (e) => {
    const r = e.getBoundingClientRect();
    const left = r.left + window.scrollX, top = r.top + window.scrollY;
    return left <= x + slack && top <= y + slack
      && left + r.width >= x + w - slack && top + r.height >= y + h - slack;
  };
  while (el.parentElement && el !== document.body && !holds(el)) el = el.parentElement;
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    if (e.dataset && e.dataset.testid) {
      const r = e.getBoundingClientRect(), o = el.getBoundingClientRect();
      if (r.width * r.height <= 4 * Math.max(1, o.width * o.height))
        return {test_id: e.dataset.testid};
      break;
    }
  }
  if (el === document.body || el === document.documentElement) return {css: 'body'};
  const parts = [];
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    const same = e.parentElement
      ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [];
    if (same.length > 1) part += `:nth-of-type(${same.indexOf(e) + 1})`;
    parts.unshift(part);
  }
  return {css: 'body > ' + parts.join(' > ')};
}
"""


class PixelDiffConfig(AgentConfig):
    """The pixel-diff reviewer's options."""

    max_routes: int = Field(default=12, ge=1, le=200, description="routes screenshotted")
    pixel_tolerance: int = Field(
        default=16, ge=0, le=255, description="per-channel difference still counted as equal"
    )
    cell_px: int = Field(
        default=16, ge=4, le=256, description="grid cell size differing pixels are grouped by"
    )
    max_findings: int = Field(default=10, ge=1, le=200, description="regions reported at most")
    per_route: int = Field(
        default=3, ge=1, le=50, description="regions reported per route at most (largest first)"
    )


def diff_regions(
    base: bytes, head: bytes, *, tolerance: int, cell: int
) -> list[tuple[int, int, int, int]]:
    """Regions (x, y, width, height) where two screenshots differ: pixels differing by more
    than `tolerance` in a channel, grouped into `cell`-sized grid cells, neighbouring cells
    joined; largest first. Screenshots of different sizes differ where either has pixels the
    other lacks."""
    a = Image.open(io.BytesIO(base)).convert("RGB")
    b = Image.open(io.BytesIO(head)).convert("RGB")
    width, height = max(a.width, b.width), max(a.height, b.height)
    canvas_a = Image.new("RGB", (width, height), (255, 0, 255))
    canvas_b = Image.new("RGB", (width, height), (255, 0, 255))
    canvas_a.paste(a)
    canvas_b.paste(b)
    delta = ImageChops.difference(canvas_a, canvas_b).convert("L")
    mask = delta.point(lambda v: 255 if v > tolerance else 0)
    if mask.getbbox() is None:
        return []
    cols, rows = -(-width // cell), -(-height // cell)
    hot = {
        (cx, cy)
        for cy in range(rows)
        for cx in range(cols)
        if mask.crop((cx * cell, cy * cell, (cx + 1) * cell, (cy + 1) * cell)).getbbox()
    }
    regions = []
    while hot:
        start = hot.pop()
        queue, cells = deque([start]), [start]
        while queue:
            cx, cy = queue.popleft()
            for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                if (nx, ny) in hot:
                    hot.discard((nx, ny))
                    queue.append((nx, ny))
                    cells.append((nx, ny))
        x0 = min(c[0] for c in cells) * cell
        y0 = min(c[1] for c in cells) * cell
        x1 = min(width, (max(c[0] for c in cells) + 1) * cell)
        y1 = min(height, (max(c[1] for c in cells) + 1) * cell)
        regions.append((x0, y0, x1 - x0, y1 - y0))
    return sorted(regions, key=lambda r: -(r[2] * r[3]))


class PixelDiffAgent:
    """Screenshots every reachable route on base and head and blocks on any difference."""

    name = "pixel-diff"
    version = "1"
    config_model = PixelDiffConfig

    def __init__(self, **options: Any) -> None:
        self.settings = parse_config(PixelDiffConfig, self.name, options)
        self.config: dict[str, Any] = self.settings.stored()

    async def run(self, ctx: AgentContext) -> None:
        if ctx.task.kind not in CHANGE_TASKS or ctx.task.base_url is None:
            raise ValueError(f"{self.name} reviews changes; it takes no {ctx.task.kind} task")
        base_page = await ctx.context.new_page()
        try:
            for route in await self._routes(ctx):
                await self._compare(ctx, base_page, route, ctx.task.base_url)
                if len(ctx.findings) >= self.settings.max_findings:
                    break
        finally:
            with contextlib.suppress(Error):
                await base_page.close()
        ctx.decide("block" if ctx.findings else "approve")

    async def _routes(self, ctx: AgentContext) -> list[str]:
        """Same-origin paths reachable by links from the root of the head build, breadth
        first, up to `max_routes`."""
        origin = urlsplit(ctx.app_url)
        seen, queue = {"/"}, deque(["/"])
        routes: list[str] = []
        while queue and len(routes) < self.settings.max_routes:
            path = queue.popleft()
            ctx.step()
            try:
                await ctx.page.goto(ctx.app_url + path, wait_until="load")
                links: list[str] = await ctx.page.evaluate(_LINKS_JS)
            except Error:
                continue
            routes.append(path)
            for link in links:
                parts = urlsplit(link)
                if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return routes

    async def _shot(self, ctx: AgentContext, page: Page, url: str) -> bytes | None:
        ctx.step()
        try:
            await page.goto(url, wait_until="load")
            await page.wait_for_timeout(300)  # fonts and late renders settle
            return await page.screenshot(full_page=True, animations="disabled")
        except Error:
            return None

    async def _compare(self, ctx: AgentContext, base_page: Page, route: str, base: str) -> None:
        head_shot = await self._shot(ctx, ctx.page, ctx.app_url + route)
        base_shot = await self._shot(ctx, base_page, base.rstrip("/") + route)
        if head_shot is None or base_shot is None:
            return
        s = self.settings
        regions = diff_regions(base_shot, head_shot, tolerance=s.pixel_tolerance, cell=s.cell_px)
        reported: set[str] = set()
        for region in regions:
            if len(ctx.findings) >= s.max_findings or len(reported) >= s.per_route:
                return
            try:
                # a region is whole grid cells: an element up to a cell smaller holds it
                target = await ctx.page.evaluate(_ELEMENT_JS, [*region, s.cell_px])
            except Error:
                continue
            key = repr(sorted(target.items()))
            if key in reported:
                continue
            reported.add(key)
            x, y, w, h = region
            await ctx.report(
                {
                    "title": f"{route} looks different from the base build",
                    "description": f"{w}x{h} px at ({x}, {y}) differ from the base build",
                    "steps": [
                        {"action": "goto", "url": route},
                        {"action": "expect_matches_base", "target": target},
                    ],
                    "symptom": "visual difference",
                }
            )
