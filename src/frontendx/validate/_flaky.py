"""Running an app's tests under jitter: the `flaky` task's CI history, the judging of a fix, and
the self-test of an app's test suite (docs/design.md §6.3).

A *run* is one replay of a test in a fresh context on a freshly reset app, under `Jitter(seed)`
(latency, list order, animation speed and clock of that seed). It passes when every step ran and
every assertion held; an assertion that failed or a step Playwright refused fails it, as either
fails the exported pytest file in CI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from frontendx._aio import gather_all
from frontendx.repro import Step
from frontendx.suite import App, BrowserState, Jitter
from frontendx.suite._states import DEFAULT_STATE, get_state
from frontendx.suite._testsuite import (
    AppTest,
    OutdatedTest,
    RegressedTest,
    SuiteItem,
    TestDefect,
)
from frontendx.validate._replay import Outcome, ReplayResult
from frontendx.validate._validator import Validator

FIX_RUNS = 20
"""Runs under jitter a fix must pass, and the self-test's runs of each test and defect."""
RATE_RANGE = (0.2, 0.8)
"""A seeded test defect's failure rate under jitter must lie in this range."""
SURE_RUNS = 3
"""Runs in which an outdated or regressed test must fail every time."""


def passed(result: ReplayResult) -> bool:
    return result.outcome is Outcome.HOLDS


async def runs(
    validator: Validator,
    steps: Sequence[Step],
    variant: Sequence[str],
    state: BrowserState,
    seeds: Sequence[int],
) -> list[ReplayResult]:
    """One run of `steps` per seed, under that seed's jitter, side by side over the lanes."""
    return await gather_all(
        *(validator.replay(steps, variant, state, jitter=Jitter(seed=seed)) for seed in seeds)
    )


def seeds(start: int, n: int) -> list[int]:
    return list(range(start, start + n))


@dataclass
class TestSuiteCheck:
    """The self-test of one item of an app's test suite."""

    __test__ = False

    app: str
    item: str
    kind: str  # test, defect, outdated, regressed
    summary: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _first_failure(results: Sequence[ReplayResult]) -> str:
    return next((r.message for r in results if not passed(r)), "")


async def _check_test(validator: Validator, app: App, test: AppTest) -> TestSuiteCheck:
    check = TestSuiteCheck(app.name, test.id, "test")
    state = get_state(DEFAULT_STATE)
    clean = await runs(validator, test.steps, (), state, seeds(0, FIX_RUNS))
    good = sum(map(passed, clean))
    check.summary = f"passes {good}/{FIX_RUNS} on clean under jitter"
    if good < FIX_RUNS:
        check.problems.append(
            f"passed {good} of {FIX_RUNS} runs on the clean app under jitter: "
            f"{_first_failure(clean)}"
        )
    caught = await gather_all(
        *(runs(validator, test.steps, (bug,), state, [0]) for bug in test.catches)
    )
    for bug, results in zip(test.catches, caught, strict=True):
        if passed(results[0]):
            check.problems.append(f"`catches` names {bug!r}, but the test passes on its variant")
    if test.catches:
        check.summary += f"; fails on {len(test.catches)} bug variant(s) it catches"
    return check


async def _check_defect(validator: Validator, app: App, defect: TestDefect) -> TestSuiteCheck:
    check = TestSuiteCheck(app.name, defect.id, "defect")
    state = get_state(DEFAULT_STATE)
    results = await runs(validator, defect.steps, (), state, seeds(0, FIX_RUNS))
    failed = sum(not passed(r) for r in results)
    rate = failed / FIX_RUNS
    low, high = RATE_RANGE
    check.summary = (
        f"{defect.category.value}: fails {failed}/{FIX_RUNS} ({rate:.0%}; documented "
        f"{defect.failure_rate:.0%})"
    )
    if not low <= rate <= high:
        check.problems.append(
            f"failed {failed} of {FIX_RUNS} runs under jitter ({rate:.0%}), outside "
            f"{low:.0%}-{high:.0%}" + (f": {_first_failure(results)}" if failed else "")
        )
    return check


async def _check_outdated(validator: Validator, app: App, item: OutdatedTest) -> TestSuiteCheck:
    check = TestSuiteCheck(app.name, item.id, "outdated")
    state = get_state(DEFAULT_STATE)
    case = app.flaky_cases[item.id]
    old, fix, base = await gather_all(
        runs(validator, case.failing, case.variant, state, seeds(0, SURE_RUNS)),
        runs(validator, item.fix, case.variant, state, seeds(0, FIX_RUNS)),
        runs(validator, item.fix, (), state, [0]),
    )
    failed, fixed = sum(not passed(r) for r in old), sum(map(passed, fix))
    check.summary = (
        f"the old test fails {failed}/{SURE_RUNS} on change {item.change!r}'s edits; "
        f"the fix passes {fixed}/{FIX_RUNS}"
    )
    if failed < SURE_RUNS:
        check.problems.append(
            f"the outdated test passed {SURE_RUNS - failed} of {SURE_RUNS} runs on the build "
            f"with change {item.change!r}'s edits; it must fail every time"
        )
    if fixed < FIX_RUNS:
        check.problems.append(
            f"the fix passed {fixed} of {FIX_RUNS} runs under jitter: {_first_failure(fix)}"
        )
    if passed(base[0]):
        check.problems.append(
            "the fix also passes on the build without the edits, so a fix that drops the "
            "assertion could not be told from it; assert what the edits changed"
        )
    return check


async def _check_regressed(validator: Validator, app: App, item: RegressedTest) -> TestSuiteCheck:
    check = TestSuiteCheck(app.name, item.id, "regressed")
    state = get_state(DEFAULT_STATE)
    case = app.flaky_cases[item.id]
    results = await runs(validator, case.failing, case.variant, state, seeds(0, SURE_RUNS))
    failed = sum(not passed(r) for r in results)
    check.summary = f"fails {failed}/{SURE_RUNS} with bug {item.bug!r} on"
    if failed < SURE_RUNS:
        check.problems.append(
            f"passed {SURE_RUNS - failed} of {SURE_RUNS} runs with bug {item.bug!r} on; a "
            "regressed test must fail every time"
        )
    if not app.bugs[item.bug].manifests_in(state):
        check.problems.append(f"bug {item.bug!r} does not show in the {DEFAULT_STATE} state")
    return check


def test_suite_items(
    app: App, only: Callable[[str], bool] = lambda _: True
) -> list[tuple[str, SuiteItem]]:
    """(kind, item) of every item of the app's test suite that `only` keeps."""
    suite = app.manifest.test_suite
    if suite is None:
        return []
    items: list[tuple[str, SuiteItem]] = []
    for kind in ("tests", "defects", "outdated", "regressed"):
        items += [(kind, item) for item in getattr(suite, kind) if only(item.id)]
    return items


async def check_test_suite_item(
    validator: Validator, app: App, kind: str, item: SuiteItem
) -> TestSuiteCheck:
    match kind:
        case "tests":
            assert isinstance(item, AppTest)
            return await _check_test(validator, app, item)
        case "defects":
            assert isinstance(item, TestDefect)
            return await _check_defect(validator, app, item)
        case "outdated":
            assert isinstance(item, OutdatedTest)
            return await _check_outdated(validator, app, item)
        case _:
            assert isinstance(item, RegressedTest)
            return await _check_regressed(validator, app, item)
