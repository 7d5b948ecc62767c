"""`frontendx app serve`: host a built-in or added app by hand, on a fixed port, in one bug
variant, e.g. to run a test that `export-test` or `export-suite` wrote against it. `cli.py`
registers it.

The app is served as episodes serve it (`frontendx.suite._server`: the variant's build and
backend), in this process, without a control port: the variant is chosen once, on the command
line, and holds until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import signal
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from frontendx.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
"""Where `app serve` listens by default: the URL exported tests fall back to."""


def app_serve_url(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """The base URL `frontendx app serve` prints (and exported tests target by default)."""
    return f"http://{host}:{port}"


def _chosen_bugs(app: Any, bugs: str | None, clean: bool) -> tuple[str, ...]:
    if clean and bugs:
        raise ConfigError("give either --bugs or --clean, not both")
    if clean:
        return ()
    if bugs is None:
        every = tuple(sorted(app.suite_bugs))
        if not app.combinable(every):
            raise ConfigError(
                f"app {app.name!r} cannot turn all its bugs on at once (some are separate "
                "builds or conflicting switches); choose some with --bugs ID,... or --clean"
            )
        return every
    wanted = tuple(sorted({b.strip() for b in bugs.split(",") if b.strip()}))
    unknown = [b for b in wanted if b not in app.bugs]
    if unknown or not wanted:
        raise ConfigError(
            f"--bugs: app {app.name!r} has no bug {', '.join(map(repr, unknown)) or '(none given)'}"
            f"; its bugs: {', '.join(sorted(app.bugs))} (`frontendx suites` lists them)"
        )
    if not app.combinable(wanted):
        raise ConfigError(
            f"--bugs: {', '.join(wanted)} cannot be on at once in app {app.name!r} (separate "
            "builds or conflicting switches); serve them one at a time"
        )
    return wanted


def _change_switches(
    app: Any, change: str, base: bool, bugs: str | None, clean: bool
) -> tuple[str, ...]:
    """The switches of a change's head (or base) build."""
    if bugs is not None or clean:
        raise ConfigError("--change serves a change's build: give it without --bugs or --clean")
    if change not in app.changes:
        raise ConfigError(
            f"--change: app {app.name!r} has no change {change!r}; its changes: "
            f"{', '.join(sorted(app.changes)) or 'none'} (`frontendx suites` lists them)"
        )
    found = app.changes[change]
    return tuple(found.base if base else found.head)


def _state_lines(app: Any, state: Any, bugs: tuple[str, ...]) -> Iterator[str]:
    """What the browser state means for someone opening the app by hand."""
    looks = [f"{state.viewport.width}x{state.viewport.height}"]
    looks += ["mobile"] if state.is_mobile else []
    looks += [state.locale, state.timezone, state.color_scheme]
    yield f"state {state.name}: " + ", ".join(looks)
    if state.role != "anonymous":
        account = app.manifest.accounts.get(state.role)
        if account is not None:
            yield (
                f"  role {state.role}: sign in as {account.email} / {account.password} "
                "(exported tests sign in themselves)"
            )
    if state.flags:
        flags = ", ".join(f"{k}={v}" for k, v in sorted(state.flags.items()))
        yield (
            f"  feature flags {flags}, sent as the {app.manifest.flags_cookie!r} cookie "
            "(exported tests set it themselves)"
        )
    hidden = [b for b in bugs if not app.bugs[b].manifests_in(state)]
    if hidden:
        yield f"  not showing in state {state.name}: {', '.join(hidden)}"


def register(main: click.Group, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Add the `app` group (`app serve`) to the `frontendx` group."""

    @main.group("app")
    def app_group() -> None:
        """Host an app under test by hand (to run an exported test against it)."""

    @app_group.command("serve")
    @click.argument("app_name", metavar="APP")
    @click.option("--bugs", help="Comma-separated bug ids to turn on (default: every bug).")
    @click.option("--clean", is_flag=True, help="Serve the clean app (no bugs on).")
    @click.option(
        "--change",
        help="Serve a change's head build (its base bugs, regressions and intended edits on), "
        "as a regression or visual episode's reviewer saw it (`frontendx suites` lists them).",
    )
    @click.option(
        "--base",
        is_flag=True,
        help="With --change: serve its base build instead (what expect_matches_base compares "
        "with: the exported test's --reference-url).",
    )
    @click.option(
        "--state",
        default="desktop",
        show_default=True,
        help="The browser state the test uses (viewport, locale, role, flags): printed with "
        "the sign-in it needs.",
    )
    @click.option("--host", default=DEFAULT_HOST, show_default=True, help="Interface.")
    @click.option("--port", type=int, default=DEFAULT_PORT, show_default=True)
    @guard
    def app_serve(
        app_name: str,
        bugs: str | None,
        clean: bool,
        change: str | None,
        base: bool,
        state: str,
        host: str,
        port: int,
    ) -> None:
        """Serve APP (a built-in app's name or a folder holding an app.yaml) with the chosen
        bugs on, print its URL and the line that runs an exported test against it, and keep
        serving until Ctrl-C."""
        from frontendx.report import check_port
        from frontendx.report._suite_export import variant_words
        from frontendx.suite import get_state, resolve_apps

        [(_, app)] = resolve_apps([app_name])
        if change is not None:
            chosen = _change_switches(app, change, base, bugs, clean)
        elif base:
            raise ConfigError("--base serves a change's base build: give --change ID too")
        else:
            chosen = _chosen_bugs(app, bugs, clean)
        browser_state = get_state(state)
        check_port(host, port)  # before anything announces a URL another server holds
        url = app_serve_url(host, port)

        def announce() -> None:
            every = tuple(sorted(app.suite_bugs))
            what = variant_words(chosen, every)
            if change is not None:
                what = f"the {'base' if base else 'head'} build of change {change}"
            click.echo(f"serving app {app.name} with {what} on {url}/")
            for line in _state_lines(app, browser_state, tuple(b for b in chosen if b in app.bugs)):
                click.echo(line)
            click.echo("run an exported test against it:")
            click.echo(f"  FRONTENDX_APP_URL={url} pytest test_finding.py")
            click.echo("Ctrl-C stops it", err=True)

        asyncio.run(_serve(app, chosen, host, port, announce))
        click.echo("stopped", err=True)


async def _serve(
    app: Any, bugs: tuple[str, ...], host: str, port: int, announce: Callable[[], None]
) -> None:
    """Serve `app` in variant `bugs` on host:port until SIGINT or SIGTERM."""
    import uvicorn

    from frontendx.suite._server import _Host, scratch_root

    scratch = Path(tempfile.mkdtemp(prefix="app-serve-", dir=scratch_root()))
    served = _Host(app, secrets.token_hex(16).encode(), scratch)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        await served.start()
        await served.set_variant(bugs)

        class QuietServer(uvicorn.Server):
            """Leaves Ctrl-C to this loop: uvicorn's own handling raises the signal again
            after shutting down, which would end the command with a traceback."""

            @contextlib.contextmanager
            def capture_signals(self) -> Iterator[None]:
                yield

        server = QuietServer(
            uvicorn.Config(
                served.serve_app,
                log_level="warning",
                access_log=False,
                interface="asgi3",
                lifespan="off",
            )
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # it failed to start: say why
            return
        announce()
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        server.should_exit = True
        await task
    finally:
        sock.close()
        await served.stop()
        shutil.rmtree(scratch, ignore_errors=True)
