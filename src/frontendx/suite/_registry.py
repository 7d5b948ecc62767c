"""Apps by name: the built-in apps (folders under `frontendx/apps`) and apps added by folder.

An app is identified by its manifest's `name` (and versioned by its content hash, see
`App.content_hash`), never by the text that named it: `./my-app`, `/abs/my-app` and `my-app`
from its parent folder are one app. Where an added app was found is kept beside the name
(`app_source`), only to load it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from frontendx.errors import ConfigError, ManifestError
from frontendx.suite._manifest import App, load_app

_APPS_DIR = Path(__file__).resolve().parent.parent / "apps"


def builtin_app_names() -> list[str]:
    # a folder is a Python package, so `design_system/` holds the app `design-system`
    return sorted({p.parent.name.replace("_", "-") for p in _APPS_DIR.glob("*/app.yaml")})


def _builtin_dir(name: str) -> Path:
    folder = _APPS_DIR / name
    return folder if folder.is_dir() else _APPS_DIR / name.replace("-", "_")


def is_builtin(app: App) -> bool:
    return app.root.resolve().parent == _APPS_DIR


def app_source(app: App) -> str | None:
    """Where an added app was found, absolute (its folder, or its manifest file when that is
    not called app.yaml); None for a built-in app."""
    if is_builtin(app):
        return None
    return str(app.root.resolve() if app.manifest_path.name == "app.yaml" else app.manifest_path)


def _manifest_of(text: str) -> Path | None:
    """The manifest an `--apps` entry names (resolved), or None for a built-in app's name."""
    path = Path(text)
    looks_like_path = "/" in text or text.endswith((".yaml", ".yml"))
    if looks_like_path:
        manifest = path / "app.yaml" if path.is_dir() else path
        if not manifest.is_file():
            raise ConfigError(
                f"app {text!r}: no app manifest there ({manifest} does not exist); give a "
                "folder holding an app.yaml, the manifest file, or a built-in app's name "
                f"({', '.join(builtin_app_names())})"
            )
        return manifest.resolve()
    folder = path / "app.yaml"
    builtin = text in builtin_app_names()
    if folder.is_file():
        if builtin and folder.resolve().parent != _builtin_dir(text).resolve():
            raise ConfigError(
                f"app {text!r} is both a built-in app and a folder holding an app.yaml "
                f"({folder.resolve().parent}); write ./{text} for the folder, or run from "
                "another folder for the built-in app"
            )
        return None if builtin else folder.resolve()
    if not builtin:
        raise ConfigError(
            f"unknown app {text!r}; built-in apps: {', '.join(builtin_app_names()) or 'none'} "
            "(or give a folder holding an app.yaml)"
        )
    return None


def get_app(name: str) -> App:
    """A built-in app by name, or an added app by folder (with or without a slash) or by its
    manifest file."""
    manifest = _manifest_of(name) or _builtin_dir(name).resolve() / "app.yaml"
    return _load(manifest, manifest.stat().st_mtime_ns)


@cache
def _load(manifest: Path, _mtime_ns: int) -> App:
    """The app of `manifest`, loaded once per version of the file."""
    app = load_app(manifest)
    if not is_builtin(app) and app.name in builtin_app_names():
        raise ManifestError(
            f"{manifest}: field `name`: {app.name!r} is the name of a built-in app, and an app "
            "is identified by its name; give this one its own name"
        )
    return app


def app_for(name: str, source: str | None) -> App:
    """The app of an episode: `name` from the manifest at `source` (an added app) or the
    built-in `name` (or, for results stored before apps had sources, the text that named
    the app)."""
    if source is None:
        return get_app(name)
    app = get_app(source)
    if app.name != name:
        raise ManifestError(
            f"{app.manifest_path}: field `name`: the app found there is now {app.name!r}, "
            f"not {name!r} as when the run was planned; run again to plan it anew"
        )
    return app


def resolve_apps(entries: Iterable[str]) -> list[tuple[str, App]]:
    """Each distinct app the `--apps` entries name, once, as (canonical entry, app): the
    canonical entry is a built-in app's name or an added app's absolute source, so it names
    the same app from any folder. Two different folders that claim one name are an error
    naming both."""
    found: dict[str, tuple[str, str, App]] = {}  # app name -> (entry as given, canonical, app)
    for entry in entries:
        app = get_app(entry)
        canonical = app_source(app) or app.name
        if app.name in found:
            given, other, _ = found[app.name]
            if other != canonical:
                raise ManifestError(
                    f"apps {given!r} ({other}) and {entry!r} ({canonical}) both claim the app "
                    f"name {app.name!r}; an app is identified by its name: give one of them "
                    "another `name` in its app.yaml"
                )
            continue
        found[app.name] = (entry, canonical, app)
    return [(canonical, app) for _, canonical, app in found.values()]


def load_apps(names: Iterable[str] | None = None) -> list[App]:
    return [app for _, app in resolve_apps(names or builtin_app_names())]


def suite_version(apps: Iterable[App]) -> str:
    """A content hash over the apps: their manifests (bugs, repros), specs and served files."""
    digest = hashlib.sha256()
    for app in sorted(apps, key=lambda a: a.name):
        digest.update(app.name.encode() + b"\0" + app.content_hash().encode())
    return digest.hexdigest()[:12]


@cache
def suite_version_of(name: str, source: str | None = None) -> str:
    """The version of the suite app `name` belongs to: the whole built-in suite for a built-in
    app, the app alone for one added from `source`. Stored with every episode; results are
    still reused per app (by the app's own hash), so adding an app re-runs nothing else."""
    if source is None and name in builtin_app_names():
        return suite_version(load_apps())
    return suite_version([app_for(name, source)])
