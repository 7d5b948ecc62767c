"""The repro language: a small JSON-serialisable list of browser steps and assertions.

Locators prefer what a user sees (role + accessible name, label, placeholder, text, test id);
CSS and XPath exist as a last resort. Every step is a pydantic model discriminated by ``action``.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from frontendx.errors import ReproError

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Locator(BaseModel):
    """Where a step acts. Exactly one of role/label/placeholder/text/test_id/css/xpath."""

    model_config = _STRICT

    role: str | None = None
    name: str | None = Field(default=None, description="accessible name, with `role`")
    label: str | None = None
    placeholder: str | None = None
    text: str | None = None
    test_id: str | None = None
    css: str | None = None
    xpath: str | None = None
    exact: bool = False
    nth: int | None = Field(default=None, ge=0, description="pick the nth match (0-based)")

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Locator:
        kinds = [k for k in _LOCATOR_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "a locator needs exactly one of "
                f"{', '.join(_LOCATOR_KINDS)} (got {', '.join(kinds) or 'none'})"
            )
        if self.name is not None and self.role is None:
            raise ValueError("`name` is only valid together with `role`")
        return self

    def describe(self) -> str:
        kind = next(k for k in _LOCATOR_KINDS if getattr(self, k) is not None)
        value = getattr(self, kind)
        text = f"{kind}={value!r}"
        if self.name is not None:
            text += f" name={self.name!r}"
        if self.nth is not None:
            text += f" nth={self.nth}"
        return text


_LOCATOR_KINDS = ("role", "label", "placeholder", "text", "test_id", "css", "xpath")


class _Step(BaseModel):
    model_config = _STRICT

    @property
    def is_assertion(self) -> bool:
        return False


class Goto(_Step):
    """Navigate to a path (or absolute URL on the app's origin)."""

    action: Literal["goto"] = "goto"
    url: str


class Click(_Step):
    action: Literal["click"] = "click"
    target: Locator


class DblClick(_Step):
    action: Literal["dblclick"] = "dblclick"
    target: Locator


class Hover(_Step):
    action: Literal["hover"] = "hover"
    target: Locator


class Fill(_Step):
    action: Literal["fill"] = "fill"
    target: Locator
    value: str


class Press(_Step):
    """Press a key, on a target or on the focused element."""

    action: Literal["press"] = "press"
    key: str
    target: Locator | None = None


class Select(_Step):
    action: Literal["select"] = "select"
    target: Locator
    values: list[str] = Field(min_length=1)


class Check(_Step):
    action: Literal["check"] = "check"
    target: Locator


class Uncheck(_Step):
    action: Literal["uncheck"] = "uncheck"
    target: Locator


class Drag(_Step):
    action: Literal["drag"] = "drag"
    source: Locator
    target: Locator


class UploadFile(BaseModel):
    model_config = _STRICT

    name: str
    content: str = ""
    mime_type: str = "text/plain"


class Upload(_Step):
    action: Literal["upload"] = "upload"
    target: Locator
    files: list[UploadFile] = Field(min_length=1)


class WaitFor(_Step):
    """Wait for a locator to reach a state, or a fixed number of milliseconds."""

    action: Literal["wait_for"] = "wait_for"
    target: Locator | None = None
    state: Literal["visible", "hidden", "attached", "detached"] = "visible"
    ms: int | None = Field(default=None, ge=0, le=30_000)

    @model_validator(mode="after")
    def _target_or_ms(self) -> WaitFor:
        if (self.target is None) == (self.ms is None):
            raise ValueError("wait_for needs exactly one of `target` or `ms`")
        return self


class SetViewport(_Step):
    action: Literal["set_viewport"] = "set_viewport"
    width: int = Field(ge=200, le=4000)
    height: int = Field(ge=200, le=4000)


ExpectCondition = Literal[
    "visible", "hidden", "text", "value", "count", "url", "attribute", "screenshot_region"
]


class Expect(_Step):
    """Assert something about the page. `text` matches if the element's text contains it
    (or equals it when `exact`); `url` matches the page's path and query, and its `#fragment`
    too when the pattern has a `#`."""

    action: Literal["expect"] = "expect"
    condition: ExpectCondition
    target: Locator | None = None
    text: str | None = None
    value: str | None = None
    count: int | None = Field(default=None, ge=0)
    url: str | None = None
    attribute: str | None = None
    attribute_value: str | None = None
    screenshot_sha256: str | None = None
    exact: bool = False
    negate: bool = False
    timeout_ms: int = Field(default=2000, ge=0, le=30_000)

    @model_validator(mode="after")
    def _fields_for_condition(self) -> Expect:
        needs: dict[str, tuple[str, ...]] = {
            "visible": ("target",),
            "hidden": ("target",),
            "text": ("target", "text"),
            "value": ("target", "value"),
            "count": ("target", "count"),
            "url": ("url",),
            "attribute": ("target", "attribute", "attribute_value"),
            "screenshot_region": ("target", "screenshot_sha256"),
        }
        missing = [f for f in needs[self.condition] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"expect {self.condition!r} needs {', '.join(missing)}")
        return self

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectNoConsoleError(_Step):
    """No console message of type error so far (optionally only those matching `pattern`)."""

    action: Literal["expect_no_console_error"] = "expect_no_console_error"
    pattern: str | None = None

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectNoPageError(_Step):
    """No uncaught exception in the page so far."""

    action: Literal["expect_no_page_error"] = "expect_no_page_error"
    pattern: str | None = None

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectNoHttpError(_Step):
    """No response with status >= `min_status` so far (optionally for URLs containing `url`)."""

    action: Literal["expect_no_http_error"] = "expect_no_http_error"
    min_status: int = Field(default=500, ge=400, le=599)
    url: str | None = None

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectNoA11yViolation(_Step):
    """axe-core finds no violation of `rule` (an axe rule id) in the page or under `target`."""

    action: Literal["expect_no_a11y_violation"] = "expect_no_a11y_violation"
    rule: str
    target: Locator | None = None

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectNoLayoutOverlap(_Step):
    """The bounding boxes of `a` and `b` do not intersect (by more than `tolerance_px`)."""

    action: Literal["expect_no_layout_overlap"] = "expect_no_layout_overlap"
    a: Locator
    b: Locator
    tolerance_px: float = Field(default=1.0, ge=0)

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectContrast(_Step):
    """The WCAG 2 contrast ratio of the target's text colour against its effective
    background is at least `min_ratio` (4.5: AA for normal text; 3: AA for large text)."""

    action: Literal["expect_contrast"] = "expect_contrast"
    target: Locator
    min_ratio: float = Field(default=4.5, ge=1, le=21)

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectNoOverflow(_Step):
    """Nothing in the target overflows horizontally or is clipped (by more than
    `tolerance_px`)."""

    action: Literal["expect_no_overflow"] = "expect_no_overflow"
    target: Locator
    tolerance_px: float = Field(default=1.0, ge=0)

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectFocusVisible(_Step):
    """Focusing the target from the keyboard shows a visible focus indicator: at least
    `min_changed_pixels` CSS pixels of its box (inflated by 6 px) change."""

    action: Literal["expect_focus_visible"] = "expect_focus_visible"
    target: Locator
    min_changed_pixels: int = Field(default=20, ge=1)

    @property
    def is_assertion(self) -> bool:
        return True


class ExpectMatchesBase(_Step):
    """The target's screenshot matches the same region on the base build, after the same
    steps: at most `max_diff_ratio` of its pixels differ by more than `pixel_tolerance`
    in a colour channel."""

    action: Literal["expect_matches_base"] = "expect_matches_base"
    target: Locator
    max_diff_ratio: float = Field(
        default=0.002, ge=0, le=1, description="share of the region's pixels allowed to differ"
    )
    pixel_tolerance: int = Field(
        default=16,
        ge=0,
        le=255,
        description="a pixel differs when a channel (0-255) differs by more than this",
    )

    @property
    def is_assertion(self) -> bool:
        return True


Step = Annotated[
    Goto
    | Click
    | DblClick
    | Hover
    | Fill
    | Press
    | Select
    | Check
    | Uncheck
    | Drag
    | Upload
    | WaitFor
    | SetViewport
    | Expect
    | ExpectNoConsoleError
    | ExpectNoPageError
    | ExpectNoHttpError
    | ExpectNoA11yViolation
    | ExpectNoLayoutOverlap
    | ExpectContrast
    | ExpectNoOverflow
    | ExpectFocusVisible
    | ExpectMatchesBase,
    Field(discriminator="action"),
]


_STEP_ADAPTER: TypeAdapter[Step] = TypeAdapter(Step)


def parse_step(raw: Any, *, index: int = 0) -> Step:
    """Validate one step, raising `ReproError` naming the step index and the field."""
    try:
        return _STEP_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        raise ReproError(_describe(exc, index, raw)) from None


class StepProblem(BaseModel):
    """One problem of a list of steps, located: `index` is the step (None: the list as a
    whole), `field` the path inside the step (`target.test_id`), `action` the step's action
    when it names one."""

    model_config = ConfigDict(frozen=True)

    index: int | None
    field: str = ""
    action: str | None = None
    message: str

    @property
    def path(self) -> str:
        """The location below the list: `3.target.test_id`, `3`, or empty for the list."""
        parts = [str(self.index)] if self.index is not None else []
        return ".".join(parts + ([self.field] if self.field else []))

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        where = f"step {self.index}" + (f" ({self.action})" if self.action else "")
        return f"{where}: field `{self.field or 'action'}`: {self.message}"


def step_problems(raw: Any) -> tuple[list[Step], list[StepProblem]]:
    """Validate a list of steps and return the steps that parse with EVERY problem found,
    each located, instead of stopping at the first malformed step."""
    if not isinstance(raw, list):
        return [], [
            StepProblem(
                index=None,
                message=f"steps must be a list of step objects, got {type(raw).__name__}",
            )
        ]
    steps: list[Step] = []
    problems: list[StepProblem] = []
    for index, item in enumerate(raw):
        try:
            steps.append(_STEP_ADAPTER.validate_python(item))
        except ValidationError as exc:
            problems += _located(exc, index, item)
    if not raw:
        problems.append(
            StepProblem(
                index=None,
                message="steps must not be empty: a finding needs at least one assertion",
            )
        )
    elif not problems and not any(s.is_assertion for s in steps):
        problems.append(
            StepProblem(
                index=None,
                message="steps contain no assertion: end the repro with an `expect...` step "
                "stating the claim that fails on the buggy app",
            )
        )
    return steps, problems


def parse_steps(raw: Any) -> list[Step]:
    """Validate a list of steps; the error names every bad step and field."""
    steps, problems = step_problems(raw)
    if problems:
        raise ReproError("; ".join(str(p) for p in problems))
    return steps


def _located(exc: ValidationError, index: int, raw: Any) -> list[StepProblem]:
    action = raw.get("action") if isinstance(raw, dict) else None
    action = action if isinstance(action, str) else None
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        # drop the discriminator tag pydantic puts first for tagged unions
        if loc and loc[0] in ACTIONS:
            loc = loc[1:]
        field = ".".join(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "union_tag_invalid" or err["type"] == "union_tag_not_found":
            field = "action"
            msg = f"unknown or missing action; expected one of: {', '.join(ACTIONS)}"
        elif err["type"] == "extra_forbidden" and loc:
            close = difflib.get_close_matches(loc[-1], _field_names(), n=1)
            msg = f"unknown field {loc[-1]!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
            msg += ": see docs/repro-language.md for each step's fields"
        problems.append(StepProblem(index=index, field=field, action=action, message=msg))
    return problems


@cache
def _field_names() -> list[str]:
    """Every field name of every step model and of `Locator`, for did-you-mean hints."""
    models: list[type[BaseModel]] = [*step_models(), Locator, UploadFile]
    names = {n for m in models for n in m.model_fields}
    return sorted(names)


def _describe(exc: ValidationError, index: int, raw: Any) -> str:
    problems = _located(exc, index, raw)
    where = f"step {index}" + (f" ({problems[0].action})" if problems[0].action else "")
    return f"{where}: " + "; ".join(f"field `{p.field or 'action'}`: {p.message}" for p in problems)


def step_models() -> tuple[type[BaseModel], ...]:
    """Every step model, in the order of `Step`'s union (one per action)."""
    union = get_args(Step)[0]
    return tuple(get_args(union))


def step_schema() -> dict[str, Any]:
    """The JSON schema of one step, generated from the step models, trimmed for model APIs:
    no titles, no discriminator mapping (tool schemas do not accept it), shared definitions
    under ``$defs`` for the caller to place at its schema's root."""
    schema: dict[str, Any] = _trim(_STEP_ADAPTER.json_schema(ref_template="#/$defs/{model}"))
    return schema


def _trim(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _trim(v)
            for k, v in node.items()
            if k not in ("title", "discriminator") or (isinstance(v, dict) and "type" in v)
        }
    if isinstance(node, list):
        return [_trim(v) for v in node]
    return node


def steps_help() -> str:
    """One line per action, generated from the step models: its fields (required first) and
    what it does, for prompts that explain the language."""
    lines = []
    for model in step_models():
        fields = model.model_fields
        action = fields["action"].default
        required = [n for n, f in fields.items() if n != "action" and f.is_required()]
        optional = [n for n, f in fields.items() if n != "action" and not f.is_required()]
        doc = " ".join((model.__doc__ or "").split())
        parts = ", ".join(required + [f"{n}?" for n in optional])
        lines.append(f"- {action}({parts})" + (f": {doc}" if doc else ""))
    return "\n".join(lines)


ACTIONS: tuple[str, ...] = tuple(m.model_fields["action"].default for m in step_models())
"""Every action name, from the step models."""

VISUAL_ASSERTIONS: frozenset[str] = frozenset(
    {
        "expect_contrast",
        "expect_no_overflow",
        "expect_focus_visible",
        "expect_matches_base",
        "expect_no_layout_overlap",
    }
)
"""The assertions that are visual whatever their fields (`is_visual_claim` adds `expect` with
`screenshot_region` and `expect_no_a11y_violation` with the `color-contrast` rule)."""


def is_visual_claim(step: Step) -> bool:
    """Whether `step` claims something about how the page looks: the visual assertions, a
    region screenshot, or axe-core's colour-contrast rule (the `visual` task counts only
    findings whose claim, their last assertion, is one)."""
    if step.action in VISUAL_ASSERTIONS:
        return True
    if isinstance(step, Expect):
        return step.condition == "screenshot_region"
    if isinstance(step, ExpectNoA11yViolation):
        return step.rule == "color-contrast"
    return False
