"""Terminal output that reads well in a log file as in a terminal.

- `print_wide`: a table printed to a file or pipe gets its natural width, not the 80 columns
  rich assumes when it cannot ask a terminal (``crawle…``, ``not reach…``).
- `EpisodeLines`: when stderr is not a terminal (CI logs, ``make demo > log``), rich's progress
  bar prints nothing until the run ends; this prints one plain line per finished episode
  instead. It wraps the store the runner writes to, so it sees every stored episode.
- `run_summary_lines`: the run summary in words (``15 ok, 2 timeout``), never a Python repr.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, RenderableType
from rich.measure import Measurement

from frontendx.errors import ConfigError
from frontendx.records import EpisodeResult, GeneratedTestStatus, VerdictKind
from frontendx.report._format import counts, usd

MAX_FILE_WIDTH = 400
"""The widest a table gets in a file: wider tables wrap their cells."""


def print_wide(console: Console, renderable: RenderableType) -> None:
    """Print `renderable`; on a console that is not a terminal, at its natural width (up to
    `MAX_FILE_WIDTH`) rather than the console's assumed 80 columns."""
    if console.is_terminal:
        console.print(renderable)
        return
    wide = console.options.update_width(MAX_FILE_WIDTH)
    natural = Measurement.get(console, wide, renderable).maximum
    width = max(console.width, min(natural, MAX_FILE_WIDTH))
    saved = console.width
    console.width = width
    try:
        console.print(renderable)
    finally:
        console.width = saved


def episode_line(result: EpisodeResult, done: int, total: int | None) -> str:
    """``[3/45] crawler@1a2b explore shop/desktop: ok, 4 findings (2 validated), 31.2 s``; a
    generate episode counts its tests and kills: ``ok, 30 tests (28 kept), 9 bugs killed``; a
    flaky one its label and fix: ``ok, cart-sleep: labelled flaky (right), fix holds (20/20)``."""
    s = result.spec
    validated = sum(
        1
        for f in result.findings
        if f.verdict is not None and f.verdict.kind is VerdictKind.VALIDATED
    )
    parts = [result.status.value]
    if s.task.kind == "generate":  # a suite, judged by the bugs it kills (docs/design.md §6.1)
        n = len(result.tests)
        kept = sum(1 for t in result.tests if t.status is GeneratedTestStatus.KEPT)
        killed = len({k.bug_id for k in result.kills})
        parts.append(f"{n} test{'s' if n != 1 else ''} ({kept} kept), {killed} bugs killed")
    elif result.triage is not None:  # a red test's triage (docs/design.md §6.3)
        t = result.triage
        verdict = "right" if t.right else f"truth {t.truth}"
        parts.append(f"{s.task.case}: labelled {t.label or 'nothing'} ({verdict})")
        if t.fix_verdict is not None:
            parts.append(f"fix {t.fix_verdict} ({t.fix_passed}/{t.fix_runs})")
        if result.findings:
            n = len(result.findings)
            parts.append(f"{n} finding{'s' if n != 1 else ''} ({validated} validated)")
    else:
        n = len(result.findings)
        parts.append(f"{n} finding{'s' if n != 1 else ''} ({validated} validated)")
    parts.append(f"{result.usage.wall_seconds:.1f} s")
    if result.usage.model_cost_usd:
        parts.append(usd(result.usage.model_cost_usd))
    where = f"[{done}/{total}]" if total else f"[{done}]"
    return f"{where} {s.agent.label} {s.task.kind} {s.app}/{s.state.name}: " + ", ".join(parts)


class EpisodeLines:
    """A store proxy that prints `episode_line` for every episode the runner stores (cells
    carried over from earlier runs are counted, not printed: the summary says how many).

    `total` and `done` start from the run being resumed; for a new run they are taken from
    the runner's own `create_run` call."""

    def __init__(self, store: Any, console: Console, *, total: int | None = None, done: int = 0):
        self._store = store
        self._console = console
        self.total = total
        self.done = done

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def create_run(self, spec: Any, n_episodes: int, *args: Any, **kwargs: Any) -> Any:
        self.total, self.done = n_episodes, 0
        return self._store.create_run(spec, n_episodes, *args, **kwargs)

    def add_episode(self, run_id: str, result: EpisodeResult, **kwargs: Any) -> bool:
        added = bool(self._store.add_episode(run_id, result, **kwargs))
        if added:
            self.done += 1
            if kwargs.get("reused_from") is None:
                self._console.print(  # one line each, never wrapped at the console's width
                    episode_line(result, self.done, self.total),
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
        return added


def run_summary_lines(summary: Any, db: object) -> list[str]:
    """The end of `run`: what ran, what was reused, and why the rest ran."""
    episodes = "episode" if summary.total == 1 else "episodes"
    head = (
        f"run {summary.run_id}: {summary.total} {episodes}: {summary.reused} reused "
        f"(fingerprint unchanged), {summary.ran} ran"
    )
    if summary.statuses:
        head += f" ({counts(summary.statuses)})"
    lines = [head + f"; stored in {db}"]
    reasons: Iterable[tuple[str, int]] = summary.reasons.most_common()
    lines += [f"  ran {count} because: {reason}" for reason, count in reasons]
    return lines


def check_port(host: str, port: int, *, option: str = "--port") -> None:
    """Fail with a clear message, before anything announces a URL, when `host:port` cannot be
    listened on (another server holds it)."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as uvicorn binds: a port in TIME_WAIT is free to reuse
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = "is already in use (another server is listening there)"
            else:
                why = f"cannot be listened on ({exc.strerror or exc})"
            raise ConfigError(
                f"{host}:{port} {why}; choose another port with {option}, e.g. {option} {port + 1}"
            ) from None
