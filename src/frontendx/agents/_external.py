"""The `external` agent: any program, in any language, run as a subprocess (docs/design.md §8).

FrontendX keeps the browser and the episode; the program only gets, by environment, where
things are: the sandboxed browser over CDP, the app URL, a task file, a local endpoint for
findings, questions and steps, the budget, and (for agents configured with a model endpoint)
the metered gateway. The contract is documented in docs/external-agents.md.

The program runs in its own process group with a clean environment (PATH, HOME, LANG and the
agent's `env` only), so nothing of the harness (the control token, ground truth) reaches it.
The whole group is killed when the episode ends, for whatever reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import uvicorn
from playwright.async_api import CDPSession
from pydantic import Field, model_validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route as HttpRoute

from frontendx.agents._config import parse_config
from frontendx.agents._model import EndpointOptions, ModelEndpoint
from frontendx.agents._protocol import AgentContext
from frontendx.errors import AgentFlooded as _Flooded
from frontendx.errors import AgentProcessError as AgentProcessError  # re-exported: moved
from frontendx.errors import BrowserError, BudgetExceeded, ConfigError, ReproError

PASSED_THROUGH = ("PATH", "HOME", "LANG")
"""The only variables of the harness's own environment an external agent gets."""

MAX_BODY_BYTES = 256 * 1024
RATE_WINDOW_S = 1.0
RATE_MAX = 50
"""Requests to the local endpoint per `RATE_WINDOW_S`; beyond that: 429, try again later."""
MAX_REQUESTS = 2000
"""Requests to the local endpoint in one episode; beyond that the episode ends (flooding)."""
MAX_QUESTIONS = 50
MAX_QUESTION_CHARS = 2000
STDERR_TAIL_LINES = 20
VERSION_TIMEOUT_S = 30.0
VERSION_CACHE_S = 60.0
"""How long a version command's answer is reused (make_agent runs several times per run;
watch mode must still see a new version soon)."""

_VERSIONS: dict[tuple[tuple[str, ...], str], tuple[float, str]] = {}


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(extra)
    return env


def _tail(stream: IO[bytes], lines: int = STDERR_TAIL_LINES) -> str:
    stream.flush()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - 16_384))
    text = stream.read().decode("utf-8", "replace")
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(kept)


class ExternalConfig(EndpointOptions):
    """The external agent's options; `base_url` and `model` (with the shared endpoint options)
    give it a model endpoint behind the metered gateway, as `ModelEndpoint` defines one."""

    command: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1,
        description='the program and its arguments, e.g. ["node", "examples/node-agent/agent.mjs"]',
    )
    cwd: str | None = Field(default=None, description="directory the command runs in")
    env: dict[str, str] | None = Field(
        default=None, description="extra, non-secret variables (stored with the results)"
    )
    version_command: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None, min_length=1, description="its stdout's first line is the agent's version"
    )
    name: str | None = Field(default=None, description="a display name, kept in the config")
    base_url: str | None = Field(
        default=None, description="the model's API root with its version prefix, e.g. .../v1"
    )
    model: str | None = Field(default=None, description="model name, with `base_url`")

    @model_validator(mode="after")
    def _endpoint_complete(self) -> ExternalConfig:
        if (self.base_url is None) != (self.model is None):
            raise ValueError("give both `base_url` and `model` for a model endpoint")
        return self

    def endpoint(self) -> ModelEndpoint | None:
        """The model endpoint these options describe, if any."""
        if self.base_url is None or self.model is None:
            return None
        options = self.model_dump(include=set(EndpointOptions.model_fields))
        return ModelEndpoint(base_url=self.base_url, model=self.model, **options)

    def stored(self) -> dict[str, Any]:
        """Only the options given (endpoint options only with an endpoint), so a config
        stores, and identifies its cells, as it was written."""
        kept = self.model_dump(exclude_none=True, exclude={"env", *EndpointOptions.model_fields})
        if self.env:
            kept["env"] = dict(self.env)
        if self.base_url is not None:
            endpoint = self.model_dump(include=set(EndpointOptions.model_fields), exclude_none=True)
            if endpoint.get("cassette_mode") == "off":
                del endpoint["cassette_mode"]
            kept.update(endpoint)
        return kept


class ExternalAgent:
    """Runs `command` as the agent; see docs/external-agents.md for the protocol and
    `ExternalConfig` for its options."""

    name = "external"
    version = "0"  # until `version_command` says otherwise
    config_model = ExternalConfig

    def __init__(self, **options: Any) -> None:
        settings = parse_config(ExternalConfig, "external", options)
        where = "agent 'external'"
        cwd = settings.cwd
        if cwd is not None and not Path(cwd).is_dir():
            raise ConfigError(f"{where}: `cwd` {cwd!r} is not a directory")
        extra = dict(settings.env or {})
        for key in extra:
            if key.upper().startswith("FRONTENDX_"):
                raise ConfigError(
                    f"{where}: `env` may not set {key!r}: FRONTENDX_* variables are the "
                    "harness's (see docs/external-agents.md)"
                )
        self._check_executable(settings.command[0], cwd, extra)
        endpoint = settings.endpoint()
        if endpoint is not None:
            endpoint.check()  # fail the run spec now (unknown price, unset key, no cassette)
        self.command = list(settings.command)
        self.cwd = cwd
        self.env = extra
        self.config: dict[str, Any] = settings.stored()
        self.version = (
            self._version(settings.version_command) if settings.version_command is not None else "0"
        )

    @staticmethod
    def _check_executable(program: str, cwd: str | None, env: dict[str, str]) -> None:
        path = _clean_env(env)["PATH"]
        if "/" in program:
            target = Path(cwd or ".") / program
            if not os.access(target, os.X_OK) or not target.is_file():
                raise ConfigError(
                    f"agent 'external': command {program!r} is not an executable file "
                    f"(relative to {Path(cwd or '.').resolve()})"
                )
        elif shutil.which(program, path=path) is None:
            raise ConfigError(
                f"agent 'external': command {program!r} is not on PATH; install it or give "
                "its full path"
            )

    def _version(self, command: list[str]) -> str:
        where = "agent 'external': `version_command`"
        key = (tuple(command), str(Path(self.cwd or ".").resolve()))
        cached = _VERSIONS.get(key)
        if cached is None or time.monotonic() - cached[0] > VERSION_CACHE_S:
            try:
                done = subprocess.run(
                    command,
                    cwd=self.cwd,
                    env=_clean_env(self.env),
                    capture_output=True,
                    text=True,
                    timeout=VERSION_TIMEOUT_S,
                    stdin=subprocess.DEVNULL,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ConfigError(f"{where} {command!r} could not run: {exc}") from None
            first = (done.stdout.strip().splitlines() or [""])[0].strip()
            if done.returncode != 0 or not first:
                why = f"exited {done.returncode}" if done.returncode else "printed nothing"
                raise ConfigError(
                    f"{where} {command!r} {why}: {done.stderr.strip()[-500:] or '(no stderr)'}"
                )
            _VERSIONS[key] = cached = (time.monotonic(), first[:200])
        return cached[1]

    @property
    def trust(self) -> str:
        """`sandboxed` when this machine confines the agent's process (user, PID and mount
        namespaces: see `SANDBOX`), `unconfined` when it cannot (`sandbox_problem()` says
        why): the process then runs as the harness's user and could read its secrets."""
        return "sandboxed" if sandbox_problem() is None else "unconfined"

    # --- one episode ----------------------------------------------------------------------

    async def run(self, ctx: AgentContext) -> None:
        if ctx.cdp_url is None:
            raise BrowserError(
                "this harness started Chromium without a CDP endpoint; external agents need "
                "one (launch_chromium(..., cdp_port=0))"
            )
        with tempfile.TemporaryDirectory(
            prefix="frontendx-agent-", ignore_cleanup_errors=True
        ) as tmp:
            workdir = Path(tmp)
            task_file = workdir / "task.json"
            task_file.write_text(json.dumps(_task_for(ctx, workdir), indent=2))
            endpoint = _Endpoint(ctx)
            warden = _Warden(ctx, workdir)
            await endpoint.start()
            try:
                try:
                    await warden.start()
                except Exception as exc:  # the harness's browser, not the agent: infra
                    raise BrowserError(
                        f"cannot guard the browser over CDP at {ctx.cdp_url}: {exc}"
                    ) from exc
                env = _clean_env(self.env)
                env.update(self._protocol_env(ctx, endpoint, warden, task_file, workdir))
                await self._run_process(ctx, env, endpoint, workdir)
            finally:
                await warden.stop()
                await endpoint.stop()

    def _protocol_env(
        self,
        ctx: AgentContext,
        endpoint: _Endpoint,
        warden: _Warden,
        task_file: Path,
        workdir: Path,
    ) -> dict[str, str]:
        budget = ctx.task.budget
        remaining = max(0.0, budget.wall_seconds - ctx.elapsed())
        env = {
            "FRONTENDX_CDP_URL": warden.cdp_url,
            "FRONTENDX_TARGET_ID": warden.target_id,
            "FRONTENDX_APP_URL": ctx.app_url,
            "FRONTENDX_TASK_FILE": str(task_file),
            "FRONTENDX_FINDINGS_URL": endpoint.url + "/findings",
            "FRONTENDX_TESTS_URL": endpoint.url + "/tests",
            "FRONTENDX_QUESTIONS_URL": endpoint.url + "/questions",
            "FRONTENDX_STEPS_URL": endpoint.url + "/steps",
            "FRONTENDX_DECISION_URL": endpoint.url + "/decision",
            "FRONTENDX_TRIAGE_URL": endpoint.url + "/triage",
            "FRONTENDX_FIX_URL": endpoint.url + "/fix",
            "FRONTENDX_RUN_TEST_URL": endpoint.url + "/run-test",
            "FRONTENDX_BUDGET_SECONDS": f"{remaining:.1f}",
            "FRONTENDX_BUDGET_STEPS": str(budget.steps),
            "TMPDIR": str(workdir),
        }
        if ctx.task.base_url is not None:
            env["FRONTENDX_BASE_URL"] = ctx.task.base_url  # a change's base build
        if budget.tokens is not None:
            env["FRONTENDX_BUDGET_TOKENS"] = str(budget.tokens)
        if budget.dollars is not None:
            env["FRONTENDX_BUDGET_DOLLARS"] = f"{budget.dollars:g}"
        if ctx.model is not None:
            from frontendx.gateway import DUMMY_KEY

            base = ctx.model.base_url  # http://127.0.0.1:PORT/v1, the episode's gateway
            root = base.removesuffix("/v1")
            env.update(
                {
                    "FRONTENDX_GATEWAY_URL": base,
                    "FRONTENDX_MODEL_API": ctx.model.api,
                    "FRONTENDX_MODEL": ctx.model.model,
                    "OPENAI_BASE_URL": base,
                    "OPENAI_API_KEY": DUMMY_KEY,
                    "ANTHROPIC_BASE_URL": root,
                    "ANTHROPIC_API_KEY": DUMMY_KEY,
                }
            )
        return env

    async def _run_process(
        self, ctx: AgentContext, env: dict[str, str], endpoint: _Endpoint, workdir: Path
    ) -> None:
        out_path, err_path = workdir / "stdout.log", workdir / "stderr.log"
        sandboxed = sandbox_problem() is None
        command = [*confine_command(hidden_paths()), *self.command] if sandboxed else self.command
        with out_path.open("w+b") as out, err_path.open("w+b") as err:
            started = time.monotonic()
            try:
                proc = await asyncio.create_subprocess_exec(
                    *command,
                    cwd=self.cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,  # its own process group, killed as a whole
                )
            except OSError as exc:
                raise AgentProcessError(f"cannot start {self.command!r}: {exc}") from None
            try:
                code = await self._wait(ctx, proc, endpoint)
            finally:
                _kill_group(proc.pid)
                with contextlib.suppress(ProcessLookupError):
                    await proc.wait()
            if sandboxed and 128 < code < 128 + 65:
                code = 128 - code  # its PID 1 shell reports a death by signal N as 128+N
            if code != 0:
                seconds = time.monotonic() - started
                how = (
                    f"was killed by signal {_signal_name(-code)}"
                    if code < 0
                    else f"exited with code {code}"
                )
                reported = len(ctx.findings)
                tail = _tail(err) or "(its stderr was empty)"
                raise AgentProcessError(
                    f"agent process {how} after {seconds:.1f}s, having reported {reported} "
                    f"finding(s); last lines of its stderr:\n{tail}"
                )

    async def _wait(
        self, ctx: AgentContext, proc: asyncio.subprocess.Process, endpoint: _Endpoint
    ) -> int:
        budget = ctx.task.budget.wall_seconds
        # The harness cancels run() at the budget; this deadline (a little later) only serves
        # callers that run the agent without one.
        remaining = max(0.0, budget - ctx.elapsed()) + 1.0
        exited = asyncio.ensure_future(proc.wait())
        ended = asyncio.ensure_future(endpoint.ended.wait())
        try:
            await asyncio.wait(
                {exited, ended}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            ended.cancel()
            if not exited.done():
                exited.cancel()
        if endpoint.failure is not None:
            raise endpoint.failure
        if not exited.done() or exited.cancelled():
            raise TimeoutError(f"wall-clock budget of {budget:g}s used up")
        return exited.result()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


SANDBOX = (
    "unshare",
    "--user",
    "--map-root-user",
    "--pid",
    "--fork",
    "--mount",
    "--mount-proc",
    "--kill-child",
)
"""How an external agent is confined (docs/external-agents.md, "Confinement"): its own user,
PID and mount namespaces, which an unprivileged user may create on Debian. In its PID namespace
/proc shows only its own processes, so no other process's environment or command line; in its
mount namespace the suite's files are covered by empty mounts. The network is the harness's:
the agent reaches CDP, its endpoint, the app and the gateway on loopback."""

_CONFINE = r"""
uid=$1 gid=$2
shift 2
while [ "$1" != -- ]; do
  if [ -d "$1" ]; then
    mount -t tmpfs -o ro,nosuid,nodev,size=4k,mode=0555 frontendx-hidden "$1" ||
      { echo "frontendx: cannot hide $1 from the agent" >&2; exit 125; }
  elif [ -e "$1" ]; then
    mount --bind /dev/null "$1" ||
      { echo "frontendx: cannot hide $1 from the agent" >&2; exit 125; }
  fi
  shift
done
shift
cd "$(pwd -P)" 2>/dev/null || cd /
unset PWD OLDPWD
unshare --user --mount --map-user="$uid" --map-group="$gid" -- "$@"
"""
# Runs as PID 1 of the agent's namespaces and as root of its user namespace, so it can mount;
# then runs the agent in a nested user and mount namespace as the harness's own uid. Mounts
# made in a more privileged namespace are locked there: the agent cannot unmount them, and has
# no capability left to mount a /proc of its own. The shell stays PID 1 and waits, because PID
# 1 ignores every signal it has no handler for, and the agent should not be that process.
# `cd` by name again: a working directory inside a hidden folder would still show its files.
# (`cd` sets PWD and OLDPWD: the agent gets exactly the environment the harness gives it.)


def confine_command(hidden: list[Path]) -> list[str]:
    """The command prefix that runs a program confined, with `hidden` folders and files
    covered by empty ones."""
    ids = [str(os.getuid()), str(os.getgid())]
    script = ["sh", "-c", _CONFINE, "frontendx-confine", *ids, *map(str, hidden), "--"]
    return [*SANDBOX, "--", *script]


@functools.cache
def sandbox_problem() -> str | None:
    """None when external agents can be confined here; otherwise why not, with the fix.
    Tried once per process, by confining a probe that must not see a file it hides."""
    if shutil.which("unshare") is None:
        return "`unshare` is not installed (Debian: apt-get install util-linux)"
    with tempfile.TemporaryDirectory(prefix="frontendx-probe-") as tmp:
        hidden = Path(tmp) / "hidden"
        hidden.mkdir()
        (hidden / "file").write_text("visible")
        probe = 'test ! -e "$1" && test "$(ls /proc | grep -c "^[0-9]")" -lt 10'
        try:
            done = subprocess.run(
                [*confine_command([hidden]), "sh", "-c", probe, "probe", str(hidden / "file")],
                env=_clean_env({}),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`unshare` could not run: {exc}"
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {done.returncode}"
        return (
            f"user namespaces are not available to this user ({why}); allow them "
            "(sysctl kernel.unprivileged_userns_clone=1 on Debian, "
            "kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu, or a container "
            "seccomp profile that permits unshare)"
        )
    return None


def hidden_paths() -> list[Path]:
    """What a confined agent must not read: the built-in apps and every app an app server in
    this process hosts (`app.yaml` holds the repros, `dist/builds.json` maps builds to bugs),
    the app servers' patched builds, the results store with its artifacts, and the drivers'
    staging folders of episodes' files not uploaded yet (runner._run.STAGING_PREFIX)."""
    import tempfile

    import frontendx.apps
    from frontendx.suite._server import APP_ROOTS, scratch_root

    paths = {Path(frontendx.apps.__file__).resolve().parent, scratch_root()}
    paths.update(root.resolve() for root in APP_ROOTS)
    for db in _open_databases():
        paths.update(db.with_name(db.name + suffix) for suffix in ("", "-wal", "-shm", "-journal"))
        paths.add(db.with_name(db.stem + "-artifacts"))  # runner's artifacts_dir_for
    paths.update(Path(tempfile.gettempdir()).glob("frontendx-staging-*"))
    return sorted(p for p in paths if p.exists())


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _open_databases() -> set[Path]:
    """The SQLite files this process and its ancestors hold open: a run's driver holds the
    results store, and its pool workers (where agents run) are its children."""
    found: set[Path] = set()
    pid = os.getpid()
    for _ in range(4):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = Path(os.readlink(fd))
                    if target.is_absolute() and target.is_file():
                        with target.open("rb") as head:
                            if head.read(16) == _SQLITE_MAGIC:
                                found.add(target)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if pid <= 1:
            break
    return found


class _QuietServer(uvicorn.Server):
    """uvicorn inside the harness's event loop: the harness owns the process's signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        pass


class _Endpoint:
    """The agent's local HTTP endpoint: findings, questions and steps, on 127.0.0.1 under a
    secret path (another local process cannot post into this episode)."""

    def __init__(self, ctx: AgentContext) -> None:
        self.ctx = ctx
        self.secret = secrets.token_urlsafe(16)
        self.url = ""
        self.ended = asyncio.Event()
        self.failure: BudgetExceeded | None = None
        self.requests = 0
        self._recent: deque[float] = deque()
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None

    def _app(self) -> Starlette:
        prefix = "/" + self.secret
        return Starlette(
            routes=[
                HttpRoute(prefix + "/findings", self.findings, methods=["POST"]),
                HttpRoute(prefix + "/tests", self.tests, methods=["POST"]),
                HttpRoute(prefix + "/questions", self.questions, methods=["POST"]),
                HttpRoute(prefix + "/steps", self.steps, methods=["POST"]),
                HttpRoute(prefix + "/decision", self.decision, methods=["POST"]),
                HttpRoute(prefix + "/triage", self.triage, methods=["POST"]),
                HttpRoute(prefix + "/fix", self.fix, methods=["POST"]),
                HttpRoute(prefix + "/run-test", self.run_test, methods=["POST"]),
                HttpRoute(prefix + "/", self.index, methods=["GET"]),
            ]
        )

    async def start(self) -> None:
        # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only
        # then, and without it a response written in two parts stalls ~40 ms on Nagle and
        # delayed ACKs.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app(),
            log_level="warning",
            log_config=None,
            access_log=False,
            lifespan="off",
            limit_concurrency=32,
            timeout_graceful_shutdown=2,
        )
        self._server = server = _QuietServer(config)
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                self._task.result()  # raises why it could not start
                raise AgentProcessError("the local findings endpoint did not start")
            await asyncio.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}/{self.secret}"

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=5)
        except Exception:  # not stopping in time, or failing: stop it hard
            self._server.force_exit = True
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        self._server, self._task = None, None

    # --- admission ------------------------------------------------------------------------

    def _end(self, failure: BudgetExceeded) -> JSONResponse:
        if self.failure is None:
            self.failure = failure
            self.ended.set()
        return _error(429, str(self.failure))

    def _admit(self) -> JSONResponse | None:
        """None to go on, or the refusal: the episode is over, the agent floods, or it is
        going too fast."""
        if self.failure is not None:
            return _error(429, f"the episode has ended: {self.failure}")
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            return self._end(
                _Flooded(
                    f"agent flooded the findings endpoint: more than {MAX_REQUESTS} requests "
                    "in one episode"
                )
            )
        now = time.monotonic()
        while self._recent and now - self._recent[0] > RATE_WINDOW_S:
            self._recent.popleft()
        if len(self._recent) >= RATE_MAX:
            return _error(
                429,
                f"too many requests: at most {RATE_MAX} per {RATE_WINDOW_S:g}s; slow down",
                headers={"retry-after": "1"},
            )
        self._recent.append(now)
        return None

    async def _admitted(self, request: Request) -> tuple[Any, JSONResponse | None]:
        """Every endpoint's preamble: (the JSON body, None), or (None, the refusal) when the
        request is not admitted (see `_admit`) or its body is too large or not JSON."""
        refused = self._admit()
        if refused is not None:
            return None, refused
        return await self._json(request)

    async def _json(self, request: Request) -> tuple[Any, JSONResponse | None]:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return None, _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            return json.loads(body), None
        except ValueError as exc:
            return None, _error(400, f"body is not JSON: {exc}")

    # --- routes ---------------------------------------------------------------------------

    async def index(self, request: Request) -> JSONResponse:
        endpoints = [
            "findings",
            "tests",
            "questions",
            "steps",
            "decision",
            "triage",
            "fix",
            "run-test",
        ]
        return JSONResponse({"ok": True, "endpoints": endpoints})

    async def findings(self, request: Request) -> JSONResponse:
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        try:
            reported = await self.ctx.report(data)
        except BudgetExceeded as exc:
            return self._end(_Flooded(f"agent flooded the findings endpoint: {exc}"))
        answer: dict[str, Any] = {"index": reported.index, "found_at": reported.found_at}
        if reported.error is not None:
            # recorded all the same, and judged `invalid`: the agent learns why
            return JSONResponse({**answer, "error": reported.error}, status_code=400)
        return JSONResponse(answer, status_code=202)

    async def tests(self, request: Request) -> JSONResponse:
        """A `generate` agent's test: `{"name": "...", "steps": [...]}`."""
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        if not isinstance(data, dict):
            return _error(400, 'send {"name": "<test name>", "steps": [<steps>]}')
        name, steps = data.get("name"), data.get("steps")
        try:
            added = await self.ctx.add_test(
                name if isinstance(name, str) else "",
                steps if isinstance(steps, list) else [steps],
            )
        except BudgetExceeded as exc:
            return self._end(_Flooded(f"agent flooded the tests endpoint: {exc}"))
        answer: dict[str, Any] = {"index": added.index, "added_at": added.added_at}
        if added.error is not None:
            # recorded all the same, and dropped as `invalid`: the agent learns why
            return JSONResponse({**answer, "error": added.error}, status_code=400)
        return JSONResponse(answer, status_code=202)

    async def questions(self, request: Request) -> JSONResponse:
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        question = data.get("question") if isinstance(data, dict) else None
        if not isinstance(question, str) or not question.strip():
            return _error(400, 'send {"question": "<text>"}')
        if len(question) > MAX_QUESTION_CHARS:
            return _error(413, f"question longer than {MAX_QUESTION_CHARS} characters")
        if self.ctx.questions >= MAX_QUESTIONS:
            return _error(429, f"at most {MAX_QUESTIONS} questions per episode")
        return JSONResponse({"answer": await self.ctx.ask(question)})

    async def decision(self, request: Request) -> JSONResponse:
        """A change review's decision: `{"decision": "approve" | "block"}` (a block needs a
        finding posted before it; the last decision counts)."""
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        decision = data.get("decision") if isinstance(data, dict) else None
        try:
            self.ctx.decide(decision if isinstance(decision, str) else "")
        except ValueError as exc:
            return _error(400, str(exc))
        return JSONResponse({"decision": self.ctx.decision, "decided_at": self.ctx.decided_at})

    async def triage(self, request: Request) -> JSONResponse:
        """A red test's label: `{"label": "flaky" | "product_bug" | "outdated_test",
        "category": <root cause, with flaky>}` (the last label counts)."""
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        if not isinstance(data, dict) or not isinstance(data.get("label"), str):
            return _error(400, 'send {"label": "flaky" | "product_bug" | "outdated_test"}')
        category = data.get("category")
        try:
            self.ctx.triage(data["label"], category if isinstance(category, str) else None)
        except ValueError as exc:
            return _error(400, str(exc))
        return JSONResponse(
            {
                "label": self.ctx.label,
                "category": self.ctx.category,
                "labelled_at": self.ctx.labelled_at,
            }
        )

    async def fix(self, request: Request) -> JSONResponse:
        """A red test's fix: `{"steps": [<steps>]}` (the last fix counts; judged after)."""
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        steps = data.get("steps") if isinstance(data, dict) else None
        if not isinstance(steps, list):
            return _error(400, 'send {"steps": [<the fixed test\'s steps>]}')
        try:
            self.ctx.fix_test(steps)
        except ValueError as exc:
            return _error(400, str(exc))
        return JSONResponse({"ok": True}, status_code=202)

    async def run_test(self, request: Request) -> JSONResponse:
        """Re-run a test as CI does: `{}` for the red test, or `{"steps": [...]}`; answers
        `{"passed": bool, "message": "..."}`."""
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        steps = data.get("steps") if isinstance(data, dict) else None
        if steps is not None and not isinstance(steps, list):
            return _error(400, 'send {} or {"steps": [<steps>]}')
        try:
            outcome = await self.ctx.run_test(steps)
        except ReproError as exc:
            return _error(400, str(exc))
        except ValueError as exc:
            return _error(400, str(exc))
        except BudgetExceeded as exc:
            return self._end(exc)
        return JSONResponse(outcome.model_dump(mode="json"))

    async def steps(self, request: Request) -> JSONResponse:
        data, refused = await self._admitted(request)
        if refused is not None:
            return refused
        n = data.get("n", 1) if isinstance(data, dict) else None
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 10_000:
            return _error(400, 'send {"n": <browser actions taken, 1 or more>}')
        try:
            self.ctx.step(n)
        except BudgetExceeded as exc:
            return self._end(exc)
        budget = self.ctx.task.budget.steps
        return JSONResponse({"steps": self.ctx.steps, "remaining": budget - self.ctx.steps})


def _task_for(ctx: AgentContext, workdir: Path) -> dict[str, Any]:
    """The task file's content; a red test's trace is copied into the agent's folder (the
    episode's own folder is hidden from a confined agent)."""
    task = ctx.task.model_dump(mode="json")
    failing = ctx.task.failing_test
    if failing is not None and failing.trace is not None and Path(failing.trace).is_file():
        copy = workdir / "red-run.zip"
        shutil.copyfile(failing.trace, copy)
        task["failing_test"]["trace"] = str(copy)
    return task


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class _Warden:
    """Holds the sandbox for everything the agent does over CDP.

    The agent is meant to drive the sandbox's own page, which carries the browser state. The
    browser's network guard confines every page it opens, in any context, to the app's
    origin (browser/_guard.py); the agent connects through a CDP relay that refuses the
    commands a network guard cannot see (browser/_cdp_relay.py), and each refusal is kept in
    `ctx.cdp_refusals`. When the agent ends, pages and contexts it left outside the sandbox
    are closed, so nothing of it survives the episode.
    """

    def __init__(self, ctx: AgentContext, workdir: Path) -> None:
        from frontendx.browser._cdp_relay import CdpPolicy

        self.ctx = ctx
        self.target_id = ""
        self.cdp_url = ""
        self._policy = CdpPolicy(workdir=workdir, refusals=[])
        self._context_id = ""
        self._relay: Any = None
        self._session: CDPSession | None = None
        self._before: set[str] = set()

    async def start(self) -> None:
        from frontendx.browser._cdp_relay import CdpRelay

        browser = self.ctx.context.browser
        if browser is None or self.ctx.cdp_url is None:
            return
        page_session = await self.ctx.context.new_cdp_session(self.ctx.page)
        try:
            info = (await page_session.send("Target.getTargetInfo"))["targetInfo"]
        finally:
            await page_session.detach()
        self.target_id, self._context_id = info["targetId"], info.get("browserContextId", "")
        self._session = await browser.new_browser_cdp_session()
        self._before = set(
            (await self._session.send("Target.getBrowserContexts"))["browserContextIds"]
        )
        self._relay = CdpRelay(self.ctx.cdp_url, self._policy)
        await self._relay.start()
        self.cdp_url = self._relay.url

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            if self._relay is not None:
                await self._relay.stop()
        self.ctx.cdp_refusals.extend(f"{r.method}: {r.reason}" for r in self._policy.refusals)
        self._policy.refusals.clear()
        with contextlib.suppress(Exception):
            if self._session is not None:
                await self._close_leftovers(self._session)
        with contextlib.suppress(Exception):
            if self._session is not None:
                await self._session.detach()
        self._relay, self._session = None, None

    async def _close_leftovers(self, session: CDPSession) -> None:
        targets = (await session.send("Target.getTargets"))["targetInfos"]
        for target in _leftover_pages(targets, self._context_id):
            with contextlib.suppress(Exception):
                await session.send("Target.closeTarget", {"targetId": target})
        contexts = (await session.send("Target.getBrowserContexts"))["browserContextIds"]
        for context_id in set(contexts) - self._before:
            with contextlib.suppress(Exception):
                await session.send("Target.disposeBrowserContext", {"browserContextId": context_id})


def _leftover_pages(targets: list[dict[str, Any]], sandbox_context: str) -> Iterator[str]:
    for target in targets:
        if target.get("type") == "page" and target.get("browserContextId") != sandbox_context:
            yield str(target["targetId"])
