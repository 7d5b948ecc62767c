"""The network guard: a forward proxy that every request of a browser goes through.

Chromium is launched with ``--proxy-server`` pointing here and ``--proxy-bypass-list=<-loopback>``
(without it, Chromium sends loopback requests past any proxy). Then every request the browser
makes, from any page, worker, WebSocket, or DevTools command, reaches the network only through
this proxy, which forwards it only to the origins on its allowlist. That is one mechanism for
every request kind, where guarding pages by request interception misses whatever the
interception does not see (shared workers, WebSockets, CDP's own fetches). See
docs/security.md.

The proxy understands the two forms a browser sends to an HTTP proxy: absolute-form requests
(``GET http://host:port/path HTTP/1.1``) for plain HTTP, and ``CONNECT host:port`` tunnels, which
Chromium uses for https and for every WebSocket. Anything else, or any destination not
allowed, gets a 403 and is recorded in `blocked`.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from frontendx.browser._service import MAX_HEAD_BYTES, LoopbackService

BLOCKED_HEADER = "x-frontendx-blocked"
"""Set on the proxy's own 403 answers, so a page's listener can tell them from the app's."""

BLOCKED_KEPT = 200
"""How many blocked URLs `blocked` keeps (the newest); `blocked_count` counts them all."""

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "upgrade",
}


def _host_port(netloc: str, scheme: str) -> str | None:
    """``host:port`` (lower case, default port filled in) of a URL's netloc, or None."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:
        return None
    if port is None:
        port = 443 if scheme in ("https", "wss") else 80
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}"


class NetworkGuard(LoopbackService):
    """A forward proxy on 127.0.0.1 (a free port) that lets a browser reach only the origins
    on its allowlist. Allowing is counted: each `allow` needs its own `disallow`, so two
    sandboxes on one origin do not close it for each other."""

    def __init__(self, name: str = "browser") -> None:
        super().__init__()
        self.name = name
        self.blocked: list[str] = []
        self.blocked_count = 0
        self._allowed: Counter[str] = Counter()
        self._delays: dict[str, float] = {}
        self._unix: asyncio.Server | None = None
        self._unix_dir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def chromium_args(self) -> list[str]:
        """The command-line switches that force Chromium through this proxy. `<-loopback>`
        removes Chromium's implicit bypass of localhost, so the app's own loopback ports are
        proxied (and checked) like any other address."""
        return [f"--proxy-server={self.url}", "--proxy-bypass-list=<-loopback>"]

    # --- the allowlist ---------------------------------------------------------------------

    def allow(self, origin: str, *, delay_s: float = 0.0) -> None:
        """Let the browser reach `origin` (``http://host:port``), each request held back
        `delay_s` seconds first (a slow network)."""
        key = self._key(origin)
        self._allowed[key] += 1
        self._delays[key] = delay_s

    def disallow(self, origin: str) -> None:
        key = self._key(origin)
        if self._allowed[key] <= 1:
            del self._allowed[key]
            self._delays.pop(key, None)
        else:
            self._allowed[key] -= 1

    def allowed(self) -> list[str]:
        return sorted(self._allowed)

    @staticmethod
    def _key(origin: str) -> str:
        parts = urlsplit(origin)
        key = _host_port(parts.netloc, parts.scheme)
        if key is None or parts.scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) origin: {origin!r}")
        return key

    def _block(self, what: str) -> None:
        self.blocked_count += 1
        self.blocked.append(what)
        del self.blocked[:-BLOCKED_KEPT]

    # --- serving ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.listen()

    async def unix_socket(self) -> Path:
        """The guard on a Unix socket too (in a folder only this user can enter), for a
        browser in its own network namespace (see `_netns.py`)."""
        if self._unix_dir is None:
            self._unix_dir = Path(tempfile.mkdtemp(prefix="fx-guard-"))
            self._unix = await asyncio.start_unix_server(
                self._serve, path=str(self._unix_dir / "guard.sock"), limit=MAX_HEAD_BYTES
            )
        return self._unix_dir / "guard.sock"

    async def stop(self) -> None:
        if self._unix is not None:
            self._unix.close()
        if self._unix_dir is not None:
            shutil.rmtree(self._unix_dir, ignore_errors=True)
        self._unix, self._unix_dir = None, None
        await super().stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = [*lines[0].split(" "), "", ""][:3]
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if line:
                name, sep, value = line.partition(":")
                if not sep:
                    raise ValueError("malformed header line")
                headers.append((name.strip(), value.strip()))
        if method == "CONNECT":
            await self._tunnel(target, reader, writer)
            return
        parts = urlsplit(target)
        key = _host_port(parts.netloc, parts.scheme) if parts.scheme == "http" else None
        if key is None or key not in self._allowed:
            self._block(target if parts.scheme else f"{method} {target}")
            await _refuse(writer, f"{target}: not this episode's app origin")
            return
        if self._delays.get(key):
            await asyncio.sleep(self._delays[key])
        host, port = key.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        try:
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
            upgrade = [(k, v) for k, v in headers if k.lower() in ("upgrade", "connection")]
            websocket = any(v.lower() == "websocket" for _, v in upgrade)
            out = [f"{method} {path} {version}"]
            out += [f"{k}: {v}" for k, v in kept]
            if websocket:
                out += [f"{k}: {v}" for k, v in upgrade]
            else:
                # one request per connection: the browser opens a new one for the next request,
                # so a kept-alive connection never carries a request to another origin unchecked
                out.append("Connection: close")
            up_writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            if websocket:
                await _pipe_both(reader, writer, up_reader, up_writer)
                return
            await _copy_body(reader, up_writer, headers)
            await up_writer.drain()
            await _copy(up_reader, writer)
        finally:
            up_writer.close()

    async def _tunnel(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        key = _host_port(target, "https")
        if key is None or key not in self._allowed:
            self._block(f"CONNECT {target}")
            await _refuse(writer, f"{target}: not this episode's app origin")
            return
        if self._delays.get(key):
            await asyncio.sleep(self._delays[key])
        host, port = key.rsplit(":", 1)
        try:
            up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await writer.drain()
        await _pipe_both(reader, writer, up_reader, up_writer)


async def _refuse(writer: asyncio.StreamWriter, why: str) -> None:
    body = f"Blocked by the FrontendX sandbox: {why}\n".encode()
    writer.write(
        b"HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain; charset=utf-8\r\n"
        + f"{BLOCKED_HEADER}: 1\r\ncontent-length: {len(body)}\r\n".encode()
        + b"connection: close\r\n\r\n"
        + body
    )
    await writer.drain()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while chunk := await reader.read(65536):
        writer.write(chunk)
        await writer.drain()


async def _copy_body(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, headers: list[tuple[str, str]]
) -> None:
    """Forward exactly the request's body (by content-length, or chunk by chunk), and not a
    byte more: whatever the client sends after it is not forwarded."""
    fields = {k.lower(): v for k, v in headers}
    if "chunked" in fields.get("transfer-encoding", "").lower():
        while True:
            size_line = await reader.readuntil(b"\r\n")
            writer.write(size_line)
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                    writer.write(line)
                writer.write(b"\r\n")
                return
            writer.write(await reader.readexactly(size + 2))
            await writer.drain()
    remaining = int(fields.get("content-length", "0") or 0)
    while remaining > 0:
        chunk = await reader.read(min(remaining, 65536))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", remaining)
        writer.write(chunk)
        await writer.drain()
        remaining -= len(chunk)


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    async def one_way(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            await _copy(src, dst)
        with contextlib.suppress(OSError):
            if dst.can_write_eof():
                dst.write_eof()

    try:
        await asyncio.gather(one_way(reader, up_writer), one_way(up_reader, writer))
    finally:
        up_writer.close()
