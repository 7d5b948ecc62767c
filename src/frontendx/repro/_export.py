"""Exporting findings as idiomatic pytest-playwright tests.

An exported file needs only `pytest-playwright` (and, for accessibility claims, axe-core's
``axe.min.js`` next to it or at ``$FRONTENDX_AXE``), not FrontendX. It takes the plugin's
``page`` fixture, so ``--browser``, ``--headed`` and ``--tracing`` work; ``base_url`` comes
from ``--base-url``, else ``$FRONTENDX_APP_URL``, else the default URL given at export (where
``frontendx app serve`` listens unless told otherwise); the episode's browser state goes into
``browser_context_args``. The header says which app, bugs and state the test is about and
how to host them (the `about` lines).

Every step kind is rendered by the one table `RENDER` (step model -> code), and each rendered
step does what the `Replayer` does for it: the same locators, timeouts and matching, and the
symptom assertions first wait the way `PageEvents.settle` does (requests in flight counted from
the start of the wait, plus the page's own in-flight fetch/XHR probe), never `networkidle`,
which returns at once on a page that is idle before the failing request starts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from frontendx.errors import ReproError
from frontendx.repro import _steps as s
from frontendx.repro import _visual as v
from frontendx.repro._finding import Finding

ACTION_TIMEOUT_MS = 10_000  # the replayer's: a step that cannot run fails after as long
AXE_FILE = "axe.min.js"
CONFTEST_FILE = "conftest.py"
_AXE_SOURCE = Path(__file__).resolve().parent.parent / "browser" / "vendor" / AXE_FILE


def _loc(loc: s.Locator, *, every: bool = False) -> str:
    if loc.role is not None:
        args = [repr(loc.role)]
        if loc.name is not None:
            args.append(f"name={loc.name!r}")
        if loc.exact:
            args.append("exact=True")
        base = f"page.get_by_role({', '.join(args)})"
    elif loc.test_id is not None:
        base = f"page.get_by_test_id({loc.test_id!r})"
    elif loc.css is not None:
        base = f"page.locator({loc.css!r})"
    elif loc.xpath is not None:
        base = f"page.locator({'xpath=' + loc.xpath!r})"
    else:
        method, value = next(
            (m, v)
            for m, v in (
                ("get_by_label", loc.label),
                ("get_by_placeholder", loc.placeholder),
                ("get_by_text", loc.text),
            )
            if v is not None
        )
        exact = ", exact=True" if loc.exact else ""
        base = f"page.{method}({value!r}{exact})"
    if loc.nth is not None:
        return base + f".nth({loc.nth})"
    return base if every else base + ".first"


def _goto(step: s.Goto) -> list[str]:
    if "://" in step.url:
        return [f"page.goto({step.url!r}, wait_until='load')"]
    return [f"page.goto(base_url + {('/' + step.url.lstrip('/'))!r}, wait_until='load')"]


def _press(step: s.Press) -> list[str]:
    if step.target is None:
        return [f"page.keyboard.press({step.key!r})"]
    return [f"{_loc(step.target)}.press({step.key!r})"]


def _upload(step: s.Upload) -> list[str]:
    payload = [{"name": f.name, "mimeType": f.mime_type, "buffer": f.content} for f in step.files]
    return [
        f"{_loc(step.target)}.set_input_files("
        f"[{{**f, 'buffer': f['buffer'].encode()}} for f in {payload!r}])"
    ]


def _wait_for(step: s.WaitFor) -> list[str]:
    if step.target is not None:
        return [f"{_loc(step.target)}.wait_for(state={step.state!r})"]
    return [f"page.wait_for_timeout({step.ms})"]


def _expect(e: s.Expect) -> list[str]:
    neg = "not_" if e.negate else ""
    t = f"timeout={max(1, e.timeout_ms)}"  # Playwright's 0 waits forever; ours checks once
    if e.condition == "url":
        return [f"expect_url(page, {e.url!r}, exact={e.exact}, negate={e.negate}, {t})"]
    assert e.target is not None  # the schema requires it for every other condition
    target = _loc(e.target)
    match e.condition:
        case "visible":
            return [f"expect({target}).{neg}to_be_visible({t})"]
        case "hidden":
            call = "to_be_visible" if e.negate else "to_be_hidden"
            return [f"expect({target}).{call}({t})"]
        case "text":
            method = "to_have_text" if e.exact else "to_contain_text"
            return [f"expect({target}).{neg}{method}({e.text!r}, {t})"]
        case "value":
            return [f"expect({target}).{neg}to_have_value({e.value!r}, {t})"]
        case "count":
            every = _loc(e.target, every=True)
            return [f"expect({every}).{neg}to_have_count({e.count}, {t})"]
        case "attribute":
            return [
                f"expect({target}).{neg}to_have_attribute("
                f"{e.attribute!r}, {e.attribute_value!r}, {t})"
            ]
        case "screenshot_region":
            return [
                "events.settle()",
                f"expect_region(events, {target}, {e.screenshot_sha256!r}, negate={e.negate})",
            ]
    raise AssertionError(f"unhandled condition {e.condition!r}")  # pragma: no cover


def _http(step: s.ExpectNoHttpError) -> list[str]:
    return ["events.settle()", f"events.expect_no_http_error({step.min_status}, {step.url!r})"]


def _axe(step: s.ExpectNoA11yViolation) -> list[str]:
    under = _loc(step.target) if step.target is not None else "None"
    return ["events.settle()", f"expect_no_a11y_violation(page, {step.rule!r}, {under})"]


def _visual(script: str, target: s.Locator, arg: float) -> list[str]:
    return [
        "events.settle()",
        f"expect_visual({_loc(target)}, {script}, {arg!r}, {target.describe()!r})",
    ]


def _focus(step: s.ExpectFocusVisible) -> list[str]:
    return [
        "events.settle()",
        f"expect_focus_visible(page, {_loc(step.target)}, {step.min_changed_pixels}, "
        f"{step.target.describe()!r})",
    ]


def _matches_base(step: s.ExpectMatchesBase, before: Sequence[s.Step] = ()) -> list[str]:
    """A nested `steps_before(page, events, base_url)` replaying the steps before the claim
    (`repro._visual.base_steps`), which the helper runs on a page of the base build."""
    body = [line for prev in v.base_steps(before) for line in render_step(prev)]
    return [
        "def steps_before(page, events, base_url):",
        "    # the steps before this claim, replayed on the base build's page",
        *(f"    {line}" for line in body or ["pass"]),
        "events.settle()",
        f"expect_matches_base(page, events, reference_url, steps_before, "
        f"lambda page: {_loc(step.target)}, {step.max_diff_ratio!r}, {step.pixel_tolerance}, "
        f"{step.target.describe()!r})",
    ]


RENDER: dict[type[Any], Callable[[Any], list[str]]] = {
    s.Goto: _goto,
    s.Click: lambda st: [f"{_loc(st.target)}.click()"],
    s.DblClick: lambda st: [f"{_loc(st.target)}.dblclick()"],
    s.Hover: lambda st: [f"{_loc(st.target)}.hover()"],
    s.Fill: lambda st: [f"{_loc(st.target)}.fill({st.value!r})"],
    s.Press: _press,
    s.Select: lambda st: [f"{_loc(st.target)}.select_option({st.values!r})"],
    s.Check: lambda st: [f"{_loc(st.target)}.check()"],
    s.Uncheck: lambda st: [f"{_loc(st.target)}.uncheck()"],
    s.Drag: lambda st: [f"{_loc(st.source)}.drag_to({_loc(st.target)})"],
    s.Upload: _upload,
    s.WaitFor: _wait_for,
    s.SetViewport: lambda st: [
        f"page.set_viewport_size({{'width': {st.width}, 'height': {st.height}}})"
    ],
    s.Expect: _expect,
    s.ExpectNoConsoleError: lambda st: [
        "events.settle()",
        f"events.expect_none('console error', events.console_errors, {st.pattern!r})",
    ],
    s.ExpectNoPageError: lambda st: [
        "events.settle()",
        f"events.expect_none('uncaught page error', events.page_errors, {st.pattern!r})",
    ],
    s.ExpectNoHttpError: _http,
    s.ExpectNoA11yViolation: _axe,
    s.ExpectNoLayoutOverlap: lambda st: [
        f"expect_no_layout_overlap({_loc(st.a)}, {_loc(st.b)}, {st.tolerance_px})"
    ],
    s.ExpectContrast: lambda st: _visual("CONTRAST_JS", st.target, st.min_ratio),
    s.ExpectNoOverflow: lambda st: _visual("OVERFLOW_JS", st.target, st.tolerance_px),
    s.ExpectFocusVisible: _focus,
    s.ExpectMatchesBase: _matches_base,
}
"""How each step kind is exported: the one table, next to the step models (a test fails
when a step model has no entry here)."""


def render_step(step: s.Step, before: Sequence[s.Step] = ()) -> list[str]:
    """The Python lines (sync Playwright, in a test with `page`, `events`, `base_url`, and
    `reference_url` for `expect_matches_base`, which replays the steps `before` it on the base
    build) that perform `step` the way the replayer does."""
    render = RENDER.get(type(step))
    if render is None:
        raise ReproError(f"step kind {step.action!r} has no rendering in repro._export.RENDER")
    if isinstance(step, s.ExpectMatchesBase):
        return _matches_base(step, before)
    return render(step)


# The runtime every exported file carries: fixtures over pytest-playwright's, and the helpers
# the rendered steps call. Kept in step with validate._replay and browser.PageEvents.
_PRELUDE = r'''
import base64
import hashlib
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

ACTION_TIMEOUT_MS = {action_timeout}
AXE = Path(os.environ.get("FRONTENDX_AXE") or Path(__file__).with_name("axe.min.js"))
INFLIGHT_PROBE = """(() => {{
  let n = 0;
  const fetch0 = window.fetch;
  window.fetch = function (...args) {{
    n++; return fetch0.apply(this, args).finally(() => {{ n--; }});
  }};
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {{
    n++; this.addEventListener('loadend', () => {{ n--; }}, {{ once: true }});
    return send0.apply(this, args);
  }};
  Object.defineProperty(window, '__fxInflight', {{ get: () => n }});
}})();"""
CONTRAST_JS = {contrast_js}
OVERFLOW_JS = {overflow_js}
BLUR_JS = {blur_js}
FOCUS_JS = {focus_js}
PIXEL_DIFF_JS = {pixel_diff_js}
FOCUS_MARGIN_PX = {focus_margin}
FOCUS_PIXEL_TOLERANCE = {focus_tolerance}
FOCUS_KEY = {focus_key!r}


@pytest.fixture(scope="session")
def base_url(base_url):
    """--base-url, else $FRONTENDX_APP_URL, else DEFAULT_URL."""
    return (base_url or os.environ.get("FRONTENDX_APP_URL") or DEFAULT_URL).rstrip("/")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The episode's browser state (viewport, locale, colour scheme, ...)."""
    return {{**browser_context_args, **CONTEXT}}


@pytest.fixture(scope="session")
def reference_url(pytestconfig):
    """The base build's root, for claims that compare with it: --reference-url (added by the
    conftest.py written beside this file), else $FRONTENDX_REFERENCE_URL."""
    url = pytestconfig.getoption("reference_url", default=None)
    url = url or os.environ.get("FRONTENDX_REFERENCE_URL")
    return url.rstrip("/") if url else None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name, playwright):
    """Chromium from $FRONTENDX_CHROMIUM, or the system's when `playwright install` has not
    fetched one; --browser, --browser-channel and an explicit executable are left alone."""
    args = dict(browser_type_launch_args)
    if browser_name != "chromium" or args.get("channel") or args.get("executable_path"):
        return args
    executable = os.environ.get("FRONTENDX_CHROMIUM")
    if not executable and not os.path.exists(playwright.chromium.executable_path):
        executable = shutil.which("chromium")
    if executable:
        args["executable_path"] = executable
    return args


class Events:
    """What the page showed (console errors, uncaught errors, HTTP errors) and its requests in
    flight, so symptom assertions can wait for the requests an action started."""

    def __init__(self, page, listen=True):
        self.page = page
        self.console_errors, self.page_errors, self.http_errors = [], [], []
        self.inflight = 0
        self.last_activity = time.monotonic()
        if not listen:  # a page of the base build: only its own fetch/XHR probe is read
            return
        context = page.context
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("request", self._started)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)
        context.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _started(self, request):
        self.inflight += 1
        self.last_activity = time.monotonic()

    def _done(self, request):
        self.inflight = max(0, self.inflight - 1)
        self.last_activity = time.monotonic()

    def _response(self, response):
        if response.status >= 400:
            self.http_errors.append((response.status, response.url))

    def settle(self, quiet_s=0.4, timeout_s=3.0):
        """Wait until no request has been in flight for `quiet_s` (or `timeout_s` passes).
        Quiet counts from the later of the last request and the start of this wait: the
        requests an action causes may start a moment after it."""
        started = time.monotonic()
        deadline = started + timeout_s
        while time.monotonic() < deadline:
            quiet_for = time.monotonic() - max(self.last_activity, started)
            if self.inflight == 0 and quiet_for >= quiet_s and self._page_idle():
                return
            self.page.wait_for_timeout(30)  # lets Playwright deliver the page's events

    def _page_idle(self):
        try:
            busy = self.page.evaluate("() => window.__fxInflight || 0")
        except Exception:  # navigating: the next poll asks again
            return False
        if busy:
            self.last_activity = time.monotonic()
        return not busy

    @staticmethod
    def expect_none(kind, seen, pattern):
        hits = [m for m in seen if pattern is None or re.search(pattern, m)]
        assert not hits, f"saw {{kind}}: {{hits[0][:300]}}"

    def expect_no_http_error(self, min_status, url_part):
        bad = [
            f"HTTP {{status}} {{path(url)}}"
            for status, url in self.http_errors
            if status >= min_status and (url_part is None or url_part in url)
        ]
        assert not bad, f"saw {{bad[0]}}" + (f" (+{{len(bad) - 1}})" if bad[1:] else "")


@pytest.fixture
def events(page, base_url):
    """The page, signed in and instrumented as the validator's replays are."""
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.set_default_navigation_timeout(2 * ACTION_TIMEOUT_MS)
    if COOKIES:
        page.context.add_cookies([{{**c, "url": base_url}} for c in COOKIES])
    if SIGN_IN:
        response = page.request.post(base_url + SIGN_IN["path"], data=SIGN_IN["data"])
        assert response.ok, f"signing in failed: HTTP {{response.status}}"
    page.add_init_script(INFLIGHT_PROBE)
    return Events(page)


def path(url, pattern=""):
    parts = urlsplit(url)
    current = parts.path + ("?" + parts.query if parts.query else "")
    # the fragment counts when the pattern has one (hash-routed apps)
    return current + ("#" + parts.fragment if "#" in pattern and parts.fragment else "")


def expect_url(page, url, exact, negate, timeout):
    deadline = time.monotonic() + timeout / 1000
    while True:
        current = path(page.url, url)
        matched = current == url if exact else url in current
        if matched != negate:
            return
        verb = "not " if negate else ""
        what = f"expected URL {{verb}}matching {{url!r}}, got {{current!r}}"
        assert time.monotonic() < deadline, what
        page.wait_for_timeout(50)


def expect_region(events, locator, sha256, negate):
    shot = locator.screenshot(timeout=ACTION_TIMEOUT_MS, animations="disabled")
    digest = hashlib.sha256(shot).hexdigest()
    assert (digest == sha256) != negate, f"region screenshot sha256 is {{digest}}"


def expect_no_a11y_violation(page, rule, under):
    if not page.evaluate("() => typeof window.axe === 'object'"):
        assert AXE.is_file(), (
            f"axe-core not found at {{AXE}}: put axe.min.js (npm package axe-core) next to "
            "this file or set FRONTENDX_AXE to its path"
        )
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    handle = under.element_handle(timeout=ACTION_TIMEOUT_MS) if under is not None else None
    try:
        result = page.evaluate(
            """async ([rule, el]) => {{
                if (!axe.getRules().some(r => r.ruleId === rule)) return {{unknown: true}};
                const only = {{runOnly: {{type: 'rule', values: [rule]}}}};
                const r = await axe.run(el || document, only);
                return {{violations: r.violations.map(v => ({{
                    help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}}))}};
            }}""",
            [rule, handle],
        )
    finally:
        if handle is not None:
            handle.dispose()
    assert not result.get("unknown"), f"axe-core has no rule {{rule!r}}"
    if result["violations"]:
        v = result["violations"][0]
        raise AssertionError(f"axe {{rule}}: {{v['help']}} at {{', '.join(v['nodes'][:3])}}")


def expect_no_layout_overlap(a, b, tolerance):
    boxes = []
    for found in (a, b):
        found.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
        box = found.bounding_box()
        assert box is not None, f"{{found}} has no layout box"
        boxes.append(box)
    ba, bb = boxes
    dx = min(ba["x"] + ba["width"], bb["x"] + bb["width"]) - max(ba["x"], bb["x"])
    dy = min(ba["y"] + ba["height"], bb["y"] + bb["height"]) - max(ba["y"], bb["y"])
    assert not (dx > tolerance and dy > tolerance), f"elements overlap by {{dx:.0f}}x{{dy:.0f}} px"


def expect_visual(locator, script, arg, what):
    locator.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
    result = locator.evaluate(script, arg)
    assert result["ok"], f"{{what}}: {{result['message']}}"


def pixel_diff(page, a, b, tolerance):
    pair = [base64.b64encode(a).decode(), base64.b64encode(b).decode(), tolerance]
    return page.evaluate(PIXEL_DIFF_JS, pair)


def expect_focus_visible(page, locator, least, what):
    locator.wait_for(state="visible", timeout=ACTION_TIMEOUT_MS)
    locator.scroll_into_view_if_needed(timeout=ACTION_TIMEOUT_MS)
    box = locator.bounding_box()
    assert box is not None, f"{{what}} has no layout box"
    width, height = page.evaluate("() => [innerWidth, innerHeight]")
    m = FOCUS_MARGIN_PX
    x0, y0 = max(0.0, box["x"] - m), max(0.0, box["y"] - m)
    x1 = min(float(width), box["x"] + box["width"] + m)
    y1 = min(float(height), box["y"] + box["height"] + m)
    clip = {{"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}}

    def shot():
        return page.screenshot(
            clip=clip, animations="disabled", scale="css", timeout=ACTION_TIMEOUT_MS
        )

    locator.evaluate(BLUR_JS)
    unfocused = shot()
    page.keyboard.press(FOCUS_KEY)
    assert locator.evaluate(FOCUS_JS), (
        f"{{what}} cannot take keyboard focus (it is not focusable), so it shows no focus "
        "indicator"
    )
    diff = pixel_diff(page, unfocused, shot(), FOCUS_PIXEL_TOLERANCE)
    assert diff["differing"] >= least, (
        f"{{what}} shows no visible focus indicator: focusing it from the keyboard changed "
        f"{{diff['differing']}} px of its box (+{{m}} px around), fewer than {{least}}"
    )


def expect_matches_base(
    page, events, reference_url, steps_before, region, max_diff_ratio, tolerance, what
):
    assert reference_url, (
        "expect_matches_base needs a base build to compare with: give its root with "
        "--reference-url or $FRONTENDX_REFERENCE_URL"
    )
    head = region(page).screenshot(timeout=ACTION_TIMEOUT_MS, animations="disabled")
    # the same steps on a page of the base build; what it logs is not counted as this page's
    lists = [events.console_errors, events.page_errors, events.http_errors]
    seen = [len(x) for x in lists]
    base_page = page.context.new_page()
    try:
        base_page.set_default_timeout(ACTION_TIMEOUT_MS)
        base_page.set_default_navigation_timeout(2 * ACTION_TIMEOUT_MS)
        base_page.add_init_script(INFLIGHT_PROBE)
        base_events = Events(base_page, listen=False)
        try:
            steps_before(base_page, base_events, reference_url)
        except Exception as exc:
            raise AssertionError(
                f"the steps before it do not replay on the base build: {{exc}}"
            ) from None
        base_events.settle()
        base = region(base_page).screenshot(timeout=ACTION_TIMEOUT_MS, animations="disabled")
    finally:
        base_page.close()
        for x, n in zip(lists, seen):
            del x[n:]
    diff = pixel_diff(page, head, base, tolerance)
    if diff["differing"] < 0:
        (w, h), (bw, bh) = diff["size"], diff["other"]
        raise AssertionError(
            f"{{what}}: the region is {{w}}x{{h}} px here and {{bw}}x{{bh}} px on the base build"
        )
    share = diff["differing"] / max(1, diff["total"])
    if share > max_diff_ratio:
        x, y, w, h = diff["box"]
        raise AssertionError(
            f"{{what}}: {{diff['differing']}} of {{diff['total']}} px ({{share:.2%}}) differ from "
            f"the base build by more than {{tolerance}} in a channel, above the "
            f"{{max_diff_ratio:.2%}} allowed (differences within {{w}}x{{h}} px at {{x}},{{y}})"
        )
'''

_CONFTEST = '''"""Written by FrontendX beside exported tests that compare with a base build."""


def pytest_addoption(parser):
    parser.addoption(
        "--reference-url",
        default=None,
        help="the base build's root URL, for expect_matches_base (else $FRONTENDX_REFERENCE_URL)",
    )
'''


def export_pytest(
    finding: Finding,
    *,
    app_url: str,
    context: dict[str, Any] | None = None,
    sign_in: dict[str, Any] | None = None,
    cookies: list[dict[str, str]] | None = None,
    name: str = "finding",
    filename: str = "test_finding.py",
    about: list[str] | None = None,
) -> str:
    """Python source of a pytest-playwright test that fails while the finding's claim fails.
    Every text the agent or user chose is either a `repr` literal or a comment without line
    breaks or control characters, so any title compiles; the source is compiled before it is
    returned."""
    return export_suite(
        [(name, finding)],
        app_url=app_url,
        context=context,
        sign_in=sign_in,
        cookies=cookies,
        filename=filename,
        about=about,
    )


def export_suite(
    tests: list[tuple[str, Finding]],
    *,
    app_url: str,
    context: dict[str, Any] | None = None,
    sign_in: dict[str, Any] | None = None,
    cookies: list[dict[str, str]] | None = None,
    filename: str = "test_findings.py",
    about: list[str] | None = None,
) -> str:
    """One pytest-playwright file with a test per (name, finding), all in one browser state.
    Names must be Python identifiers. `about`: header comment lines saying what the tests are
    about (app, bugs, state) and how to host it."""
    bad = [n for n, _ in tests if not n.isidentifier()]
    if bad or not tests:
        raise ReproError(f"test names must be Python identifiers, got {bad or 'no tests'}")
    titles = "\n".join(f"# Finding: {_comment(f.title)}" for _, f in tests)
    about_lines = "".join(f"# {_comment(line)}\n" for line in about or [])
    head = (
        '"""Findings exported by FrontendX as pytest-playwright tests."""\n\n'
        f"{titles}\n{about_lines}"
        f"# Run with: pytest {_comment(filename)} [--base-url URL] (needs pytest-playwright)\n"
        f"# Targets --base-url, else $FRONTENDX_APP_URL, else {_comment(app_url)}.\n"
        "# Accessibility claims load axe-core from axe.min.js beside this file or $FRONTENDX_AXE.\n"
        + (
            "# Base-build claims compare with --reference-url (conftest.py beside this file adds\n"
            "# it), else $FRONTENDX_REFERENCE_URL: the base build's root.\n"
            if any(_compares_with_base(f) for _, f in tests)
            else ""
        )
        + _PRELUDE.format(
            action_timeout=ACTION_TIMEOUT_MS,
            contrast_js=repr(v.CONTRAST_JS),
            overflow_js=repr(v.OVERFLOW_JS),
            blur_js=repr(v.BLUR_JS),
            focus_js=repr(v.FOCUS_JS),
            pixel_diff_js=repr(v.PIXEL_DIFF_JS),
            focus_margin=v.FOCUS_MARGIN_PX,
            focus_tolerance=v.FOCUS_PIXEL_TOLERANCE,
            focus_key=v.FOCUS_KEY,
        )
        + f"\nDEFAULT_URL = {app_url!r}\nCONTEXT = {dict(context or {})!r}\n"
        f"SIGN_IN = {sign_in!r}\nCOOKIES = {list(cookies or [])!r}\n"
    )
    bodies = []
    for name, finding in tests:
        reference = ", reference_url" if _compares_with_base(finding) else ""
        body = [f"\n\ndef test_{name}(page, events, base_url{reference}):"]
        for index, step in enumerate(finding.steps):
            body.append(f"    # step {index}: {step.action}")
            body.extend(f"    {line}" for line in render_step(step, finding.steps[:index]))
        bodies.append("\n".join(body))
    source = head + "".join(bodies) + "\n"
    try:
        compile(source, filename, "exec")
    except (SyntaxError, ValueError) as exc:
        titles_seen = [f.title for _, f in tests]
        raise ReproError(
            f"the exported test for {titles_seen[0]!r} does not compile ({exc}); nothing was "
            "written. This is a FrontendX bug: please report it with the finding"
        ) from None
    return source


def uses_axe(source: str) -> bool:
    """Whether an exported file checks accessibility (and so needs axe.min.js beside it)."""
    return "    expect_no_a11y_violation(page," in source


def _compares_with_base(finding: Finding) -> bool:
    return any(isinstance(step, s.ExpectMatchesBase) for step in finding.steps)


def uses_reference(source: str) -> bool:
    """Whether an exported file compares with a base build (and so wants `--reference-url`)."""
    return "    expect_matches_base(page," in source


def write_exported_test(path: Path, source: str) -> list[Path]:
    """Write an exported file, with the vendored axe-core next to it when it needs one, and a
    conftest.py adding `--reference-url` when it compares with a base build (unless a
    conftest.py of someone else's is there: then $FRONTENDX_REFERENCE_URL gives the URL);
    returns the files written."""
    path.write_text(source, encoding="utf-8")
    written = [path]
    if uses_axe(source):
        axe = path.with_name(AXE_FILE)
        axe.write_text(_AXE_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
        written.append(axe)
    conftest = path.with_name(CONFTEST_FILE)
    ours = not conftest.exists() or conftest.read_text(encoding="utf-8") == _CONFTEST
    if uses_reference(source) and ours:
        conftest.write_text(_CONFTEST, encoding="utf-8")
        written.append(conftest)
    return written


def _comment(text: str) -> str:
    """`text` safe inside a `#` comment: control, format, surrogate and line-separator
    characters (a NUL, a line break) become `?`, so the comment cannot end early or break
    the file's encoding."""
    return "".join(
        "?" if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") else c
        for c in text
    )
