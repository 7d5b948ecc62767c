"""Metrics rows as a terminal table, JSON and CSV.

Agent names, versions and slice values come from plug-in agents and user run specs: they are
untrusted text. In the table they are wrapped in `rich.text.Text`, which rich never parses as
markup, so a name like ``[bold]x[/]`` prints literally instead of styling or crashing the table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from rich.table import Table
from rich.text import Text

from frontendx.metrics import MetricsRow
from frontendx.records import CHANGE_TASKS
from frontendx.report._format import BEYOND_BUDGET, MISSING, usd

_MISSING = MISSING


def _pct(value: float | None) -> str:
    return _MISSING if value is None else f"{100 * value:.0f}%"


def _with_ci(value: float | None, low: float | None, high: float | None, fmt: str = "pct") -> str:
    def one(x: float | None) -> str:
        if fmt == "pct":
            return _pct(x)
        if fmt == "usd":
            return usd(x)
        if fmt == "s":
            return _MISSING if x is None else f"{x:,.0f}s"
        return _MISSING if x is None else f"{x:,.0f}"

    if value is None:
        return _MISSING
    if low is None and high is None:
        return one(value)
    # An open upper bound (a TTR median beyond the budget in the upper tail): "> budget", as
    # on the dashboard.
    hi = (BEYOND_BUDGET if fmt == "s" else "∞") if high is None else one(high)
    return f"{one(value)} [{one(low)}, {hi}]"


def _ttr(row: MetricsRow) -> str:
    # A None median with pairs to time means fewer than half were found within budget:
    # say so, rather than the "—" that means there was nothing to measure.
    if row.ttr_median_s is None and row.n_manifestable and row.n_episodes:
        return BEYOND_BUDGET
    return _with_ci(row.ttr_median_s, row.ttr_ci_low, row.ttr_ci_high, "s")


def _minutes_saved(r: MetricsRow) -> str:
    return _with_ci(
        r.human_minutes_saved, r.human_minutes_saved_ci_low, r.human_minutes_saved_ci_high, "num"
    )


def _slice_text(row: MetricsRow) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.slice.items()) or "all"


def render_table(
    rows: Sequence[MetricsRow],
    *,
    title: str | None = "FrontendX metrics",
    episodes: int | None = None,
) -> Table:
    """A rich table of the rows: agent, version, trust level, task, slice, n (scored episodes),
    infra errors (not scored), agent errors (scored), recall [CI], FP rate [CI], TTR median [CI],
    cost per validated bug [CI] and human minutes saved [CI]. One caption says what the
    brackets are, the constants' version and (given `episodes`) how many episodes were read."""
    versions = sorted({r.constants_version for r in rows})
    levels = sorted({r.confidence for r in rows})
    caption = [] if episodes is None else [f"{episodes} episodes"]
    if levels:
        caption.append(
            "[CI] = " + "/".join(f"{100 * c:g}%" for c in levels) + " bootstrap over episodes"
        )
    if versions:
        caption.append("constants " + ", ".join(versions))
    if any(r.task == "generate" for r in rows):
        caption.append(
            "generate rows: recall = mutation score (seeded bugs killed / bugs that show), "
            "FP rate = tests dropped (flaky or failing on the clean app), "
            "cost per killed bug"
        )
    if any(_ttr(r) == BEYOND_BUDGET for r in rows):
        caption.append(f"TTR {BEYOND_BUDGET} = fewer than half the bugs reproduced within it")
    table = Table(title=title, caption="; ".join(caption) or None)
    table.add_column("agent")
    table.add_column("version")
    table.add_column("trust")
    table.add_column("task")
    table.add_column("slice")
    table.add_column("n", justify="right")
    table.add_column("infra err", justify="right")
    table.add_column("agent err", justify="right")
    table.add_column("recall [CI]", justify="right")
    table.add_column("FP rate [CI]", justify="right")
    table.add_column("TTR median [CI]", justify="right")
    table.add_column("cost / validated bug [CI]", justify="right")
    table.add_column("human min saved [CI]", justify="right")
    for r in rows:
        table.add_row(
            Text(r.agent),
            Text(r.agent_version),
            Text(r.trust),
            Text(r.task),
            Text(_slice_text(r)),
            Text(f"{r.n_episodes}"),
            Text(f"{r.n_infra_errors}"),
            Text(f"{r.n_agent_errors}"),
            Text(_with_ci(r.recall, r.recall_ci_low, r.recall_ci_high)),
            Text(
                _with_ci(r.dropped_share, r.dropped_share_ci_low, r.dropped_share_ci_high)
                if r.task == "generate"
                else _with_ci(r.fp_rate, r.fp_rate_ci_low, r.fp_rate_ci_high)
            ),
            Text(_ttr(r)),
            Text(
                _with_ci(
                    r.cost_per_validated_bug,
                    r.cost_per_validated_bug_ci_low,
                    r.cost_per_validated_bug_ci_high,
                    "usd",
                )
            ),
            Text(_minutes_saved(r)),
        )
    return table


def render_review_table(
    rows: Sequence[MetricsRow], *, title: str | None = "Change reviews (regression, visual)"
) -> Table:
    """The change-review view (docs/design.md §6.2): per agent config, task and slice, the
    catch rate (changes with a regression blocked on a validated one), the false-block rate
    (changes without one blocked), flag precision (findings validated), the Kaplan-Meier time
    to decision, cost per reviewed change, human minutes saved, and how many findings flagged
    what the change meant to do (`intended`) or an old bug of its base (`old`)."""
    caption = (
        "catch = blocked with a validated finding on a regression / changes carrying one that "
        "shows; false block = blocked / changes without one; precision = validated findings / "
        f"findings; decision {BEYOND_BUDGET} = fewer than half decided within the CI budget"
    )
    table = Table(title=title, caption=caption)
    for name in ("agent", "version", "task", "slice", "n"):
        table.add_column(name, justify="right" if name == "n" else "left")
    for name in (
        "catch [CI]",
        "false block [CI]",
        "precision",
        "intended / old",
        "decision [CI]",
        "cost / change [CI]",
        "human min saved [CI]",
    ):
        table.add_column(name, justify="right")
    for r in rows:
        decision = (
            BEYOND_BUDGET
            if r.decision_median_s is None and r.n_episodes
            else _with_ci(r.decision_median_s, r.decision_ci_low, r.decision_ci_high, "s")
        )
        table.add_row(
            Text(r.agent),
            Text(r.agent_version),
            Text(r.task),
            Text(_slice_text(r)),
            Text(f"{r.n_episodes}"),
            Text(
                f"{_with_ci(r.catch_rate, r.catch_rate_ci_low, r.catch_rate_ci_high)}"
                f" ({r.n_caught}/{r.n_carrying})"
            ),
            Text(
                _with_ci(r.false_block_rate, r.false_block_rate_ci_low, r.false_block_rate_ci_high)
                + f" ({r.n_false_blocks}/{r.n_regression_free})"
            ),
            Text(_pct(r.precision)),
            Text(f"{r.verdict_intended_change} / {r.verdict_also_on_base}"),
            Text(decision),
            Text(
                _with_ci(
                    r.cost_per_change, r.cost_per_change_ci_low, r.cost_per_change_ci_high, "usd"
                )
            ),
            Text(_minutes_saved(r)),
        )
    return table


def render_triage_table(
    rows: Sequence[MetricsRow], *, title: str | None = "Red-test triage (flaky)"
) -> Table:
    """The `flaky` view (docs/design.md §6.3): per agent config and slice, triage accuracy,
    the dangerous-miss rate (red tests failing for a product bug, labelled flaky or outdated),
    the fix success rate (flaky and outdated tests given a fix that holds; neutered fixes
    counted apart), the confusion matrix, time and cost per triage, human minutes saved."""
    caption = (
        "accuracy = right labels / red tests; dangerous miss = product bugs labelled flaky, "
        "outdated or nothing / product bugs; fix = fixes passing 20/20 under jitter that still "
        "catch / flaky and outdated tests; confusion: true cause -> label (none = no label); "
        f"time {BEYOND_BUDGET} = fewer than half labelled within the budget"
    )
    table = Table(title=title, caption=caption)
    for name in ("agent", "version", "slice", "n"):
        table.add_column(name, justify="right" if name == "n" else "left")
    for name in (
        "accuracy [CI]",
        "dangerous miss [CI]",
        "fix [CI]",
        "neutered",
        "confusion",
        "time to label",
        "cost / triage",
        "human min saved [CI]",
    ):
        table.add_column(name, justify="right")
    short = {"flaky": "F", "product_bug": "P", "outdated_test": "O", "none": "-"}
    for r in rows:
        confusion = "; ".join(
            f"{short.get(truth, truth)}->"
            + ",".join(f"{short.get(k, k)}{v}" for k, v in labels.items())
            for truth, labels in r.confusion.items()
        )
        label_time = (
            BEYOND_BUDGET
            if r.triage_median_s is None and r.n_episodes
            else _with_ci(r.triage_median_s, None, None, "s")
        )
        table.add_row(
            Text(r.agent),
            Text(r.agent_version),
            Text(_slice_text(r)),
            Text(f"{r.n_episodes}"),
            Text(
                _with_ci(r.triage_accuracy, r.triage_accuracy_ci_low, r.triage_accuracy_ci_high)
                + f" ({r.n_right}/{r.n_episodes})"
            ),
            Text(
                _with_ci(
                    r.dangerous_miss_rate,
                    r.dangerous_miss_rate_ci_low,
                    r.dangerous_miss_rate_ci_high,
                )
                + f" ({r.n_dangerous_misses}/{r.n_product_bug})"
            ),
            Text(
                _with_ci(r.fix_success_rate, r.fix_success_rate_ci_low, r.fix_success_rate_ci_high)
                + f" ({r.n_fixed}/{r.n_needs_fix})"
            ),
            Text(f"{r.n_neutered}"),
            Text(confusion),
            Text(label_time),
            Text(_with_ci(r.cost_per_triage, None, None, "usd")),
            Text(_minutes_saved(r)),
        )
    return table


def render_tables(rows: Sequence[MetricsRow], *, episodes: int) -> list[Table]:
    """The report's tables: the findings leaderboard, then the change reviews and the red-test
    triage when the rows have them."""
    reviews = [r for r in rows if r.task in CHANGE_TASKS]
    triages = [r for r in rows if r.task == "flaky"]
    others = [r for r in rows if r.task not in CHANGE_TASKS and r.task != "flaky"]
    tables = []
    if others or not (reviews or triages):
        tables.append(render_table(others, episodes=episodes))
    if reviews:
        tables.append(render_review_table(reviews))
    if triages:
        tables.append(render_triage_table(triages))
    return tables


def to_json(rows: Sequence[MetricsRow], *, meta: Mapping[str, Any]) -> str:
    """``{"meta": {...}, "rows": [...]}`` with every `MetricsRow` field; None becomes null.

    ``meta`` gets ``constants_versions`` (the distinct versions the rows used) unless it already
    has that key, so a report always states its constants.
    """
    out_meta = dict(meta)
    out_meta.setdefault("constants_versions", sorted({r.constants_version for r in rows}))
    payload = {
        "meta": to_jsonable_python(out_meta),
        "rows": [r.model_dump(mode="json") for r in rows],
    }
    # allow_nan=False: the figures are finite by construction; fail loudly rather than emit
    # the non-JSON tokens NaN/Infinity that browsers and jq reject.
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _union_keys(dicts: Iterable[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for d in dicts for k in d))


def to_csv(rows: Sequence[MetricsRow]) -> str:
    """One CSV line per row. The ``slice`` and ``statuses`` dicts are flattened into
    ``slice_<key>`` and ``status_<key>`` columns (the union over all rows; empty when a row
    lacks the key); None is an empty cell."""
    scalar = [name for name in MetricsRow.model_fields if name not in ("slice", "statuses")]
    slice_keys = _union_keys(r.slice for r in rows)
    status_keys = sorted(_union_keys(r.statuses for r in rows))
    # Identity columns first, then the slice that completes the identity, then the figures.
    ident = [k for k in scalar if k in ("agent", "agent_name", "agent_version", "task")]
    figures = [k for k in scalar if k not in ident]
    header = (
        ident + [f"slice_{k}" for k in slice_keys] + figures + [f"status_{k}" for k in status_keys]
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        values = r.model_dump(mode="json")
        line: list[Any] = [values[k] for k in ident]
        line += [r.slice.get(k, "") for k in slice_keys]
        line += [values[k] for k in figures]
        line += [r.statuses.get(k, 0) for k in status_keys]
        writer.writerow(["" if v is None else v for v in line])
    return buf.getvalue()
