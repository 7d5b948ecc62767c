"""The `frontendx` command line.

Exit codes: 0 success; 1 a check failed (self-test, regression); 2 bad input (a clear message
says what and how to fix it); 3 infrastructure failure (browser, app server, model gateway or
its upstream). `exit_code` maps each branch of `frontendx.errors` to its code.
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
from rich.text import Text

import frontendx
from frontendx._cli_app import register as _register_app_commands
from frontendx._cli_data import db_option as _data_db_option
from frontendx._cli_data import register as _register_data_commands
from frontendx._cli_generate import register as _register_generate_commands
from frontendx._cli_review import register as _register_review_commands
from frontendx.errors import ConfigError, FrontendXError, InfraError

F = TypeVar("F", bound=Callable[..., Any])

# No markup by default: messages carry user text (paths, run ids, titles) that may contain
# `[/]`; styled parts are built as `Text`.
out = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INFRA = 1, 2, 3


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuses inf and nan, which `type=float` lets through: budgets must be finite."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number; give e.g. 120")
    return value


def exit_code(exc: FrontendXError) -> int:
    """The exit code of an error, by its branch of the tree in `frontendx.errors`: bad input
    (`ConfigError`, which includes store and view errors) 2, infrastructure (`InfraError`:
    browser, app server, gateway and its upstream) 3, anything else (an agent fault, a
    malformed finding) 1."""
    if isinstance(exc, ConfigError):
        return EXIT_BAD_INPUT
    if isinstance(exc, InfraError):
        return EXIT_INFRA
    return EXIT_FAILED


def _print_table(table: Any) -> None:
    """A table on stdout; in a file or pipe at its full width, not squeezed to 80 columns."""
    from frontendx.report import print_wide

    print_wide(out, table)


def _fail(message: str, code: int) -> None:
    err.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)
    sys.exit(code)


def _guard(fn: F) -> F:
    """Turn FrontendX errors into one clear message and an exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FrontendXError as exc:
            _fail(str(exc), exit_code(exc))

    return wrapper  # type: ignore[return-value]


def _db_option(create: bool) -> Callable[[F], F]:
    return _data_db_option(create)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(frontendx.__version__, prog_name="frontendx")
def main() -> None:
    """FrontendX: a living benchmark for AI frontend-testing agents."""


@main.command()
@click.option("--spec", "spec_file", type=click.Path(path_type=Path), help="YAML run spec.")
@click.option("--apps", help="Comma-separated app names (default: every built-in app).")
@click.option("--agents", help="Comma-separated agent names, e.g. oracle,null.")
@click.option(
    "--tasks",
    help="Comma-separated tasks: explore, reproduce, generate, regression, visual "
    "(default: explore).",
)
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
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default=None,
    help="Where episodes run: local (this machine's process pool, the default) or ray (a "
    "Ray cluster; pip install 'frontendx[ray]').",
)
@click.option(
    "--ray-address",
    help="The Ray cluster to join, as `ray start --head` prints it (default: a local Ray).",
)
@click.option("--replays", type=int, help="Replays on the buggy variant per finding (default 3).")
@click.option(
    "--artifacts",
    "artifacts_url",
    metavar="URL",
    help="Where traces and screenshots go: an fsspec URL such as file:///folder, "
    "s3://bucket/prefix (pip install s3fs) or gs://bucket/prefix (pip install gcsfs); "
    "kept with the run, so resume and the dashboard find them (default: the folder beside "
    "the store, <db stem>-artifacts/).",
)
@click.option(
    "--wall-seconds",
    type=float,
    callback=_finite,
    help="Wall-clock budget per episode (default 120).",
)
@click.option("--steps", type=int, help="Step budget per episode (default 200).")
@click.option(
    "--budgets",
    help="explore/reproduce/generate: wall-clock budgets in seconds, one cell per value, "
    "comma-separated, e.g. 30,60,120,300 (`report --by budget` draws recall against them; "
    "default: --wall-seconds).",
)
@click.option(
    "--ci-budget",
    "ci_budgets",
    help="regression/visual: CI budgets in wall seconds per change, comma-separated for a "
    "sweep, e.g. 30,60,120,300 (default 300).",
)
@click.option("--chromium", help="Chromium executable (default: $FRONTENDX_CHROMIUM, system).")
@click.option(
    "--force",
    is_flag=True,
    help="Run every episode, even those with a stored result whose fingerprint still holds.",
)
@_db_option(create=True)
@_guard
def run(
    spec_file: Path | None,
    db: Path | str,
    chromium: str | None,
    force: bool,
    executor: str | None,
    ray_address: str | None,
    artifacts_url: str | None,
    **flags: Any,
) -> None:
    """Run a benchmark matrix, store every episode, and print the leaderboard.

    An episode whose fingerprint (its cell plus the FrontendX, Chromium, app, agent, agent
    package and model versions) matches a stored result is reused, not run again; the
    summary says how many were reused and why the others ran."""
    from frontendx.browser import preflight
    from frontendx.living import VersionResolver
    from frontendx.runner import parse_run_spec, start_run, with_executor
    from frontendx.store import open_store
    from frontendx.store._protocol import sqlite_typed

    workers = flags.pop("workers")  # a Ray executor's count is not capped at one machine's
    spec = _spec_from(spec_file, flags)
    spec = with_executor(spec, kind=executor, address=ray_address, workers=workers)
    if artifacts_url is not None:
        spec = parse_run_spec(
            {**spec.model_dump(mode="json"), "artifacts": artifacts_url}, "--artifacts"
        )
    versions = VersionResolver(chromium=preflight(chromium))
    store = open_store(db, read_only=False)
    summary = start_run(
        sqlite_typed(store), spec, versions=versions, chromium=chromium, force=force, console=err
    )
    _print_summary(summary, store.name)  # a URL without its password
    _print_report(store, summary.run_id, by=(), fmt="table", out_dir=None)


def _spec_from(spec_file: Path | None, flags: dict[str, Any]) -> Any:
    """The run spec from a YAML file with flags as overrides, or from flags alone."""
    from frontendx.runner import default_spec_from_flags, load_run_spec, parse_run_spec

    if spec_file is not None:
        spec = load_run_spec(spec_file)
        overrides = {k: v for k, v in default_spec_from_flags(**flags).items() if k != "apps"}
        if flags.get("apps"):
            overrides["apps"] = default_spec_from_flags(**flags)["apps"]
        if overrides:
            spec = parse_run_spec({**spec.model_dump(mode="json"), **overrides}, str(spec_file))
        return spec
    if not flags.get("agents"):
        raise ConfigError("no agents given: pass --agents oracle,null or --spec FILE")
    return parse_run_spec(default_spec_from_flags(**flags), "command-line flags")


def _print_summary(summary: Any, db: Path | str) -> None:
    from frontendx.report import run_summary_lines

    for line in run_summary_lines(summary, db):
        err.print(line, soft_wrap=True)


@main.command()
@click.option("--run-id", help="Run to resume (default: the newest).")
@click.option("--chromium", help="Chromium executable.")
@_db_option(create=False)
@_guard
def resume(db: Path | str, run_id: str | None, chromium: str | None) -> None:
    """Finish a run that was interrupted: runs only the episodes not stored yet."""
    from frontendx.browser import preflight
    from frontendx.living import VersionResolver
    from frontendx.runner import resume_run
    from frontendx.store import open_store
    from frontendx.store._protocol import sqlite_typed

    store = open_store(db, create=False, read_only=False)
    versions = VersionResolver(chromium=preflight(chromium))
    summary = resume_run(
        sqlite_typed(store), run_id, versions=versions, chromium=chromium, console=err
    )
    err.print(
        f"run {summary.run_id}: {summary.skipped} already stored, {summary.ran} ran now"
        + (f", {summary.by_others} computed by another driver" if summary.by_others else "")
    )
    _print_report(store, summary.run_id, by=(), fmt="table", out_dir=None)


@main.command()
@click.option("--run-id", help="Only this run (default: the newest result of every cell).")
@click.option(
    "--as-of",
    help="Results as they stood at this UTC date/time, e.g. 2026-11-24 or 2026-11-24T18:00.",
)
@click.option(
    "--by",
    default="",
    help="Slices: comma-separated app,state,variant,change,budget,ci_budget,category,"
    "difficulty,depth (depth: bugs whose repro needs one action or two and more).",
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
def report(
    db: Path | str, run_id: str | None, as_of: str | None, by: str, fmt: str, out_dir: Path | None
) -> None:
    """Print the leaderboard (table, JSON or CSV) and write report.json and report.csv.

    Without --run-id it scores the newest result of every cell (each cell's result carried
    forward from the run that computed it), as of now or as of --as-of."""
    from frontendx.metrics import SLICES
    from frontendx.store import open_store

    slices = tuple(s.strip() for s in by.split(",") if s.strip())
    allowed = set(SLICES)
    bad = [s for s in slices if s not in allowed]
    if bad:
        raise ConfigError(
            f"--by: unknown slice {bad[0]!r}; choose from {', '.join(sorted(allowed))}"
        )
    if run_id is not None and as_of is not None:
        raise ConfigError("give either --run-id or --as-of, not both")
    store = open_store(db, create=False, read_only=True)
    chosen = out_dir is not None
    out_dir = out_dir or store.path.with_name(store.path.stem + "-report")
    when = None if as_of is None else _parse_when(as_of, "--as-of")
    _print_report(
        store, run_id, by=slices, fmt=fmt, out_dir=out_dir, as_of=when, out_dir_chosen=chosen
    )


def _parse_when(text: str, option: str) -> float:
    """An ISO date or date-time (UTC unless it names a zone) -> epoch seconds."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            f"{option} {text!r}: not a date; use ISO form, e.g. 2026-11-24 or 2026-11-24T18:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if len(text.strip()) == 10:  # a bare date means the end of that day
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment.timestamp()


def _print_report(
    store: Any,
    run_id: str | None,
    *,
    by: tuple[str, ...],
    fmt: str,
    out_dir: Path | None,
    as_of: float | None = None,
    out_dir_chosen: bool = True,
) -> None:
    from frontendx.metrics import compute_rows, load_constants
    from frontendx.report import to_csv, to_json
    from frontendx.review import scored

    if run_id is not None:
        store.run(run_id)  # a clear error for an unknown run id
        episodes = store.episodes(run_id)
    else:
        episodes = [r for _, r in store.latest_rows(as_of)]
    # findings on native bugs accepted by then score as validated (frontendx.review)
    episodes = scored(store, episodes, as_of)
    constants = load_constants()
    rows = compute_rows(episodes, by=by, constants=constants)
    meta = {
        "db": store.name,
        "run_id": run_id,
        "as_of": as_of,
        "episodes": len(episodes),
        "constants_version": constants.version,
        "frontendx_version": frontendx.__version__,
    }
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "report.json").write_text(to_json(rows, meta=meta), encoding="utf-8")
            (out_dir / "report.csv").write_text(to_csv(rows), encoding="utf-8")
            err.print(f"wrote {out_dir / 'report.json'} and {out_dir / 'report.csv'}")
        except OSError as exc:
            if out_dir_chosen:
                raise ConfigError(
                    f"--out-dir {out_dir}: cannot write the report files ({exc.strerror or exc})"
                ) from None
            # next to a store on read-only media: the report is still printed
            err.print(
                f"not writing report files: {out_dir} cannot be written "
                f"({exc.strerror or exc}); give --out-dir to write them elsewhere"
            )
    if fmt == "json":
        click.echo(to_json(rows, meta=meta))
    elif fmt == "csv":
        click.echo(to_csv(rows), nl=False)
    else:
        # one footer (the table's caption): episodes read, what the brackets are, constants
        from frontendx.report import render_tables

        for table in render_tables(rows, episodes=len(episodes)):
            _print_table(table)


@main.command("self-test")
@click.option("--apps", help="Comma-separated apps (default: every built-in app).")
@click.option("--bugs", "only", help="Comma-separated bug ids to check, or `all`.")
@click.option("--changes", "only_changes", help="Comma-separated change ids to prove, or `all`.")
@click.option(
    "--tests",
    "only_tests",
    help="Comma-separated ids of the apps' test suites (tests, test defects, outdated and "
    "regressed tests) to prove, or `all`. Without --bugs, --changes and --tests, everything "
    "is proven; with some of them, only what they name.",
)
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
    apps: str | None,
    only: str | None,
    only_changes: str | None,
    only_tests: str | None,
    replays: int,
    workers: int,
    chromium: str | None,
    fmt: str,
) -> None:
    """Prove the ground truth: every repro fails on its buggy variant k/k and holds on clean;
    every change's intended repros hold on head and fail on base, and its regressions' repros
    fail on head, hold on base and hold on head with only that regression off; every app test
    passes 20/20 under jitter, every seeded test defect fails at a rate within 20-80%, every
    outdated and regressed test fails every run and every fix holds."""
    from rich.progress import Progress

    from frontendx.suite import load_apps
    from frontendx.validate import self_test, self_test_changes, self_test_suites
    from frontendx.validate._flaky import test_suite_items

    loaded = load_apps([a.strip() for a in apps.split(",")] if apps else None)
    everything = only is None and only_changes is None and only_tests is None

    def chosen(raw: str | None, known: set[str], option: str) -> set[str] | None:
        """The ids an option names (None: all of them; empty: none)."""
        if raw is None:
            return None if everything else set()
        if raw.strip() == "all":
            return None
        ids = {i.strip() for i in raw.split(",") if i.strip()}
        unknown = sorted(ids - known)
        if unknown:
            raise click.BadParameter(
                f"no such id in the chosen apps: {', '.join(unknown)}", param_hint=option
            )
        return ids

    def picked(ids: set[str] | None, item: str) -> bool:
        return ids is None or item in ids

    wanted = chosen(only, {b for a in loaded for b in a.bugs}, "--bugs")
    changes = chosen(only_changes, {c for a in loaded for c in a.changes}, "--changes")
    suite_ids = {item.id for a in loaded for _, item in test_suite_items(a)}
    tests = chosen(only_tests, suite_ids, "--tests")
    n_bugs = sum(picked(wanted, b) for a in loaded for b in a.bugs)
    n_changes = sum(picked(changes, c) for a in loaded for c in a.changes)
    n_tests = sum(picked(tests, i) for i in suite_ids)
    with Progress(console=err, transient=True) as progress:
        bar = progress.add_task("self-test", total=n_bugs + n_changes + n_tests)
        checks = (
            asyncio.run(
                self_test(
                    loaded,
                    replays=replays,
                    lanes=workers,
                    chromium=chromium,
                    on_check=lambda c: progress.advance(bar),
                    only=wanted,
                )
            )
            if n_bugs
            else []
        )
        change_checks = (
            asyncio.run(
                self_test_changes(
                    loaded,
                    replays=replays,
                    lanes=workers,
                    chromium=chromium,
                    on_check=lambda c: progress.advance(bar),
                    only=changes,
                )
            )
            if n_changes
            else []
        )
        suite_checks = (
            asyncio.run(
                self_test_suites(
                    loaded,
                    lanes=workers,
                    chromium=chromium,
                    on_check=lambda c: progress.advance(bar),
                    only=tests,
                )
            )
            if n_tests
            else []
        )
    failed = [c for c in checks if not c.ok]
    failed_changes = [c for c in change_checks if not c.ok]
    failed_suites = [c for c in suite_checks if not c.ok]
    if fmt == "json":
        click.echo(
            json.dumps(
                [c.__dict__ | {"ok": c.ok} for c in checks]
                + [c.__dict__ | {"ok": c.ok} for c in change_checks]
                + [c.__dict__ | {"ok": c.ok} for c in suite_checks],
                indent=2,
            )
        )
    if checks and fmt != "json":
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
                "ok" if c.ok else Text("FAILED", style="red"),
            )
        _print_table(table)
    if change_checks and fmt != "json":
        table = Table(
            title=f"self-test: {len(change_checks) - len(failed_changes)}/{len(change_checks)} "
            "changes proven"
        )
        for col in ("app", "change", "proof", "result"):
            table.add_column(col)
        for cc in change_checks:
            table.add_row(
                cc.app,
                cc.change,
                "\n".join(cc.lines),
                "ok" if cc.ok else Text("FAILED", style="red"),
            )
        _print_table(table)
    if suite_checks and fmt != "json":
        table = Table(
            title=f"self-test: {len(suite_checks) - len(failed_suites)}/{len(suite_checks)} "
            "test-suite items proven"
        )
        for col in ("app", "kind", "id", "proof", "result"):
            table.add_column(col)
        for sc in suite_checks:
            table.add_row(
                sc.app,
                sc.kind,
                sc.item,
                sc.summary,
                "ok" if sc.ok else Text("FAILED", style="red"),
            )
        _print_table(table)
    if not (checks or change_checks or suite_checks) and fmt != "json":
        err.print("self-test: nothing to prove in the chosen apps")
    for name, problems in [
        *((f"{c.app}/{c.bug}", c.problems) for c in failed),
        *((f"{c.app}/{c.change}", c.problems) for c in failed_changes),
        *((f"{c.app}/{c.item}", c.problems) for c in failed_suites),
    ]:
        err.print(
            Text.assemble(("FAILED", "red"), f" {name}: " + "; ".join(problems)),
            soft_wrap=True,
        )
    if failed or failed_changes or failed_suites:
        sys.exit(EXIT_FAILED)


@main.command()
@click.option("--runs", help="Compare two runs: OLD_RUN,NEW_RUN (each agent config in both).")
@click.option(
    "--agents", help="Compare two agent configs' newest results: OLD,NEW (name or label)."
)
@click.option("--as-of", help="With --agents: results as they stood at this UTC date/time.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "json"]),
    default="table",
    show_default=True,
    help="What to print on stdout.",
)
@click.option(
    "--markdown",
    "md_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the Markdown summary (for a pull-request comment) here.",
)
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write JUnit XML (one test case per metric; a regression fails) here.",
)
@_db_option(create=False)
@_guard
def compare(
    db: Path | str,
    runs: str | None,
    agents: str | None,
    as_of: str | None,
    fmt: str,
    md_path: Path | None,
    junit_path: Path | None,
) -> None:
    """Compare results and flag regressions: recall, FP rate, cost per validated bug and
    median time-to-reproduction, each change with a 95% bootstrap CI.

    Without --runs or --agents, compares every agent config's newest result with its
    previous one. Exits 1 when any change is worse beyond its CI."""
    from frontendx.living import compare_agents, compare_runs, latest_regressions
    from frontendx.report import comparisons_to_json, render_comparisons, to_junit, to_markdown
    from frontendx.store import open_store

    if runs and agents:
        raise ConfigError("give either --runs or --agents, not both")
    store = open_store(db, create=False, read_only=True)
    if runs:
        old, new = _pair(runs, "--runs", "OLD_RUN,NEW_RUN")
        comparisons = compare_runs(store, old, new)
    elif agents:
        old, new = _pair(agents, "--agents", "OLD,NEW")
        when = None if as_of is None else _parse_when(as_of, "--as-of")
        comparisons = compare_agents(store, old, new, as_of=when)
    else:
        comparisons = latest_regressions(store)
        if not comparisons:
            err.print("no agent config has two results yet: nothing to compare")
    if md_path is not None:
        md_path.write_text(to_markdown(comparisons), encoding="utf-8")
        err.print(f"wrote {md_path}")
    if junit_path is not None:
        junit_path.write_text(to_junit(comparisons), encoding="utf-8")
        err.print(f"wrote {junit_path}")
    if fmt == "markdown":
        click.echo(to_markdown(comparisons), nl=False)
    elif fmt == "json":
        click.echo(comparisons_to_json(comparisons))
    elif comparisons:
        _print_table(render_comparisons(comparisons))
    worse = [c for c in comparisons if c.regression]
    if worse:
        for c in worse:
            metrics = ", ".join(m.metric for m in c.changes if m.worse)
            err.print(f"regression: {c.new} vs {c.old} ({c.task}): {metrics}", markup=False)
        sys.exit(EXIT_FAILED)


def _pair(text: str, option: str, form: str) -> tuple[str, str]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ConfigError(f"{option} {text!r}: give exactly two, as {form}")
    return parts[0], parts[1]


@main.command()
@click.option("--spec", "spec_file", type=click.Path(path_type=Path), help="YAML run spec.")
@click.option("--apps", help="Comma-separated app names (default: every built-in app).")
@click.option("--agents", help="Comma-separated agent names.")
@click.option("--tasks", help="Comma-separated tasks (default: explore).")
@click.option("--states", help="Comma-separated browser states (default: desktop).")
@click.option("--repeats", type=int, help="Repeats per cell (default 1).")
@click.option("--workers", type=int, help="Worker processes (default: cores).")
@click.option(
    "--every", default="6h", show_default=True, help="Time between checks: 90s, 30m, 6h, 1d."
)
@click.option("--once", is_flag=True, help="Check once, run what is stale, and exit.")
@click.option("--chromium", help="Chromium executable (default: $FRONTENDX_CHROMIUM, system).")
@_db_option(create=True)
@_guard
def watch(
    spec_file: Path | None,
    db: Path | str,
    every: str,
    once: bool,
    chromium: str | None,
    **flags: Any,
) -> None:
    """Keep results fresh: check the version sources (FrontendX, Chromium, apps, agent
    versions and packages, model revisions), run only the stale cells, and append what
    changed and what ran to the store's changelog. Runs until interrupted unless --once."""
    from frontendx.browser import preflight
    from frontendx.living import VersionResolver, parse_every
    from frontendx.living import watch as watch_loop
    from frontendx.store import open_store

    every_s = parse_every(every)
    spec = _spec_from(spec_file, flags)
    store = open_store(db, read_only=False)

    def report_check(result: Any) -> None:
        import datetime as dt

        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        changed = "; ".join(result.changes) or "nothing changed"
        ran = (
            f"run {result.run_id}: {result.ran} ran, {result.reused} reused"
            if result.run_id
            else "all results fresh, nothing ran"
        )
        err.print(f"[{stamp}] {changed}. {ran}", markup=False)
        for reason, count in result.reasons.items():
            err.print(f"  ran {count} because: {reason}", markup=False)
        if not once:
            err.print(f"next check in {every}", markup=False)

    try:
        watch_loop(
            store,
            spec,
            every_s=every_s,
            once=once,
            resolve=lambda: VersionResolver(chromium=preflight(chromium)),
            chromium=chromium,
            console=err,
            report=report_check,
        )
    except KeyboardInterrupt:
        err.print("watch stopped")


@main.command()
@_db_option(create=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_guard
def changelog(db: Path | str, fmt: str) -> None:
    """Show what `watch` saw change and what it ran, oldest first."""
    import datetime as dt

    from frontendx.store import open_store

    entries = open_store(db, create=False, read_only=True).changelog()
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2))
        return
    table = Table(title="changelog")
    for col in ("when (UTC)", "changes", "run", "ran", "reused"):
        table.add_column(col)
    for e in entries:
        when = dt.datetime.fromtimestamp(e["at"], dt.UTC).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            when,
            Text("; ".join(e["changes"]) or "nothing"),
            e["run_id"] or "—",
            str(e["ran"]),
            str(e["reused"]),
        )
    _print_table(table)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option(
    "--token-env",
    default="FRONTENDX_DASHBOARD_TOKEN",
    show_default=True,
    help="Environment variable holding the token that write endpoints require "
    "(without it, write endpoints are disabled).",
)
@_db_option(create=False)
@_guard
def serve(db: Path | str, host: str, port: int, token_env: str) -> None:
    """Serve the dashboard (read-only): leaderboard, Pareto fronts, trends, bug matrix,
    slices and episode pages, from the results database."""
    import os

    from frontendx.dashboard import run_server
    from frontendx.report import check_port
    from frontendx.store import open_store
    from frontendx.store._protocol import sqlite_typed

    store = open_store(db, create=False)
    check_port(host, port)  # before announcing a URL that another server holds
    err.print(f"dashboard for {db} on http://{host}:{port}/ (Ctrl-C stops it)", markup=False)
    run_server(sqlite_typed(store), host=host, port=port, token=os.environ.get(token_env) or None)


@main.command("export-site")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@_db_option(create=False)
@_guard
def export_site_cmd(db: Path | str, out_dir: Path) -> None:
    """Write the dashboard as a static site to OUT_DIR: it works from any plain file server
    and includes the CSV and JSON downloads."""
    from frontendx.dashboard import export_site
    from frontendx.store import open_store
    from frontendx.store._protocol import sqlite_typed

    written = export_site(sqlite_typed(open_store(db, create=False)), out_dir)
    err.print(f"wrote {written} files to {out_dir}; open {out_dir / 'index.html'} via a web server")


@main.command("export-test")
@click.option("--episode", "episode_id", type=int, required=True, help="Episode id (see report).")
@click.option("--finding", "finding_index", type=int, default=0, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: stdout).",
)
@click.option(
    "--app-url", help="Base URL the test targets by default (default: where app serve listens)."
)
@_db_option(create=False)
@_guard
def export_test(
    db: Path | str, episode_id: int, finding_index: int, output: Path | None, app_url: str | None
) -> None:
    """Write a finding as a runnable Playwright pytest test (its header says how to host
    the app it needs: `frontendx app serve ...`)."""
    from frontendx._cli_app import app_serve_url
    from frontendx.report import export_finding_test
    from frontendx.store import open_store

    result = open_store(db, create=False, read_only=True).episode(episode_id)
    source = export_finding_test(
        result,
        finding_index,
        episode_id=episode_id,
        app_url=app_url or app_serve_url(),
        filename=output.name if output else "test_finding.py",
    )
    if output is None:
        click.echo(source, nl=False)
    else:
        from frontendx.repro import write_exported_test

        for written in write_exported_test(output, source):
            err.print(f"wrote {written}")


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
@_guard
def suites(ctx: click.Context, fmt: str) -> None:
    """List the built-in apps, their seeded bugs, their changes and the red tests of their test
    suites (or `suites validate PATH`)."""
    if ctx.invoked_subcommand is not None:
        return
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
                            "layer": b.kind,
                            "states": [s.name for s in b.manifesting_states()],
                        }
                        for b in a.bugs.values()
                    ],
                    "changes": [
                        {
                            "id": c.id,
                            "title": c.title,
                            "design": c.design,
                            "edits": [e.id for e in c.edits],
                            "regressions": c.regressions,
                            "base_bugs": c.base_bugs,
                            "review_minutes": c.review_minutes,
                        }
                        for c in a.changes.values()
                    ],
                    "tests": [
                        {"id": t.id, "title": t.title, "catches": t.catches}
                        for t in (a.manifest.test_suite.tests if a.manifest.test_suite else [])
                    ],
                    "red_tests": [
                        {
                            "id": c.id,
                            "test": c.test.id,
                            "label": c.label,
                            "category": c.category.value if c.category else None,
                            "bug": c.bug,
                            "variant": list(c.variant),
                        }
                        for c in a.flaky_cases.values()
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
    _print_table(table)
    if any(a.changes for a in apps):
        table = Table(title="changes (the regression and visual tasks)")
        for col in ("app", "change", "kind", "edits", "regressions", "base bugs", "review"):
            table.add_column(col)
        for a in apps:
            for c in a.changes.values():
                table.add_row(
                    a.name,
                    c.id,
                    "design" if c.design else "feature",
                    ", ".join(e.id for e in c.edits),
                    ", ".join(c.regressions) or "-",
                    ", ".join(c.base_bugs) or "-",
                    f"{c.review_minutes:g} min",
                )
        _print_table(table)
    if any(a.flaky_cases for a in apps):
        table = Table(title="red tests (the flaky task) of the apps' test suites")
        for col in ("app", "red test", "of test", "cause", "root cause / build"):
            table.add_column(col)
        for a in apps:
            for case in a.flaky_cases.values():
                table.add_row(
                    a.name,
                    case.id,
                    case.test.id,
                    case.label,
                    case.category.value if case.category else "+".join(case.variant) or "clean",
                )
        _print_table(table)


@suites.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_guard
def suites_validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check app manifests (a folder with app.yaml, or the file): every problem, with its file
    and field. Exit 1 if any."""
    from frontendx.suite._check import check_app, locate, manifest_file, summary

    results: list[dict[str, Any]] = []
    for path in paths:
        app, problems = check_app(path)
        located = [locate(p, manifest_file(path)) for p in problems]
        results.append(
            {"path": str(path), "ok": not problems, "problems": problems, "located": located}
            | (summary(app) if app is not None else {})
        )
    if fmt == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        for result in results:
            if result["ok"]:
                kinds = ", ".join(f"{n} {k}" for k, n in result["switches"].items())
                out.print(
                    Text.assemble(
                        ("ok", "green"),
                        f" {result['path']}: app {result['app']!r}, {result['mode']}, "
                        f"{result['bugs']} bugs ({kinds})",
                    )
                )
            else:
                out.print(
                    Text.assemble(
                        (f"{len(result['problems'])} problem(s)", "red"), f" in {result['path']}:"
                    )
                )
                for problem in result["problems"]:
                    out.print(f"  - {problem}", markup=False, highlight=False)
    if not all(r["ok"] for r in results):
        raise SystemExit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_guard
def agents(fmt: str) -> None:
    """List the agents FrontendX can run (built-in and entry-point)."""
    from frontendx.agents import available_agents, config_listing

    rows = []
    for name, info in sorted(available_agents().items()):
        factory = info.factory.load() if info.kind == "entry-point" else info.factory
        # The config's defaults and JSON schema, from the agent's config model.
        params, schema = config_listing(factory)
        rows.append(
            {
                "name": name,
                "version": getattr(factory, "version", "?"),
                "kind": info.kind,
                "config": params,
                "config_schema": schema,
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
    _print_table(table)


_register_data_commands(main, _guard)  # store copy, export-data (_cli_data.py)
_register_review_commands(main, _guard)  # review list, review accept (_cli_review.py)
_register_generate_commands(main, _guard)  # export-suite (_cli_generate.py)
_register_app_commands(main, _guard)  # app serve (_cli_app.py)

if __name__ == "__main__":
    main()
