"""`watch`: check the version sources on a schedule, run what is stale, keep a changelog.

Each check resolves every version source the run spec touches, compares them with the
previous check, runs the cells whose fingerprint no longer matches a stored result (nothing
else), and appends one changelog entry: what changed and what ran.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console

from frontendx.errors import ConfigError
from frontendx.living._versions import VersionResolver, fingerprint
from frontendx.store import Store
from frontendx.store._protocol import sqlite_typed

if TYPE_CHECKING:  # the runner imports this package: import it lazily at run time
    from frontendx.runner import RunSpec

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """``"6h"``, ``"30m"``, ``"90s"``, ``"1d"`` (or a bare number of seconds) -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"--every {text!r}: give a positive duration such as 6h, 30m, 90s or 1d")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def snapshot(spec: RunSpec, versions: VersionResolver) -> dict[str, Any]:
    """The current value of every version source the spec touches."""
    from frontendx.runner import expand

    apps: dict[str, str] = {}
    agents: dict[str, dict[str, str]] = {}
    common: dict[str, str] = {}
    for episode in expand(spec):
        v = versions.for_episode(episode)
        common = {"frontendx": v["frontendx"], "chromium": v["chromium"]}
        apps[episode.app] = v["app"]
        agents[episode.agent.label] = {k: v[k] for k in ("agent", "agent_package", "model")}
    return {**common, "apps": apps, "agents": agents}


def diff_snapshots(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """Human-readable changes between two snapshots (``"chromium 131 -> 132"``)."""
    if before is None:
        return ["first check"]
    changes = [
        f"{key} {before.get(key, '(none)')} -> {after[key]}"
        for key in ("frontendx", "chromium")
        if before.get(key) != after.get(key)
    ]
    for name, digest in after["apps"].items():
        old = before.get("apps", {}).get(name)
        if old is None:
            changes.append(f"app {name} added")
        elif old != digest:
            changes.append(f"app {name} changed ({old[:8]} -> {digest[:8]})")
    for label, sources in after["agents"].items():
        old_sources = before.get("agents", {}).get(label)
        if old_sources is None:
            changes.append(f"agent {label} added")
            continue
        for source, value in sources.items():
            if old_sources.get(source) != value:
                changes.append(
                    f"agent {label} {source} {old_sources.get(source) or '(none)'} -> "
                    f"{value or '(none)'}"
                )
    return changes


@dataclass
class CheckResult:
    changes: list[str]
    stale: int
    run_id: str | None = None
    reused: int = 0
    ran: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def check_once(
    store: Store,
    spec: RunSpec,
    *,
    resolve: Callable[[], VersionResolver],
    chromium: str | None = None,
    console: Console | None = None,
) -> CheckResult:
    """One watch cycle: resolve versions, run what is stale, append to the changelog."""
    from frontendx.runner import expand, start_run

    versions = resolve()
    now = snapshot(spec, versions)
    # version checks only: an accepted native bug's entry (frontendx.review) holds no versions
    log = [e for e in store.changelog() if "native_bug" not in e["versions"]]
    changes = diff_snapshots(log[-1]["versions"] if log else None, now)
    episodes = expand(spec)
    prints = [fingerprint(e, versions.for_episode(e)) for e in episodes]
    stored = store.reusable(prints)
    stale = sum(1 for p in prints if p not in stored)
    result = CheckResult(changes=changes, stale=stale)
    if stale:
        summary = start_run(
            sqlite_typed(store), spec, versions=versions, chromium=chromium, console=console
        )
        result.run_id, result.reused, result.ran = summary.run_id, summary.reused, summary.ran
        result.reasons = dict(summary.reasons)
    store.add_change(now, changes, run_id=result.run_id, reused=result.reused, ran=result.ran)
    return result


def watch(
    store: Store,
    spec: RunSpec,
    *,
    every_s: float,
    once: bool,
    resolve: Callable[[], VersionResolver],
    chromium: str | None = None,
    console: Console | None = None,
    report: Callable[[CheckResult], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Check now, then every `every_s` seconds until interrupted (or once)."""
    while True:
        report(check_once(store, spec, resolve=resolve, chromium=chromium, console=console))
        if once:
            return
        sleep(every_s)
