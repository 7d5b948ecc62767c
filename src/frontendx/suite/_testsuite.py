"""An app's own test suite and the ground truth of the `flaky` task (docs/design.md §6.3).

`test_suite:` in `app.yaml` holds the app's good tests (repro language, each passing every run
on the clean app under jitter) and three kinds of failing test, each a *case* the `flaky` task
hands an agent:

- a **defect**: a flaky version of a good test, with its root-cause category; the good test is
  its fix;
- an **outdated** test: a good test broken by a change's intended edits on a correct build; its
  `fix` is the test updated for them;
- a **regressed** test: a good test failing because a seeded bug is on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontendx.repro import Step
from frontendx.repro._steps import step_problems

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

Label = Literal["flaky", "product_bug", "outdated_test"]
LABELS: tuple[Label, ...] = ("flaky", "product_bug", "outdated_test")


class FlakeCategory(StrEnum):
    """Root causes of flaky tests, after the flaky-test literature (Luo et al., FSE 2014;
    Romano et al., ICSE 2021, on UI tests)."""

    FIXED_SLEEP = "fixed_sleep"  # waits a fixed time instead of for the condition
    ASYNC_WAIT = "async_wait"  # does not wait for asynchronous data at all
    UNORDERED = "unordered_collection"  # relies on the order of an unordered list
    TIME = "time"  # depends on the date or time
    TEST_ORDER = "test_order"  # depends on another test's state
    ANIMATION = "animation"  # races an animation or transition
    TIMEOUT = "too_tight_timeout"  # a timeout too short for the app under load


def _steps(value: Any) -> list[Step]:
    steps, problems = step_problems(value)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    return steps


class AppTest(BaseModel):
    """A good test of the app's own suite: passes on the clean app every run, under jitter."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, description="what the test checks, as its author named it")
    steps: list[Step]
    catches: list[str] = Field(
        default_factory=list,
        description="seeded bugs whose variant this test fails on: a fix must still fail there",
    )

    @field_validator("steps", mode="before")
    @classmethod
    def _valid(cls, value: Any) -> list[Step]:
        return _steps(value)


class TestDefect(BaseModel):
    """A seeded test defect: a flaky version of a good test (`test`), which is its fix."""

    __test__ = False  # not a pytest class

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    test: str = Field(description="the good test this is a flaky version of")
    category: FlakeCategory
    rationale: str = Field(min_length=1, description="why it fails sometimes")
    failure_rate: float = Field(
        ge=0.2, le=0.8, description="the documented share of runs under jitter that fail"
    )
    steps: list[Step]

    @field_validator("steps", mode="before")
    @classmethod
    def _valid(cls, value: Any) -> list[Step]:
        return _steps(value)


class OutdatedTest(BaseModel):
    """A good test outdated by a change's intended edits: it fails every run on the build
    with those edits on and no bug (a correct build); `fix` is the test updated for them."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    test: str
    change: str = Field(description="the change whose intended edits outdate the test")
    rationale: str = Field(min_length=1)
    fix: list[Step]

    @field_validator("fix", mode="before")
    @classmethod
    def _valid(cls, value: Any) -> list[Step]:
        return _steps(value)


class RegressedTest(BaseModel):
    """A good test failing because a seeded bug is on (a product bug)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    test: str
    bug: str


class TestSuite(BaseModel):
    """`test_suite:` of `app.yaml`."""

    __test__ = False

    model_config = _STRICT

    tests: list[AppTest] = Field(min_length=1)
    defects: list[TestDefect] = Field(default_factory=list)
    outdated: list[OutdatedTest] = Field(default_factory=list)
    regressed: list[RegressedTest] = Field(default_factory=list)


SuiteItem = AppTest | TestDefect | OutdatedTest | RegressedTest


class FlakyCase(BaseModel):
    """One failing test the `flaky` task hands an agent, with its ground truth."""

    model_config = _STRICT

    id: str
    label: Label
    test: AppTest = Field(description="the good test the failing one comes from")
    failing: list[Step] = Field(description="the failing test as the agent gets it")
    variant: tuple[str, ...] = Field(
        description="the switches on in the build it runs on (no bug: a correct build)"
    )
    category: FlakeCategory | None = None
    fix: list[Step] | None = Field(
        default=None, description="a fix that holds: the good test, or the updated one"
    )
    bug: str | None = Field(default=None, description="the seeded bug of a regressed test")
    neutered_on: tuple[str, ...] | None = Field(
        default=None,
        description="the build a fix must still fail on (an outdated test's: the build "
        "without the edits); None: the bugs the good test catches",
    )


def flaky_cases(suite: TestSuite, edits_of: dict[str, tuple[str, ...]]) -> dict[str, FlakyCase]:
    """Every case of a suite by id; `edits_of` maps a change id to its intended edits."""
    tests = {t.id: t for t in suite.tests}
    cases: list[FlakyCase] = []
    for d in suite.defects:
        cases.append(
            FlakyCase(
                id=d.id,
                label="flaky",
                test=tests[d.test],
                failing=d.steps,
                variant=(),
                category=d.category,
                fix=tests[d.test].steps,
            )
        )
    for o in suite.outdated:
        cases.append(
            FlakyCase(
                id=o.id,
                label="outdated_test",
                test=tests[o.test],
                failing=tests[o.test].steps,
                variant=edits_of[o.change],
                fix=o.fix,
                neutered_on=(),
            )
        )
    for r in suite.regressed:
        cases.append(
            FlakyCase(
                id=r.id,
                label="product_bug",
                test=tests[r.test],
                failing=tests[r.test].steps,
                variant=(r.bug,),
                bug=r.bug,
            )
        )
    return {c.id: c for c in cases}


def test_suite_problems(
    suite: TestSuite, bugs: set[str], changes: dict[str, tuple[str, ...]]
) -> list[str]:
    """Ids are unique across the suite and every reference names something that exists."""
    problems: list[str] = []
    tests = {t.id for t in suite.tests}
    seen: set[str] = set()
    for kind in ("tests", "defects", "outdated", "regressed"):
        for i, item in enumerate(getattr(suite, kind)):
            where = f"field `test_suite.{kind}.{i}` ({item.id!r})"
            if item.id in seen:
                problems.append(f"{where}: duplicate id {item.id!r} in the test suite")
            seen.add(item.id)
            if kind != "tests" and item.test not in tests:
                problems.append(
                    f"{where}: `test` names {item.test!r}, which is not a test of the suite "
                    f"(its tests: {', '.join(sorted(tests))})"
                )
            for bug in [
                *getattr(item, "catches", []),
                *([item.bug] if kind == "regressed" else []),
            ]:
                if bug not in bugs:
                    problems.append(f"{where}: {bug!r} is not a bug of this app")
            if kind == "outdated" and item.change not in changes:
                problems.append(
                    f"{where}: `change` names {item.change!r}, which is not a change of this app"
                )
    return problems
