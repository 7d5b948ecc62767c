"""Spec-derived invariants the crawler checks without a model, on one observation of a page.

Each returns a claim in the repro language (docs/design.md §3) that holds on a correct page and
fails on the page as observed, so the validator can replay it:

- **count**: a short text that states a number of things ("3 results", "Items (4)") equals the
  number of items listed on the page. Checked only when no list on the page has that size, and
  never when the page offers paging (a count larger than the list is then expected).
- **sum**: a total that follows a list whose items each carry one amount equals the sum of those
  amounts (within a cent), unless some total on the page does.
- **persistence** (see `persistence_claims`): an item that an action which wrote to the server
  removed stays gone after a reload.

A claim is negative ("the page does not say `3 results`"), since the correct text is not known;
it is preceded by a short wait in the finding so that a page still loading cannot pass it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from frontendx.agents._crawl_state import View
from frontendx.repro import Expect, Locator, Step

COUNT = re.compile(
    r"^(?:[^\d]{0,30}?)\b(\d{1,4})\s+[^\W\d_][^\d]{0,24}$|^[^\d]{1,30}\((\d{1,4})\)$"
)
AMOUNT = re.compile(r"([-\u2212]?)\s?[$€£¥]?\s?(\d{1,3}(?:[,.\s]\d{3})*[.,]\d{2})(?!\d)")
TOTALISH = re.compile(r"total", re.IGNORECASE)
PAGING = re.compile(
    r"^\d{1,3}$|^[\u2039\u203a«»<>]+$|\b(next|previous|more|older|newer|page)\b", re.I
)


@dataclass(frozen=True)
class Violation:
    kind: str  # "count" | "sum" | "persistence"
    title: str
    claim: Step
    signature: str


def _locate(fact: dict[str, Any]) -> Locator:
    if fact.get("test_id"):
        return Locator(test_id=fact["test_id"])
    return Locator(text=fact["text"], exact=True)


def _not_showing(fact: dict[str, Any]) -> Step:
    """The claim that `fact`'s text is not what the page shows."""
    if fact.get("test_id"):
        return Expect(
            condition="text", target=_locate(fact), text=fact["text"], exact=True, negate=True
        )
    return Expect(condition="visible", target=_locate(fact), negate=True)


def amount(text: str) -> float | None:
    """The last money amount in a text (``$1,234.50`` -> 1234.5), signed; None without one."""
    found = AMOUNT.findall(text)
    if not found:
        return None
    sign, digits = found[-1]
    digits = re.sub(r"[\s,.](?=\d{3}(\D|$))", "", digits).replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    return -value if sign else value


def check_view(view: View) -> list[Violation]:
    out: list[Violation] = []
    sizes = {lst["size"] for lst in view.lists}
    paging = any(PAGING.search(c["name"].strip()) for c in view.controls if c["kind"] != "input")
    if sizes:
        main = max(view.lists, key=lambda lst: lst["size"])
        for fact in view.numbers:
            m = COUNT.match(fact["text"])
            if not m or AMOUNT.search(fact["text"]):
                continue
            n = int(m.group(1) or m.group(2))
            if n in sizes or (n > main["size"] and paging):
                continue
            if n > 0 and main["size"] > 0 and abs(n - main["size"]) > max(50, n):
                continue  # not about this list
            out.append(
                Violation(
                    "count",
                    f"{fact['text']!r} does not match the {main['size']} items listed",
                    _not_showing(fact),
                    fact["text"],
                )
            )
    # sum: lines of a list that each carry one amount, against the page's totals
    totals = [f for f in view.numbers if TOTALISH.search(f["context"]) and amount(f["text"])]
    for lst in view.lists:
        lines = [amount(t) for t in lst["texts"]]
        if len(lines) < 2 or any(v is None for v in lines):
            continue
        expected = round(sum(v for v in lines if v is not None), 2)
        values = [amount(f["text"]) for f in totals]
        if not totals or any(v is not None and abs(v - expected) < 0.011 for v in values):
            continue
        first = totals[0]
        out.append(
            Violation(
                "sum",
                f"{first['context'][:40]!r} is not the sum of its {len(lines)} lines "
                f"({expected:.2f})",
                _not_showing(first),
                first["context"][:40],
            )
        )
        break
    return out


def persistence_claims(pre: View, before: View, after: View) -> list[tuple[str, Step]]:
    """What a reload undid: list items the action removed that came back. `pre` is the page
    before the action, `before` after it, `after` the same page reloaded. (Values typed in
    fields are not compared: many correct forms clear them on a reload.)"""
    out: list[tuple[str, Step]] = []
    texts = [{t for lst in v.lists for t in lst["heads"] if t} for v in (pre, before, after)]
    removed = texts[0] - texts[1]
    back = sorted(removed & texts[2])
    if back and len(removed) <= 3:
        text = back[0][:80]
        out.append(
            (
                f"a removed item ({text[:30]!r}) is back after a reload",
                Expect(condition="visible", target=Locator(text=text, exact=True), negate=True),
            )
        )
    return out
