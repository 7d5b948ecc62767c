"""Comparisons as a terminal table, Markdown (for pull-request comments), JUnit XML (for CI
test reports) and JSON. Labels hold agent names, which are untrusted text: Markdown escapes
them, XML escaping is done by ElementTree, and the table wraps them in `rich.text.Text`."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from rich.table import Table
from rich.text import Text

from frontendx.living import Comparison
from frontendx.metrics import MetricChange

_NAMES = {
    "recall": "recall",
    "fp_rate": "FP rate",
    "cost_per_validated_bug": "cost / validated bug",
    "ttr_median_s": "median TTR",
}


def _fmt(metric: str, value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    if math.isinf(value):
        return ("+" if value > 0 and signed else "-" if value < 0 else "") + "∞"
    sign = "+" if signed and value > 0 else ""
    if metric in ("recall", "fp_rate"):
        return f"{sign}{100 * value:.1f} pp" if signed else f"{100 * value:.1f}%"
    if metric == "cost_per_validated_bug":
        return f"{sign}${value:,.4f}" if value >= 0 else f"-${-value:,.4f}"
    return f"{sign}{value:,.1f}s"


def _ci(c: MetricChange) -> str:
    if c.diff_ci_low is None and c.diff_ci_high is None:
        return "—"
    return f"[{_fmt(c.metric, c.diff_ci_low, True)}, {_fmt(c.metric, c.diff_ci_high, True)}]"


def render_comparisons(comparisons: Sequence[Comparison]) -> Table:
    table = Table(title="comparison (new minus old, 95% bootstrap CI of the difference)")
    for col in ("old → new", "task", "cells", "metric", "old", "new", "change", "CI", "verdict"):
        table.add_column(col)
    for comp in comparisons:
        for c in comp.changes:
            style = {"worse": "bold red", "better": "green"}.get(c.verdict, "")
            table.add_row(
                Text(f"{comp.old} → {comp.new}"),
                comp.task,
                str(comp.cells),
                _NAMES[c.metric],
                _fmt(c.metric, c.old),
                _fmt(c.metric, c.new),
                _fmt(c.metric, c.diff, True),
                _ci(c),
                Text(c.verdict, style=style),
            )
    return table


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&])")


def _md(text: str) -> str:
    """Escape Markdown and HTML in untrusted text for a GitHub comment."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def to_markdown(comparisons: Sequence[Comparison]) -> str:
    worse = [c for c in comparisons if c.regression]
    lines = [
        "## FrontendX comparison",
        "",
        (
            f"**{len(worse)} regression(s)** beyond the 95% CI."
            if worse
            else "No regression beyond the 95% CI."
        ),
        "",
        "| old → new | task | cells | metric | old | new | change | 95% CI | verdict |",
        "|---|---|---:|---|---:|---:|---:|---|---|",
    ]
    for comp in comparisons:
        for c in comp.changes:
            mark = {"worse": "❌ worse", "better": "✅ better"}.get(c.verdict, c.verdict)
            lines.append(
                f"| {_md(comp.old)} → {_md(comp.new)} | {comp.task} | {comp.cells} "
                f"| {_NAMES[c.metric]} | {_fmt(c.metric, c.old)} | {_fmt(c.metric, c.new)} "
                f"| {_fmt(c.metric, c.diff, True)} | {_ci(c)} | {mark} |"
            )
    return "\n".join(lines) + "\n"


def to_junit(comparisons: Sequence[Comparison]) -> str:
    """One test case per (comparison, metric); a regression is a failure."""
    suite = ET.Element("testsuite", name="frontendx.compare")
    failures = 0
    for comp in comparisons:
        for c in comp.changes:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{comp.new}.{comp.task}",
                name=f"{c.metric} vs {comp.old}",
            )
            if c.worse:
                failures += 1
                failure = ET.SubElement(
                    case, "failure", message=f"{_NAMES[c.metric]} worse beyond its CI"
                )
                failure.text = (
                    f"old {_fmt(c.metric, c.old)}, new {_fmt(c.metric, c.new)}, "
                    f"change {_fmt(c.metric, c.diff, True)}, 95% CI {_ci(c)}, "
                    f"n {c.n_old} vs {c.n_new}"
                )
    suite.set("tests", str(sum(len(c.changes) for c in comparisons)))
    suite.set("failures", str(failures))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _num(x: float | None) -> float | str | None:
    return x if x is None or math.isfinite(x) else ("inf" if x > 0 else "-inf")


def comparisons_to_json(comparisons: Sequence[Comparison]) -> str:
    data: list[dict[str, Any]] = [
        {
            "old": comp.old,
            "new": comp.new,
            "task": comp.task,
            "cells": comp.cells,
            "regression": comp.regression,
            "changes": [
                {
                    "metric": c.metric,
                    "old": _num(c.old),
                    "new": _num(c.new),
                    "diff": _num(c.diff),
                    "diff_ci_low": _num(c.diff_ci_low),
                    "diff_ci_high": _num(c.diff_ci_high),
                    "n_old": c.n_old,
                    "n_new": c.n_new,
                    "verdict": c.verdict,
                }
                for c in comp.changes
            ],
        }
        for comp in comparisons
    ]
    return json.dumps(data, indent=2)
