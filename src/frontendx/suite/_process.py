"""A bring-your-own app that runs as its own process (`serve.command`), behind the app port.

The host starts the command with the environment of the current variant, waits until it
answers, and forwards every request on the app port to it unchanged, so the browser keeps one
origin while variants come and go. A variant switch restarts the process; a reset restarts it
too, unless the manifest names a `reset_path` the app restores its seed state on.

The command's environment is `plain_env()` (no harness secrets such as model API keys), `PORT`,
`serve.env` and the switches of the active bugs. The switches are there by design: they are how
the app turns its bugs on. Agents cannot read them, as they cannot read any other process's
`/proc` entries (docs/external-agents.md, "Confinement").
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from typing import IO, Any

import httpx

from frontendx.errors import AppError
from frontendx.suite._manifest import App, Serve

PLAIN_ENV = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "TZ",
    "TMPDIR",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "NODE_PATH",
)
"""The harness's variables that the processes it starts for apps inherit, with `LC_*`: what
finding programs and libraries needs, and nothing secret. An app that needs more names it in
`serve.env`."""


def plain_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in PLAIN_ENV or k.startswith("LC_")}
    env.setdefault("PATH", os.defpath)
    return env


_HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"host",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class AppProcess:
    """One running copy of a command app, restarted per variant."""

    def __init__(self, app: App) -> None:
        serve = app.manifest.serve
        assert serve is not None and serve.command is not None
        self.app = app
        self.serve: Serve = serve
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._client: httpx.AsyncClient | None = None
        self._origin = ""

    async def start(self, active: Iterable[str]) -> None:
        """(Re)start the command with `active` bugs switched on and wait until it answers."""
        await self.stop()
        port = self.serve.port or _free_port()
        env = {**plain_env(), "PORT": str(port)}
        env.update(
            {k: v.replace("{port}", str(port)) for k, v in self.app.command_env(active).items()}
        )
        command = [arg.replace("{port}", str(port)) for arg in self.serve.command or []]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        try:
            self._proc = subprocess.Popen(
                command,
                cwd=self.app.root / self.serve.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                start_new_session=True,  # its own process group: stop() ends its children too
            )
        except OSError as exc:
            raise AppError(
                f"app {self.app.name!r}: `serve.command` {command[0]!r} cannot be started "
                f"({exc}); check the program name and `serve.cwd`"
            ) from None
        self._origin = f"http://127.0.0.1:{port}"
        self._client = httpx.AsyncClient(base_url=self._origin, timeout=30.0)
        await self._wait_ready(port)

    async def _wait_ready(self, port: int) -> None:
        deadline = time.monotonic() + self.serve.start_timeout_s
        assert self._client is not None and self._proc is not None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                hint = (
                    f" (the fixed port {port} may be taken: run one lane/worker, or use {{port}})"
                    if self.serve.port
                    else ""
                )
                raise AppError(
                    f"app {self.app.name!r}: `serve.command` exited with code "
                    f"{self._proc.returncode} before answering{hint}:\n{self._tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                response = await self._client.get(self.serve.ready_path, timeout=2.0)
                if response.status_code < 500:
                    return
            await asyncio.sleep(0.05)
        raise AppError(
            f"app {self.app.name!r}: `serve.command` did not answer on {self._origin}"
            f"{self.serve.ready_path} within {self.serve.start_timeout_s:g}s "
            f"(`serve.start_timeout_s`):\n{self._tail()}"
        )

    def _tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-2000:]

    async def reset(self, active: Iterable[str]) -> None:
        if self.serve.reset_path is None or self._client is None:
            await self.start(active)
            return
        response = await self._client.post(self.serve.reset_path)
        if response.status_code >= 400:
            raise AppError(
                f"app {self.app.name!r}: POST {self.serve.reset_path} (`serve.reset_path`) "
                f"answered {response.status_code}"
            )

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                await asyncio.to_thread(proc.wait, 5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await asyncio.to_thread(proc.wait)
        if self._log is not None:
            self._log.close()
            self._log = None

    async def forward(self, scope: Any, receive: Any, send: Any) -> None:
        """Pass one HTTP request to the app process and its response back, bytes unchanged."""
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self._client is None:
            await _plain(send, 503, b"the app is restarting")
            return
        target = scope["raw_path"].decode() if scope.get("raw_path") else scope["path"]
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode()
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _HOP_BY_HOP]
        request = self._client.build_request(scope["method"], target, headers=headers, content=body)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            await _plain(send, 502, f"the app process did not answer: {exc}".encode())
            return
        try:
            out = []
            for key, value in response.headers.raw:
                if key.lower() in _HOP_BY_HOP:
                    continue
                if key.lower() == b"location" and value.startswith(self._origin.encode()):
                    value = value[len(self._origin) :] or b"/"
                out.append((key, value))
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": out}
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _plain(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
