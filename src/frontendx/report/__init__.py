"""Reports of metrics rows (a rich terminal table, JSON and CSV) and of comparisons (table,
Markdown, JUnit XML, JSON)."""

from frontendx.report._compare import (
    comparisons_to_json,
    render_comparisons,
    to_junit,
    to_markdown,
)
from frontendx.report._finding_test import export_finding_test
from frontendx.report._render import render_table, to_csv, to_json

__all__ = [
    "comparisons_to_json",
    "export_finding_test",
    "render_comparisons",
    "render_table",
    "to_csv",
    "to_json",
    "to_junit",
    "to_markdown",
]
