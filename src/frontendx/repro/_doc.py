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
from frontendx.repro import _visual as v
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
    "expect_contrast": {"action": "expect_contrast", "target": {"role": "button", "name": "Save"}},
    "expect_no_overflow": {"action": "expect_no_overflow", "target": {"test_id": "price-card"}},
    "expect_focus_visible": {
        "action": "expect_focus_visible",
        "target": {"role": "link", "name": "Pricing"},
    },
    "expect_matches_base": {"action": "expect_matches_base", "target": {"css": "header"}},
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
    "`timeout_ms` passes (`0` checks once, without waiting). `text` holds when the "
    "element's text *contains* `text`, case and all (with `exact`: equals it, whitespace "
    "normalised); `value` is an input's value; `count` counts *every* match "
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
    "expect_contrast": "Waits for requests in flight to settle and for the target to be "
    "visible, then computes the WCAG 2 contrast ratio (relative luminance of sRGB colours, "
    "`(L1 + 0.05) / (L2 + 0.05)`, from 1 to 21) of its computed text `color` against its "
    "**effective background**: the background colours of the target and each ancestor, alpha "
    "included, composited in order, each element's `opacity` applied to what it paints (text "
    "included), over the canvas: the root's background (`html`'s, else `body`'s) over the "
    "browser's base colour (white, or the dark canvas when the page uses `color-scheme: dark`). "
    "Background images and gradients are **ignored** (the message names the elements that have "
    "one), and so are `filter`, blend modes and text shadows: claim contrast over an image with "
    "`expect_matches_base` or `screenshot_region` instead. The ratio is not rounded before the "
    "comparison (#777 on white is 4.48:1 and fails 4.5). A lower ratio is a failed claim whose "
    "message gives the ratio, both colours and the minimum. `min_ratio`: 4.5 (the default) is "
    "WCAG AA for normal text, 3 for large text (24 px, or 18.66 px bold); AAA asks 7 and 4.5.",
    "expect_no_overflow": "Waits for requests in flight to settle and for the target to be "
    "visible, then fails (naming the element and the pixels) when, by more than "
    "`tolerance_px` (widths are whole pixels, so the default 1 absorbs rounding): the "
    "target's content is wider than its box (`scrollWidth > clientWidth`: content overflowing "
    "it, a horizontal scrollbar, or an input's text longer than the field); text in the target "
    "or an element under it is clipped (an element with `overflow-x: hidden` or `clip`, or "
    "`text-overflow: ellipsis`, holding text wider than its box); or an element's box or a text "
    "run under the target sticks out past its left or right edge (not counting what an element "
    "in between clips or scrolls, `position: fixed` elements, and invisible or fully "
    "transparent ones). Vertical overflow is not judged.",
    "expect_focus_visible": "Focuses the target the way a keyboard user does and requires a "
    "visible change. It waits for requests in flight to settle, scrolls the target into view, "
    "takes the focus off it, screenshots its box inflated by 6 px on each side (focus rings "
    "are drawn outside the box; clipped to the viewport) in CSS pixels with animations "
    "stopped, presses `Shift` (a key that types and activates nothing, but puts the page in "
    "keyboard modality, so `:focus-visible` applies) and focuses the target by script, then "
    "screenshots the same area again. Fewer than `min_changed_pixels` pixels changing by more "
    "than 16 in a colour channel is a failed claim: no visible focus indicator (a 2 px ring "
    "around a 100x30 button changes about 550 px; the caret of a text field is hidden in "
    "both shots, so it never counts). A target that does not take the focus (not focusable) is "
    "a failed claim too.",
    "expect_matches_base": "Compares the target's screenshot with the same region on the "
    "**base build** (the pull request's base in the regression and visual tasks) after the "
    "same steps. The replay opens a second page in the same browser context (same viewport, "
    "colour scheme and cookies), replays there every step before this one against the base "
    "build's root (other `expect_matches_base` steps skipped; an absolute `goto` keeps only its "
    "path), waits for the requests of both pages to settle, and screenshots the region on "
    "both with animations stopped. A pixel differs when one of its channels (0-255) differs by "
    "more than `pixel_tolerance` (16 absorbs anti-aliasing and colour rounding, never a real "
    "colour change); the claim fails when more than `max_diff_ratio` of the region's pixels "
    "differ (0.002: 20 px of a 200x50 region) or when the region's size differs. The message "
    "gives the count, the share and the box of the differences. Without a base build (a replay "
    "that has none, such as the explore and reproduce tasks') the replay is *broken*; so it is "
    "when the steps before it do not replay on the base build. What the base build's page "
    "logs (console, page and HTTP errors) is not counted by later steps. Exported tests take "
    "the base build's root from `--reference-url` (from the `conftest.py` written beside them) "
    "or `$FRONTENDX_REFERENCE_URL`.",
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
        "(`expect` and the other `expect_...` steps) check it. A repro needs at least one",
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
        "## Visual assertions and their thresholds",
        "",
        "Four assertions judge how the page looks; each is computed by the same page script in",
        "a replay and in an exported test (`repro/_visual.py`), and each is tested on a light",
        "and a dark colour scheme (tests/test_visual_assertions.py):",
        "",
        "| assertion | fails when | default threshold |",
        "|---|---|---|",
        "| `expect_contrast` | the WCAG 2 contrast ratio of the text against its effective "
        "background is below `min_ratio` | 4.5:1 (AA, normal text) |",
        "| `expect_no_overflow` | content overflows the target, text in it is clipped or "
        "ellipsised, or something sticks out of it sideways, by more than `tolerance_px` "
        "| 1 px |",
        f"| `expect_focus_visible` | keyboard focus changes fewer than `min_changed_pixels` CSS "
        f"pixels of the box inflated by {v.FOCUS_MARGIN_PX} px (a pixel changes when a channel "
        f"moves by more than {v.FOCUS_PIXEL_TOLERANCE}) | 20 px |",
        "| `expect_matches_base` | more than `max_diff_ratio` of the region's pixels differ from "
        "the base build's by more than `pixel_tolerance` in a channel, or the sizes differ "
        "| 0.2% of the pixels, 16 of 255 per channel |",
        "",
        "`expect_matches_base` needs a base build (the regression and visual tasks give one);",
        "`is_visual_claim` (in `frontendx.repro`) says which claims the `visual` task counts:",
        "these four, `expect_no_layout_overlap`, `expect` with `screenshot_region`, and",
        "`expect_no_a11y_violation` with the `color-contrast` rule.",
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
