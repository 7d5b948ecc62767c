"""A `generate` episode's kept suite as one runnable pytest-playwright file (`export-suite`)."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from frontendx.errors import ConfigError, FrontendXError
from frontendx.records import EpisodeResult, GeneratedTestStatus
from frontendx.repro import Finding, export_suite
from frontendx.suite import app_for


def browser_setup(
    result: EpisodeResult,
) -> tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, str]]]:
    """The episode's browser state as an exported file sets it up: the context arguments
    (viewport, locale, colour scheme, ...), the sign-in of its role, the flags cookie."""
    state = result.spec.state
    sign_in = None
    cookies = []
    app = None
    if state.flags or state.role != "anonymous":
        app = app_for(result.spec.app, result.spec.app_source)
    if state.flags and app is not None:
        # feature flags reach the app as a cookie, as in the episode's sandbox
        cookies.append({"name": app.manifest.flags_cookie, "value": json.dumps(state.flags)})
    if app is not None and state.role in app.manifest.accounts:
        account, login = app.manifest.accounts[state.role], app.manifest.login
        sign_in = {
            "path": login.path,
            "data": {login.email_field: account.email, login.password_field: account.password},
        }
    context = {
        "viewport": state.viewport.model_dump(),
        "is_mobile": state.is_mobile,
        "has_touch": state.has_touch,
        "device_scale_factor": state.device_scale_factor,
        "locale": state.locale,
        "timezone_id": state.timezone,
        "color_scheme": state.color_scheme,
    }
    return context, sign_in, cookies


def serve_command(app_arg: str, bugs: tuple[str, ...], every: tuple[str, ...], state: str) -> str:
    """The `frontendx app serve` line that hosts variant `bugs` of an app whose bugs are
    `every` (every bug on is the command's default)."""
    if not bugs:
        variant = "--clean"
    elif set(bugs) == set(every):
        variant = ""
    else:
        variant = "--bugs " + ",".join(sorted(bugs))
    return " ".join(p for p in ("frontendx app serve", app_arg, variant, f"--state {state}") if p)


def variant_words(bugs: tuple[str, ...], every: tuple[str, ...]) -> str:
    """``clean (no bugs)``, ``all 13 bugs`` or the ids, as the dashboard says variants."""
    if not bugs:
        return "clean (no bugs)"
    if set(bugs) == set(every) and len(every) > 1:
        return f"all {len(every)} bugs"
    return ("bug " if len(bugs) == 1 else "bugs ") + ", ".join(sorted(bugs))


def about_export(result: EpisodeResult, what: str, *, app_url: str, filename: str) -> list[str]:
    """The header lines of an exported file: the app, the bugs on and the browser state it
    was made on, what it holds (`what`), and how to host that variant and run the file."""
    spec = result.spec
    try:
        every = tuple(sorted(app_for(spec.app, spec.app_source).suite_bugs))
    except FrontendXError:  # an added app moved or renamed since: name the bugs one by one
        every = ()
    bugs = tuple(sorted(spec.bugs))
    lines = [f"App: {spec.app} · state: {spec.state.name} · {what}"]
    named = "Bugs on: " + (", ".join(bugs) if bugs else "none (the clean app)")
    lines += textwrap.wrap(named, 96, subsequent_indent="    ", break_on_hyphens=False)
    app_arg = spec.app_source or spec.app
    change = spec.task.change
    if change is not None:  # a change review: its head build, and its base beside it
        lines.append(f"Change: {change} (its head build; its base build is the reference)")
        state = spec.state.name
        lines.append(f"Host it: frontendx app serve {app_arg} --change {change} --state {state}")
        lines.append(f"and:     frontendx app serve {app_arg} --change {change} --base --port 8001")
        lines.append(
            f"then:    FRONTENDX_APP_URL={app_url} "
            f"FRONTENDX_REFERENCE_URL=http://localhost:8001 pytest {filename}"
        )
        return lines
    lines.append(f"Host it: {serve_command(app_arg, bugs, every, spec.state.name)}")
    lines.append(f"then:    FRONTENDX_APP_URL={app_url} pytest {filename}")
    return lines


def _identifier(index: int, name: str) -> str:
    """A Python name for a test (the file's `test_<name>`): its name's words and its index."""
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()[:60]
    ident = f"{slug}_{index}" if slug else f"generated_{index}"
    return ident if ident.isidentifier() else f"n{ident}"


def export_generated_suite(
    result: EpisodeResult,
    *,
    episode_id: int,
    app_url: str,
    filename: str = "test_generated.py",
) -> str:
    """The source of one pytest file with a test per kept test of a `generate` episode. It
    passes on the clean app and fails on every variant the suite killed. Raises `ConfigError`
    when the episode is not a `generate` episode or kept no test."""
    if result.spec.task.kind != "generate":
        raise ConfigError(
            f"episode {episode_id} is a {result.spec.task.kind!r} episode; export-suite "
            "exports the suite of a `generate` episode (export-test exports a finding)"
        )
    kept = [t for t in result.tests if t.status is GeneratedTestStatus.KEPT and t.steps]
    if not kept:
        raise ConfigError(
            f"episode {episode_id} kept none of its {len(result.tests)} generated tests "
            "(each must pass 3 of 3 runs on the clean app); nothing to export"
        )
    tests = [
        (_identifier(t.index, t.name), Finding(title=t.name, steps=list(t.steps or [])))
        for t in kept
    ]
    context, sign_in, cookies = browser_setup(result)
    what = (
        f"generated by {result.spec.agent.label} (episode {episode_id}): {len(kept)} kept "
        f"test{'s' if len(kept) != 1 else ''}, {len(result.kills)} seeded "
        f"bug{'s' if len(result.kills) != 1 else ''} killed"
    )
    return export_suite(
        tests,
        app_url=app_url,
        context=context,
        sign_in=sign_in,
        cookies=cookies,
        filename=filename,
        about=about_export(result, what, app_url=app_url, filename=filename),
    )
