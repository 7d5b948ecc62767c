"""Reports of metrics rows (a rich terminal table, JSON and CSV) and of comparisons (table,
Markdown, JUnit XML, JSON)."""

from frontendx.report._compare import (
    comparisons_to_json,
    render_comparisons,
    to_junit,
    to_markdown,
)
from frontendx.report._finding_test import export_finding_test
from frontendx.report._format import BEYOND_BUDGET, counts, usd
from frontendx.report._render import (
    render_review_table,
    render_table,
    render_tables,
    render_triage_table,
    to_csv,
    to_json,
)
from frontendx.report._suite_export import export_generated_suite
from frontendx.report._terminal import (
    EpisodeLines,
    check_port,
    episode_line,
    print_wide,
    run_summary_lines,
)

__all__ = [
    "BEYOND_BUDGET",
    "EpisodeLines",
    "check_port",
    "comparisons_to_json",
    "counts",
    "episode_line",
    "export_finding_test",
    "export_generated_suite",
    "print_wide",
    "render_comparisons",
    "render_review_table",
    "render_table",
    "render_tables",
    "render_triage_table",
    "run_summary_lines",
    "to_csv",
    "to_json",
    "to_junit",
    "to_markdown",
    "usd",
]
