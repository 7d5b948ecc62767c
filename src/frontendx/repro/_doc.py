"""The repro-language reference, generated from the step models: `docs/repro-language.md`.

    python -m frontendx.repro._doc            # rewrite docs/repro-language.md
    python -m frontendx.repro._doc --check    # exit 1 if the file is not what the models say

Fields, types, defaults and bounds come from the pydantic models (`repro._steps`), each
example is validated by them, and its "exported as" lines come from the exporter's own table
(`repro._export.RENDER`); only the notes on meaning are written here, one per action, and a
test fails when an action has none (tests/test_repro_language.py).
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from frontendx.repro import _steps as s
from frontendx.repro._export import ACTION_TIMEOUT_MS, render_step

DOC = Path(__file__).resolve().parents[3] / "docs" / "repro-language.md"

# One example (validated by the models) and a note on meaning per action.
EXAMPLES: dict[str, dict[str, Any]] = {
    "goto": {"action": "goto", "url": "/cart"},
    "click": {"action": "click", "target": {"role": "button", "name": "Apply"}},
    "dblclick": {"action": "dblclick", "target": {"text": "Milk"}},
    "hover": {"action": "hover", "target": {"role": "link", "name": "Help"}},
    "fill": {"action": "fill", "target": {"label": "Coupon"}, "value": "SAVE10"},
    "press": {"action": "press", "target": {"placeholder": "What to buy?"}, "key": "Enter"},
    "select": {"action": "select", "target": {"label": "Country"}, "values": ["de"]},
    "check": {"action": "check", "target": {"label": "Mark all as bought"}},
    "uncheck": {"action": "uncheck", "target": {"label": "Newsletter"}},
    "drag": {"action": "drag", "source": {"text": "Card A"}, "target": {"test_id": "done"}},
    "upload": {
        "action": "upload",
        "target": {"label": "Avatar"},
        "files": [{"name": "a.txt", "content": "hello"}],
    },
    "wait_for": {"action": "wait_for", "target": {"test_id": "toast"}, "state": "hidden"},
    "set_viewport": {"action": "set_viewport", "width": 390, "height": 844},
    "expect": {
        "action": "expect",
        "condition": "text",
        "target": {"test_id": "left"},
        "text": "0 items left",
    },
    "expect_no_console_error": {"action": "expect_no_console_error"},
    "expect_no_page_error": {"action": "expect_no_page_error", "pattern": "TypeError"},
    "expect_no_http_error": {"action": "expect_no_http_error", "url": "/api/"},
    "expect_no_a11y_violation": {"action": "expect_no_a11y_violation", "rule": "label"},
    "expect_no_layout_overlap": {
        "action": "expect_no_layout_overlap",
        "a": {"role": "heading", "name": "Tip calculator"},
        "b": {"label": "Bill amount"},
    },
}

NOTES: dict[str, str] = {
    "goto": "A path is joined to the app's URL; an absolute URL must stay on the app's origin "
    "(else the replay is *broken*). Waits for the `load` event.",
    "click": "Waits until the target is visible, stable and enabled, then clicks it.",
    "dblclick": "As `click`, twice.",
    "hover": "Moves the mouse over the target.",
    "fill": "Replaces the field's content with `value` (it does not type key by key).",
    "press": "A key name as Playwright spells it (`Enter`, `Tab`, `Control+A`), on the target, "
    "or on the focused element when there is none.",
    "select": "Selects options of a `<select>` by value or label.",
    "check": "Clicks the box unless it is already checked, then requires it to be checked. "
    "A box that cannot be found or clicked makes the replay *broken*; a click that does not "
    "change its state (the app keeps it unchecked) is a **failed claim**, reported as "
    "`step N (check): ... stayed unchecked after the click`, so a bug that keeps a box from "
    "toggling is proven by the step itself. The exported test calls Playwright's `check()`, "
    "which fails the test in both cases.",
    "uncheck": "The mirror of `check`: a box that stays checked is a failed claim.",
    "drag": "Drags `source` onto `target`.",
    "upload": "Sets the file input's files to in-memory files (`content` as UTF-8 text).",
    "wait_for": "Waits for the target to reach `state`, or a fixed `ms` (give exactly one).",
    "set_viewport": "Resizes the page; later steps see the new size.",
    "expect": "The assertion about one element or the URL, retried until it holds or "
    "`timeout_ms` passes. `text` holds when the element's text *contains* `text`, case "
    "and all (with `exact`: equals it, whitespace normalised); `value` is an input's "
    "value; `count` counts *every* match "
    "of the target (not only the first); `attribute` needs `attribute` and `attribute_value`; "
    "`screenshot_region` compares the SHA-256 of the target's PNG. `url` holds when the page's "
    "path and query contain `url` (equal it when `exact`); when `url` has a `#`, the "
    "`#fragment` is part of what is compared, so hash-routed apps can assert on their routes "
    "(`#/bought`). `negate` inverts the condition.",
    "expect_no_console_error": "No `console.error` message so far in the replay "
    "(only those matching the regular expression `pattern`, when given).",
    "expect_no_page_error": "No uncaught exception in the page so far (only those matching "
    "the regular expression `pattern`, when given).",
    "expect_no_http_error": "No response with status >= `min_status` so far, for URLs "
    "containing `url` when given. Waits first for requests in flight to settle.",
    "expect_no_a11y_violation": "axe-core reports no violation of `rule` (an axe rule id) in "
    "the page, or under `target`. An unknown rule makes the replay *broken*.",
    "expect_no_layout_overlap": "The layout boxes of `a` and `b` overlap by no more than "
    "`tolerance_px` in both directions (both must be visible).",
}


def _type(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{json.dumps(a)}`" for a in get_args(annotation))
    if origin in (Union, types.UnionType):
        parts = [a for a in get_args(annotation) if a is not type(None)]
        return " \\| ".join(_type(a) for a in parts)
    if origin is list:
        return f"list of {_type(get_args(annotation)[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _bounds(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                parts.append(f"{sign} {getattr(meta, attr)}")
        if getattr(meta, "min_length", None):
            parts.append(f"at least {meta.min_length}")
    return ", ".join(parts)


def _fields_table(model: type[BaseModel]) -> list[str]:
    rows = ["| field | type | default | notes |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if name == "action":
            continue
        default = "required" if info.is_required() else f"`{json.dumps(info.get_default())}`"
        notes = "; ".join(x for x in (info.description or "", _bounds(info)) if x)
        rows.append(f"| `{name}` | {_type(info.annotation)} | {default} | {notes} |")
    return rows if len(rows) > 2 else ["No fields besides `action`."]


def render() -> str:
    """The whole reference, as Markdown."""
    out = [
        "# The repro language",
        "",
        "<!-- Generated by `python -m frontendx.repro._doc` from the step models in",
        "     src/frontendx/repro/_steps.py; do not edit by hand. -->",
        "",
        "Findings, ground-truth repros (`repro:` in an app.yaml), generated tests and exported",
        "tests share one language: a JSON (or YAML) list of steps, each an object whose",
        "`action` says what it is (docs/design.md §3). Actions act on the page; assertions",
        "(`expect` and the `expect_no_...` steps) check it. A repro needs at least one",
        "assertion, and its **claim** is its last one: the one that must fail on the buggy",
        "app and hold on the clean app. Unknown fields are errors, located as",
        "`bugs.N.repro.M.field` by `frontendx suites validate`.",
        "",
        "## How a replay ends",
        "",
        "- **fails**: an assertion failed (or a `check`/`uncheck` did not take): the claim",
        "  is observed;",
        "- **holds**: every step ran and every assertion held;",
        "- **broken**: an action could not be performed (its target never appeared, a",
        "  navigation left the app's origin): the steps do not replay here.",
        "",
        f"An action waits up to {ACTION_TIMEOUT_MS} ms for its target (navigations twice as",
        "long); an `expect` retries for its own `timeout_ms`.",
        "",
        "## Locator",
        "",
        "Where a step acts. Give exactly one of "
        + ", ".join(f"`{k}`" for k in s._LOCATOR_KINDS)
        + "; prefer what a user sees (role and name, label, placeholder, text) over `test_id`,",
        "and those over `css` and `xpath`.",
        "",
        *_fields_table(s.Locator),
        "",
        "How a locator resolves:",
        "",
        "- `role` (+ `name`): the ARIA role and accessible name; `label`: the form control",
        "  with that label; `placeholder`; `text`: elements whose text contains it; `test_id`:",
        "  `data-testid`; `css` / `xpath` as written. Names and text match as substrings,",
        "  ignoring case, unless `exact`.",
        "- Several matches: a step acts on (and an `expect` checks) the **first** match in",
        "  document order, unless `nth` picks another (0-based). So a `text` check whose",
        "  target matches several elements looks at the first one only; give `nth` or a",
        "  narrower locator. `expect` with `count` is the exception: it counts every match.",
        "- Exported tests use the same Playwright calls (`get_by_role`, `get_by_label`, ...,",
        "  then `.first` or `.nth(n)`).",
        "",
        "## Steps",
        "",
    ]
    for model in s.step_models():
        action = model.model_fields["action"].default
        doc = " ".join((model.__doc__ or "").split())
        example = s.parse_step(EXAMPLES[action])
        out += [f"### `{action}`", ""]
        if doc:
            out += [doc, ""]
        out += [NOTES[action], ""]
        out += [
            "**assertion**" if example.is_assertion else "**action**",
            "",
            *_fields_table(model),
            "",
            "Example, and how it is exported (pytest-playwright):",
            "",
            "```json",
            json.dumps(EXAMPLES[action]),
            "```",
            "",
            "```python",
            *render_step(example),
            "```",
            "",
        ]
    for model in (s.UploadFile,):
        out += [f"### {model.__name__}", "", *_fields_table(model), ""]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is out of date: run python -m frontendx.repro._doc", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
