"""Report renderers: rich table, JSON and CSV of metrics rows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console

from frontendx.metrics import MetricsRow
from frontendx.report import render_table, to_csv, to_json


def row(**overrides: Any) -> MetricsRow:
    """A metrics row with plausible figures; any field can be overridden."""
    fields: dict[str, Any] = {
        "agent": "oracle",
        "agent_name": "oracle",
        "agent_version": "1.0",
        "task": "explore",
        "slice": {},
        "trust": "builtin",
        "n_episodes": 12,
        "n_infra_errors": 0,
        "n_agent_errors": 0,
        "statuses": {"ok": 12},
        "n_findings": 30,
        "n_false_positives": 3,
        "n_validated": 24,
        "n_manifestable": 30,
        "recall": 0.8,
        "recall_ci_low": 0.7,
        "recall_ci_high": 0.9,
        "fp_rate": 0.1,
        "fp_rate_ci_low": 0.0,
        "fp_rate_ci_high": 0.2,
        "precision": 0.9,
        "ttr_median_s": 42.0,
        "ttr_ci_low": 30.0,
        "ttr_ci_high": None,
        "found_within_budget": 0.8,
        "steps_to_repro_median": 4.0,
        "model_cost_usd": 1.5,
        "compute_cost_usd": 0.25,
        "cost_per_validated_bug": 1.75 / 24,
        "cost_per_validated_bug_ci_low": 0.05,
        "cost_per_validated_bug_ci_high": 0.1,
        "human_minutes_saved": 120.0,
        "human_minutes_saved_ci_low": 80.0,
        "human_minutes_saved_ci_high": 160.0,
        "questions": 2,
        "constants_version": "2026.11-1",
        "confidence": 0.95,
    }
    fields.update(overrides)
    return MetricsRow(**fields)


def render(rows: list[MetricsRow]) -> str:
    console = Console(record=True, width=250, color_system=None)
    console.print(render_table(rows))
    return console.export_text()


def test_table_shows_figures_with_intervals_and_constants_version() -> None:
    text = render([row()])
    assert "80% [70%, 90%]" in text
    assert "10% [0%, 20%]" in text
    assert "42s [30s, > budget]" in text  # open upper bound: the median beyond the budget
    assert "2026.11-1" in text


def _cells(text: str, agent: str) -> list[str]:
    line = next(ln for ln in text.splitlines() if agent in ln)
    return [c.strip() for c in line.strip("│┃ ").split("│")]


def test_table_shows_infra_and_agent_error_counts_and_trust_per_row() -> None:
    text = render(
        [
            row(agent="alpha", n_infra_errors=3, n_agent_errors=5, trust="trusted"),
            row(agent="beta", n_episodes=7, n_infra_errors=0, n_agent_errors=2),
        ]
    )
    header = next(ln for ln in text.splitlines() if "agent err" in ln)
    columns = [c.strip() for c in header.strip("┃ ").split("┃")]
    alpha, beta = _cells(text, "alpha"), _cells(text, "beta")
    pick = [columns.index(c) for c in ("version", "trust", "n", "infra err", "agent err")]
    assert [alpha[i] for i in pick] == ["1.0", "trusted", "12", "3", "5"]
    assert [beta[i] for i in pick] == ["1.0", "builtin", "7", "0", "2"]


def test_json_and_csv_carry_infra_and_agent_error_counts_and_trust() -> None:
    rows = [row(n_infra_errors=3, n_agent_errors=5, trust="sandboxed")]
    [out] = json.loads(to_json(rows, meta={}))["rows"]
    assert (out["n_infra_errors"], out["n_agent_errors"], out["trust"]) == (3, 5, "sandboxed")
    [line] = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert (line["n_infra_errors"], line["n_agent_errors"], line["trust"]) == (
        "3",
        "5",
        "sandboxed",
    )


def test_table_prints_odd_agent_names_literally() -> None:
    odd = '[bold red]evil[/] [/nope] \x1b[31m, "q"\nline2'
    text = render([row(agent=odd, agent_name=odd, slice={"category": "[i]x[/i]"})])
    assert "[bold red]evil[/]" in text  # not interpreted as rich markup
    assert "[/nope]" in text  # a stray closing tag would raise MarkupError if parsed
    assert "category=[i]x[/i]" in text


def test_table_shows_a_dash_for_undefined_figures() -> None:
    text = render([row(recall=None, recall_ci_low=None, recall_ci_high=None, fp_rate=None)])
    assert "—" in text


def test_json_has_meta_and_every_field_with_null_for_none() -> None:
    rows = [row(slice={"category": "a11y"}, fp_rate=None, fp_rate_ci_low=None)]
    data = json.loads(to_json(rows, meta={"run": "r1", "seed": 0}))
    assert data["meta"] == {"run": "r1", "seed": 0, "constants_versions": ["2026.11-1"]}
    [out] = data["rows"]
    assert set(out) == set(MetricsRow.model_fields)
    assert out["fp_rate"] is None
    assert out["recall"] == 0.8
    assert out["slice"] == {"category": "a11y"}
    assert out["statuses"] == {"ok": 12}
    assert MetricsRow.model_validate(out) == rows[0]  # round-trips


def test_json_keeps_a_caller_given_constants_version() -> None:
    data = json.loads(to_json([row()], meta={"constants_versions": "given"}))
    assert data["meta"]["constants_versions"] == "given"


def test_csv_flattens_slice_and_status_columns() -> None:
    rows = [
        row(slice={"app": "shop", "category": "ui"}, statuses={"ok": 2, "timeout": 1}),
        row(agent="null", slice={"app": "blog"}, statuses={"infra_error": 1}),
    ]
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert len(parsed) == 2
    first, second = parsed
    assert (first["slice_app"], first["slice_category"]) == ("shop", "ui")
    assert (second["slice_app"], second["slice_category"]) == ("blog", "")
    assert (first["status_ok"], first["status_timeout"], first["status_infra_error"]) == (
        "2",
        "1",
        "0",
    )
    assert "slice" not in first and "statuses" not in first
    assert first["recall"] == "0.8"
    assert first["ttr_ci_high"] == ""  # None is an empty cell
    header = next(csv.reader(io.StringIO(to_csv(rows))))
    assert header[:6] == [
        "agent",
        "agent_name",
        "agent_version",
        "task",
        "slice_app",
        "slice_category",
    ]


def test_csv_round_trips_odd_agent_names() -> None:
    odd = 'a,b "c"\nd\x00e'
    [parsed] = list(csv.DictReader(io.StringIO(to_csv([row(agent=odd)]))))
    assert parsed["agent"] == odd


def test_empty_reports_do_not_crash() -> None:
    assert to_csv([]).startswith("agent,agent_name,agent_version,task,")
    assert json.loads(to_json([], meta={}))["rows"] == []
    render([])
