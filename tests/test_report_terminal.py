"""Terminal output for people reading a log: full-width tables in files, one plain line per
finished episode, cost precision by magnitude and no Python reprs (issue 17)."""

from __future__ import annotations

import io
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console
from test_report import row

from frontendx.records import (
    AgentSpec,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    ReportedFinding,
    TaskSpec,
    Usage,
    Verdict,
    VerdictKind,
)
from frontendx.report import (
    BEYOND_BUDGET,
    EpisodeLines,
    counts,
    print_wide,
    render_table,
    run_summary_lines,
    usd,
)
from frontendx.repro import Finding
from frontendx.store import SqliteStore
from frontendx.suite import BUILTIN_STATES


def test_cost_precision_follows_magnitude() -> None:
    assert usd(0.001) == "$0.0010"  # was "$0.00"
    assert usd(0.0234) == "$0.023"
    assert usd(0.5) == "$0.50"
    assert usd(12.3456) == "$12.35"
    assert usd(1234.5) == "$1,234.50"
    assert usd(0) == "$0"
    assert usd(4.6e-9) == "< $0.000001"  # was "$0.00000000"
    assert usd(0.0000046) == "$0.0000046"
    assert usd(None) == "—"


def file_console(width: int = 80) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=width, color_system=None, force_terminal=False), buf


def test_a_table_in_a_file_keeps_its_full_width() -> None:
    rows = [
        row(agent="crawler-with-a-long-name@1a2b3c", ttr_median_s=None, ttr_ci_low=None),
        row(agent="oracle@9f8e7d", cost_per_validated_bug=0.0012),
    ]
    console, buf = file_console(80)
    assert not console.is_terminal
    print_wide(console, render_table(rows, episodes=15))
    text = buf.getvalue()
    assert "…" not in text
    assert "crawler-with-a-long-name@1a2b3c" in text and BEYOND_BUDGET in text
    assert "$0.0012" in text
    assert max(len(line) for line in text.splitlines()) > 80
    assert "not reached" not in text
    # one footer: episodes, what the brackets are, the constants' version
    assert text.count("15 episodes") == 1 and text.count("bootstrap") == 1


def test_run_summary_says_statuses_in_words() -> None:
    summary = SimpleNamespace(
        run_id="r1",
        total=17,
        reused=0,
        ran=17,
        statuses=Counter({"ok": 15, "timeout": 2}),
        reasons=Counter({"new cell (no stored result)": 17}),
    )
    lines = run_summary_lines(summary, "runs/demo.db")
    assert "17 ran (15 ok, 2 timeout)" in lines[0]
    assert "{" not in "\n".join(lines)
    assert counts(Counter({"b": 1, "a": 3})) == "3 a, 1 b"


def _episode(app: str, status: EpisodeStatus, validated: int) -> EpisodeResult:
    finding = Finding.model_validate(
        {
            "title": "t",
            "steps": [
                {"action": "goto", "url": "/"},
                {"action": "expect", "condition": "visible", "target": {"text": "Total"}},
            ],
            "expected": "e",
            "actual": "a",
        }
    )
    findings = [
        ReportedFinding(
            index=i,
            found_at=1.0,
            finding=finding,
            verdict=Verdict(kind=VerdictKind.VALIDATED if i < validated else VerdictKind.INVALID),
        )
        for i in range(2)
    ]
    spec = EpisodeSpec(
        app=app,
        bugs=(),
        state=BUILTIN_STATES["desktop"],
        agent=AgentSpec(name="crawler", version="1"),
        task=TaskSpec(kind="explore"),
        repeat=0,
    )
    now = time.time()
    return EpisodeResult(
        spec=spec,
        status=status,
        findings=findings,
        usage=Usage(wall_seconds=31.25),
        started_at=now - 31,
        finished_at=now,
    )


def test_one_plain_line_per_finished_episode(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "runs.db")
    console, buf = file_console()
    lines = EpisodeLines(store, console)
    run_id = lines.create_run({"x": 1}, 3, "0.1.0")
    assert lines.add_episode(run_id, _episode("shop", EpisodeStatus.OK, 1))
    assert buf.getvalue().splitlines() == [
        "[1/3] crawler explore shop/desktop: ok, 2 findings (1 validated), 31.2 s"
    ]
    # a result carried over from an earlier run is counted, not printed
    assert lines.add_episode(run_id, _episode("admin", EpisodeStatus.OK, 0), reused_from=1)
    assert lines.add_episode(run_id, _episode("auth", EpisodeStatus.TIMEOUT, 0))
    printed = buf.getvalue().splitlines()
    assert len(printed) == 2 and printed[1].startswith("[3/3] crawler explore auth/desktop")
    assert len(store.episodes(run_id)) == 3  # the proxy stores through
    store.close()
    # a line longer than the console stays one line (a CI log's console is 80 wide)
    narrow, narrow_buf = file_console(width=40)
    long_lines = EpisodeLines(SqliteStore(tmp_path / "narrow.db"), narrow)
    long_run = long_lines.create_run({"x": 1}, 1, "0.1.0")
    assert long_lines.add_episode(long_run, _episode("shop", EpisodeStatus.OK, 1))
    [line] = narrow_buf.getvalue().splitlines()
    assert line.endswith("(1 validated), 31.2 s") and len(line) > 40
