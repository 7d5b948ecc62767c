"""Run specs (YAML or CLI flags) and their expansion into a matrix of episodes."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from frontendx.agents import make_agent
from frontendx.errors import FrontendXError, RunSpecError
from frontendx.records import (
    CHANGE_TASKS,
    TASK_KINDS,
    AgentSpec,
    Budget,
    EpisodeSpec,
    TaskKind,
    TaskSpec,
)
from frontendx.suite import (
    DEFAULT_STATE,
    App,
    app_source,
    builtin_app_names,
    get_app,
    get_state,
    resolve_apps,
)

VariantChoice = Literal["auto", "all", "each", "clean"]
ExecutorKind = Literal["local", "ray"]


class AgentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name", mode="before")
    @classmethod
    def _name_is_text(cls, value: Any) -> Any:
        # YAML reads a bare `null` (the null agent's name) as nothing at all
        if value is None:
            raise ValueError('is YAML null (a bare `null` means "no value"); quote it: "null"')
        return value

    @field_validator("config", mode="after")
    @classmethod
    def _config_finite(cls, value: dict[str, Any]) -> dict[str, Any]:
        where = _non_finite(value, "")
        if where is not None:
            raise ValueError(f"option `{where}` is not a finite number; give a finite value")
        return value


def _non_finite(value: Any, where: str) -> str | None:
    """The path of the first infinite or NaN number inside `value`, if any. Stored JSON cannot
    hold them, so an agent config with one could never be read back from the store."""
    if isinstance(value, float) and not math.isfinite(value):
        return where
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


class ExecutorSpec(BaseModel):
    """Where the episodes run: `local`, a process pool on this machine (the default), or
    `ray`, one Ray actor per worker on a Ray cluster (`pip install 'frontendx[ray]'`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ExecutorKind = "local"
    address: str | None = Field(
        default=None,
        description="the Ray cluster to join (as `ray start --head` prints it, or `auto`); "
        "none: a local Ray sized for the run",
    )
    workers: int | None = Field(
        default=None, ge=1, le=4096, description="workers (Ray actors); none: the spec's `workers`"
    )

    @model_validator(mode="after")
    def _ray_options_need_ray(self) -> ExecutorSpec:
        if self.kind == "local" and self.address is not None:
            raise ValueError("`address` is a Ray cluster's address; it needs `kind: ray`")
        return self


class RunSpec(BaseModel):
    """What to run. `variants: auto` means explore on the all-bugs variant and reproduce on
    one single-bug variant per bug that shows in the state."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    apps: list[str] = Field(default_factory=builtin_app_names, min_length=1)
    agents: list[AgentEntry] = Field(min_length=1)
    tasks: list[TaskKind] = Field(default_factory=lambda: ["explore"], min_length=1)  # type: ignore[arg-type]
    states: list[str] = Field(default_factory=lambda: ["desktop"], min_length=1)
    variants: VariantChoice = "auto"
    repeats: int = Field(default=1, ge=1, le=100)
    budget: Budget = Budget()
    ci_budgets: list[Annotated[float, Field(gt=0, le=86_400)]] = Field(
        default_factory=lambda: [300.0],
        min_length=1,
        description="`regression`/`visual`: the CI budget in wall seconds the agent gets per "
        "change, one cell per value (a sweep such as [30, 60, 120, 300] draws catch rate "
        "against budget); it replaces `budget.wall_seconds` for those tasks",
    )
    budgets: list[Annotated[float, Field(gt=0, le=86_400)]] | None = Field(
        default=None,
        min_length=1,
        description="the other tasks: wall-clock budgets in seconds, one cell per value, each "
        "replacing `budget.wall_seconds` (a sweep such as [30, 60, 120, 300] draws recall "
        "against budget: `report --by budget`); default: `budget.wall_seconds` alone",
    )
    changes: list[str] | None = Field(
        default=None,
        min_length=1,
        description="`regression`/`visual`: review only these change ids (default: every "
        "change of each app; `frontendx suites` lists them)",
    )
    cases: list[str] | None = Field(
        default=None,
        min_length=1,
        description="`flaky`: triage only these red tests of the apps' test suites (default: "
        "every case; `frontendx suites` lists them)",
    )
    replays: int = Field(default=3, ge=1, le=10)
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    retries: int = Field(default=2, ge=0, le=10, description="infra-error retries per episode")
    executor: ExecutorSpec = ExecutorSpec()
    artifacts: str | None = Field(
        default=None,
        description="fsspec URL the episodes' traces and screenshots go to (file:///folder, "
        "s3://bucket/prefix, gs://bucket/prefix); none: the folder beside the store, "
        "`<db stem>-artifacts/`",
    )

    @property
    def worker_count(self) -> int:
        """How many episodes run at once: the executor's `workers`, else `workers`."""
        return self.executor.workers or self.workers

    @field_validator("agents", mode="before")
    @classmethod
    def _agent_names(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) or v is None else v for v in value]
        return value


def parse_run_spec(raw: Any, source: str = "run spec") -> RunSpec:
    """Validate a run spec and everything it names (apps, agents, states) before anything
    runs, so bad input never reaches the store."""
    if not isinstance(raw, dict):
        raise RunSpecError(f"{source}: must be a mapping of keys to values")
    # every problem at once, not only the first: the fields that do not validate, then every
    # app, agent and state named by a field that does
    problems: list[str] = []
    spec: RunSpec | None = None
    try:
        spec = RunSpec.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"field `{_where(e['loc'])}`: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
    problems += _name_problems(spec, raw)
    if problems or spec is None:
        raise RunSpecError(f"{source}: invalid run spec:\n" + "\n".join(f"  {p}" for p in problems))
    try:
        # each app once, by a name that holds from any folder (resume, watch); two folders
        # that claim one app name are an error
        apps = [canonical for canonical, _ in resolve_apps(spec.apps)]
    except FrontendXError as exc:
        raise RunSpecError(f"{source}: {exc}") from None
    for task in spec.tasks:
        if task not in TASK_KINDS:  # pragma: no cover - Literal already enforces it
            raise RunSpecError(f"{source}: unknown task {task!r}")
    return spec.model_copy(update={"apps": apps})


def _name_problems(spec: RunSpec | None, raw: dict[str, Any]) -> list[str]:
    """What is wrong with the apps, agents and states a spec names, each checked on its own
    (when the spec does not validate, those of its raw entries that are names)."""
    if spec is not None:
        apps, states = spec.apps, spec.states
        agents = [(e.name, e.config) for e in spec.agents]
    else:

        def strings(key: str) -> list[str]:
            value = raw.get(key)
            if not isinstance(value, list):
                return []
            return [v for v in value if isinstance(v, str)]

        apps, states = strings("apps"), strings("states")
        agents = []
        entries = raw.get("agents")
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, str):
                    agents.append((entry, {}))
                elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    config = entry.get("config")
                    agents.append((entry["name"], config if isinstance(config, dict) else {}))
    checks: list[tuple[str, Any]] = [
        (f"apps[{i}]", lambda a=a: resolve_apps([a])) for i, a in enumerate(apps)
    ]
    checks += [
        (f"agents[{i}]", lambda n=n, c=c: make_agent(n, c)) for i, (n, c) in enumerate(agents)
    ]
    checks += [(f"states[{i}]", lambda s=s: get_state(s)) for i, s in enumerate(states)]
    problems = []
    for where, check in checks:
        try:
            check()
        except FrontendXError as exc:
            problems.append(f"field `{where}`: {exc}")
    if spec is not None and spec.changes is not None and not problems:
        known = {c for a in apps for _, app in resolve_apps([a]) for c in app.changes}
        problems += [
            f"field `changes[{i}]`: no change {c!r} in the chosen apps "
            f"(theirs: {', '.join(sorted(known)) or 'none'}; `frontendx suites` lists them)"
            for i, c in enumerate(spec.changes)
            if c not in known
        ]
    if spec is not None and spec.cases is not None and not problems:
        known = {c for a in apps for _, app in resolve_apps([a]) for c in app.flaky_cases}
        problems += [
            f"field `cases[{i}]`: no red test {c!r} in the chosen apps' test suites "
            f"(theirs: {', '.join(sorted(known)) or 'none'}; `frontendx suites` lists them)"
            for i, c in enumerate(spec.cases)
            if c not in known
        ]
    return problems


def _where(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as the user wrote it: `agents[1].name`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top)"


def load_run_spec(path: Path) -> RunSpec:
    if not path.is_file():
        raise RunSpecError(f"{path}: run spec file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        # PyYAML's own message, with the line, column and a caret under the spot; the marks
        # name the file, not "<unicode string>"
        for mark in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)):
            if mark is not None:
                mark.name = str(path)
        raise RunSpecError(f"{path}: not valid YAML:\n{exc}") from None
    return parse_run_spec(raw, str(path))


def expand(spec: RunSpec) -> list[EpisodeSpec]:
    """The matrix: apps x tasks x states x variants x agents x repeats, in a stable order."""
    episodes: list[EpisodeSpec] = []
    agents = []
    for entry in spec.agents:
        built = make_agent(entry.name, entry.config)
        agents.append(AgentSpec(name=built.name, version=built.version, config=built.config))
    for app_name in spec.apps:
        app = get_app(app_name)
        for task in spec.tasks:
            for state_name in spec.states:
                state = get_state(state_name)
                for bugs, target, change, budget, case in _cells(app, task, spec, state_name):
                    for agent in agents:
                        for repeat in range(spec.repeats):
                            episodes.append(
                                EpisodeSpec(
                                    app=app.name,
                                    app_source=app_source(app),
                                    bugs=bugs,
                                    state=state,
                                    agent=agent,
                                    task=TaskSpec(
                                        kind=task,
                                        target_bug=target,
                                        change=change,
                                        budget=budget,
                                        case=case,
                                    ),
                                    repeat=repeat,
                                )
                            )
    return episodes


def _cells(
    app: App, task: TaskKind, spec: RunSpec, state_name: str
) -> list[tuple[tuple[str, ...], str | None, str | None, Budget, str | None]]:
    """(bugs, target bug, change, budget, case) per cell of one app, task and state. A change
    task takes every change of the app (`visual`: its design changes) once per CI budget, on
    its head build's bugs; `flaky` every case of the app's test suite, in the default state
    (where the suite is proven); the others take `_variants`, once per budget of `budgets`."""
    budgets = (
        [spec.budget.model_copy(update={"wall_seconds": float(s)}) for s in spec.budgets]
        if spec.budgets
        else [spec.budget]
    )
    if task == "flaky":
        if spec.variants != "auto":
            raise RunSpecError(
                f"task flaky runs each case of the apps' test suites on its own build; "
                f"variants {spec.variants!r} does not apply (use `auto`)"
            )
        if state_name != DEFAULT_STATE:
            return []
        return [
            ((case.bug,) if case.bug else (), None, None, b, case.id)
            for case in app.flaky_cases.values()
            if spec.cases is None or case.id in spec.cases
            for b in budgets
        ]
    if task in CHANGE_TASKS:
        if spec.variants != "auto":
            raise RunSpecError(
                f"task {task} runs each change's head build; variants {spec.variants!r} "
                "does not apply (use `auto`)"
            )
        changes = [
            c
            for c in app.changes.values()
            if (task == "regression" or c.design) and (spec.changes is None or c.id in spec.changes)
        ]
        budgets = [
            spec.budget.model_copy(update={"wall_seconds": float(s)}) for s in spec.ci_budgets
        ]
        return [(c.head_bugs, None, c.id, b, None) for c in changes for b in budgets]
    return [
        (bugs, target, None, b, None)
        for bugs, target in _variants(app, task, spec.variants, state_name)
        for b in budgets
    ]


def _variants(
    app: App, task: TaskKind, choice: VariantChoice, state_name: str
) -> list[tuple[tuple[str, ...], str | None]]:
    every = tuple(sorted(app.suite_bugs))
    state = get_state(state_name)
    shows = [b for b in every if app.bugs[b].manifests_in(state)]
    if task == "generate":
        # one clean app per state: the agent writes tests for it; every bug that shows in
        # the state is a mutant its suite is then run against (docs/design.md §6)
        if choice not in ("auto", "clean"):
            raise RunSpecError(
                f"task generate runs on the clean app; variants {choice!r} does not apply "
                "(use `auto` or `clean`)"
            )
        return [((), None)]
    if task == "reproduce":
        if choice not in ("auto", "each"):
            raise RunSpecError(
                f"task reproduce runs one variant per bug; variants {choice!r} "
                "does not apply (use `auto` or `each`)"
            )
        return [((b,), b) for b in shows]
    if choice in ("auto", "all"):
        if app.combinable(every):
            return [(every, None)]
        if choice == "all":
            raise RunSpecError(
                f"app {app.name!r} cannot turn all its bugs on at once (some are separate "
                "builds or conflicting switches); use variants `each` or `auto`"
            )
        return [((b,), None) for b in shows]
    if choice == "each":
        return [((b,), None) for b in shows]
    return [((), None)]


def default_spec_from_flags(**flags: Any) -> dict[str, Any]:
    """A raw run spec from CLI flags (None means: keep the default)."""
    raw: dict[str, Any] = {}
    for key in ("apps", "agents", "tasks", "states"):
        if flags.get(key):
            raw[key] = [v.strip() for v in flags[key].split(",") if v.strip()]
    for key in ("variants", "repeats", "replays", "workers", "retries"):
        if flags.get(key) is not None:
            raw[key] = flags[key]
    budget = {
        k: flags[f]
        for k, f in (("wall_seconds", "wall_seconds"), ("steps", "steps"))
        if flags.get(f) is not None
    }
    if budget:
        raw["budget"] = budget
    for key in ("ci_budgets", "budgets"):
        if flags.get(key):
            raw[key] = [v.strip() for v in flags[key].split(",") if v.strip()]
    raw.setdefault("apps", builtin_app_names())
    return raw


def with_executor(
    spec: RunSpec,
    *,
    kind: str | None = None,
    address: str | None = None,
    workers: int | None = None,
    source: str = "command-line flags",
) -> RunSpec:
    """`spec` with the command line's executor options over its own. An address alone means
    `kind: ray`; `--executor local` drops the spec's Ray address; workers go to the
    executor's `workers` on Ray (no cap of one machine) and to `workers` on the local pool."""
    if kind is None and address is None and workers is None:
        return spec
    raw = spec.model_dump(mode="json")
    executor = raw["executor"]
    if kind is not None:
        executor["kind"] = kind
        if kind == "local" and address is None:
            executor["address"] = None
    if address is not None:
        executor["address"] = address
        executor["kind"] = kind or "ray"
    if workers is not None:
        if executor["kind"] == "ray":
            executor["workers"] = workers
        else:
            raw["workers"], executor["workers"] = workers, None
    return parse_run_spec(raw, source)
