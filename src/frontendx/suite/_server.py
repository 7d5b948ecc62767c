"""Hosting an app under test: one process, two loopback ports.

The *app port* serves the frontend build of the current variant and passes `/api/...` to the
app's backend; for an app started by its own command it forwards every request to that process
instead (see `_process.py`). The *control port* (a different origin, so the sandboxed browser
cannot reach it) switches the variant and resets state. Bug switches live only in this
process's memory. A static file is served only from the current variant's folder; a link in it
is followed only into the app's shared store (`dist/shared/`), never to the manifest or to
another variant.

Nothing an agent can reach tells the variant (docs/external-agents.md, "Confinement"): the
control token comes in on stdin, never by environment or command line; control answers carry
an opaque digest of the variant, never bug ids; and a build's content-hashed asset names (which
the repository's `builds.json` maps to bugs) are served under names derived from a secret
per-process salt and the file's role, so every variant of one server serves the same URLs.

With jitter set (`AppServer.set_jitter`, docs/design.md "Jitter"), each app request first waits
a delay drawn from the seed, and the JSON lists the manifest marks `unordered` are shuffled;
without it (the default) requests are served exactly as before.

Run as ``python -m frontendx.suite._server APP_DIR`` with the control token as the first line
of stdin; it prints one JSON line with both ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import mimetypes
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, Any

import httpx

from frontendx.errors import AppError, ManifestError
from frontendx.suite._jitter import Jitter, jitter_digest, shuffle_body
from frontendx.suite._manifest import App, load_app
from frontendx.suite._process import AppProcess, plain_env

_HASHED_NAME = re.compile(r"^(?P<stem>.+)-[A-Za-z0-9_-]{8}(?P<ext>(?:\.[A-Za-z0-9]+)+)$")
"""A bundler's content-hashed file name (`index-oymEFk24.js`): the hash names the build."""

_REWRITTEN_SUFFIXES = {".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".webmanifest"}
"""Text files that may name other assets, so their references are rewritten too."""

_BAD_PATH = re.compile(r"[\x00-\x1f\x7f]")
"""Bytes no file path holds; the OS refuses some of them (a NUL) with an error."""


APP_ROOTS: set[Path] = set()
"""The folders of the apps this process hosts (or hosted): confined agents get them hidden."""


def scratch_root() -> Path:
    """The folder app servers keep patched builds in, one sub-folder per server: confined
    agents get it hidden (a patched build's folder name is derived from its bugs)."""
    root = Path(tempfile.gettempdir()) / f"frontendx-apps-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def variant_digest(token: bytes, bugs: Iterable[str]) -> str:
    """What the control port answers for the variant: the harness, which holds the token, can
    compare it with the variant it asked for; nobody else can tell variants apart by it."""
    return hmac.new(token, "\n".join(sorted(bugs)).encode(), hashlib.sha256).hexdigest()[:32]


_NO_STORE = [(b"cache-control", b"no-store")]


class _Switches:
    """The set of active backend bugs; checked by the backend per request."""

    def __init__(self) -> None:
        self.active: frozenset[str] = frozenset()

    def __contains__(self, bug_id: object) -> bool:
        return bug_id in self.active


class _BuildView:
    """One build folder as served: its content-hashed files under names derived from a secret
    salt and their role (stem and extension), and references to them rewritten to match.
    A build's own names (as in the repository's `dist/`) are not served at all."""

    def __init__(self, root: Path, salt: bytes) -> None:
        self.root = root
        originals: dict[str, str] = {}  # served relative path -> the build's own
        renames: dict[str, str] = {}  # original file name -> served file name
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            match = _HASHED_NAME.match(path.name)
            if match is None or not path.is_file():
                continue
            role = match["stem"] + match["ext"]
            digest = hmac.new(salt, role.encode(), hashlib.sha256).hexdigest()[:10]
            served = f"{match['stem']}-{digest}{match['ext']}"
            rel = path.relative_to(root)
            served_rel = rel.with_name(served).as_posix()
            if served_rel in originals:  # two files of one role: tell them apart by name
                digest = hmac.new(salt, path.name.encode(), hashlib.sha256).hexdigest()[:10]
                served = f"{match['stem']}-{digest}{match['ext']}"
                served_rel = rel.with_name(served).as_posix()
            originals[served_rel] = rel.as_posix()
            renames[path.name] = served
        self.originals = originals
        # by where they lead, so no spelling of an original name (`a//b`, `./a`) serves it
        self.hidden = {(root / rel).resolve() for rel in originals.values()}
        # longest first, so `x-hash.js.map` is not rewritten as `x-hash.js` plus `.map`
        names = sorted(renames, key=len, reverse=True)
        self._renames = {k.encode(): v.encode() for k, v in renames.items()}
        self._pattern = (
            re.compile(b"|".join(re.escape(n.encode()) for n in names)) if names else None
        )

    def locate(self, served: str) -> tuple[str, bool]:
        """The build's own relative path for a served one, and whether it was renamed."""
        rel = self.originals.get(served)
        return (served, False) if rel is None else (rel, True)

    def content(self, target: Path) -> bytes:
        return _rewritten(target, target.stat().st_mtime_ns, self)

    def rewrite(self, data: bytes) -> bytes:
        if self._pattern is None:
            return data
        return self._pattern.sub(lambda m: self._renames[m.group(0)], data)


@functools.lru_cache(maxsize=64)
def _rewritten(target: Path, mtime_ns: int, view: _BuildView) -> bytes:
    data = target.read_bytes()
    return view.rewrite(data) if target.suffix in _REWRITTEN_SUFFIXES else data


class _Host:
    """The ASGI apps for both ports, sharing one backend (or app process) and the variant."""

    def __init__(self, app: App, token: bytes, scratch: Path) -> None:
        self.app = app
        self.token = token
        self.scratch = scratch
        self.switches = _Switches()
        self.backend = app.create_backend(self.switches)
        serve = app.manifest.serve
        self.process = AppProcess(app) if serve is not None and serve.command else None
        self.salt = secrets.token_bytes(32)
        self.build = app.static_root((), scratch) if self.process is None else scratch
        self._views: dict[Path, _BuildView] = {}
        self.view = self._view_of(self.build)
        self.active: frozenset[str] = frozenset()
        self.jitter: Jitter | None = None
        self._nth: dict[tuple[str, str], int] = {}
        """requests per (method, path) since the jitter was set or the state reset"""

    async def start(self) -> None:
        if self.process is not None:
            await self.process.start(())

    async def stop(self) -> None:
        if self.process is not None:
            await self.process.stop()

    async def set_variant(self, bugs: Iterable[str]) -> None:
        wanted = frozenset(bugs)
        unknown = sorted(wanted - self.app.switches.keys())
        if unknown:
            raise ManifestError(f"app {self.app.name!r} has no bugs or edits named {unknown}")
        if self.process is not None:
            await self.process.start(wanted)
        else:
            self.build = self.app.static_root(wanted, self.scratch)
            self.view = self._view_of(self.build)
        self.switches.active = wanted
        self.active = wanted
        self._nth.clear()
        if self.backend is not None:
            self.backend.reset()

    def set_jitter(self, jitter: Jitter | None) -> None:
        """Turn jitter on with a seed (or off). Its draws start over from the seed here and at
        every reset, so each run from the seed state sees the same delays and orders."""
        self.jitter = jitter
        self._nth.clear()

    def _view_of(self, build: Path) -> _BuildView:
        if build not in self._views:
            self._views[build] = _BuildView(build, self.salt)
        return self._views[build]

    async def reset(self) -> None:
        self._nth.clear()
        if self.process is not None:
            await self.process.reset(self.active)
        if self.backend is not None:
            self.backend.reset()

    async def serve_app(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if self.jitter is not None:
            send = await self._jittered(self.jitter, scope, send)
        if self.process is not None:
            await self.process.forward(scope, receive, send)
            return
        path: str = scope["path"]
        if _BAD_PATH.search(path):
            # before anything opens a file by it: a NUL makes the OS call raise (a 500)
            await _respond(send, 400, b"bad request: control byte in the path", "text/plain")
            return
        if self.backend is not None and (path.startswith("/api/") or path == "/api"):
            await self.backend(scope, receive, send)
            return
        await self._static(path, send)

    async def _jittered(self, jitter: Jitter, scope: Any, send: Any) -> Any:
        """Wait the request's drawn delay; the `send` to answer through: one that shuffles the
        answer's unordered lists if the manifest names any for this request."""
        method, path = scope["method"], scope["path"]
        key = (method, path)
        nth = self._nth.get(key, 0)
        self._nth[key] = nth + 1
        delay = jitter.delay_s(method, path, nth)
        if delay > 0:
            await asyncio.sleep(delay)
        rules = [r for r in self.app.manifest.unordered if r.matches(method, path)]
        if not rules or not jitter.shuffle:
            return send
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def shuffling(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)  # held back: the length may change
                return
            if message["type"] != "http.response.body" or not start:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = list(start.get("headers") or [])
            names = {bytes(k).lower(): bytes(v) for k, v in headers}
            new = None
            if (
                200 <= start["status"] < 300
                and b"json" in names.get(b"content-type", b"")
                and b"content-encoding" not in names
            ):
                new = shuffle_body(body, rules, jitter, method, path, nth)
            if new is not None:
                body = new
                headers = [(k, v) for k, v in headers if bytes(k).lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return shuffling

    async def _static(self, path: str, send: Any) -> None:
        root, view = self.build, self.view
        served = path.lstrip("/") or "index.html"
        rel, renamed = view.locate(served)
        try:
            target = self._servable(root, rel)
            if target is not None and target.is_dir() and (target / "index.html").is_file():
                target = target / "index.html"
            found = target is not None and target.is_file()
        except OSError:  # a name the OS refuses (too long, ...): no such file
            target, found = None, False
        if found and not renamed and target in view.hidden:
            found = False  # the build's own name for a renamed file: it would tell the build
        if target is None or not found:
            spa = self.app.manifest.serve is None or self.app.manifest.serve.spa
            if "." in served.rsplit("/", 1)[-1] or not spa:
                await _respond(send, 404, b"not found", "text/plain")
                return
            target = root / "index.html"  # SPA fallback: the router handles the path
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype == "application/javascript":
            ctype += "; charset=utf-8"
        await _respond(send, 200, view.content(target), ctype)

    def _servable(self, root: Path, rel: str) -> Path | None:
        """`rel` in the variant's folder, or None if it leads out. A link may lead out only into
        the app's shared store (each build links its files there: see `App.shared_dir`)."""
        if ".." in PurePosixPath(rel).parts or _BAD_PATH.search(rel):
            return None
        target = (root / rel).resolve()
        inside = (root.resolve(), self.app.shared_dir.resolve())
        return target if any(target.is_relative_to(r) for r in inside) else None

    async def serve_control(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path, method = scope["path"], scope["method"]
        headers = dict(scope.get("headers") or [])
        if not secrets.compare_digest(headers.get(b"x-frontendx-control", b""), self.token):
            # Only the harness knows the token: an agent that finds the port (e.g. an external
            # agent with its own browser context) still cannot switch variants or reset.
            await _respond(send, 403, b'{"error":"control token required"}', "application/json")
            return
        try:
            # no bug ids in any answer: the digest lets the harness confirm the variant
            if path == "/health":
                payload: dict[str, Any] = {"ok": True, "variant": self._digest()}
            elif path == "/reset" and method == "POST":
                started = time.perf_counter()
                await self.reset()
                payload = {"ok": True, "seconds": time.perf_counter() - started}
            elif path == "/variant" and method == "POST":
                await self.set_variant(json.loads(body or b"{}").get("bugs", []))
                payload = {"ok": True, "variant": self._digest()}
            elif path == "/jitter" and method == "POST":
                raw = json.loads(body or b"{}").get("jitter")
                self.set_jitter(None if raw is None else Jitter.model_validate(raw))
                payload = {"ok": True, "jitter": jitter_digest(self.jitter)}
            else:
                await _respond(
                    send, 404, b'{"error":"no such control endpoint"}', "application/json"
                )
                return
        except Exception as exc:
            await _respond(send, 409, json.dumps({"error": str(exc)}).encode(), "application/json")
            return
        await _respond(send, 200, json.dumps(payload).encode(), "application/json")

    def _digest(self) -> str:
        return variant_digest(self.token, self.active)


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _respond(send: Any, status: int, body: bytes, ctype: str) -> None:
    headers = [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + _NO_STORE})
    await send({"type": "http.response.body", "body": body})


def _bind() -> socket.socket:
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only
    # then, and without it a response written in two parts stalls ~40 ms on Nagle and
    # delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


async def _serve(app_dir: Path) -> None:
    # by pipe: an environment variable stays readable in /proc/<pid>/environ, popped or not
    token = sys.stdin.readline().strip()
    if not token:
        raise SystemExit("no control token on stdin: start apps through AppServer")
    scratch = Path(tempfile.mkdtemp(prefix="app-", dir=scratch_root()))
    host = _Host(load_app(app_dir), token.encode(), scratch)
    try:
        await host.start()
        await _serve_host(host)
    finally:
        await host.stop()
        shutil.rmtree(scratch, ignore_errors=True)


async def _serve_host(host: _Host) -> None:
    import uvicorn

    app_sock, ctl_sock = _bind(), _bind()
    servers = [
        uvicorn.Server(
            uvicorn.Config(
                host.serve_app,
                log_level="warning",
                access_log=False,
                interface="asgi3",
                lifespan="off",
            )
        ),
        uvicorn.Server(
            uvicorn.Config(
                host.serve_control,
                log_level="warning",
                access_log=False,
                interface="asgi3",
                lifespan="off",
            )
        ),
    ]
    for server in servers:
        # the parent owns signals; see the loop below
        server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]
    tasks = [
        asyncio.create_task(servers[0].serve(sockets=[app_sock])),
        asyncio.create_task(servers[1].serve(sockets=[ctl_sock])),
    ]
    while not all(s.started for s in servers):
        await asyncio.sleep(0.01)
    ports = {"app_port": app_sock.getsockname()[1], "control_port": ctl_sock.getsockname()[1]}
    print(json.dumps(ports), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # exit when the parent goes away, so no orphan servers survive a killed run
    parent = os.getppid()
    while not stop.is_set() and os.getppid() == parent:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)


class AppServer:
    """Parent-side handle on a hosted app: start, switch variant, reset, stop."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._proc: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None
        self._client: httpx.AsyncClient | None = None
        self.url = ""
        self._control = ""
        self.active: frozenset[str] | None = None
        self.jitter: Jitter | None = None
        """the jitter the server runs with: off (None) unless `set_jitter` turned it on"""
        self._token = secrets.token_hex(16)

    async def start(self, timeout: float = 60.0) -> None:
        APP_ROOTS.add(self.app.root)
        cmd = [sys.executable, "-m", "frontendx.suite._server", str(self.app.root)]
        # stderr goes to a file, not a pipe nobody drains, so a chatty app cannot block
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the app
        self._proc = proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env={**plain_env(), "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdin is not None and proc.stdout is not None
        with contextlib.suppress(BrokenPipeError):  # it died at once: reported below
            proc.stdin.write(self._token + "\n")
            proc.stdin.close()
        try:
            line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout)
        except TimeoutError:
            proc.kill()
            raise AppError(f"app {self.app.name!r} did not start within {timeout:g}s") from None
        if not line:
            self._log.seek(0)
            err = self._log.read()
            raise AppError(f"app {self.app.name!r} failed to start:\n{err[-2000:]}")
        ports = json.loads(line)
        self.url = f"http://127.0.0.1:{ports['app_port']}"
        self._control = f"http://127.0.0.1:{ports['control_port']}"
        self._client = httpx.AsyncClient(
            base_url=self._control, timeout=10.0, headers={"x-frontendx-control": self._token}
        )

    @property
    def reference_url(self) -> str:
        """The app's URL under another host name (`localhost`), for a page that shows this
        server beside another (a change's base beside its head): browsers keep cookies per host
        name, not per port, so two servers under one name would share their sign-ins."""
        return self.url.replace("://127.0.0.1:", "://localhost:", 1)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        if self._client is None or not self.running:
            raise AppError(f"app {self.app.name!r} is not running")
        try:
            response = await self._client.post(path, json=payload)
        except httpx.HTTPError as exc:
            raise AppError(f"app {self.app.name!r}: control call {path} failed: {exc}") from exc
        data: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise AppError(f"app {self.app.name!r}: {path}: {data.get('error')}")
        return data

    async def set_variant(self, bugs: Iterable[str]) -> None:
        """Switch to a variant (and reset state)."""
        wanted = frozenset(bugs)
        # unknown until the server says so: a switch that fails or is cancelled midway must
        # not leave `active` naming a variant the server may no longer be in
        self.active = None
        answer = await self._post("/variant", {"bugs": sorted(wanted)})
        if answer.get("variant") != variant_digest(self._token.encode(), wanted):
            raise AppError(f"app {self.app.name!r}: the server did not confirm the variant")
        self.active = wanted

    async def set_jitter(self, jitter: Jitter | None) -> None:
        """Turn seeded jitter on (or off, with None): each request waits a delay drawn from
        `jitter.latency`, and the lists the manifest marks `unordered` come shuffled. It stays
        until changed, across variants; its draws start over at every reset."""
        self.jitter = None
        raw = None if jitter is None else jitter.model_dump(mode="json")
        answer = await self._post("/jitter", {"jitter": raw})
        if answer.get("jitter") != jitter_digest(jitter):
            raise AppError(f"app {self.app.name!r}: the server did not confirm the jitter")
        self.jitter = jitter

    async def reset(self) -> None:
        await self._post("/reset", {})

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                await asyncio.to_thread(self._proc.wait, 5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        if self._proc is not None and self._proc.stdout is not None:
            self._proc.stdout.close()
        if self._log is not None:
            self._log.close()
        self._proc, self._log = None, None


if __name__ == "__main__":
    asyncio.run(_serve(Path(sys.argv[1])))
