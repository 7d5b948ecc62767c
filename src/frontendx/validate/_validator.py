"""Validation by differential replay: no LLM judge, only the app and the finding's own claim."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser

from frontendx._aio import gather_all
from frontendx.browser import Sandbox
from frontendx.records import ReplayRecord, ReportedFinding, Verdict, VerdictKind
from frontendx.repro import Step, is_visual_claim
from frontendx.suite import App, AppServer, BrowserState, Change, Jitter
from frontendx.validate._replay import Outcome, Replayer, ReplayResult

DEFAULT_REPLAYS = 3


def is_base_comparison(step: Step) -> bool:
    """Whether a step compares the page with a base build (it needs a reference server)."""
    return str(step.action) == "expect_matches_base"


def failing_replay_trace(finding_index: int) -> str:
    """File name of the Playwright trace of a finding's failing buggy replay (an artifact of
    the episode, opened with `playwright show-trace`)."""
    return f"failing-replay-{finding_index}.zip"


class Validator:
    """Judges findings by replaying them in fresh sandboxed contexts.

    1. k replays on the buggy variant: the claim must fail every time.
    2. one replay on the clean variant: the claim must hold.
    3. with several bugs active, one replay per candidate bug switched off: exactly one
       removal must make the claim hold.

    Replays that do not depend on each other run concurrently, one per app server in
    `servers` (a failing claim spends most of its time waiting for its assertion's timeout).
    """

    def __init__(
        self,
        browser: Browser,
        servers: Sequence[AppServer],
        *,
        replays: int = DEFAULT_REPLAYS,
        trace_dir: Path | None = None,
        reference: AppServer | Sequence[AppServer] | None = None,
    ) -> None:
        """`trace_dir`: where the first buggy replay of each finding records a Playwright
        trace, kept (as `failing_replay_trace(index)`) when that replay fails. Only one replay
        per finding is traced: tracing slows a replay, and one failing replay is what a
        developer triaging the bug opens."""
        if not servers:
            raise ValueError("a validator needs at least one app server")
        self.browser = browser
        self.app: App = servers[0].app
        self.replays = replays
        self.trace_dir = trace_dir
        self._free: asyncio.Queue[AppServer] = asyncio.Queue()
        for server in servers:
            self._free.put_nowait(server)
        references = [reference] if isinstance(reference, AppServer) else list(reference or [])
        self.reference = references[0] if references else None
        """a server `expect_matches_base` compares with, switched to the reference variant a
        replay names; each reference server serves one replay at a time"""
        self._references: asyncio.Queue[AppServer] = asyncio.Queue()
        for server in references:
            self._references.put_nowait(server)

    @asynccontextmanager
    async def _lane(self) -> AsyncIterator[AppServer]:
        server = await self._free.get()
        try:
            yield server
        finally:
            self._free.put_nowait(server)

    async def replay(
        self,
        steps: Sequence[Step],
        variant: Iterable[str],
        state: BrowserState,
        *,
        trace_path: Path | None = None,
        reference: Iterable[str] | None = None,
        jitter: Jitter | None = None,
    ) -> ReplayResult:
        """One replay in a fresh context on a freshly reset app in `variant` (recording a
        Playwright trace to `trace_path` when given), under `jitter` when given (app server
        and browser context, docs/design.md §4.1). Steps that compare with a base build
        (`expect_matches_base`) get the reference server in the `reference` variant."""
        wanted = frozenset(variant)
        uses_reference = (
            reference is not None
            and self.reference is not None
            and any(is_base_comparison(s) for s in steps)
        )
        async with (
            self._lane() as server,
            self._reference_for(
                frozenset(reference or ()) if uses_reference else None
            ) as reference_url,
        ):
            if server.active == wanted:
                await server.reset()
            else:
                await server.set_variant(wanted)
            if jitter is not None or server.jitter is not None:
                await server.set_jitter(jitter)  # its draws start over from the seed
            async with Sandbox(
                self.browser,
                self.app,
                server.url,
                state,
                instrument=True,
                trace_path=trace_path,
                also=[reference_url] if reference_url else [],
                jitter=jitter,
            ) as box:
                return await Replayer(
                    box.page, box.events, server.url, reference_url=reference_url
                ).run(list(steps))

    @asynccontextmanager
    async def _reference_for(self, variant: frozenset[str] | None) -> AsyncIterator[str | None]:
        """The reference server's URL in `variant`, reset, held for one replay (None: no
        reference wanted)."""
        if variant is None or self.reference is None:
            yield None
            return
        reference = await self._references.get()
        try:
            if reference.active == variant:
                await reference.reset()
            else:
                await reference.set_variant(variant)
            yield reference.reference_url
        finally:
            self._references.put_nowait(reference)

    async def judge(
        self,
        reported: ReportedFinding,
        active: Iterable[str],
        state: BrowserState,
        already_validated: set[str],
        *,
        change: Change | None = None,
        visual_only: bool = False,
    ) -> Verdict:
        """One finding's verdict. With a `change` (docs/design.md §6.2), the buggy variant
        is its head build and the clean one its base build (a claim failing there too is
        `also_on_base`), and attribution switches off one regression or intended edit at a
        time (a claim that holds once an edit is off is `intended_change`). `visual_only`:
        a claim that is not visual is `invalid` (the visual task counts only visual claims)."""
        if reported.finding is None:
            return Verdict(kind=VerdictKind.INVALID, reason=reported.error or "malformed finding")
        steps = reported.finding.steps
        claim = next((s for s in reversed(steps) if s.is_assertion), None)
        if visual_only and (claim is None or not is_visual_claim(claim)):
            return Verdict(
                kind=VerdictKind.INVALID,
                reason="the visual task counts only visual claims (contrast, overflow, focus, "
                "a region against the base build, overlap, a region screenshot or colour "
                f"contrast), not {claim.action if claim is not None else 'no assertion'}",
            )
        buggy = change.head if change is not None else tuple(sorted(active))
        clean_variant = change.base if change is not None else ()
        evidence: list[ReplayRecord] = []

        async def run(
            variant: tuple[str, ...], purpose: str, trace: Path | None = None
        ) -> ReplayResult:
            result = await self.replay(
                steps, variant, state, trace_path=trace, reference=clean_variant
            )
            evidence.append(_record(variant, purpose, result))
            return result

        trace = None
        if self.trace_dir is not None:
            trace = self.trace_dir / f".replay-{reported.index}.zip"
        # the clean replay runs beside the buggy ones: it is needed whenever they all fail
        *results, clean = await gather_all(
            *(run(buggy, "buggy", trace if n == 0 else None) for n in range(self.replays)),
            run(clean_variant, "clean"),
        )
        if trace is not None and trace.is_file():
            if results[0].outcome is Outcome.FAILS:
                trace.replace(trace.with_name(failing_replay_trace(reported.index)))
            else:
                trace.unlink()
        fails = sum(r.outcome is Outcome.FAILS for r in results)
        if all(r.outcome is Outcome.BROKEN for r in results):
            return Verdict(
                kind=VerdictKind.INVALID,
                reason=f"steps do not replay: {results[0].message}",
                replays=evidence,
            )
        if fails == 0:
            return Verdict(
                kind=VerdictKind.NOT_REPRODUCED,
                reason=f"the claim held in all {self.replays} replays on the buggy variant",
                replays=evidence,
            )
        if fails < self.replays:
            return Verdict(
                kind=VerdictKind.FLAKY_REPRO,
                reason=f"the claim failed in {fails} of {self.replays} replays",
                replays=evidence,
            )
        where = "the base build" if change is not None else "the clean app"
        if clean.outcome is Outcome.FAILS:
            return Verdict(
                kind=VerdictKind.ALSO_ON_BASE if change is not None else VerdictKind.ALSO_ON_CLEAN,
                reason=f"the claim also fails on {where}: {clean.message}",
                replays=evidence,
            )
        if clean.outcome is Outcome.BROKEN:
            return Verdict(
                kind=VerdictKind.AMBIGUOUS,
                reason=f"the steps do not run on {where}: {clean.message}",
                replays=evidence,
            )
        if change is not None:
            verdict = await self._attribute_change(change, state, buggy, run, already_validated)
            return verdict.model_copy(update={"replays": evidence})

        if len(buggy) == 1:
            culprits = list(buggy)
        else:
            candidates = [b for b in buggy if self.app.bugs[b].manifests_in(state)]
            culprits = await self._attribute(buggy, candidates or list(buggy), steps, run)
        if len(culprits) != 1:
            why = "no single bug" if not culprits else f"several bugs ({', '.join(culprits)})"
            return Verdict(
                kind=VerdictKind.AMBIGUOUS,
                reason=f"switching off {why} makes the claim hold",
                replays=evidence,
            )
        bug = culprits[0]
        if bug in already_validated:
            return Verdict(
                kind=VerdictKind.DUPLICATE,
                bug_id=bug,
                reason="this bug was already validated earlier in the episode",
                replays=evidence,
            )
        return Verdict(kind=VerdictKind.VALIDATED, bug_id=bug, replays=evidence)

    async def _attribute_change(
        self,
        change: Change,
        state: BrowserState,
        head: tuple[str, ...],
        run: Callable[[tuple[str, ...], str], Awaitable[ReplayResult]],
        already_validated: set[str],
    ) -> Verdict:
        """A change's claim that fails on head and holds on base: switch off one regression
        or intended edit at a time; the one whose removal makes the claim hold is its cause."""
        regressions = [b for b in change.regressions if self.app.bugs[b].manifests_in(state)]
        switches = [*regressions, *(e.id for e in change.edits)]
        others = [b for b in change.regressions if b not in regressions]
        if len(switches) + len(others) == 1:
            culprits = switches  # head without it is the base, where the claim held
        else:
            removed = await gather_all(
                *(run(tuple(s for s in head if s != x), "attribution") for x in switches)
            )
            culprits = [
                x for x, r in zip(switches, removed, strict=True) if r.outcome is Outcome.HOLDS
            ]
        if len(culprits) != 1:
            why = "no single switch" if not culprits else f"{len(culprits)} switches"
            return Verdict(
                kind=VerdictKind.AMBIGUOUS,
                reason=f"switching off {why} of the change makes the claim hold",
            )
        (cause,) = culprits
        if cause in self.app.edits:
            return Verdict(
                kind=VerdictKind.INTENDED_CHANGE,
                reason="the claim holds once an intended edit of the change is off: it flags "
                f"what the change meant to do ({self.app.edits[cause].description})",
            )
        if cause in already_validated:
            return Verdict(
                kind=VerdictKind.DUPLICATE,
                bug_id=cause,
                reason="this bug was already validated earlier in the episode",
            )
        return Verdict(kind=VerdictKind.VALIDATED, bug_id=cause)

    async def _attribute(
        self,
        buggy: tuple[str, ...],
        candidates: list[str],
        steps: Sequence[Step],
        run: Callable[[tuple[str, ...], str], Awaitable[ReplayResult]],
    ) -> list[str]:
        """The candidates whose removal makes the claim hold.

        A screen comes first: candidates alone, most likely first (by how much the finding's
        steps share with each bug's ground-truth repro), one batch per free lane, stopping at
        the first batch in which a bug reproduces the claim alone. When exactly one has, one
        replay with that bug switched off confirms it: a bug that is sufficient alone and
        necessary among all is the only one (any other sufficient bug would still be there
        when it is switched off). Otherwise every candidate is switched off in turn. The order
        only saves replays; every verdict still rests on replays alone.
        """
        ranked = sorted(candidates, key=lambda b: -_similarity(steps, self.app.bugs[b].repro))
        batch = max(1, self._free.qsize())
        sufficient: list[str] = []
        for start in range(0, len(ranked), batch):
            chunk = ranked[start : start + batch]
            alone = await gather_all(*(run((b,), "attribution") for b in chunk))
            sufficient += [
                b for b, r in zip(chunk, alone, strict=True) if r.outcome is Outcome.FAILS
            ]
            if sufficient:
                break
        if len(sufficient) == 1:
            (bug,) = sufficient
            without = await run(tuple(b for b in buggy if b != bug), "attribution")
            if without.outcome is Outcome.HOLDS:
                return [bug]
        removed = await gather_all(
            *(run(tuple(b for b in buggy if b != bug), "attribution") for bug in candidates)
        )
        return [b for b, r in zip(candidates, removed, strict=True) if r.outcome is Outcome.HOLDS]

    async def judge_all(
        self,
        findings: Sequence[ReportedFinding],
        active: Iterable[str],
        state: BrowserState,
        *,
        change: Change | None = None,
        visual_only: bool = False,
    ) -> list[ReportedFinding]:
        """Verdicts for an episode's findings. They are judged concurrently (the lanes bound
        how many replays run at once); duplicates are then assigned in report order."""
        active = tuple(active)
        verdicts = await gather_all(
            *(
                self.judge(f, active, state, set(), change=change, visual_only=visual_only)
                for f in findings
            )
        )
        validated: set[str] = set()
        judged = []
        for reported, verdict in zip(findings, verdicts, strict=True):
            bug = verdict.bug_id
            if verdict.kind is VerdictKind.VALIDATED and bug is not None:
                if bug in validated:
                    verdict = verdict.model_copy(
                        update={
                            "kind": VerdictKind.DUPLICATE,
                            "reason": "this bug was already validated earlier in the episode",
                        }
                    )
                validated.add(bug)
            judged.append(reported.model_copy(update={"verdict": verdict}))
        return judged


def _step_features(steps: Sequence[Step]) -> set[str]:
    # Timeouts say nothing about what is tested; everything else of a step does.
    return {step.model_dump_json(exclude={"timeout_ms"}, exclude_none=True) for step in steps}


def _similarity(a: Sequence[Step], b: Sequence[Step]) -> float:
    """Jaccard similarity of two step lists' steps (1.0 for identical lists)."""
    fa, fb = _step_features(a), _step_features(b)
    return len(fa & fb) / len(fa | fb) if fa or fb else 0.0


def _record(variant: tuple[str, ...], purpose: str, result: ReplayResult) -> ReplayRecord:
    return ReplayRecord.model_validate(
        {
            "variant": variant,
            "purpose": purpose,
            "outcome": result.outcome.value,
            "step_index": result.step_index,
            "message": result.message,
            "seconds": round(result.seconds, 3),
        }
    )
