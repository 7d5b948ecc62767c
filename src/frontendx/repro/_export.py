"""Exporting a finding as a runnable Playwright (Python, sync API) pytest file.

The test needs only Playwright and pytest. It targets $FRONTENDX_APP_URL (default: the URL
the finding was recorded against) and $FRONTENDX_CHROMIUM (default: the system's Chromium).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from frontendx.errors import ReproError
from frontendx.repro import _steps as s
from frontendx.repro._finding import Finding


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


def _expect(e: s.Expect) -> list[str]:
    neg = "not_" if e.negate else ""
    t = f"timeout={e.timeout_ms}"
    if e.condition == "url":
        op = "==" if e.exact else "in"
        cond = f"{e.url!r} {op} _path(page.url)" if op == "in" else f"_path(page.url) == {e.url!r}"
        if e.negate:
            cond = f"not ({cond})"
        return [f"_eventually(lambda: {cond}, {e.timeout_ms}, 'URL check: ' + {e.url!r})"]
    assert e.target is not None
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
        case _:
            op = "!=" if e.negate else "=="
            return [
                f"_digest = hashlib.sha256({target}.screenshot(animations='disabled')).hexdigest()",
                f"assert _digest {op} {e.screenshot_sha256!r}, 'region screenshot changed'",
            ]


def _step(step: s.Step) -> list[str]:
    match step:
        case s.Goto(url=url):
            target = repr(url) if "://" in url else f"BASE_URL + {('/' + url.lstrip('/'))!r}"
            return [f"page.goto({target})"]
        case s.Click(target=loc):
            return [f"{_loc(loc)}.click()"]
        case s.DblClick(target=loc):
            return [f"{_loc(loc)}.dblclick()"]
        case s.Hover(target=loc):
            return [f"{_loc(loc)}.hover()"]
        case s.Fill(target=loc, value=value):
            return [f"{_loc(loc)}.fill({value!r})"]
        case s.Press(key=key, target=loc):
            return [f"{_loc(loc)}.press({key!r})" if loc else f"page.keyboard.press({key!r})"]
        case s.Select(target=loc, values=values):
            return [f"{_loc(loc)}.select_option({values!r})"]
        case s.Check(target=loc):
            return [f"{_loc(loc)}.check()"]
        case s.Uncheck(target=loc):
            return [f"{_loc(loc)}.uncheck()"]
        case s.Drag(source=src, target=dst):
            return [f"{_loc(src)}.drag_to({_loc(dst)})"]
        case s.Upload(target=loc, files=files):
            payload = [
                {"name": f.name, "mimeType": f.mime_type, "buffer": f.content} for f in files
            ]
            return [
                f"{_loc(loc)}.set_input_files("
                f"[{{**f, 'buffer': f['buffer'].encode()}} for f in {payload!r}])"
            ]
        case s.WaitFor(target=loc, state=state, ms=ms):
            if loc is not None:
                return [f"{_loc(loc)}.wait_for(state={state!r})"]
            return [f"page.wait_for_timeout({ms})"]
        case s.SetViewport(width=w, height=h):
            return [f"page.set_viewport_size({{'width': {w}, 'height': {h}}})"]
        case s.Expect():
            return _expect(step)
        case s.ExpectNoConsoleError(pattern=pattern):
            return [f"_none('console error', events['console'], {pattern!r})"]
        case s.ExpectNoPageError(pattern=pattern):
            return [f"_none('uncaught page error', events['page'], {pattern!r})"]
        case s.ExpectNoHttpError(min_status=status, url=url):
            return [
                "_settle(page)",
                f"_bad = [f'HTTP {{c}} {{u}}' for c, u in events['http'] if c >= {status} "
                f"and ({url!r} is None or {url!r} in u)]",
                "assert not _bad, f'saw {_bad[0]}'",
            ]
        case s.ExpectNoA11yViolation(rule=rule):
            return [f"_axe(page, {rule!r})"]
        case s.ExpectNoLayoutOverlap(a=a, b=b, tolerance_px=tol):
            return [f"_no_overlap({_loc(a)}, {_loc(b)}, {tol})"]
    raise AssertionError(f"unhandled step {step!r}")  # pragma: no cover


_PRELUDE = '''\
"""A finding exported by FrontendX as a Playwright pytest test."""

# Finding: {title}
# Run with: pytest {filename}
# Targets $FRONTENDX_APP_URL (recorded against {url}).

import hashlib
import os
import re
import shutil
import time
from importlib import resources

import pytest
from playwright.sync_api import expect, sync_playwright

BASE_URL = os.environ.get("FRONTENDX_APP_URL", {url!r}).rstrip("/")
CONTEXT = {context!r}
SIGN_IN = {sign_in!r}
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _path(url):
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _eventually(check, timeout_ms, what):
    deadline = time.monotonic() + timeout_ms / 1000
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _settle(page):
    try:
        page.wait_for_load_state("networkidle", timeout=3000)
    except Exception:
        pass


def _axe(page, rule):
    _settle(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        source = resources.files("frontendx").joinpath("browser/vendor/axe.min.js").read_text()
        page.add_script_tag(content=source)
    found = page.evaluate(
        "async r => (await axe.run(document, {{runOnly: {{type: 'rule', values: [r]}}}}))"
        ".violations.map(v => v.help)", rule)
    assert not found, f"axe {{rule}}: {{found[0]}}"


def _no_overlap(a, b, tolerance):
    a.wait_for(state="visible")
    b.wait_for(state="visible")
    ba, bb = a.bounding_box(), b.bounding_box()
    dx = min(ba["x"] + ba["width"], bb["x"] + bb["width"]) - max(ba["x"], bb["x"])
    dy = min(ba["y"] + ba["height"], bb["y"] + bb["height"]) - max(ba["y"], bb["y"])
    assert not (dx > tolerance and dy > tolerance), f"elements overlap by {{dx:.0f}}x{{dy:.0f}} px"


@pytest.fixture
def page():
    executable = os.environ.get("FRONTENDX_CHROMIUM") or shutil.which("chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        context = browser.new_context(**CONTEXT)
        if SIGN_IN:
            context.request.post(BASE_URL + SIGN_IN["path"], data=SIGN_IN["data"])
        page = context.new_page()
        page.events = {{"console": [], "page": [], "http": []}}
        page.on("console", lambda m: m.type == "error" and page.events["console"].append(m.text))
        page.on("pageerror", lambda e: page.events["page"].append(str(e)))
        page.on("response", lambda r: page.events["http"].append((r.status, r.url)))
        yield page
        browser.close()


def _none(kind, seen, pattern):
    hits = [m for m in seen if pattern is None or re.search(pattern, m)]
    assert not hits, f"saw {{kind}}: {{hits[0]}}"


def test_{name}(page):
    events = page.events
'''


def export_pytest(
    finding: Finding,
    *,
    app_url: str,
    context: dict[str, Any] | None = None,
    sign_in: dict[str, Any] | None = None,
    name: str = "finding",
    filename: str = "test_finding.py",
) -> str:
    """Python source of a pytest test that fails while the finding's claim fails. Every text
    the agent or user chose is either a `repr` literal or a comment without line breaks or
    control characters, so any title compiles; the source is compiled before it is returned."""
    head = _PRELUDE.format(
        title=_comment(finding.title),
        filename=_comment(filename),
        url=_comment(app_url),
        context=context or {},
        sign_in=sign_in,
        name=name,
    )
    body = []
    for index, step in enumerate(finding.steps):
        body.append(f"    # step {index}: {step.action}")
        if isinstance(step, s.ExpectNoConsoleError | s.ExpectNoPageError):
            body.append("    _settle(page)")
        body.extend(f"    {line}" for line in _step(step))
    source = head + "\n".join(body) + "\n"
    try:
        compile(source, filename, "exec")
    except (SyntaxError, ValueError) as exc:
        raise ReproError(
            f"the exported test for {finding.title!r} does not compile ({exc}); nothing was "
            "written. This is a FrontendX bug: please report it with the finding"
        ) from None
    return source


def _comment(text: str) -> str:
    """`text` safe inside a `#` comment: control, format, surrogate and line-separator
    characters (a NUL, a line break) become `?`, so the comment cannot end early or break
    the file's encoding."""
    return "".join(
        "?" if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") else c
        for c in text
    )
