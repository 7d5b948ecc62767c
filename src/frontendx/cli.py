"""The `frontendx` command line.

Exit codes: 0 success; 1 a check failed (self-test, regression); 2 bad input (a clear message
says what and how to fix it); 3 infrastructure failure (browser or app).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

import frontendx
from frontendx.errors import BrowserError, ConfigError, FrontendXError, StoreError

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INFRA = 1, 2, 3


def _fail(message: str, code: int) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    sys.exit(code)


def _guard(fn: F) -> F:
    """Turn FrontendX errors into one clear message and an exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ConfigError, StoreError) as exc:
            _fail(str(exc), EXIT_BAD_INPUT)
        except BrowserError as exc:
            _fail(str(exc), EXIT_INFRA)
        except FrontendXError as exc:
            _fail(str(exc), EXIT_FAILED)

    return wrapper  # type: ignore[return-value]


def _db_option(create: bool) -> Callable[[F], F]:
    return click.option(
        "--db",
        "db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=Path("frontendx.db"),
        show_default=True,
        help="SQLite results database" + (" (created if missing)." if create else "."),
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(frontendx.__version__, prog_name="frontendx")
def main() -> None:
    """FrontendX: a living benchmark for AI frontend-testing agents."""


@main.command()
@click.option("--spec", "spec_file", type=click.Path(path_type=Path), help="YAML run spec.")
@click.option("--apps", help="Comma-separated app names (default: shop).")
@click.option("--agents", help="Comma-separated agent names, e.g. oracle,null.")
@click.option("--tasks", help="Comma-separated tasks: explore, reproduce (default: explore).")
@click.option("--states", help="Comma-separated browser states (default: desktop).")
@click.option(
    "--variants",
    type=click.Choice(["auto", "all", "each", "clean"]),
    default=None,
    help="Which bug variants to run (default auto: all bugs for explore, one per bug "
    "for reproduce).",
)
@click.option("--repeats", type=int, help="Repeats per cell (default 1).")
@click.option("--workers", type=int, help="Worker processes, one browser each (default: cores).")
@click.option("--replays", type=int, help="Replays on the buggy variant per finding (default 3).")
@click.option("--wall-seconds", type=float, help="Wall-clock budget per episode (default 120).")
@click.option("--steps", type=int, help="Step budget per episode (default 200).")
@click.option("--chromium", help="Chromium executable (default: $FRONTENDX_CHROMIUM, system).")
@click.option(
    "--force",
    is_flag=True,
    help="Run every episode, even those with a stored result whose fingerprint still holds.",
)
@_db_option(create=True)
@_guard
def run(spec_file: Path | None, db: Path, chromium: str | None, force: bool, **flags: Any) -> None:
    """Run a benchmark matrix, store every episode, and print the leaderboard.

    An episode whose fingerprint (app build, bugs, task, state, agent name/version/config,
    Chromium and FrontendX versions) matches a stored result is reused, not run again."""
    from frontendx.runner import default_spec_from_flags, load_run_spec, parse_run_spec, start_run
    from frontendx.store import SqliteStore

    if spec_file is not None:
        spec = load_run_spec(spec_file)
        overrides = {k: v for k, v in default_spec_from_flags(**flags).items() if k != "apps"}
        if flags.get("apps"):
            overrides["apps"] = default_spec_from_flags(**flags)["apps"]
        if overrides:
            spec = parse_run_spec({**spec.model_dump(mode="json"), **overrides}, str(spec_file))
    else:
        if not flags.get("agents"):
            raise ConfigError("no agents given: pass --agents oracle,null or --spec FILE")
        spec = parse_run_spec(default_spec_from_flags(**flags), "command-line flags")
    from frontendx.browser import preflight

    chromium_version = preflight(chromium)
    store = SqliteStore(db)
    summary = start_run(
        store,
        spec,
        chromium=chromium,
        chromium_version=chromium_version,
        force=force,
        console=err,
    )
    err.print(
        f"run {summary.run_id}: {summary.total} episodes: {summary.reused} reused (fingerprint "
        f"unchanged), {summary.ran} ran {dict(summary.statuses)}; stored in {db}"
    )
    _print_report(store, summary.run_id, by=(), fmt="table", out_dir=None)


@main.command()
@click.option("--run-id", help="Run to resume (default: the newest).")
@click.option("--chromium", help="Chromium executable.")
@_db_option(create=False)
@_guard
def resume(db: Path, run_id: str | None, chromium: str | None) -> None:
    """Finish a run that was interrupted: runs only the episodes not stored yet."""
    from frontendx.browser import preflight
    from frontendx.runner import resume_run
    from frontendx.store import SqliteStore

    store = SqliteStore(db, create=False)
    preflight(chromium)
    summary = resume_run(store, run_id, chromium=chromium, console=err)
    err.print(f"run {summary.run_id}: {summary.skipped} already stored, {summary.ran} ran now")
    _print_report(store, summary.run_id, by=(), fmt="table", out_dir=None)


@main.command()
@click.option("--run-id", help="Only this run (default: every episode in the store).")
@click.option(
    "--by", default="", help="Slices: comma-separated app,state,variant,category,difficulty."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="What to print on stdout.",
)
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write report.json and report.csv here.",
)
@_db_option(create=False)
@_guard
def report(db: Path, run_id: str | None, by: str, fmt: str, out_dir: Path | None) -> None:
    """Print the leaderboard (table, JSON or CSV) and write report.json and report.csv."""
    from frontendx.store import SqliteStore

    slices = tuple(s.strip() for s in by.split(",") if s.strip())
    allowed = {"app", "state", "variant", "category", "difficulty"}
    bad = [s for s in slices if s not in allowed]
    if bad:
        raise ConfigError(
            f"--by: unknown slice {bad[0]!r}; choose from {', '.join(sorted(allowed))}"
        )
    store = SqliteStore(db, create=False)
    out_dir = out_dir or db.with_name(db.stem + "-report")
    _print_report(store, run_id, by=slices, fmt=fmt, out_dir=out_dir)


def _print_report(
    store: Any, run_id: str | None, *, by: tuple[str, ...], fmt: str, out_dir: Path | None
) -> None:
    from frontendx.metrics import compute_rows, load_constants
    from frontendx.report import render_table, to_csv, to_json

    if run_id is not None:
        store.run(run_id)  # a clear error for an unknown run id
    episodes = store.episodes(run_id)
    constants = load_constants()
    rows = compute_rows(episodes, by=by, constants=constants)
    meta = {
        "db": str(store.path),
        "run_id": run_id,
        "episodes": len(episodes),
        "constants_version": constants.version,
        "frontendx_version": frontendx.__version__,
    }
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.json").write_text(to_json(rows, meta=meta), encoding="utf-8")
        (out_dir / "report.csv").write_text(to_csv(rows), encoding="utf-8")
        err.print(f"wrote {out_dir / 'report.json'} and {out_dir / 'report.csv'}")
    if fmt == "json":
        click.echo(to_json(rows, meta=meta))
    elif fmt == "csv":
        click.echo(to_csv(rows), nl=False)
    else:
        out.print(render_table(rows))
        out.print(
            f"[dim]{len(episodes)} episodes; human-minute constants {constants.version}; "
            "95% bootstrap CIs in brackets[/]"
        )


@main.command("self-test")
@click.option("--apps", help="Comma-separated apps (default: every built-in app).")
@click.option("--replays", type=int, default=3, show_default=True)
@click.option(
    "--lanes",
    "workers",
    type=int,
    default=4,
    show_default=True,
    help="Replays run at once, one app server each.",
)
@click.option("--chromium", help="Chromium executable.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_guard
def self_test_cmd(
    apps: str | None, replays: int, workers: int, chromium: str | None, fmt: str
) -> None:
    """Prove the ground truth: every repro fails on its buggy variant k/k and holds on clean."""
    from rich.progress import Progress

    from frontendx.suite import load_apps
    from frontendx.validate import self_test

    loaded = load_apps([a.strip() for a in apps.split(",")] if apps else None)
    total = sum(len(a.bugs) for a in loaded)
    with Progress(console=err, transient=True) as progress:
        bar = progress.add_task("self-test", total=total)
        checks = asyncio.run(
            self_test(
                loaded,
                replays=replays,
                lanes=workers,
                chromium=chromium,
                on_check=lambda c: progress.advance(bar),
            )
        )
    failed = [c for c in checks if not c.ok]
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ | {"ok": c.ok} for c in checks], indent=2))
    else:
        table = Table(title=f"self-test: {len(checks) - len(failed)}/{len(checks)} bugs proven")
        for col in ("app", "bug", "state", "buggy fails", "clean holds", "off-state", "result"):
            table.add_column(col)
        for c in checks:
            off = (
                "-"
                if c.off_state is None
                else f"{c.off_state}: {'holds' if c.off_state_holds else 'FAILS'}"
            )
            table.add_row(
                c.app,
                c.bug,
                c.state,
                f"{c.buggy_fails}/{c.replays}",
                f"{c.clean_holds}/{c.replays}",
                off,
                "ok" if c.ok else "[red]FAILED[/]",
            )
        out.print(table)
    for c in failed:
        err.print(f"[red]FAILED[/] {c.app}/{c.bug}: " + "; ".join(c.problems), soft_wrap=True)
    if failed:
        sys.exit(EXIT_FAILED)


@main.command("export-test")
@click.option("--episode", "episode_id", type=int, required=True, help="Episode id (see report).")
@click.option("--finding", "finding_index", type=int, default=0, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: stdout).",
)
@click.option("--app-url", help="Base URL the test targets by default.")
@_db_option(create=False)
@_guard
def export_test(
    db: Path, episode_id: int, finding_index: int, output: Path | None, app_url: str | None
) -> None:
    """Write a finding as a runnable Playwright pytest test."""
    from frontendx.repro import export_pytest
    from frontendx.store import SqliteStore
    from frontendx.suite import get_app

    result = SqliteStore(db, create=False).episode(episode_id)
    if not 0 <= finding_index < len(result.findings):
        raise ConfigError(
            f"episode {episode_id} has {len(result.findings)} findings; "
            f"--finding {finding_index} is out of range"
        )
    reported = result.findings[finding_index]
    if reported.finding is None:
        raise ConfigError(
            f"finding {finding_index} of episode {episode_id} is malformed "
            f"({reported.error}); nothing to export"
        )
    state = result.spec.state
    app = get_app(result.spec.app)
    sign_in = None
    if state.role != "anonymous" and state.role in app.manifest.accounts:
        account, login = app.manifest.accounts[state.role], app.manifest.login
        sign_in = {
            "path": login.path,
            "data": {login.email_field: account.email, login.password_field: account.password},
        }
    source = export_pytest(
        reported.finding,
        app_url=app_url or "http://127.0.0.1:8000",
        context={
            "viewport": state.viewport.model_dump(),
            "is_mobile": state.is_mobile,
            "has_touch": state.has_touch,
            "device_scale_factor": state.device_scale_factor,
            "locale": state.locale,
            "timezone_id": state.timezone,
            "color_scheme": state.color_scheme,
        },
        sign_in=sign_in,
        name=f"episode_{episode_id}_finding_{finding_index}",
        filename=output.name if output else "test_finding.py",
    )
    if output is None:
        click.echo(source, nl=False)
    else:
        output.write_text(source, encoding="utf-8")
        err.print(f"wrote {output}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_guard
def suites(fmt: str) -> None:
    """List the built-in apps and their seeded bugs."""
    from frontendx.suite import load_apps, suite_version

    apps = load_apps()
    if fmt == "json":
        payload = {
            "suite_version": suite_version(apps),
            "apps": [
                {
                    "name": a.name,
                    "title": a.manifest.title,
                    "bugs": [
                        {
                            "id": b.id,
                            "category": b.category.value,
                            "severity": b.severity.value,
                            "difficulty": b.difficulty.value,
                            "layer": b.layer,
                            "states": [s.name for s in b.manifesting_states()],
                        }
                        for b in a.bugs.values()
                    ],
                }
                for a in apps
            ],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    table = Table(title=f"suite {suite_version(apps)}")
    for col in ("app", "bug", "category", "difficulty", "states"):
        table.add_column(col)
    for a in apps:
        for b in a.bugs.values():
            table.add_row(
                a.name,
                b.id,
                b.category.value,
                b.difficulty.value,
                ",".join(s.name for s in b.manifesting_states()),
            )
    out.print(table)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_guard
def agents(fmt: str) -> None:
    """List the agents FrontendX can run (built-in and entry-point)."""
    import inspect

    from frontendx.agents import available_agents

    rows = []
    for name, info in sorted(available_agents().items()):
        factory = info.factory.load() if info.kind == "entry-point" else info.factory
        params = {
            p.name: (None if p.default is inspect.Parameter.empty else p.default)
            for p in inspect.signature(factory).parameters.values()
        }
        rows.append(
            {
                "name": name,
                "version": getattr(factory, "version", "?"),
                "kind": info.kind,
                "config": params,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table()
    for col in ("name", "version", "kind", "config"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["name"]), str(r["version"]), str(r["kind"]), json.dumps(r["config"], default=str)
        )
    out.print(table)


if __name__ == "__main__":
    main()
