"""A stored finding as a runnable pytest-playwright file, in the episode's browser state."""

from __future__ import annotations

import json

from frontendx.errors import ConfigError
from frontendx.records import EpisodeResult
from frontendx.report._suite_export import about_export
from frontendx.repro import export_pytest
from frontendx.suite import app_for


def export_finding_test(
    result: EpisodeResult,
    finding_index: int,
    *,
    episode_id: int,
    app_url: str = "http://127.0.0.1:8000",
    filename: str = "test_finding.py",
) -> str:
    """The source of a pytest file that replays finding `finding_index` of an episode with
    the episode's viewport, locale, colour scheme and sign-in. Raises `ConfigError` for an
    index out of range or a malformed finding."""
    if not 0 <= finding_index < len(result.findings):
        raise ConfigError(
            f"episode {episode_id} has {len(result.findings)} findings; "
            f"finding {finding_index} is out of range"
        )
    reported = result.findings[finding_index]
    if reported.finding is None:
        raise ConfigError(
            f"finding {finding_index} of episode {episode_id} is malformed "
            f"({reported.error}); nothing to export"
        )
    state = result.spec.state
    sign_in = None
    cookies = []
    if state.flags:
        # feature flags reach the app as a cookie, as in the episode's sandbox
        name = app_for(result.spec.app, result.spec.app_source).manifest.flags_cookie
        cookies.append({"name": name, "value": json.dumps(state.flags)})
    if state.role != "anonymous":
        app = app_for(result.spec.app, result.spec.app_source)
        if state.role in app.manifest.accounts:
            account, login = app.manifest.accounts[state.role], app.manifest.login
            sign_in = {
                "path": login.path,
                "data": {login.email_field: account.email, login.password_field: account.password},
            }
    return export_pytest(
        reported.finding,
        app_url=app_url,
        context={
            "viewport": state.viewport.model_dump(),
            "is_mobile": state.is_mobile,
            "has_touch": state.has_touch,
            "device_scale_factor": state.device_scale_factor,
            "locale": state.locale,
            "timezone_id": state.timezone,
            "color_scheme": state.color_scheme,
        },
        sign_in=sign_in,
        cookies=cookies,
        name=f"episode_{episode_id}_finding_{finding_index}",
        filename=filename,
        about=about_export(
            result,
            f"found by {result.spec.agent.label} (episode {episode_id}, finding {finding_index})",
            app_url=app_url,
            filename=filename,
        ),
    )
