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


def test_every_malformed_step_is_reported_not_only_the_first() -> None:
    with pytest.raises(ReproError) as caught:
        parse_steps(
            [
                {"action": "click", "target": {"testid": "buy"}},
                {"action": "fill", "target": {"label": "Email"}},
                {"action": "expect_no_page_error"},
            ]
        )
    text = str(caught.value)
    assert "step 0 (click): field `target.testid`: unknown field 'testid'" in text
    assert "did you mean 'test_id'?" in text
    assert "step 1 (fill): field `value`: Field required" in text


def test_a_url_claim_compares_the_fragment_only_when_its_pattern_has_one() -> None:
    from frontendx.validate._replay import url_for_match

    url = "http://127.0.0.1:8000/list?x=1#/bought"
    assert url_for_match(url, "#/bought") == "/list?x=1#/bought"
    assert url_for_match(url, "/list") == "/list?x=1"
    assert url_for_match("http://127.0.0.1:8000/#/bougth", "#/bought") == "/#/bougth"


def test_the_reference_is_generated_from_the_step_models() -> None:
    # docs/repro-language.md is `python -m frontendx.repro._doc`'s output: a model that
    # changes (a field, a default, a bound, a new action) without the doc failing here
    from frontendx.repro import ACTIONS
    from frontendx.repro._doc import DOC, EXAMPLES, NOTES, render

    assert set(EXAMPLES) == set(NOTES) == set(ACTIONS), "every action needs an example and note"
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/repro-language.md is out of date: run python -m frontendx.repro._doc"
    )
    text = render()
    assert "| `timeout_ms` | int | `2000` | >= 0, <= 30000 |" in text
    assert "expect(page.get_by_test_id('left').first).to_contain_text(" in text


def test_the_reference_changes_when_a_model_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from frontendx.repro._doc import render

    before = render()
    monkeypatch.setattr(Expect.model_fields["timeout_ms"], "default", 5000)
    assert render() != before
