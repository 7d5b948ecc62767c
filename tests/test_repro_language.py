"""The repro language: schema, located errors, JSON round trip."""

from __future__ import annotations

import json

import pytest

from frontendx.errors import ReproError
from frontendx.repro import Expect, Finding, Locator, parse_finding, parse_steps


def test_steps_round_trip_through_json() -> None:
    raw = [
        {"action": "goto", "url": "/cart"},
        {"action": "fill", "target": {"label": "Coupon"}, "value": "SAVE10"},
        {"action": "click", "target": {"role": "button", "name": "Apply"}},
        {"action": "expect", "condition": "text", "target": {"test_id": "total"}, "text": "$9"},
        {"action": "expect_no_http_error", "min_status": 500},
    ]
    steps = parse_steps(raw)
    again = parse_steps(json.loads(json.dumps([s.model_dump(mode="json") for s in steps])))
    assert again == steps
    assert isinstance(steps[3], Expect) and steps[3].is_assertion


def test_unknown_action_names_the_step_and_lists_actions() -> None:
    with pytest.raises(ReproError, match=r"step 1 \(teleport\): field `action`.*goto, click"):
        parse_steps([{"action": "goto", "url": "/"}, {"action": "teleport"}])


def test_missing_field_names_the_step_and_field() -> None:
    with pytest.raises(ReproError, match=r"step 0 \(fill\): field `value`"):
        parse_steps(
            [{"action": "fill", "target": {"label": "Email"}}, {"action": "expect_no_page_error"}]
        )


def test_locator_needs_exactly_one_kind() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        Locator(role="button", css="button")
    with pytest.raises(ValueError, match="only valid together with `role`"):
        Locator(text="Buy", name="Buy")


def test_expect_condition_requires_its_fields() -> None:
    with pytest.raises(ReproError, match="expect 'text' needs text"):
        parse_steps([{"action": "expect", "condition": "text", "target": {"css": "h1"}}])


def test_steps_without_an_assertion_have_no_claim() -> None:
    with pytest.raises(ReproError, match="no assertion"):
        parse_steps([{"action": "goto", "url": "/"}])


def test_finding_errors_name_the_field() -> None:
    with pytest.raises(ReproError, match="field `title`"):
        parse_finding({"steps": [{"action": "expect_no_page_error"}]})
    with pytest.raises(ReproError, match="must be a JSON object"):
        parse_finding(["not", "a", "finding"])


def test_finding_is_frozen_and_found_at_is_optional() -> None:
    finding = parse_finding({"title": "x", "steps": [{"action": "expect_no_page_error"}]})
    assert isinstance(finding, Finding) and finding.found_at is None
    with pytest.raises(ValueError):
        finding.title = "y"  # type: ignore[misc]


def test_every_step_kind_has_an_export_rendering() -> None:
    from frontendx.repro import RENDER
    from frontendx.repro._steps import step_models

    missing = [m.__name__ for m in step_models() if m not in RENDER]
    assert not missing, f"step kinds without an export rendering in repro._export.RENDER: {missing}"
    assert set(RENDER) == set(step_models())


def test_a_step_kind_without_a_rendering_is_a_clear_export_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from frontendx.repro import RENDER, ExpectNoPageError, export_pytest

    monkeypatch.delitem(RENDER, ExpectNoPageError)
    finding = parse_finding(
        {
            "title": "t",
            "steps": [{"action": "goto", "url": "/"}, {"action": "expect_no_page_error"}],
        }
    )
    with pytest.raises(ReproError, match="'expect_no_page_error' has no rendering"):
        export_pytest(finding, app_url="http://127.0.0.1:1")


def test_exported_a11y_claim_checks_only_its_target() -> None:
    from frontendx.repro import render_step

    scoped = parse_steps(
        [{"action": "expect_no_a11y_violation", "rule": "label", "target": {"css": "form"}}]
    )[0]
    assert render_step(scoped)[-1] == (
        "expect_no_a11y_violation(page, 'label', page.locator('form').first)"
    )


def test_exported_symptom_assertions_settle_like_the_replayer_not_networkidle() -> None:
    from frontendx.repro import export_pytest

    finding = parse_finding(
        {
            "title": "t",
            "steps": [{"action": "goto", "url": "/"}, {"action": "expect_no_http_error"}],
        }
    )
    source = export_pytest(finding, app_url="http://127.0.0.1:1")
    assert "networkidle" not in source
    body = source.split("def test_finding(page, events, base_url):")[1]
    assert body.index("events.settle()") < body.index("events.expect_no_http_error(500, None)")
    # the in-flight probe the validator's contexts carry is installed before the first goto
    assert "page.add_init_script(INFLIGHT_PROBE)" in source
