"""How figures read, in the terminal and on the dashboard alike.

The dashboard's `app.js` has the same rules in JavaScript (`usd`, `BEYOND_BUDGET`);
`tests/test_dashboard_ui.py` checks in Chromium that both give the same text for the same
numbers, so a figure reads the same wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping

MISSING = "—"

BEYOND_BUDGET = "> budget"
"""A Kaplan-Meier median (or its upper bound) that lies beyond the episode budget: fewer than
half of the bugs were reproduced within it."""


TINY_USD = 1e-6
"""Amounts this small (a calibration agent's compute, say) read as `< $0.000001`: two
significant figures of them would need more decimals than anyone reads."""


def usd_decimals(value: float) -> int:
    """Decimals that show a dollar amount to at least two significant figures: $12.34, $0.50,
    $0.050, $0.0012 (never `$0.00` for a cost that is not zero)."""
    decimals = 2
    x = abs(value)
    while x and x < 10.0 ** (1 - decimals) and decimals < 8:
        decimals += 1
    return decimals


def usd(value: float | None) -> str:
    """A dollar amount with its precision chosen by magnitude (`usd_decimals`)."""
    if value is None:
        return MISSING
    if value == 0:
        return "$0"
    if 0 < value < TINY_USD:
        return "< $0.000001"
    return f"${value:,.{usd_decimals(value)}f}"


def counts(counter: Mapping[str, int]) -> str:
    """``{"ok": 15, "timeout": 2}`` as ``15 ok, 2 timeout`` (most first), never a Python
    repr."""
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{n} {name}" for name, n in items if n)
