"""App and bug manifests: what an app is, how it runs, and which bugs it carries."""

from __future__ import annotations

import hashlib
import importlib
import json
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
from frontendx.repro import Step, parse_steps
from frontendx.suite._states import BUILTIN_STATES, BrowserState, ManifestsWhen

_STRICT = ConfigDict(extra="forbid", frozen=True)


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


class Bug(BaseModel):
    """One seeded defect with its ground truth."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    category: Category
    severity: Severity
    difficulty: Difficulty
    layer: Literal["frontend", "backend"] = Field(
        description="frontend bugs are switched by choosing a build; backend bugs at run time"
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

    @field_validator("repro", mode="before")
    @classmethod
    def _repro_valid(cls, value: Any) -> list[Step]:
        return parse_steps(value)

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

    def manifests_in(self, state: BrowserState) -> bool:
        return self.manifests_when.matches(state)

    def control(self) -> BrowserState | None:
        """The state where the bug must not show (None: it shows in every built-in state)."""
        if self.control_state is not None:
            return BUILTIN_STATES[self.control_state]
        return next((s for s in BUILTIN_STATES.values() if not self.manifests_in(s)), None)

    def manifesting_states(self) -> list[BrowserState]:
        return [s for s in BUILTIN_STATES.values() if self.manifests_in(s)]


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


class AppManifest(BaseModel):
    """`app.yaml`: one app under test."""

    model_config = _STRICT

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    spec: str = Field(description="Markdown file of correct behaviour, relative to app.yaml")
    backend: str = Field(description="'module:factory' returning a Backend")
    dist: str = Field(default="dist", description="folder of frontend builds, relative")
    accounts: dict[str, Account] = Field(default_factory=dict)
    login: Login = Login()
    flags_cookie: str = "flags"
    bugs: list[Bug]

    @field_validator("bugs")
    @classmethod
    def _unique_ids(cls, bugs: list[Bug]) -> list[Bug]:
        seen: set[str] = set()
        for bug in bugs:
            if bug.id in seen:
                raise ValueError(f"duplicate bug id {bug.id!r}")
            seen.add(bug.id)
        return bugs


class BugSwitches(Protocol):
    """What a backend sees: whether a backend bug is active. Server-side only."""

    def __contains__(self, bug_id: object) -> bool: ...


class Backend(Protocol):
    """An app's API: an ASGI app mounted at /api, resettable to its seed state."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None: ...

    def reset(self) -> None: ...


class App:
    """A loaded app: manifest, files and its frontend builds."""

    def __init__(self, manifest: AppManifest, root: Path) -> None:
        self.manifest = manifest
        self.root = root
        self.bugs: dict[str, Bug] = {b.id: b for b in manifest.bugs}

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def spec_text(self) -> str:
        return (self.root / self.manifest.spec).read_text(encoding="utf-8")

    @property
    def dist_dir(self) -> Path:
        return self.root / self.manifest.dist

    def frontend_bugs(self, active: Iterable[str]) -> frozenset[str]:
        return frozenset(b for b in active if self.bugs[b].layer == "frontend")

    def build_index(self) -> dict[frozenset[str], str]:
        """Frontend bug subset -> build folder name, from `<dist>/builds.json`."""
        path = self.dist_dir / "builds.json"
        if not path.exists():
            raise ManifestError(
                f"{path}: no frontend builds; run `make frontend` to build the app's bundles"
            )
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {frozenset(entry["bugs"]): entry["dir"] for entry in raw["builds"]}

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

    def create_backend(self, switches: BugSwitches) -> Backend:
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
        """Hash of manifest, spec and frontend build index: changes when the app changes."""
        digest = hashlib.sha256()
        digest.update(self.manifest.model_dump_json().encode())
        digest.update(self.spec_text.encode())
        builds = self.dist_dir / "builds.json"
        if builds.exists():
            digest.update(builds.read_bytes())
        return digest.hexdigest()[:16]


def load_app(path: Path) -> App:
    """Load `app.yaml` (or a folder holding one), naming file and field on any problem."""
    manifest_path = path / "app.yaml" if path.is_dir() else path
    if not manifest_path.exists():
        raise ManifestError(f"{manifest_path}: no such app manifest")
    try:
        raw = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ManifestError(f"{manifest_path}: not valid YAML: {exc}") from None
    try:
        manifest = AppManifest.model_validate(raw)
    except ValidationError as exc:
        raise ManifestError(_describe(manifest_path, raw, exc)) from None
    app = App(manifest, manifest_path.parent)
    if not (app.root / manifest.spec).exists():
        raise ManifestError(f"{manifest_path}: field `spec`: file {manifest.spec!r} not found")
    return app


def _describe(path: Path, raw: Any, exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "bugs" and isinstance(loc[1], int) and isinstance(raw, dict):
            bugs = raw.get("bugs") or []
            if loc[1] < len(bugs) and isinstance(bugs[loc[1]], dict):
                where += f" (bug {bugs[loc[1]].get('id', '?')!r})"
        msg = err["msg"]
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, ReproError):
            msg = str(cause)
        problems.append(f"  field `{where}`: {msg}")
    return f"{path}: invalid app manifest:\n" + "\n".join(problems)
