"""Reports of metrics rows: a rich terminal table, JSON and CSV."""

from frontendx.report._render import render_table, to_csv, to_json

__all__ = ["render_table", "to_csv", "to_json"]
