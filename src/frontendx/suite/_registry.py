"""The built-in apps, found by folder under `frontendx/apps`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from frontendx.errors import ConfigError
from frontendx.suite._manifest import App, load_app

_APPS_DIR = Path(__file__).resolve().parent.parent / "apps"


def builtin_app_names() -> list[str]:
    # a folder is a Python package, so `design_system/` holds the app `design-system`
    return sorted({p.parent.name.replace("_", "-") for p in _APPS_DIR.glob("*/app.yaml")})


def _builtin_dir(name: str) -> Path:
    folder = _APPS_DIR / name
    return folder if folder.is_dir() else _APPS_DIR / name.replace("-", "_")


@cache
def get_app(name: str) -> App:
    """A built-in app by name, or an app folder/manifest by path."""
    path = Path(name)
    if ("/" in name or name.endswith(".yaml")) and path.exists():
        return load_app(path)
    if name not in builtin_app_names():
        raise ConfigError(
            f"unknown app {name!r}; built-in apps: {', '.join(builtin_app_names()) or 'none'} "
            "(or give the path of a folder holding an app.yaml)"
        )
    return load_app(_builtin_dir(name))


def load_apps(names: Iterable[str] | None = None) -> list[App]:
    return [get_app(n) for n in (names or builtin_app_names())]


def suite_version(apps: Iterable[App]) -> str:
    """A content hash over the apps: their manifests (bugs, repros), specs and served files."""
    digest = hashlib.sha256()
    for app in sorted(apps, key=lambda a: a.name):
        digest.update(app.name.encode() + b"\0" + app.content_hash().encode())
    return digest.hexdigest()[:12]


@cache
def suite_version_of(name: str) -> str:
    """The version of the suite app `name` belongs to: the whole built-in suite for a built-in
    app, the app alone for one added by path. Stored with every episode; results are still
    reused per app (by the app's own hash), so adding an app re-runs nothing else."""
    if name in builtin_app_names():
        return suite_version(load_apps())
    return suite_version([get_app(name)])
