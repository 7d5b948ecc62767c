"""The visual assertions of the repro language (`expect_contrast`, `expect_no_overflow`,
`expect_focus_visible`, `expect_matches_base`), replayed in real Chromium against pages served
over real HTTP, each holding and failing on a purpose-built page, in a light and a dark colour
scheme. Contrast numbers are checked against WCAG 2 ratios computed here independently.
(tests/test_parity.py proves the exported tests judge them the same way.)"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext

from frontendx.browser import PageEvents
from frontendx.repro import (
    Finding,
    Goto,
    export_pytest,
    is_visual_claim,
    parse_step,
    parse_steps,
    write_exported_test,
)
from frontendx.validate import Outcome, Replayer, ReplayResult

SCHEMES = ("light", "dark")

# Each page takes its colours from the colour scheme; `color-scheme` makes the dark canvas and
# form controls dark too.
THEME = """<style>
:root { color-scheme: light dark; }
body { margin: 16px; font: 16px/1.4 sans-serif; background: #fff; color: #000; }
@media (prefers-color-scheme: dark) { body { background: #121212; color: #fff; } }
</style>"""

CONTRAST = (
    THEME
    + """<style>
#low { color: #777; }            /* 4.48:1 on white, 4.23:1 on #121212 */
#fine { color: #767676; }        /* 4.54:1 on white */
#veil { background: rgba(0, 0, 0, .5); color: #fff; }
#faded { opacity: .5; }
#bare { background: none; }
@media (prefers-color-scheme: dark) {
  #fine { color: #888; }         /* 5.34:1 on #121212 */
  #veil { background: rgba(255, 255, 255, .5); color: #000; }
}
#picture { background: linear-gradient(#fff, #000); color: #777; }
</style>
<p id="low">Low contrast</p><p id="fine">Fine contrast</p>
<p id="veil">On a veil</p><p id="faded">Faded text</p>
<p id="picture">On a gradient</p>
<div style="background: rgba(0, 0, 255, .25)"><p><span id="nested">Nested</span></p></div>"""
)

OVERFLOW = (
    THEME
    + """<style>
.card { width: 200px; border: 1px solid; padding: 8px; margin-bottom: 8px; }
.title { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wide { width: 300px; height: 20px; background: teal; }
.left { position: relative; left: -40px; width: 60px; height: 20px; background: teal; }
</style>
<div class="card" id="fits"><div class="title">Short title</div>
  <p>Wrapping text that fits in the card, however many words it has.</p></div>
<div class="card" id="ellipsis">
  <div class="title">A product title far too long for the card</div></div>
<div class="card" id="wide"><div class="wide"></div></div>
<div class="card" id="left"><div class="left"></div></div>
<div class="card" id="clipped" style="overflow: hidden"><div class="wide"></div></div>"""
)

FOCUS = (
    THEME
    + """<style>
button { font: 16px sans-serif; padding: 6px 12px; border: 1px solid #888;
         background: #eee; color: #111; }
.ring:focus-visible { outline: 2px solid #0b5fff; outline-offset: 2px; }
.none, .none:focus, .none:focus-visible { outline: none; }
@media (prefers-color-scheme: dark) {
  button { background: #333; color: #eee; }
  .ring:focus-visible { outline-color: #8ab4ff; }
}
</style>
<p><button class="ring" id="ring">With a ring</button></p>
<p><button class="none" id="none">Without a ring</button></p>
<p><button id="native">Browser default</button></p>
<p><span id="plain">Not focusable</span></p>"""
)


def _panel(
    button: str = "#0a58ca", panel: str = "#f6f6f6", text: str = "#222", extra: str = ""
) -> str:
    """The page `expect_matches_base` compares: a panel with a heading and a button."""
    return (
        THEME
        + f"""<style>
#panel {{ width: 300px; padding: 12px; background: {panel}; color: {text}; position: relative; }}
#cta {{ background: {button}; color: #fff; border: 0; padding: 8px 16px; font: 16px sans-serif; }}
@media (prefers-color-scheme: dark) {{ #panel {{ filter: invert(1); }} }}
{extra}
</style>
<div id="panel"><h2>Plans</h2><p>Pick one.</p><button id="cta">Buy now</button></div>"""
    )


BASE_PANEL = _panel()
HEAD_PAGES = {
    "/contrast.html": CONTRAST,
    "/overflow.html": OVERFLOW,
    "/focus.html": FOCUS,
    "/same.html": BASE_PANEL,
    # every pixel a level or two off (under the 16 per channel), and 4 px of a dot: 0.01%
    "/noise.html": _panel(
        panel="#f7f8f6",
        text="#232323",
        extra="#panel::after { content: ''; position: absolute; right: 3px; top: 3px; "
        "width: 2px; height: 2px; background: #f00; }",
    ),
    "/colour.html": _panel(button="#c0392b"),
    "/taller.html": _panel(extra="#panel { padding-bottom: 20px; }"),
}
BASE_PAGES = {
    path: BASE_PANEL for path in ("/same.html", "/noise.html", "/colour.html", "/taller.html")
}


def _serve(pages: dict[str, str]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            data = f"<!doctype html><html lang=en><meta charset=utf-8>{body}</html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[str, str]]:
    """(head root, base root): two builds of the test pages on their own HTTP servers."""
    head, head_url = _serve(HEAD_PAGES)
    base, base_url = _serve(BASE_PAGES)
    yield head_url, base_url
    for server in (head, base):
        server.shutdown()
        server.server_close()


@asynccontextmanager
async def _context(browser: Browser, scheme: str) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(
        color_scheme=scheme,  # type: ignore[arg-type]
        viewport={"width": 800, "height": 600},
    )
    try:
        yield context
    finally:
        await context.close()


async def _replayer(
    context: BrowserContext, url: str, path: str, reference_url: str | None = None
) -> Replayer:
    """A replayer on a new page of `context`, which has loaded `path`."""
    events = PageEvents()
    events.attach(context)
    page = await context.new_page()
    events.page = page
    replayer = Replayer(page, events, url, reference_url=reference_url)
    await replayer.step(Goto(url=path))
    return replayer


async def _claim(replayer: Replayer, *steps: dict[str, Any]) -> ReplayResult:
    """Run `steps` (ending in a claim) on the replayer's page as it is."""
    return await replayer.run(parse_steps(list(steps)))


Colour = tuple[float, float, float]


def _hex(text: str) -> Colour:
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def _luminance(colour: Colour) -> float:
    r, g, b = (
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in colour)
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _wcag(a: Colour, b: Colour) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _mix(top: Colour, under: Colour, alpha: float) -> Colour:
    """`top` at `alpha` over `under`."""
    r, g, b = (alpha * t + (1 - alpha) * u for t, u in zip(top, under, strict=True))
    return (r, g, b)


def _rgb(colour: Colour) -> str:
    return "rgb(" + ", ".join(str(math.floor(c + 0.5)) for c in colour) + ")"


def test_known_wcag_ratios() -> None:
    # the independent formula this file checks the replayer against
    assert f"{_wcag(_hex('#777777'), _hex('#ffffff')):.2f}" == "4.48"
    assert f"{_wcag(_hex('#767676'), _hex('#ffffff')):.2f}" == "4.54"
    assert f"{_wcag(_hex('#000000'), _hex('#ffffff')):.0f}" == "21"


def test_visual_claims_are_the_visual_assertions_region_shots_and_contrast_rule() -> None:
    visual = [
        {"action": "expect_contrast", "target": {"css": "p"}},
        {"action": "expect_no_overflow", "target": {"css": "p"}},
        {"action": "expect_focus_visible", "target": {"css": "a"}},
        {"action": "expect_matches_base", "target": {"css": "main"}},
        {"action": "expect_no_layout_overlap", "a": {"css": "a"}, "b": {"css": "b"}},
        {
            "action": "expect",
            "condition": "screenshot_region",
            "target": {"css": "main"},
            "screenshot_sha256": "0" * 64,
        },
        {"action": "expect_no_a11y_violation", "rule": "color-contrast"},
    ]
    other = [
        {"action": "expect", "condition": "text", "target": {"css": "h1"}, "text": "Hi"},
        {"action": "expect_no_a11y_violation", "rule": "image-alt"},
        {"action": "expect_no_console_error"},
        {"action": "click", "target": {"css": "a"}},
    ]
    assert all(is_visual_claim(parse_step(raw)) for raw in visual)
    assert not any(is_visual_claim(parse_step(raw)) for raw in other)


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_contrast_matches_wcag_on_both_themes(
    scheme: str, browser: Browser, sites: tuple[str, str]
) -> None:
    head, _ = sites
    light = scheme == "light"
    white, black = _hex("#ffffff"), _hex("#000000")
    canvas = white if light else _hex("#121212")
    ink = black if light else white
    low, fine = _hex("#777777"), _hex("#767676" if light else "#888888")
    veil_bg = _mix(black if light else white, canvas, 0.5)
    veil_fg = white if light else black
    faded = _mix(ink, canvas, 0.5)
    nested_bg = _mix(_hex("#0000ff"), canvas, 0.25)

    def claim(css: str, min_ratio: float) -> dict[str, Any]:
        return {"action": "expect_contrast", "target": {"css": css}, "min_ratio": min_ratio}

    cases: list[tuple[str, float, Colour, Colour, bool]] = [
        # (element, min_ratio, text colour, effective background, holds)
        ("#low", 4.5, low, canvas, False),
        ("#low", 4.0, low, canvas, True),
        ("#fine", 4.5, fine, canvas, True),
        ("#veil", 21, veil_fg, veil_bg, False),
        ("#faded", 21, faded, canvas, False),
        ("#nested", 21, ink, nested_bg, False),
    ]
    async with _context(browser, scheme) as context:
        replayer = await _replayer(context, head, "/contrast.html")
        results = [await _claim(replayer, claim(css, least)) for css, least, *_ in cases]
        gradient = await _claim(replayer, claim("#picture", 21))
    for (css, min_ratio, fg, bg, holds), result in zip(cases, results, strict=True):
        ratio = _wcag(fg, bg)
        assert (result.outcome is Outcome.HOLDS) == holds, (css, ratio, result.message)
        assert holds == (ratio >= min_ratio), (css, ratio)  # the page is what it claims to be
        if not holds:
            assert result.outcome is Outcome.FAILS, result.message
            expected = (
                f"contrast {ratio:.2f}:1 of text {_rgb(fg)} on background {_rgb(bg)} is "
                f"below the minimum {min_ratio:g}:1"
            )
            assert expected in result.message, (css, expected, result.message)
    # a gradient is ignored, and the message says so
    assert gradient.outcome is Outcome.FAILS
    assert "background images ignored, on p" in gradient.message


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_overflow_ellipsis_and_too_wide_children_fail_on_both_themes(
    scheme: str, browser: Browser, sites: tuple[str, str]
) -> None:
    head, _ = sites

    async with _context(browser, scheme) as context:
        replayer = await _replayer(context, head, "/overflow.html")
        fits, ellipsis, wide, left, clipped = [
            await _claim(replayer, {"action": "expect_no_overflow", "target": {"css": css}})
            for css in ("#fits", "#ellipsis", "#wide", "#left", "#clipped")
        ]
    assert fits.outcome is Outcome.HOLDS, fits.message
    assert ellipsis.outcome is Outcome.FAILS
    assert 'div.title "A product title far too long' in ellipsis.message
    assert "text cut with an ellipsis" in ellipsis.message, ellipsis.message
    # a child 300 px wide after the card's 8 px padding: 308 px of content in a 216 px box
    assert wide.outcome is Outcome.FAILS
    assert "div#wide: its content (308px) overflows its 216px box by 92px" in wide.message
    # shifted 40 px left from the 8 px padding: 31 px out (1 px border); no scrollbar shows it
    assert left.outcome is Outcome.FAILS
    assert "div.left sticks out 31px past the left edge of div#left" in left.message
    # a card that clips its too-wide child: its own content still overflows it
    assert clipped.outcome is Outcome.FAILS and "div#clipped: its content" in clipped.message


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_focus_ring_present_and_removed_on_both_themes(
    scheme: str, browser: Browser, sites: tuple[str, str]
) -> None:
    head, _ = sites

    def focus(css: str) -> dict[str, Any]:
        return {"action": "expect_focus_visible", "target": {"css": css}}

    async with _context(browser, scheme) as context:
        replayer = await _replayer(context, head, "/focus.html")
        ring = await _claim(replayer, focus("#ring"))
        native = await _claim(replayer, focus("#native"))
        # after a mouse click a scripted focus would not match :focus-visible; the claim's does
        clicked = await _claim(
            replayer, {"action": "click", "target": {"css": "#none"}}, focus("#ring")
        )
        # focused by the mouse first: the claim still judges focus from the keyboard
        refocused = await _claim(
            replayer, {"action": "click", "target": {"css": "#ring"}}, focus("#ring")
        )
        none = await _claim(replayer, focus("#none"))
        plain = await _claim(replayer, focus("#plain"))
    for holds in (ring, native, clicked, refocused):
        assert holds.outcome is Outcome.HOLDS, holds.message
    assert none.outcome is Outcome.FAILS
    assert "shows no visible focus indicator" in none.message and "changed 0 px" in none.message
    assert plain.outcome is Outcome.FAILS and "cannot take keyboard focus" in plain.message


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_matches_base_holds_under_the_thresholds_and_fails_on_a_colour_change(
    scheme: str, browser: Browser, sites: tuple[str, str]
) -> None:
    head, base = sites

    async def judge(
        context: BrowserContext, path: str, reference: str | None = base, tolerance: int = 16
    ) -> ReplayResult:
        replayer = await _replayer(context, head, path, reference)
        claim = {
            "action": "expect_matches_base",
            "target": {"css": "#panel"},
            "pixel_tolerance": tolerance,
        }
        return await _claim(replayer, claim)

    async with _context(browser, scheme) as context:
        same, noise, colour, taller, exact, alone = await asyncio.gather(
            judge(context, "/same.html"),
            judge(context, "/noise.html"),
            judge(context, "/colour.html"),
            judge(context, "/taller.html"),
            judge(context, "/noise.html", tolerance=0),
            judge(context, "/same.html", reference=None),
        )
    assert same.outcome is Outcome.HOLDS, same.message
    assert noise.outcome is Outcome.HOLDS, noise.message
    assert colour.outcome is Outcome.FAILS
    assert "differ from the base build by more than 16 in a channel" in colour.message
    assert taller.outcome is Outcome.FAILS and "px on the base build" in taller.message
    # the noise page does differ: with no tolerance per channel, every pixel counts
    assert exact.outcome is Outcome.FAILS, exact.message
    assert alone.outcome is Outcome.BROKEN and "needs a base build" in alone.message


def test_an_exported_base_comparison_replays_the_steps_before_it_on_the_base_build(
    tmp_path: Path,
) -> None:
    finding = Finding(
        title="the button changed colour",
        steps=parse_steps(
            [
                {"action": "goto", "url": "http://127.0.0.1:9/plans?x=1#top"},
                {"action": "click", "target": {"role": "button", "name": "Yearly"}},
                {"action": "expect_matches_base", "target": {"css": "#panel"}},
            ]
        ),
    )
    source = export_pytest(finding, app_url="http://127.0.0.1:1")
    assert "def test_finding(page, events, base_url, reference_url):" in source
    nested = source.split("def steps_before(page, events, base_url):")[1].split("events.settle")[0]
    # the base build has its own origin: an absolute goto keeps only its path
    assert "page.goto(base_url + '/plans?x=1#top', wait_until='load')" in nested
    assert "page.get_by_role('button', name='Yearly').first.click()" in nested
    assert "--reference-url" in source and "FRONTENDX_REFERENCE_URL" in source
    written = write_exported_test(tmp_path / "test_finding.py", source)
    assert tmp_path / "conftest.py" in written
    assert "--reference-url" in (tmp_path / "conftest.py").read_text()
    # someone else's conftest.py is left alone ($FRONTENDX_REFERENCE_URL then gives the URL)
    (tmp_path / "conftest.py").write_text("# the user's\n")
    assert tmp_path / "conftest.py" not in write_exported_test(tmp_path / "test_finding.py", source)
    assert (tmp_path / "conftest.py").read_text() == "# the user's\n"
    # a file without base comparisons needs no conftest.py and no reference_url
    plain = export_pytest(
        Finding(title="t", steps=parse_steps([{"action": "expect_no_page_error"}])),
        app_url="http://127.0.0.1:1",
    )
    assert "def test_finding(page, events, base_url):" in plain
    (tmp_path / "other").mkdir()
    assert write_exported_test(tmp_path / "other" / "test_x.py", plain) == [
        tmp_path / "other" / "test_x.py"
    ]
