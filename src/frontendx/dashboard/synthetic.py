"""SYNTHETIC benchmark results, for exercising the dashboard (tests, screenshots, the latency
benchmark) without running any agent.

Nothing here was measured: every episode, finding, verdict, cost and time is drawn from a seeded
random generator. The data is labelled as such: every agent name starts with ``synthetic-``,
every run id with ``syn-``, and every run's spec carries ``"synthetic": true``. Never mix it
into a store that holds real results.

The records are real `frontendx.records.EpisodeResult` models (built with validation), so the
dashboard reads them exactly as it reads real ones. To look like a living benchmark the data
spans several runs over weeks: agent versions change mid-way (so trends move), the browser and
one app get newer versions near the end, one agent stops being re-run (so its results go stale)
and a final changelog entry announces an agent version that has not run yet.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import struct
import time
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import frontendx
from frontendx.artifacts import artifacts_dir_for
from frontendx.records import (
    AgentSpec,
    Budget,
    BugFacts,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    ReplayRecord,
    ReportedFinding,
    TaskSpec,
    Usage,
    Verdict,
    VerdictKind,
)
from frontendx.repro import Finding
from frontendx.store import SqliteStore
from frontendx.suite import BUILTIN_STATES, BrowserState

SYNTHETIC_PREFIX = "synthetic-"

# app -> bugs: (id, category, difficulty, severity, manual minutes, title)
_APPS: dict[str, list[tuple[str, str, str, str, float, str]]] = {
    "shop": [
        ("cart-total-rounding", "logic", "medium", "high", 25, "Cart total rounds wrongly"),
        ("coupon-case", "validation", "easy", "medium", 15, "Coupon code is case-sensitive"),
        ("qty-negative", "validation", "easy", "high", 10, "Quantity accepts negatives"),
        ("checkout-500", "http-5xx", "medium", "critical", 30, "Checkout fails with 500"),
        ("price-locale", "i18n", "medium", "medium", 20, "Prices ignore the locale"),
        ("menu-overflow", "responsive", "easy", "low", 10, "Menu overflows on phones"),
        ("stale-cart", "state", "hard", "high", 40, "Cart shows stale items"),
        ("orders-idor", "access-control", "hard", "critical", 45, "Other users' orders open"),
    ],
    "kanban": [
        ("drag-drop-lost", "race", "hard", "high", 45, "Card lost after quick drag"),
        ("title-empty", "validation", "easy", "medium", 10, "Empty card title accepted"),
        ("column-count", "logic", "medium", "medium", 20, "Column count is off by one"),
        ("board-crash", "uncaught-error", "medium", "critical", 25, "Board crashes on archive"),
        ("focus-trap", "accessibility", "medium", "medium", 20, "Dialog traps focus"),
        ("card-overlap", "layout", "easy", "low", 10, "Long titles overlap"),
        ("back-button", "routing", "medium", "medium", 20, "Back button loses the board"),
    ],
    "mail": [
        ("reply-all-drops", "logic", "medium", "high", 25, "Reply-all drops recipients"),
        ("date-format", "i18n", "easy", "low", 10, "Dates in US format for de"),
        ("attach-500", "http-5xx", "medium", "high", 30, "Large attachment gives 500"),
        ("unread-count", "state", "hard", "medium", 35, "Unread count never updates"),
        ("compose-mobile", "responsive", "medium", "medium", 15, "Compose hidden on phones"),
        ("contrast", "accessibility", "easy", "low", 10, "Low contrast on labels"),
        ("search-race", "race", "hard", "medium", 40, "Search shows older results"),
    ],
    "bank": [
        ("transfer-limit", "validation", "medium", "critical", 30, "Transfer limit bypassed"),
        ("balance-stale", "state", "hard", "high", 40, "Balance stale after transfer"),
        ("iban-format", "i18n", "medium", "medium", 20, "IBAN rejected in de locale"),
        ("stmt-crash", "uncaught-error", "easy", "high", 15, "Statement page crashes"),
        ("nav-dead-link", "routing", "easy", "low", 5, "Footer link is dead"),
        ("table-overflow", "layout", "medium", "low", 10, "Table overflows its card"),
        ("admin-panel", "access-control", "hard", "critical", 45, "Admin panel reachable"),
    ],
}

_APP_VERSIONS = {"shop": "2026.10.2", "kanban": "1.4.0", "mail": "0.9.3", "bank": "3.2.1"}
_STATES = ("desktop", "mobile", "de", "dark")
_CHROMIUM = ("131.0.6778.85", "132.0.6834.57")
_DIFFICULTY = {"easy": 1.0, "medium": 0.7, "hard": 0.4}


@dataclass(frozen=True)
class _Profile:
    name: str
    config: dict[str, Any]
    model: str
    skill: float  # chance of finding an easy bug
    fp: float  # expected false-positive findings per episode
    usd: float  # model dollars per episode
    speed: float  # mean seconds to a find
    drift: float  # skill change at the version bump


_PROFILES = [
    _Profile("crawler", {}, "", 0.30, 0.25, 0.0, 35.0, 0.0),
    _Profile(
        "llm", {"model": "gpt-large", "observe": "a11y"}, "gpt-large", 0.78, 0.35, 0.42, 60.0, 0.06
    ),
    _Profile(
        "llm", {"model": "gpt-mini", "observe": "a11y"}, "gpt-mini", 0.55, 0.5, 0.05, 50.0, 0.04
    ),
    _Profile("vision", {"model": "claude-sonnet"}, "claude-sonnet", 0.72, 0.2, 0.55, 75.0, 0.08),
    _Profile("browser-use", {"model": "qwen-72b"}, "qwen-72b", 0.6, 0.45, 0.12, 70.0, -0.08),
    _Profile("stagehand", {"model": "gpt-mini"}, "gpt-mini", 0.5, 0.3, 0.07, 55.0, 0.1),
    _Profile("local-llm", {"model": "llama-8b"}, "llama-8b", 0.35, 0.7, 0.0, 90.0, 0.02),
    _Profile("random-clicker", {}, "", 0.12, 0.15, 0.0, 25.0, 0.0),
]


def _profile(i: int) -> _Profile:
    if i < len(_PROFILES):
        return dataclasses.replace(_PROFILES[i], name=SYNTHETIC_PREFIX + _PROFILES[i].name)
    rng = random.Random(i)
    return _Profile(
        f"{SYNTHETIC_PREFIX}agent-{i}",
        {"variant": i},
        f"model-{i % 5}",
        rng.uniform(0.2, 0.8),
        rng.uniform(0.1, 0.6),
        rng.uniform(0.0, 0.5),
        rng.uniform(30, 90),
        rng.uniform(-0.1, 0.1),
    )


def _shows(category: str, state: str) -> bool:
    if category == "responsive":
        return state == "mobile"
    if category == "i18n":
        return state == "de"
    return True


@dataclass(frozen=True)
class _Cell:
    app: str
    bugs: tuple[str, ...]
    state: str
    task: str
    target: str | None
    repeat: int


def _cells(n: int, rng: random.Random) -> list[_Cell]:
    """`n` distinct cells spread over apps, states, variants and both tasks."""
    base: list[_Cell] = []
    for app, bugs in _APPS.items():
        ids = [b[0] for b in bugs]
        variants = [(), *[(b,) for b in ids], *[tuple(sorted(p)) for p in itertools.pairwise(ids)]]
        for state in _STATES:
            for v in variants:
                base.append(_Cell(app, v, state, "explore", None, 0))
            for b in bugs:
                if _shows(b[1], state):
                    base.append(_Cell(app, (b[0],), state, "reproduce", b[0], 0))
    rng.shuffle(base)
    out: list[_Cell] = []
    repeat = 0
    while len(out) < n:
        out.extend(
            _Cell(c.app, c.bugs, c.state, c.task, c.target, repeat) for c in base[: n - len(out)]
        )
        repeat += 1
    return out


# --- findings ---------------------------------------------------------------------------------


def _steps(app: str, bug: str, title: str) -> list[dict[str, Any]]:
    return [
        {"action": "goto", "url": f"/{app}"},
        {"action": "click", "target": {"role": "link", "name": title.split()[0]}},
        {"action": "fill", "target": {"label": "Search"}, "value": bug.replace("-", " ")},
        {"action": "click", "target": {"role": "button", "name": "Apply"}},
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": f"{bug}-result"},
            "text": "expected state",
            "negate": True,
        },
    ]


class _Pools:
    """Prebuilt (frozen) findings and verdicts, shared by episodes to keep generation fast."""

    def __init__(self, rng: random.Random) -> None:
        self.findings: dict[tuple[str, str], list[Finding]] = {}
        self.facts: dict[tuple[str, str], BugFacts] = {}
        self.verdicts: dict[tuple[str, str, str], list[Verdict]] = {}
        for app, bugs in _APPS.items():
            for bug, cat, diff, sev, minutes, title in bugs:
                self.facts[(app, bug)] = BugFacts(
                    category=cat, difficulty=diff, severity=sev, manual_minutes=minutes
                )
                self.findings[(app, bug)] = [
                    Finding.model_validate(
                        {
                            "title": f"{title} ({variant})",
                            "description": f"Synthetic report: {title.lower()} in the {app} app.",
                            "steps": [
                                *_steps(app, bug, title)[: 2 + k],
                                _steps(app, bug, title)[-1],
                            ],
                            "expected": "the page shows the correct state",
                            "actual": title.lower(),
                        }
                    )
                    for k, variant in enumerate(("after sign-in", "on reload", "via the menu"))
                ]
                for kind in VerdictKind:
                    # explore and reproduce verdicts only (a change review's two kinds would
                    # also change every draw after them)
                    if kind not in (
                        VerdictKind.INVALID,
                        VerdictKind.ALSO_ON_BASE,
                        VerdictKind.INTENDED_CHANGE,
                    ):
                        self.verdicts[(app, bug, kind.value)] = [
                            _verdict(kind, app, bug, rng) for _ in range(3)
                        ]
        self.fp_findings = [
            Finding.model_validate(
                {
                    "title": t,
                    "description": "Synthetic false alarm: the agent misread the page.",
                    "steps": [
                        {"action": "goto", "url": "/"},
                        {"action": "click", "target": {"text": "Details"}},
                        {"action": "expect", "condition": "visible", "target": {"css": ".banner"}},
                    ],
                }
            )
            for t in (
                "Banner missing after navigation",
                "Button does nothing on first click",
                "Spinner never disappears",
                "Font looks too small",
            )
        ]


def _verdict(kind: VerdictKind, app: str, bug: str, rng: random.Random) -> Verdict:
    def rec(
        variant: Sequence[str], purpose: str, outcome: str, step: int | None, msg: str
    ) -> ReplayRecord:
        return ReplayRecord.model_validate(
            {
                "variant": tuple(variant),
                "purpose": purpose,
                "outcome": outcome,
                "step_index": step,
                "message": msg,
                "seconds": round(rng.uniform(0.8, 6.0), 2),
            }
        )

    failed = "expect text: element does not contain 'expected state'"
    if kind is VerdictKind.VALIDATED:
        return Verdict(
            kind=kind,
            bug_id=bug,
            reason=f"fails on the buggy variant in 3/3 replays, holds on clean; caused by {bug}",
            replays=[
                *(rec((bug,), "buggy", "fails", 4, failed) for _ in range(3)),
                rec((), "clean", "holds", None, ""),
                rec((bug,), "attribution", "fails", 4, failed),
            ],
        )
    if kind is VerdictKind.DUPLICATE:
        return Verdict(
            kind=kind,
            bug_id=bug,
            reason=f"validated for {bug}, which an earlier finding already reproduced",
            replays=[rec((bug,), "buggy", "fails", 4, failed), rec((), "clean", "holds", None, "")],
        )
    if kind is VerdictKind.NOT_REPRODUCED:
        return Verdict(
            kind=kind,
            reason="the repro holds (no failure) on the variant it was found on",
            replays=[rec((bug,), "buggy", "holds", None, "") for _ in range(3)],
        )
    if kind is VerdictKind.FLAKY_REPRO:
        return Verdict(
            kind=kind,
            reason="fails in 1 of 3 replays on the buggy variant",
            replays=[
                rec((bug,), "buggy", "fails", 4, failed),
                rec((bug,), "buggy", "holds", None, ""),
                rec((bug,), "buggy", "holds", None, ""),
            ],
        )
    if kind is VerdictKind.ALSO_ON_CLEAN:
        return Verdict(
            kind=kind,
            reason="also fails on the clean app: not caused by a seeded bug",
            replays=[
                rec((bug,), "buggy", "fails", 2, "locator css='.banner' matched no element"),
                rec((), "clean", "fails", 2, "locator css='.banner' matched no element"),
            ],
        )
    return Verdict(
        kind=VerdictKind.AMBIGUOUS,
        reason="fails on the buggy variant but no single active bug explains it",
        replays=[
            rec((bug,), "buggy", "fails", 3, failed),
            rec((), "clean", "holds", None, ""),
            rec((bug,), "attribution", "holds", None, "attribution replay did not fail"),
        ],
    )


# --- episodes ---------------------------------------------------------------------------------


def _episode(
    cell: _Cell,
    agent: AgentSpec,
    profile: _Profile,
    skill: float,
    versions: dict[str, str],
    finished_at: float,
    pools: _Pools,
    rng: random.Random,
) -> EpisodeResult:
    state: BrowserState = BUILTIN_STATES[cell.state]
    budget = Budget(wall_seconds=300.0, steps=200)
    spec = EpisodeSpec(
        app=cell.app,
        bugs=cell.bugs,
        state=state,
        agent=agent,
        task=TaskSpec(kind=cell.task, target_bug=cell.target, budget=budget),  # type: ignore[arg-type]
        repeat=cell.repeat,
    )
    shows = [b for b in cell.bugs if _shows(pools.facts[(cell.app, b)].category, cell.state)]
    roll = rng.random()
    status = EpisodeStatus.OK
    error = None
    if roll < 0.012:
        status, error = EpisodeStatus.INFRA_ERROR, "browser crashed during the agent's run"
    elif roll < 0.03:
        status, error = EpisodeStatus.TIMEOUT, "wall-clock budget of 300s used up"
    elif roll < 0.04:
        status, error = EpisodeStatus.AGENT_ERROR, "RuntimeError: model returned no action"
    started = finished_at - rng.uniform(60, 300)
    findings: list[ReportedFinding] = []
    times: list[tuple[float, Finding | None, Verdict | None, Any, str | None]] = []
    if status is not EpisodeStatus.INFRA_ERROR:
        scored = [cell.target] if cell.task == "reproduce" and cell.target in shows else shows
        for bug in scored:
            assert bug is not None
            facts = pools.facts[(cell.app, bug)]
            p = skill * _DIFFICULTY[facts.difficulty] * (0.85 if cell.state == "mobile" else 1.0)
            if cell.task == "reproduce":
                p = min(0.97, p * 1.25)
            if rng.random() < p:
                ttr = rng.expovariate(1 / (profile.speed / _DIFFICULTY[facts.difficulty]))
                if ttr < budget.wall_seconds * 0.95:
                    kind = rng.choices(["validated", "duplicate"], [0.85, 0.15])[0]
                    finding = rng.choice(pools.findings[(cell.app, bug)])
                    verdict = rng.choice(pools.verdicts[(cell.app, bug, "validated")])
                    times.append((ttr, finding, verdict, None, None))
                    if kind == "duplicate":
                        dup = rng.choice(pools.verdicts[(cell.app, bug, "duplicate")])
                        times.append((ttr + rng.uniform(5, 40), finding, dup, None, None))
        n_fp = sum(rng.random() < profile.fp / 2 for _ in range(2))
        for _ in range(n_fp):
            kind = rng.choice(
                ["not_reproduced", "flaky_repro", "also_on_clean", "ambiguous", "invalid"]
            )
            at = rng.uniform(5, budget.wall_seconds * 0.9)
            if kind == "invalid":
                raw = {"title": "", "steps": [{"action": "tap", "selector": "#buy"}]}
                err = "invalid finding: field `title`: String should have at least 1 character"
                times.append((at, None, Verdict(kind=VerdictKind.INVALID, reason=err), raw, err))
                continue
            bug_for = cell.bugs[0] if cell.bugs else _APPS[cell.app][0][0]
            verdict = rng.choice(pools.verdicts[(cell.app, bug_for, kind)])
            times.append((at, rng.choice(pools.fp_findings), verdict, None, None))
        times.sort(key=lambda t: t[0])
        for i, (at, parsed, judged, raw, problem) in enumerate(times):
            findings.append(
                ReportedFinding(
                    index=i,
                    found_at=round(at, 3),  # seconds since the episode started, as stamped
                    finding=parsed,
                    raw=raw,
                    error=problem,
                    verdict=judged,
                )
            )
    wall = round(finished_at - started, 3)
    steps = rng.randint(15, 180)
    tokens_in = int(profile.usd * 1e6 * rng.uniform(0.6, 1.4) / 3) if profile.model else 0
    return EpisodeResult(
        spec=spec,
        status=status,
        error=error,
        findings=findings,
        manifestable_bugs=shows,
        bug_facts={b: pools.facts[(cell.app, b)] for b in shows},
        usage=Usage(
            wall_seconds=wall,
            browser_seconds=round(wall * 0.9, 3),
            steps=steps,
            questions=rng.choice([0, 0, 0, 1, 2]) if profile.model else 0,
            input_tokens=tokens_in,
            output_tokens=tokens_in // 20,
            model_cost_usd=round(profile.usd * rng.uniform(0.6, 1.4), 4),
        ),
        started_at=started,
        finished_at=finished_at,
        fingerprint=f"synthetic-{rng.getrandbits(64):016x}",
        versions=versions,
        suite_version="synthetic",
        frontendx_version=frontendx.__version__,
        chromium_version=versions["chromium"],
    )


# --- the generator ----------------------------------------------------------------------------


def generate_synthetic(
    store: SqliteStore,
    *,
    episodes: int,
    seed: int = 0,
    agents: int = 8,
    runs: int = 10,
    now: float | None = None,
    artifacts: int = 12,
) -> None:
    """Write `episodes` SYNTHETIC episode results into `store`, spread over `runs` runs (one
    every four days, the last ending about an hour before `now`) and `agents` agent configs,
    all named ``synthetic-*``. The newest `artifacts` episodes get a placeholder screenshot
    and trace file (labelled synthetic) so that the episode page has files to show.

    Stored through the store's own API, one transaction per run."""
    if episodes < 1 or agents < 1 or runs < 1:
        raise ValueError("episodes, agents and runs must all be at least 1")
    rng = random.Random(seed)
    pools = _Pools(rng)
    now = time.time() if now is None else now
    profiles = [_profile(i) for i in range(agents)]
    # who runs when: the last agent stops after run runs-3 (its results go stale), a late
    # entrant (agent index 1 if there are enough agents) joins at run 2
    plan: list[tuple[int, int]] = []
    for r in range(runs):
        for a in range(agents):
            if agents > 2 and a == agents - 1 and runs > 3 and r > runs - 3:
                continue
            if agents > 3 and a == agents - 2 and runs > 3 and r < 2:
                continue
            plan.append((r, a))
    # equal cells per agent and run (so each cell has a history), the remainder in the last run
    per = [episodes // len(plan)] * len(plan)
    last_run = [i for i, (r, _) in enumerate(plan) if r == runs - 1]
    for k in range(episodes % len(plan)):
        per[last_run[k % len(last_run)]] += 1
    n_cells = max(per)
    cells = _cells(n_cells, rng)
    bump = max(1, runs // 2)  # the run at which agent versions change
    interval = 4 * 86400.0
    first = now - 3600 - (runs - 1) * interval - 3 * 3600
    agent_specs: dict[tuple[int, int], AgentSpec] = {}

    newest: list[tuple[str, EpisodeResult]] = []
    for r in range(runs):
        start = first + r * interval
        run_id = "syn-" + time.strftime("%Y%m%d-%H%M", time.gmtime(start)) + f"-{r:02d}"
        members = [(i, a) for i, (rr, a) in enumerate(plan) if rr == r]
        n_run = sum(per[i] for i, _ in members)
        chromium = _CHROMIUM[1] if r >= runs - 2 else _CHROMIUM[0]
        rows: list[EpisodeResult] = []
        for i, a in members:
            p = profiles[a]
            ver = "1.0.0" if r < bump else "1.1.0"
            agent = agent_specs.setdefault(
                (a, r >= bump), AgentSpec(name=p.name, version=ver, config=p.config)
            )
            skill = max(0.02, min(0.98, p.skill + (p.drift if r >= bump else 0.0)))
            for k, cell in enumerate(cells[: per[i]]):
                app_ver = _APP_VERSIONS[cell.app]
                if cell.app == "kanban" and r >= runs - 1:
                    app_ver = "1.5.0"
                versions = {
                    "frontendx": frontendx.__version__,
                    "chromium": chromium,
                    "app": app_ver,
                    "agent": ver,
                    "agent_package": f"synthetic-agents {ver}",
                    "model": p.model,
                }
                finished = start + 3 * 3600 * (k + 0.5) / per[i] + rng.uniform(-60, 60)
                result = _episode(cell, agent, p, skill, versions, finished, pools, rng)
                if len(newest) < artifacts and r == runs - 1:
                    result = _with_artifacts(store, result)
                    newest.append((run_id, result))
                rows.append(result)
        spec = {"synthetic": True, "seed": seed, "run": r, "agents": agents}
        store.create_run(spec, n_run, frontendx.__version__, run_id=run_id, created_at=start)
        store.add_episodes(run_id, rows)
        changes = []
        if r == bump and r > 0:
            names = sorted({profiles[a].name for _, a in members})
            changes += [f"agent {n}: 1.0.0 -> 1.1.0 (synthetic)" for n in names]
        if r == runs - 2 and r > 0:
            changes.append(f"chromium: {_CHROMIUM[0]} -> {_CHROMIUM[1]} (synthetic)")
        if r == runs - 1 and r > 0:
            changes.append("app kanban: 1.4.0 -> 1.5.0 (synthetic)")
        if changes:
            seen = {
                "frontendx": frontendx.__version__,
                "chromium": chromium,
                "apps": {
                    **_APP_VERSIONS,
                    **({"kanban": "1.5.0"} if r >= runs - 1 else {}),
                },
            }
            store.add_change(seen, changes, run_id=run_id, reused=0, ran=n_run, at=start - 600)
    # a watch check that saw a newer version of one agent, not run yet: its rows go stale
    last = {
        "frontendx": frontendx.__version__,
        "chromium": _CHROMIUM[1],
        "apps": {**_APP_VERSIONS, "kanban": "1.5.0"},
        "agents": {},
    }
    agents_now: dict[str, dict[str, str]] = {}
    for a, p in enumerate(profiles):
        label = agent_specs.get((a, runs > bump)) or agent_specs.get((a, False))
        if label is None:
            continue
        ver = label.version
        if a == 0 and agents > 1:
            ver = "1.2.0"
        agents_now[label.label] = {
            "agent": ver,
            "agent_package": f"synthetic-agents {ver}",
            "model": p.model,
        }
    last["agents"] = agents_now
    store.add_change(
        last,
        [f"agent {profiles[0].name}: 1.1.0 -> 1.2.0 (synthetic)"],
        run_id=None,
        reused=0,
        ran=0,
        at=now - 1800,
    )


def _with_artifacts(store: SqliteStore, result: EpisodeResult) -> EpisodeResult:
    """The result with a placeholder screenshot and trace (labelled synthetic) written next
    to the store, so that the episode page has files to show."""
    folder = artifacts_dir_for(store.path) / result.spec.key
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "final.png").write_bytes(placeholder_png(result.spec.app))
    with zipfile.ZipFile(folder / "trace.zip", "w") as z:
        z.writestr(
            "SYNTHETIC.txt",
            "Placeholder: this episode is synthetic and has no real Playwright trace.\n",
        )
    return result.model_copy(
        update={
            "artifacts": {
                "trace": f"{result.spec.key}/trace.zip",
                "screenshot": f"{result.spec.key}/final.png",
            }
        }
    )


def placeholder_png(seed_text: str, width: int = 480, height: int = 300) -> bytes:
    """A small PNG that looks like a wireframe of a web page (header, sidebar, cards): a
    placeholder screenshot for synthetic episodes."""
    hue = sum(seed_text.encode()) % 3
    accent = [(37, 99, 235), (5, 150, 105), (217, 119, 6)][hue]
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if y < 36:
                c = accent
            elif x < 90:
                c = (241, 245, 249)
                if 50 < y < 250 and (y - 50) % 28 < 10 and 14 < x < 76:
                    c = (203, 213, 225)
            else:
                cx, cy = (x - 106) % 126, (y - 52) % 118
                if cx < 112 and cy < 104 and y < 286:
                    c = (255, 255, 255) if cy > 4 or cx > 4 else (226, 232, 240)
                    if cy < 52 and cx > 8 and cx < 104 and cy > 8:
                        c = (226, 232, 240)
                    if 64 < cy < 72 and 8 < cx < 80:
                        c = (148, 163, 184)
                    if 80 < cy < 94 and 8 < cx < 52:
                        c = accent
                else:
                    c = (248, 250, 252)
            row.extend(c)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
