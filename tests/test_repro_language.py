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
