"""`frontendx suites validate`: every problem of an app manifest, each with its file and field.

Loading an app stops at the first broken layer (YAML, then schema); this check goes on to the
files the manifest points at: the spec, the static folder, patches (each must apply to the
clean build, alone and together), separate builds, the start command, the backend module, the
accounts the browser states sign in with, and that no served file names a bug.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from frontendx.errors import ManifestError
from frontendx.suite._manifest import (
    SHARED_DIR,
    App,
    AppManifest,
    Bug,
    read_text,
    validation_problems,
)
from frontendx.suite._patch import apply_patches
from frontendx.suite._states import BUILTIN_STATES


def check_app(path: Path) -> tuple[App | None, list[str]]:
    """The app (None if its manifest does not load) and every problem found, one per line,
    each starting with the file it is in."""
    manifest_path = manifest_file(path)
    if not manifest_path.is_file():
        return None, [
            f"{manifest_path}: no such app manifest (a folder with app.yaml, or the file)"
        ]
    try:
        raw = yaml.safe_load(read_text(manifest_path, "the app manifest"))
    except ManifestError as exc:
        return None, [str(exc)]
    except yaml.YAMLError as exc:
        return None, [f"{manifest_path}: not valid YAML: {exc}"]
    if not isinstance(raw, dict):
        return None, [f"{manifest_path}: expected a mapping of fields (name, title, spec, bugs...)"]
    try:
        manifest = AppManifest.model_validate(raw)
    except ValidationError as exc:
        return None, [f"{manifest_path}: {p}" for p in validation_problems(raw, exc)]
    app = App(manifest, manifest_path.parent)
    problems = [f"{manifest_path}: {p}" for p in _file_problems(app)]
    return app, problems


_LOCATED = re.compile(
    r"field `(?P<field>[^`]+)`(?: \(bug '(?P<bug>[^']*)'\))?: (?P<message>.*)", re.S
)
_STEP = re.compile(r"^bugs\.\d+\.repro\.(\d+)")


def manifest_file(path: Path) -> Path:
    """The manifest a `suites validate` argument names: the folder's app.yaml, or the file."""
    return path / "app.yaml" if path.is_dir() else path


def locate(problem: str, manifest: Path) -> dict[str, Any]:
    """One problem line as a record: `file`, `field` (`bugs.1.repro.0.target`), `bug`,
    `step` (the repro step's index) and `message`; fields it does not name are None."""
    file: str | None = None
    rest = problem
    if problem.startswith(f"{manifest}: "):
        file, rest = str(manifest), problem[len(f"{manifest}: ") :]
    found = _LOCATED.match(rest)
    if found is None:
        return {"file": file, "field": None, "bug": None, "step": None, "message": rest}
    step = _STEP.match(found["field"])
    return {
        "file": file,
        "field": found["field"],
        "bug": found["bug"],
        "step": int(step[1]) if step else None,
        "message": found["message"],
    }


def _file_problems(app: App) -> list[str]:
    m, root = app.manifest, app.root
    problems: list[str] = []
    if not (root / m.spec).is_file():
        problems.append(f"field `spec`: file {m.spec!r} not found next to app.yaml")
    else:
        try:
            read_text(root / m.spec, "the spec")
        except ManifestError as exc:
            problems.append(f"field `spec`: {exc}")
    problems += _state_problems(app)
    if m.backend is not None:
        problems += _backend_problems(app)
    if m.serve is None:
        problems += _build_index_problems(app)
    elif m.serve.static is not None:
        problems += _static_problems(app)
    else:
        problems += _command_problems(app)
    return problems


def _state_problems(app: App) -> list[str]:
    problems = []
    accounts = app.manifest.accounts
    for i, bug in enumerate(app.manifest.bugs):
        if not bug.manifesting_states():
            problems.append(
                f"{_field(i, bug, 'manifests_when')}: matches no built-in state "
                f"({', '.join(BUILTIN_STATES)})"
            )
        for role in bug.manifests_when.roles or []:
            if role != "anonymous" and role not in accounts:
                problems.append(
                    f"{_field(i, bug, 'manifests_when.roles')}: the {role!r} state signs in, "
                    f"but `accounts` has no {role!r} entry (email and password)"
                )
        control = bug.control()
        if (
            bug.control_state
            and control is not None
            and control.role not in ("anonymous", *accounts)
        ):
            problems.append(
                f"{_field(i, bug, 'control_state')}: state {control.name!r} "
                f"signs in as {control.role!r}, but `accounts` has no such entry"
            )
    return problems


def _field(index: int, bug: Bug, name: str) -> str:
    return f"field `bugs.{index}.{name}` (bug {bug.id!r})"


def _backend_problems(app: App) -> list[str]:
    module_name, _, attr = (app.manifest.backend or "").partition(":")
    if not attr:
        return ["field `backend`: expected 'module:factory', e.g. 'my_backend:create_backend'"]
    if str(app.root) not in sys.path:
        sys.path.append(str(app.root))
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except Exception as exc:  # the user's module may fail in any way on import
        return [f"field `backend`: {app.manifest.backend!r} cannot be loaded ({exc})"]
    if not callable(factory):
        return [f"field `backend`: {attr!r} in {module_name!r} is not callable"]
    return []


def _build_index_problems(app: App) -> list[str]:
    try:
        index = app.build_index()
    except (ManifestError, OSError, ValueError, KeyError) as exc:
        return [f"field `dist`: {exc}"]
    problems = []
    frontend = sorted(app.frontend_bugs(app.bugs))
    for wanted in [frozenset(), *(frozenset([b]) for b in frontend)]:
        if wanted not in index:
            label = ", ".join(sorted(wanted)) or "clean"
            problems.append(f"field `dist`: builds.json has no build for {label}")
        elif not (app.dist_dir / index[wanted] / "index.html").is_file():
            problems.append(f"field `dist`: build {index[wanted]!r} has no index.html")
    for folder in sorted(set(index.values())):
        problems += _link_problems(app, app.dist_dir / folder, f"field `dist`: build {folder!r}")
    return problems


def _link_problems(app: App, folder: Path, where: str) -> list[str]:
    """Links in a served folder that the harness would not follow: broken ones, and ones that
    lead out of the folder anywhere but into the app's shared store."""
    problems = []
    allowed = (folder.resolve(), app.shared_dir.resolve())
    for path in sorted(folder.rglob("*")):
        if not path.is_symlink():
            continue
        link = f"{where}: {path.relative_to(folder).as_posix()} links to {os.readlink(path)!r}"
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing target, or a loop of links
            problems.append(f"{link}, which does not exist: remove the link or restore its target")
            continue
        if not target.exists():
            problems.append(f"{link}, which does not exist")
        elif not any(target.is_relative_to(a) for a in allowed):
            shared = (Path(app.manifest.dist) / SHARED_DIR).as_posix()
            problems.append(
                f"{link}, outside the folder; only links into {shared}/ are followed: "
                "copy the file in instead"
            )
    return problems


def _static_problems(app: App) -> list[str]:
    serve = app.manifest.serve
    assert serve is not None and serve.static is not None
    static = app.root / serve.static
    if not (static / "index.html").is_file():
        return [f"field `serve.static`: {serve.static!r} is not a folder with an index.html"]
    problems: list[str] = []
    patched: list[tuple[int, str, Path]] = []
    for i, bug in enumerate(app.manifest.bugs):
        switch = bug.switch
        if switch is None:
            continue
        if switch.build is not None:
            build, where = app.root / switch.build, _field(i, bug, "switch.build")
            if not (build / "index.html").is_file():
                problems.append(f"{where}: {switch.build!r} is not a folder with index.html")
            else:
                problems += _leaks(app, build, where) + _link_problems(app, build, where)
        if switch.patch is not None:
            patch = app.root / switch.patch
            if not patch.is_file():
                problems.append(
                    f"{_field(i, bug, 'switch.patch')}: file {switch.patch!r} not found"
                )
            else:
                patched.append((i, bug.id, patch))
    problems += _leaks(app, static, "field `serve.static`")
    problems += _link_problems(app, static, "field `serve.static`")
    with tempfile.TemporaryDirectory(prefix="frontendx-check-") as scratch:
        applied = []
        for i, bug_id, patch in patched:
            dest = Path(scratch) / bug_id
            try:
                apply_patches(static, [patch], dest)
            except ManifestError as exc:
                problems.append(f"{_field(i, app.bugs[bug_id], 'switch.patch')}: {exc}")
                continue
            problems += _leaks(app, dest, _field(i, app.bugs[bug_id], "switch.patch"))
            shutil.rmtree(dest)
            applied.append((bug_id, patch))
        if len(applied) > 1:
            try:
                apply_patches(static, [p for _, p in applied], Path(scratch) / "all")
            except ManifestError as exc:
                names = ", ".join(b for b, _ in applied)
                problems.append(
                    f"field `bugs`: the patches of {names} apply alone but not together, so "
                    f"the explore task cannot turn them all on ({exc})"
                )
    return problems


def _command_problems(app: App) -> list[str]:
    serve = app.manifest.serve
    assert serve is not None and serve.command is not None
    cwd = app.root / serve.cwd
    if not cwd.is_dir():
        return [f"field `serve.cwd`: folder {serve.cwd!r} not found"]
    program = serve.command[0]
    local = (cwd / program).is_file() if ("/" in program) else False
    if not local and shutil.which(program) is None:
        return [f"field `serve.command`: program {program!r} is not on PATH nor in `serve.cwd`"]
    return []


def _leaks(app: App, folder: Path, where: str) -> list[str]:
    """Ground truth must not reach the browser: no bug id or title in a served file."""
    needles = [(b.id, b.id.lower()) for b in app.bugs.values() if len(b.id) > 3]
    needles += [(b.title, b.title.lower()) for b in app.bugs.values()]
    problems = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.stat().st_size > 20_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "replace").lower()
        found = [original for original, needle in needles if needle in text]
        if found:
            rel = path.relative_to(folder)
            problems.append(f"{where}: {rel} names seeded bugs {found}: the agent would see them")
    return problems


def summary(app: App) -> dict[str, Any]:
    """What a valid app brings, for the command's report."""
    kinds: dict[str, int] = {}
    for bug in app.bugs.values():
        key: str = bug.layer or "?"
        if bug.switch is not None:
            key = next(k for k in ("patch", "build", "env") if getattr(bug.switch, k) is not None)
        kinds[key] = kinds.get(key, 0) + 1
    serve = app.manifest.serve
    mode = "python backend + builds" if serve is None else ("static" if serve.static else "command")
    return {"app": app.name, "mode": mode, "bugs": len(app.bugs), "switches": kinds}
