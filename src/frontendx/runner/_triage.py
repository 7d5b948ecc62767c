"""The harness side of a `flaky` episode (docs/design.md §6.3): the red test's CI history under
jitter, the agent's re-runs, and the judging of its label and fix."""

from __future__ import annotations

import hashlib
import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontendx._aio import gather_all
from frontendx.agents import FailingTest, RunOutcome
from frontendx.errors import AppError, ReproError
from frontendx.records import FixVerdict, Triage
from frontendx.repro import Finding, Step, export_pytest, parse_steps
from frontendx.suite import App, BrowserState, FlakyCase, Jitter
from frontendx.validate import FIX_RUNS, ReplayResult, Validator
from frontendx.validate._flaky import passed, runs, seeds

HISTORY_RUNS = 10
"""CI runs the agent sees, the last of them red."""
MAX_HISTORY_RUNS = 40
"""Runs tried before a case whose test never fails is called broken ground truth."""
HISTORY_SEED = 1_000
FIX_SEED = 2_000
RERUN_SEED = 3_000
AGENT_SEED = 4_000


@dataclass(frozen=True)
class History:
    """A case's CI history: pass/fail per run (oldest first, the last one failed), the
    failing run's message and its Playwright trace."""

    runs: tuple[bool, ...]
    failure: str
    trace: Path | None


def seed_of(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:6], "big")


async def ci_history(
    validator: Validator, case: FlakyCase, state: BrowserState, folder: Path
) -> History:
    """Run the red test under jitter, from a fixed seed, until a run from the tenth on fails:
    the history is the HISTORY_RUNS runs ending with it. That run is replayed with a trace
    (kept in `folder` when it fails again)."""
    folder.mkdir(parents=True, exist_ok=True)
    results: list[ReplayResult] = []
    while len(results) < MAX_HISTORY_RUNS:
        batch = seeds(HISTORY_SEED + len(results), HISTORY_RUNS)
        results += await runs(validator, case.failing, case.variant, state, batch)
        last = next(
            (i for i in range(HISTORY_RUNS - 1, len(results)) if not passed(results[i])), None
        )
        if last is None:
            continue
        trace = folder / "failing-run.zip"
        # the failing run again, traced: the same seed fails again most of the time
        for attempt in range(3):
            seed = HISTORY_SEED + last if attempt == 0 else seed_of(HISTORY_SEED, last, attempt)
            traced = await validator.replay(
                case.failing, case.variant, state, jitter=Jitter(seed=seed), trace_path=trace
            )
            if not passed(traced):
                break
        else:
            trace.unlink(missing_ok=True)
        window = results[last - HISTORY_RUNS + 1 : last + 1]
        return History(
            tuple(map(passed, window)),
            results[last].message,
            trace if trace.is_file() else None,
        )
    raise AppError(
        f"case {case.id!r}: its test failed no run from the tenth to the {MAX_HISTORY_RUNS}th "
        "under jitter, so it is not a red test; run `frontendx self-test --tests all` on its app"
    )


def failing_test(case: FlakyCase, history: History, app_url: str, trace: str | None) -> FailingTest:
    """What the agent sees of the case: the test (never its id, label or cause)."""
    steps = [s.model_dump(mode="json", exclude_none=True) for s in case.failing]
    source = export_pytest(
        Finding(title=case.test.title, steps=list(case.failing)),
        app_url=app_url,
        name="red_test",
        filename="test_red.py",
    )
    return FailingTest(
        title=case.test.title,
        steps=steps,
        pytest=source,
        history=["pass" if ok else "fail" for ok in history.runs],
        failure=history.failure,
        trace=trace,
    )


def rerunner(validator: Validator, case: FlakyCase, state: BrowserState, base: int) -> Any:
    """`ctx.run_test`'s harness side: one run on a reset app, a new jitter seed each time."""
    counter = itertools.count()

    async def rerun(steps: list[Step]) -> RunOutcome:
        seed = seed_of(RERUN_SEED, base, next(counter))
        result = await validator.replay(steps, case.variant, state, jitter=Jitter(seed=seed))
        return RunOutcome(passed=passed(result), message=result.message)

    return rerun


async def judge_fix(
    validator: Validator, app: App, case: FlakyCase, raw: list[Any], state: BrowserState
) -> tuple[FixVerdict, int, int, str]:
    """(verdict, runs passed, runs, reason) of a fixed test: it must pass FIX_RUNS runs under
    jitter on the case's build, then still fail where the good test fails (an outdated test's
    fix: on the build without the edits; a flaky test's: with each bug the good test catches
    on), else it is `neutered`."""
    try:
        steps = parse_steps(raw)
    except ReproError as exc:
        return "invalid", 0, 0, str(exc)
    results = await runs(validator, steps, case.variant, state, seeds(FIX_SEED, FIX_RUNS))
    good = sum(map(passed, results))
    if good < FIX_RUNS:
        first = next(r for r in results if not passed(r))
        return "fails", good, FIX_RUNS, f"passed {good} of {FIX_RUNS} runs: {first.message}"
    targets: list[tuple[str, ...]]
    if case.neutered_on is not None:
        targets = [case.neutered_on]
    else:
        targets = [(b,) for b in case.test.catches if app.bugs[b].manifests_in(state)]
    checks = await runs_each(validator, steps, targets, state)
    for target, result in zip(targets, checks, strict=True):
        if passed(result):
            where = f"with bug {target[0]!r} on" if target else "without the change's edits"
            return (
                "neutered",
                good,
                FIX_RUNS,
                f"passes {where}, where the test it fixes fails: it no longer checks it",
            )
    return "holds", good, FIX_RUNS, ""


async def runs_each(
    validator: Validator,
    steps: list[Step],
    variants: list[tuple[str, ...]],
    state: BrowserState,
) -> list[ReplayResult]:
    return await gather_all(*(validator.replay(steps, v, state) for v in variants))


def judged_triage(
    case: FlakyCase,
    history: History,
    answer: dict[str, Any],
    fix: tuple[FixVerdict, int, int, str] | None,
) -> Triage:
    verdict, good, total, reason = fix if fix is not None else (None, 0, 0, "")
    return Triage(
        case=case.id,
        truth=case.label,
        truth_category=case.category.value if case.category else None,
        bug=case.bug,
        history=list(history.runs),
        label=answer.get("label"),
        category=answer.get("category"),
        labelled_at=answer.get("labelled_at"),
        fix=answer.get("fix"),
        fix_verdict=verdict,
        fix_passed=good,
        fix_runs=total,
        fix_reason=reason,
    )


def copy_trace(history: History, folder: Path) -> str | None:
    """The failing run's trace, copied into the episode's folder; its name there."""
    if history.trace is None or not history.trace.is_file():
        return None
    dest = folder / "red-run.zip"
    shutil.copyfile(history.trace, dest)
    return dest.name
