"""The suite: apps under test, their seeded bugs, browser states, and app hosting."""

from frontendx.suite._jitter import Jitter, Latency, Unordered
from frontendx.suite._manifest import (
    App,
    AppManifest,
    Backend,
    Bug,
    BugSwitches,
    Category,
    Change,
    Difficulty,
    Edit,
    Severity,
    load_app,
)
from frontendx.suite._registry import (
    app_for,
    app_source,
    builtin_app_names,
    get_app,
    load_apps,
    resolve_apps,
    suite_version,
    suite_version_of,
)
from frontendx.suite._server import AppServer
from frontendx.suite._states import (
    BUILTIN_STATES,
    DEFAULT_STATE,
    BrowserState,
    ManifestsWhen,
    Viewport,
    get_state,
)

__all__ = [
    "BUILTIN_STATES",
    "DEFAULT_STATE",
    "App",
    "AppManifest",
    "AppServer",
    "Backend",
    "BrowserState",
    "Bug",
    "BugSwitches",
    "Category",
    "Change",
    "Difficulty",
    "Edit",
    "Jitter",
    "Latency",
    "ManifestsWhen",
    "Severity",
    "Unordered",
    "Viewport",
    "app_for",
    "app_source",
    "builtin_app_names",
    "get_app",
    "get_state",
    "load_app",
    "load_apps",
    "resolve_apps",
    "suite_version",
    "suite_version_of",
]
