"""The validator's self-test: every ground-truth repro fails on its buggy variant k/k, holds on
the clean app k/k, and holds on the buggy variant in a state where the bug should not show; and
every change is proven (docs/design.md §6.2): each intended repro holds on the head build k/k and
fails on the base build, and each regression's repro fails on head k/k, holds on base, and holds on
head with only that regression switched off."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from playwright.async_api import async_playwright

from frontendx._aio import gather_all
from frontendx.browser import launch_chromium
from frontendx.repro import is_visual_claim
from frontendx.suite import App, AppServer, BrowserState, Bug, Change
from frontendx.suite._states import DEFAULT_STATE
from frontendx.validate._flaky import TestSuiteCheck, check_test_suite_item, test_suite_items
from frontendx.validate._replay import Outcome, ReplayResult
from frontendx.validate._validator import Validator


@dataclass
class BugCheck:
    app: str
    bug: str
    state: str
    buggy_fails: int = 0
    clean_holds: int = 0
    replays: int = 0
    off_state: str | None = None
    off_state_holds: bool | None = None
    problems: list[str] = field(default_factory=list)
    buggy_failure: str = ""  # how the repro failed on the buggy app: step and cause

    @property
    def ok(self) -> bool:
        return not self.problems


def _states_for(bug: Bug) -> tuple[BrowserState, BrowserState | None]:
    showing = bug.manifesting_states()
    on = next((s for s in showing if s.name == DEFAULT_STATE), showing[0] if showing else None)
    if on is None:
        raise ValueError(f"bug {bug.id!r} manifests in no built-in browser state")
    return on, bug.control()


async def _check(validator: Validator, app: App, bug: Bug, k: int) -> BugCheck:
    on, off = _states_for(bug)
    check = BugCheck(app.name, bug.id, on.name, replays=k)
    # a repro that compares with a base build compares with the clean app
    buggy = [validator.replay(bug.repro, (bug.id,), on, reference=()) for _ in range(k)]
    clean = [validator.replay(bug.repro, (), on, reference=()) for _ in range(k)]
    elsewhere = (
        [validator.replay(bug.repro, (bug.id,), off, reference=())] if off is not None else []
    )
    results = await gather_all(*buggy, *clean, *elsewhere)
    for result in results[:k]:
        if result.outcome is Outcome.FAILS:
            check.buggy_fails += 1
            check.buggy_failure = check.buggy_failure or result.message
        else:
            check.problems.append(f"buggy replay {result.outcome.value}: {result.message}")
    for result in results[k : 2 * k]:
        if result.outcome is Outcome.HOLDS:
            check.clean_holds += 1
        else:
            check.problems.append(f"clean replay {result.outcome.value}: {result.message}")
    if off is not None:
        result = results[-1]
        check.off_state = off.name
        check.off_state_holds = result.outcome is Outcome.HOLDS
        if not check.off_state_holds:
            check.problems.append(
                f"shows in state {off.name!r}, where the manifest says it should not "
                f"({result.outcome.value}: {result.message})"
            )
    return check


@dataclass
class ChangeCheck:
    """One change's proof: a line per intended repro and per regression."""

    app: str
    change: str
    replays: int
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _state_of(app: App, bug_ids: Sequence[str]) -> BrowserState:
    """The default state, unless a bug needs another: the first state all of them show in."""
    from frontendx.suite import BUILTIN_STATES

    default = BUILTIN_STATES[DEFAULT_STATE]
    bugs = [app.bugs[b] for b in bug_ids]
    if all(b.manifests_in(default) for b in bugs):
        return default
    return next(
        (s for s in BUILTIN_STATES.values() if all(b.manifests_in(s) for b in bugs)), default
    )


async def _check_change(validator: Validator, app: App, change: Change, k: int) -> ChangeCheck:
    check = ChangeCheck(app.name, change.id, replays=k)
    head, base = change.head, change.base

    def count(results: Sequence[ReplayResult], want: Outcome) -> int:
        return sum(r.outcome is want for r in results)

    def first_other(results: Sequence[ReplayResult], want: Outcome) -> str:
        other = next((r for r in results if r.outcome is not want), None)
        return "" if other is None else f" ({other.outcome.value}: {other.message})"

    for edit in change.edits:
        state = _state_of(app, [])
        on_head = [validator.replay(edit.repro, head, state, reference=base) for _ in range(k)]
        on_base = validator.replay(edit.repro, base, state, reference=base)
        results = await gather_all(*on_head, on_base)
        holds, base_fails = count(results[:k], Outcome.HOLDS), results[k].outcome is Outcome.FAILS
        check.lines.append(
            f"edit {edit.id}: head holds {holds}/{k}, base {results[k].outcome.value}"
        )
        if holds < k:
            check.problems.append(
                f"edit {edit.id}: its intended repro holds on head {holds}/{k}"
                + first_other(results[:k], Outcome.HOLDS)
            )
        if not base_fails:
            check.problems.append(
                f"edit {edit.id}: its intended repro does not fail on base, so it does not "
                f"prove the edit is visible{first_other(results[k:], Outcome.FAILS)}"
            )
    for bug_id in change.regressions:
        bug = app.bugs[bug_id]
        claim = next((s for s in reversed(bug.repro) if s.is_assertion), None)
        if change.design and (claim is None or not is_visual_claim(claim)):
            check.problems.append(
                f"regression {bug_id}: a design change's regression needs a visual claim (the "
                "visual task counts no other), its repro ends in "
                f"{claim.action if claim is not None else 'no assertion'}"
            )
        state = _state_of(app, [bug_id])
        without = tuple(s for s in head if s != bug_id)
        heads = [validator.replay(bug.repro, head, state, reference=base) for _ in range(k)]
        rest = [
            validator.replay(bug.repro, base, state, reference=base),
            validator.replay(bug.repro, without, state, reference=base),
        ]
        results = await gather_all(*heads, *rest)
        fails = count(results[:k], Outcome.FAILS)
        base_result, off = results[k], results[k + 1]
        check.lines.append(
            f"regression {bug_id} ({state.name}): head fails {fails}/{k}, base "
            f"{base_result.outcome.value}, head without it {off.outcome.value}"
        )
        if fails < k:
            check.problems.append(
                f"regression {bug_id}: its repro fails on head {fails}/{k}"
                + first_other(results[:k], Outcome.FAILS)
            )
        if base_result.outcome is not Outcome.HOLDS:
            check.problems.append(
                f"regression {bug_id}: its repro does not hold on base "
                f"({base_result.outcome.value}: {base_result.message})"
            )
        if off.outcome is not Outcome.HOLDS:
            check.problems.append(
                f"regression {bug_id}: its repro does not hold on head with it switched off "
                f"({off.outcome.value}: {off.message}): another switch of the change causes it"
            )
    return check


T = TypeVar("T")
C = TypeVar("C")


async def _run_checks(
    apps: Sequence[App],
    items: Callable[[App], Sequence[T]],
    check: Callable[[Validator, App, T], Awaitable[C]],
    *,
    lanes: int,
    chromium: str | None,
    on_check: Callable[[C], None] | None,
) -> list[C]:
    """Run `check` on every item of every app: one browser, and per app `lanes` replay lanes
    plus a reference server (what a base comparison compares with)."""
    checks: list[C] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, chromium)
        try:
            for app in apps:
                chosen = items(app)
                if not chosen:
                    continue
                servers = [AppServer(app) for _ in range(max(1, lanes) + 1)]
                try:
                    await gather_all(*(s.start() for s in servers))
                    validator = Validator(browser, servers[:-1], reference=servers[-1])
                    # every item's replays queue for the lanes at once, so no lane idles while
                    # one item's slowest replay waits out its assertion's timeout
                    pending = [
                        asyncio.ensure_future(check(validator, app, item)) for item in chosen
                    ]
                    try:
                        for finished in asyncio.as_completed(pending):
                            done = await finished
                            checks.append(done)
                            if on_check is not None:
                                on_check(done)
                    finally:  # on a failure, no check goes on replaying on stopped servers
                        for task in pending:
                            task.cancel()
                        await asyncio.gather(*pending, return_exceptions=True)
                finally:
                    await asyncio.gather(*(s.stop() for s in servers))
        finally:
            await browser.close()
    return checks


async def self_test_changes(
    apps: Sequence[App],
    *,
    replays: int = 3,
    lanes: int = 2,
    chromium: str | None = None,
    on_check: Callable[[ChangeCheck], None] | None = None,
    only: Collection[str] | None = None,
) -> list[ChangeCheck]:
    """Prove every change of `apps` (or only the change ids in `only`)."""
    checks = await _run_checks(
        apps,
        lambda app: [c for c in app.changes.values() if only is None or c.id in only],
        lambda validator, app, change: _check_change(validator, app, change, replays),
        lanes=lanes,
        chromium=chromium,
        on_check=on_check,
    )
    return sorted(checks, key=lambda c: (c.app, c.change))


async def self_test(
    apps: Sequence[App],
    *,
    replays: int = 3,
    lanes: int = 2,
    chromium: str | None = None,
    on_check: Callable[[BugCheck], None] | None = None,
    only: Collection[str] | None = None,
) -> list[BugCheck]:
    """Check every bug of `apps` (or only the bug ids in `only`); the replays of all an app's
    checks run `lanes` at a time, one app server per lane."""
    checks = await _run_checks(
        apps,
        lambda app: [b for b in app.bugs.values() if only is None or b.id in only],
        lambda validator, app, bug: _check(validator, app, bug, replays),
        lanes=lanes,
        chromium=chromium,
        on_check=on_check,
    )
    return sorted(checks, key=lambda c: (c.app, c.bug))


async def self_test_suites(
    apps: Sequence[App],
    *,
    lanes: int = 2,
    chromium: str | None = None,
    on_check: Callable[[TestSuiteCheck], None] | None = None,
    only: Collection[str] | None = None,
) -> list[TestSuiteCheck]:
    """Prove every app's test suite (docs/design.md §6.3): each good test passes every run on
    the clean app under jitter and fails on the bugs it catches; each seeded test defect fails
    at a rate within RATE_RANGE; each outdated test fails every run on its change's edits and
    its fix passes every run there; each regressed test fails every run with its bug on."""
    checks = await _run_checks(
        apps,
        lambda app: test_suite_items(app, lambda i: only is None or i in only),
        lambda validator, app, entry: check_test_suite_item(validator, app, *entry),
        lanes=lanes,
        chromium=chromium,
        on_check=on_check,
    )
    order = {"test": 0, "defect": 1, "outdated": 2, "regressed": 3}
    return sorted(checks, key=lambda c: (c.app, order[c.kind], c.item))
