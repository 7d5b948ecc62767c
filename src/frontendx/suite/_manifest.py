"""App and bug manifests: what an app is, how it runs, and which bugs it carries."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from frontendx.errors import ManifestError, ReproError
from frontendx.repro import ACTIONS, Step
from frontendx.repro._steps import StepProblem, step_problems
from frontendx.suite._jitter import Unordered
from frontendx.suite._patch import apply_patches, decode_utf8
from frontendx.suite._states import BUILTIN_STATES, BrowserState, ManifestsWhen
from frontendx.suite._testsuite import FlakyCase, TestSuite, flaky_cases, test_suite_problems

# no Infinity or NaN anywhere: stored results copy manifest numbers (manual_minutes), and
# JSON cannot hold them
_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Category(StrEnum):
    LOGIC = "logic"
    VALIDATION = "validation"
    STATE = "state"
    ROUTING = "routing"
    UNCAUGHT_ERROR = "uncaught-error"
    HTTP_5XX = "http-5xx"
    RACE = "race"
    LAYOUT = "layout"
    ACCESSIBILITY = "accessibility"
    RESPONSIVE = "responsive"
    I18N = "i18n"
    ACCESS_CONTROL = "access-control"
    PERFORMANCE = "performance"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Switch(BaseModel):
    """How a bring-your-own app turns one bug on: exactly one of `patch`, `build`, `env`."""

    model_config = _STRICT

    patch: str | None = Field(
        default=None, description="unified diff applied to `serve.static`, relative to app.yaml"
    )
    build: str | None = Field(
        default=None, description="a complete static build that has this bug, relative"
    )
    env: dict[str, str] | None = Field(
        default=None, description="environment variables that turn the bug on in `serve.command`"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Switch:
        given = [k for k in ("patch", "build", "env") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `patch`, `build` or `env`"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class Serve(BaseModel):
    """How a bring-your-own app is served: a static folder, or a command that listens on a port."""

    model_config = _STRICT

    static: str | None = Field(
        default=None, description="folder of the clean build's files, relative to app.yaml"
    )
    spa: bool = Field(
        default=True, description="serve index.html for unknown paths without a file extension"
    )
    command: list[str] | None = Field(
        default=None,
        min_length=1,
        description="program and arguments; `{port}` is replaced by the port to listen on",
    )
    cwd: str = Field(default=".", description="working folder of the command, relative")
    env: dict[str, str] = Field(default_factory=dict, description="environment of the command")
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="a fixed port the command always uses (default: FrontendX picks a free "
        "one and passes it as `{port}` and $PORT; a fixed port allows one server at a time)",
    )
    ready_path: str = Field(default="/", description="polled until the app answers")
    start_timeout_s: float = Field(default=30.0, gt=0, le=600)
    reset_path: str | None = Field(
        default=None,
        description="POSTed to restore the seed state; without it, a reset restarts the command",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Serve:
        if (self.static is None) == (self.command is None):
            raise ValueError("give exactly one of `static` (a folder) or `command` (a program)")
        return self


class _ReproProblems(ValueError):
    """Every problem of one bug's repro, for pydantic to carry to `validation_problems` (a
    ValueError, so pydantic reports it with the bug's other field problems)."""

    def __init__(self, problems: list[StepProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class Bug(BaseModel):
    """One seeded defect with its ground truth."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    category: Category
    severity: Severity
    difficulty: Difficulty
    layer: Literal["frontend", "backend"] | None = Field(
        default=None,
        description="frontend bugs are switched by choosing a build; backend bugs at run time "
        "(a bring-your-own app's bugs take theirs from `switch`)",
    )
    switch: Switch | None = Field(
        default=None, description="how a bring-your-own app turns this bug on"
    )
    manifests_when: ManifestsWhen = ManifestsWhen()
    control_state: str | None = Field(
        default=None,
        description="a built-in state where the bug must not show, for the self-test's negative "
        "check (default: the first built-in state where it does not manifest)",
    )
    report: str = Field(min_length=1, description="a customer-style report, vague as users are")
    repro: list[Step]
    manual_minutes: float = Field(gt=0)
    manual_minutes_rationale: str = Field(min_length=1)
    only_in_changes: bool = Field(
        default=False,
        # left out of the dump when false, so apps without it keep their content hash
        exclude_if=lambda value: not value,
        description="a regression written for a change (`changes`): only its changes turn it "
        "on; explore, reproduce and generate never do",
    )

    @field_validator("repro", mode="before")
    @classmethod
    def _repro_valid(cls, value: Any) -> list[Step]:
        return _valid_steps(value)

    @model_validator(mode="after")
    def _control_state_valid(self) -> Bug:
        name = self.control_state
        if name is None:
            return self
        if name not in BUILTIN_STATES:
            raise ValueError(
                f"control_state {name!r} is not a built-in state ({', '.join(BUILTIN_STATES)})"
            )
        if self.manifests_in(BUILTIN_STATES[name]):
            raise ValueError(
                f"control_state {name!r} is a state where the bug manifests; name one where "
                "manifests_when does not match"
            )
        return self

    @property
    def kind(self) -> Literal["frontend", "backend"]:
        """Where the bug lives: the served files (frontend) or the running server (backend)."""
        if self.switch is not None:
            return "backend" if self.switch.env is not None else "frontend"
        return self.layer or "frontend"

    def manifests_in(self, state: BrowserState) -> bool:
        return self.manifests_when.matches(state)

    def control(self) -> BrowserState | None:
        """The state where the bug must not show (None: it shows in every built-in state)."""
        if self.control_state is not None:
            return BUILTIN_STATES[self.control_state]
        return next((s for s in BUILTIN_STATES.values() if not self.manifests_in(s)), None)

    def manifesting_states(self) -> list[BrowserState]:
        return [s for s in BUILTIN_STATES.values() if self.manifests_in(s)]

    @property
    def interactions(self) -> int:
        """How many actions on the page its repro needs: steps that are neither a claim nor
        a navigation, a wait or a viewport change. Two or more are dependent actions (each
        acts on what the one before it left), the bugs a one-shot check cannot reach."""
        return sum(1 for s in self.repro if not s.is_assertion and s.action not in _NOT_ACTING)


_NOT_ACTING = frozenset({"goto", "wait_for", "set_viewport"})
"""Repro steps that move or wait but do not act on the page (`Bug.interactions`)."""


def _valid_steps(value: Any) -> list[Step]:
    steps, problems = step_problems(value)
    if problems:
        raise _ReproProblems(problems)
    return steps


class Edit(BaseModel):
    """An intended edit of a change: a switch like a bug's, which the change's head build has
    on. Its repro's claim holds on the head build and fails on the base build."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(min_length=1, description="what the author meant to change")
    layer: Literal["frontend", "backend"] | None = Field(
        default=None, description="as a bug's: a build per variant, or switched at run time"
    )
    switch: Switch | None = Field(
        default=None, description="how a bring-your-own app turns this edit on"
    )
    repro: list[Step] = Field(
        description="the intended repro: its claim holds on head and fails on base"
    )

    @field_validator("repro", mode="before")
    @classmethod
    def _repro_valid(cls, value: Any) -> list[Step]:
        return _valid_steps(value)

    @property
    def kind(self) -> Literal["frontend", "backend"]:
        if self.switch is not None:
            return "backend" if self.switch.env is not None else "frontend"
        return self.layer or "frontend"


class DiffFile(BaseModel):
    """One file of a change's diff summary, as a pull request page lists it."""

    model_config = _STRICT

    path: str = Field(min_length=1)
    components: list[str] = Field(default_factory=list, description="components it touches")
    added: int = Field(default=0, ge=0, description="lines added")
    removed: int = Field(default=0, ge=0, description="lines removed")


class Change(BaseModel):
    """A pull request with known content (docs/design.md §6.2): what its author says, what it
    touches, what it means to change (`edits`) and the seeded bugs it brings (`regressions`),
    on top of a base that may already carry bugs (`base_bugs`)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, description="the PR title, as its author wrote it")
    description: str = Field(
        min_length=1, description="the PR text; never names or hints at a regression"
    )
    diff: list[DiffFile] = Field(min_length=1, description="the diff summary")
    design: bool = Field(
        default=False,
        description="a design change (tokens, themes, component styles): the `visual` task "
        "takes it",
    )
    edits: list[Edit] = Field(min_length=1)
    regressions: list[str] = Field(
        default_factory=list, description="ids of seeded bugs the change brings"
    )
    base_bugs: list[str] = Field(
        default_factory=list, description="ids of seeded bugs already on the base build"
    )
    review_minutes: float = Field(gt=0, description="a human reviewer's minutes for the change")
    review_minutes_rationale: str = Field(min_length=1)

    @property
    def base(self) -> tuple[str, ...]:
        """The switches on in the base build."""
        return tuple(sorted(self.base_bugs))

    @property
    def head(self) -> tuple[str, ...]:
        """The switches on in the head build: base bugs, regressions and intended edits."""
        return tuple(sorted({*self.base_bugs, *self.regressions, *(e.id for e in self.edits)}))

    @property
    def head_bugs(self) -> tuple[str, ...]:
        """The seeded bugs on in the head build."""
        return tuple(sorted({*self.base_bugs, *self.regressions}))


class Account(BaseModel):
    model_config = _STRICT

    email: str
    password: str


class Login(BaseModel):
    """How the harness signs a role in before an episode (an API call on the app's origin)."""

    model_config = _STRICT

    path: str = "/api/login"
    email_field: str = "email"
    password_field: str = "password"


SHARED_DIR = "shared"  # under `dist`: files the builds share, named by content hash


class AppManifest(BaseModel):
    """`app.yaml`: one app under test."""

    model_config = _STRICT

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    spec: str = Field(description="Markdown file of correct behaviour, relative to app.yaml")
    backend: str | None = Field(
        default=None, description="'module:factory' returning a Backend mounted at /api"
    )
    serve: Serve | None = Field(
        default=None, description="a bring-your-own app's static folder or start command"
    )
    dist: str = Field(default="dist", description="folder of frontend builds, relative")
    accounts: dict[str, Account] = Field(default_factory=dict)
    login: Login = Login()
    flags_cookie: str = "flags"
    unordered: list[Unordered] = Field(
        default_factory=list,
        # left out of the dump when empty, so apps without it keep their content hash
        exclude_if=lambda value: not value,
        description="API answers whose lists the spec leaves unordered: jitter shuffles them",
    )
    bugs: list[Bug]
    changes: list[Change] = Field(
        default_factory=list,
        exclude_if=lambda value: not value,
        description="pull requests with known content, for the regression and visual tasks",
    )
    test_suite: TestSuite | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="the app's own tests and the failing ones of the flaky task",
    )

    @field_validator("bugs")
    @classmethod
    def _unique_ids(cls, bugs: list[Bug]) -> list[Bug]:
        seen: set[str] = set()
        for bug in bugs:
            if bug.id in seen:
                raise ValueError(f"duplicate bug id {bug.id!r}")
            seen.add(bug.id)
        return bugs

    @model_validator(mode="after")
    def _bugs_fit_the_serving(self) -> AppManifest:
        problems = [
            f"field `bugs.{i}.{field}` (bug {bug.id!r}): {message}"
            for i, bug in enumerate(self.bugs)
            for field, message in _switch_problems(self, bug)
        ]
        problems += _change_problems(self)
        if self.test_suite is not None:
            problems += test_suite_problems(
                self.test_suite,
                {b.id for b in self.bugs},
                {c.id: tuple(sorted(e.id for e in c.edits)) for c in self.changes},
            )
        if self.serve is None and self.backend is None:
            problems.insert(0, "give `backend` (a Python API with built frontends) or `serve`")
        if self.serve is not None and self.serve.command is not None and self.backend:
            problems.insert(0, "`backend` cannot be combined with `serve.command`")
        if problems:
            raise ValueError("\n  ".join(problems))
        return self


def _change_problems(manifest: AppManifest) -> list[str]:
    """Changes name known bugs, and edit ids are unique among bugs and edits."""
    problems: list[str] = []
    bugs = {b.id: b for b in manifest.bugs}
    taken: dict[str, str] = {b: "a bug" for b in bugs}
    changes: set[str] = set()
    in_changes: set[str] = set()
    for i, change in enumerate(manifest.changes):
        where = f"field `changes.{i}` (change {change.id!r})"
        if change.id in changes:
            problems.append(f"{where}: duplicate change id {change.id!r}")
        changes.add(change.id)
        for field in ("regressions", "base_bugs"):
            for bug_id in getattr(change, field):
                if bug_id not in bugs:
                    problems.append(
                        f"{where}: `{field}` names {bug_id!r}, which is not a bug of this app "
                        f"(its bugs: {', '.join(sorted(bugs))})"
                    )
        both = sorted(set(change.regressions) & set(change.base_bugs))
        if both:
            problems.append(f"{where}: {both} cannot be both a regression and a base bug")
        in_changes |= set(change.regressions) | set(change.base_bugs)
        for j, edit in enumerate(change.edits):
            if edit.id in taken:
                problems.append(
                    f"field `changes.{i}.edits.{j}.id`: {edit.id!r} is already {taken[edit.id]}; "
                    "bug and edit ids are one namespace"
                )
            taken[edit.id] = f"an edit of change {change.id!r}"
            problems += [
                f"field `changes.{i}.edits.{j}.{field}` (edit {edit.id!r}): {message}"
                for field, message in _switch_problems(manifest, edit)
            ]
    for bug in manifest.bugs:
        if bug.only_in_changes and bug.id not in in_changes:
            problems.append(
                f"bug {bug.id!r} is `only_in_changes` but no change names it; list it in a "
                "change's `regressions` or `base_bugs`"
            )
    return problems


def _switch_problems(manifest: AppManifest, bug: Bug | Edit) -> list[tuple[str, str]]:
    serve, switch = manifest.serve, bug.switch
    if serve is None:
        if switch is not None:
            return [("switch", "only apps with `serve` use switches; give `layer` instead")]
        if bug.layer is None:
            return [("layer", "required: `frontend` (a build per variant) or `backend`")]
        return []
    if serve.command is not None:
        if switch is None or switch.env is None:
            return [("switch", "an app started by `serve.command` turns bugs on with `env`")]
        return []
    if switch is not None and switch.env is not None:
        return [("switch.env", "a static app has no process; use `patch` or `build`")]
    if switch is None and not (bug.layer == "backend" and manifest.backend):
        return [("switch", "required: `patch` or `build` (or `layer: backend` with `backend`)")]
    return []


class BugSwitches(Protocol):
    """What a backend sees: whether a backend bug is active. Server-side only."""

    def __contains__(self, bug_id: object) -> bool: ...


class Backend(Protocol):
    """An app's API: an ASGI app mounted at /api, resettable to its seed state."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None: ...

    def reset(self) -> None: ...


class App:
    """A loaded app: manifest, files and its frontend builds."""

    def __init__(
        self, manifest: AppManifest, root: Path, manifest_path: Path | None = None
    ) -> None:
        self.manifest = manifest
        self.root = root
        self.manifest_path = manifest_path or root / "app.yaml"
        self.bugs: dict[str, Bug] = {b.id: b for b in manifest.bugs}
        self.changes: dict[str, Change] = {c.id: c for c in manifest.changes}
        self.edits: dict[str, Edit] = {e.id: e for c in manifest.changes for e in c.edits}
        self.switches: dict[str, Bug | Edit] = {**self.bugs, **self.edits}
        """everything a variant can turn on: bugs and the changes' intended edits"""
        self.flaky_cases: dict[str, FlakyCase] = (
            flaky_cases(
                manifest.test_suite,
                {c.id: tuple(sorted(e.id for e in c.edits)) for c in manifest.changes},
            )
            if manifest.test_suite is not None
            else {}
        )
        """the failing tests of the `flaky` task, by id (docs/design.md §6.3)"""
        self._hash: str | None = None

    @property
    def suite_bugs(self) -> dict[str, Bug]:
        """The bugs explore, reproduce and generate use: all but those only changes bring."""
        return {k: b for k, b in self.bugs.items() if not b.only_in_changes}

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def spec_text(self) -> str:
        return read_text(self.root / self.manifest.spec, "field `spec`: the spec")

    @property
    def dist_dir(self) -> Path:
        return self.root / self.manifest.dist

    @property
    def shared_dir(self) -> Path:
        """Where builds keep the files they share, each content once; their folders link here."""
        return self.dist_dir / SHARED_DIR

    def frontend_bugs(self, active: Iterable[str]) -> frozenset[str]:
        """The switches of `active` (bugs and edits) that live in the served files."""
        return frozenset(b for b in active if self.switches[b].kind == "frontend")

    def build_index(self) -> dict[frozenset[str], str]:
        """Frontend bug subset -> build folder name, from `<dist>/builds.json`."""
        path = self.dist_dir / "builds.json"
        if not path.exists():
            raise ManifestError(
                f"{path}: no frontend builds; run `make frontend` to build the app's bundles"
            )
        try:
            raw = json.loads(read_text(path, "the build list"))
            return {frozenset(entry["bugs"]): entry["dir"] for entry in raw["builds"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise ManifestError(
                f"{path}: not a build list ({type(exc).__name__}: {exc}); expected "
                '{"builds": [{"bugs": [...], "dir": "..."}]}: run `make frontend` to rebuild it'
            ) from None

    def build_dir(self, active: Iterable[str]) -> Path:
        wanted = self.frontend_bugs(active)
        index = self.build_index()
        if wanted not in index:
            raise ManifestError(
                f"app {self.name!r} has no frontend build with exactly the frontend bugs "
                f"{sorted(wanted) or '(none)'}; add the subset to the build list and run "
                "`make frontend`"
            )
        return self.dist_dir / index[wanted]

    def combinable(self, bugs: Iterable[str]) -> bool:
        """Whether one variant can have all of `bugs` on at once."""
        wanted = frozenset(bugs)
        serve = self.manifest.serve
        if serve is None:
            return self.frontend_bugs(wanted) in self.build_index()
        if serve.command is not None:
            try:
                self.command_env(wanted)
            except ManifestError:
                return False
            return True
        separate = [b for b in self.frontend_bugs(wanted) if self._switch(b).build is not None]
        return not separate or len(self.frontend_bugs(wanted)) == 1

    def _switch(self, bug_id: str) -> Switch:
        switch = self.switches[bug_id].switch
        assert switch is not None
        return switch

    def static_root(self, active: Iterable[str], scratch: Path) -> Path:
        """The folder of files to serve for variant `active`. Patched copies go in `scratch`."""
        serve = self.manifest.serve
        if serve is None:
            return self.build_dir(active)
        assert serve.static is not None, "a command app has no static folder"
        frontend = sorted(self.frontend_bugs(active))
        if not frontend:
            return self.root / serve.static
        builds = [b for b in frontend if self._switch(b).build is not None]
        if builds:
            if len(frontend) > 1:
                raise ManifestError(
                    f"app {self.name!r}: bug {builds[0]!r} is a separate build, so it cannot "
                    f"be on together with {[b for b in frontend if b != builds[0]]}; give "
                    "those bugs as patches to combine them"
                )
            return self.root / str(self._switch(builds[0]).build)
        dest = scratch / hashlib.sha256("\n".join(frontend).encode()).hexdigest()[:12]
        if not dest.is_dir():
            patches = [self.root / str(self._switch(b).patch) for b in frontend]
            apply_patches(self.root / serve.static, patches, dest)
        return dest

    def command_env(self, active: Iterable[str]) -> dict[str, str]:
        """The environment that turns `active` on in a command app: `serve.env` plus switches."""
        serve = self.manifest.serve
        env = dict(serve.env) if serve is not None else {}
        owner: dict[str, str] = {}
        for bug_id in sorted(active):
            for key, value in (self._switch(bug_id).env or {}).items():
                if key in owner and env[key] != value:
                    raise ManifestError(
                        f"app {self.name!r}: bugs {owner[key]!r} and {bug_id!r} set {key} to "
                        "different values, so they cannot be on together"
                    )
                env[key], owner[key] = value, bug_id
        return env

    def create_backend(self, switches: BugSwitches) -> Backend | None:
        if self.manifest.backend is None:
            return None
        module_name, _, attr = self.manifest.backend.partition(":")
        # an app outside the package may keep its backend module next to its app.yaml
        if str(self.root) not in sys.path:
            sys.path.append(str(self.root))
        try:
            factory = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ManifestError(
                f"app {self.name!r}: backend {self.manifest.backend!r} cannot be loaded ({exc})"
            ) from None
        backend: Backend = factory(switches)
        return backend

    def content_hash(self) -> str:
        """Hash of the manifest, the spec and every file the app serves or runs from: changes
        whenever the app, its bugs, its spec or its builds change."""
        if self._hash is None:
            digest = hashlib.sha256()
            digest.update(self.manifest.model_dump_json().encode())
            digest.update(self.spec_text.encode())
            contents: dict[Path, bytes] = {}  # builds link to shared files: read each once
            for path in sorted(_app_files(self.root)):
                real = path.resolve()
                if real not in contents:
                    contents[real] = hashlib.sha256(real.read_bytes()).digest()
                digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
                digest.update(contents[real])
            self._hash = digest.hexdigest()[:16]
        return self._hash


_SKIPPED_DIRS = {"node_modules", "__pycache__", ".git", ".venv"}


def _app_files(root: Path) -> Iterable[Path]:
    """The app's files, without descending into skipped or hidden folders (a built frontend's
    node_modules alone holds some 20,000 files)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if not name.startswith(".") and path.is_file():
                yield path


def read_text(path: Path, what: str) -> str:
    """A text file the app is made of, or a ManifestError that says where it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{path}: {what} cannot be read ({exc.strerror or exc})") from None
    return decode_utf8(data, str(path), what, "save the file as UTF-8")


def broken_links(folder: Path) -> list[str]:
    """Links under `folder` that lead nowhere (or in a circle): `name -> target` each."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            try:
                target_exists = path.resolve(strict=True).exists()
            except (OSError, RuntimeError):  # missing target, or a loop of links
                target_exists = False
            if not target_exists:
                found.append(f"{path.relative_to(folder).as_posix()} -> {os.readlink(path)!r}")
    return found


def load_app(path: Path) -> App:
    """Load `app.yaml` (or a folder holding one), naming file and field on any problem."""
    manifest_path = path / "app.yaml" if path.is_dir() else path
    if not manifest_path.exists():
        raise ManifestError(f"{manifest_path}: no such app manifest")
    try:
        raw = yaml.safe_load(read_text(manifest_path, "the app manifest"))
    except yaml.YAMLError as exc:
        raise ManifestError(f"{manifest_path}: not valid YAML: {exc}") from None
    try:
        manifest = AppManifest.model_validate(raw)
    except ValidationError as exc:
        raise ManifestError(_describe(manifest_path, raw, exc)) from None
    app = App(manifest, manifest_path.parent, manifest_path)
    if not (app.root / manifest.spec).is_file():
        raise ManifestError(f"{manifest_path}: field `spec`: file {manifest.spec!r} not found")
    read_text(app.root / manifest.spec, "field `spec`: the spec")
    switched: list[tuple[str, Bug | Edit]] = [
        (f"bugs.{i}", bug) for i, bug in enumerate(manifest.bugs)
    ] + [
        (f"changes.{i}.edits.{j}", edit)
        for i, change in enumerate(manifest.changes)
        for j, edit in enumerate(change.edits)
    ]
    for field, bug in switched:
        if bug.switch is not None and bug.switch.patch is not None:
            kind = "bug" if isinstance(bug, Bug) else "edit"
            where = f"field `{field}.switch.patch` ({kind} {bug.id!r})"
            if not (app.root / bug.switch.patch).is_file():
                raise ManifestError(
                    f"{manifest_path}: {where}: file {bug.switch.patch!r} not found"
                )
            read_text(app.root / bug.switch.patch, f"{where}: the patch")
    static = manifest.serve.static if manifest.serve is not None else None
    if static is not None and (app.root / static).is_dir():
        broken = broken_links(app.root / static)
        if broken:
            raise ManifestError(
                f"{manifest_path}: field `serve.static`: links to nothing in {static!r}: "
                f"{', '.join(broken)}; remove them or restore their targets "
                "(`frontendx suites validate` lists every problem)"
            )
    return app


def _describe(path: Path, raw: Any, exc: ValidationError) -> str:
    lines = "\n".join(f"  {p}" for p in validation_problems(raw, exc))
    return f"{path}: invalid app manifest:\n{lines}"


def validation_problems(raw: Any, exc: ValidationError) -> list[str]:
    """One line per problem, each naming its field (and bug); a bug's repro gives one line per
    malformed step field, located as `bugs.N.repro.M.field`."""
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, ReproError):
            msg = str(cause)
        if not loc:  # a check across fields: its message names the fields itself
            problems += [line.strip() for line in msg.splitlines() if line.strip()]
            continue
        bug = ""
        if len(loc) >= 2 and loc[0] == "bugs" and isinstance(loc[1], int) and isinstance(raw, dict):
            bugs = raw.get("bugs") or []
            if loc[1] < len(bugs) and isinstance(bugs[loc[1]], dict):
                bug = f" (bug {bugs[loc[1]].get('id', '?')!r})"
        if isinstance(cause, _ReproProblems):
            for p in cause.problems:
                path = ".".join([*(str(x) for x in loc), *([p.path] if p.path else [])])
                step = f" {p.action} step:" if p.action in ACTIONS else ""
                problems.append(f"field `{path}`{bug}:{step} {p.message}")
            continue
        where = "field `" + ".".join(str(p) for p in loc) + "`"
        problems.append(f"{where}{bug}: {msg}")
    return problems
