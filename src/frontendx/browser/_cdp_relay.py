"""The CDP relay: what external agents connect to instead of Chromium's own DevTools port.

The network guard (`_guard.py`) sees every request the browser makes, but some DevTools
commands do harm without a request it could see: closing the browser (which would end the
episode for a reason that is not the agent's), a browser context with its own proxy (which
would go around the guard), loading `file:` or `chrome:` URLs, writing downloads, or giving
the browser files to upload. The relay passes every other command through unchanged and
answers these with a CDP error that says why, counting each refusal for the episode.

It serves ``/json/version`` (what Playwright's ``connectOverCDP`` and Puppeteer ask first) and
one WebSocket, the browser endpoint, under a secret path. Each command is parsed and the
parsed value re-encoded for Chromium, so Chromium runs exactly the command that was checked.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from frontendx.browser._service import LoopbackService

_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
REFUSED_CODE = -32000

_NAVIGABLE = re.compile(r"(?i)https?://[^\x00-\x20\x7f\\]*")
"""http(s) URLs with nothing a URL parser would strip or reinterpret (controls, spaces)."""

_CLOSING = {"Browser.close", "Browser.crash", "Browser.crashGpuProcess"}
_NEVER = {
    # hands a page an unfiltered DevTools connection
    "Target.exposeDevToolsProtocol": "it would give a page a DevTools connection past the relay",
    # non-flat sessions carry commands inside a string the relay would have to unwrap
    "Target.sendMessageToTarget": "use flat sessions (a `sessionId` on each message) instead",
    "Tethering.bind": "it opens ports on the harness's machine",
    "Browser.executeBrowserCommand": "browser commands act outside the page",
    "Extensions.loadUnpacked": "extensions run outside the sandbox",
    "Extensions.uninstall": "extensions run outside the sandbox",
}


def navigable(url: str) -> bool:
    """True for the URLs an agent may open: http(s), and about:blank."""
    return url in ("", "about:blank") or _NAVIGABLE.fullmatch(url) is not None


@dataclass
class Refusal:
    method: str
    reason: str


@dataclass
class CdpPolicy:
    """What the relay refuses; `workdir` is the only folder the browser may read files from
    (uploads) or write them to (downloads) for the agent."""

    workdir: Path | None = None
    refusals: list[Refusal] = field(default_factory=list)

    def check(self, method: str, params: dict[str, Any]) -> str | None:
        """Why `method` with `params` is refused, or None to pass it on."""
        if method in _CLOSING:
            return (
                "the browser belongs to the harness and stays open for the whole episode; "
                "close your own pages or contexts instead"
            )
        if method in _NEVER:
            return _NEVER[method]
        if method == "Target.createBrowserContext":
            for key in ("proxyServer", "proxyBypassList"):
                if params.get(key) not in (None, ""):
                    return f"`{key}` would route the context around the sandbox's network guard"
        if method in ("Target.createTarget", "Page.navigate"):
            url = params.get("url", "")
            if not isinstance(url, str) or not navigable(url):
                return f"only http(s) URLs and about:blank may be opened, not {url!r}"
        if method in ("Network.loadNetworkResource", "Fetch.continueRequest"):
            url = params.get("url")
            if url is not None and (not isinstance(url, str) or not _NAVIGABLE.fullmatch(url)):
                return f"only http(s) URLs may be loaded, not {url!r}"
        if method == "Network.continueInterceptedRequest":
            return "use the Fetch domain instead"
        if method in ("Browser.setDownloadBehavior", "Page.setDownloadBehavior"):
            behavior = params.get("behavior")
            if behavior not in ("deny", "default"):
                where = params.get("downloadPath")
                if not isinstance(where, str) or not self._inside(where):
                    return (
                        "downloads may only be saved inside the agent's own folder "
                        f"({self.workdir or 'none'}), not {where!r}"
                    )
        if method == "DOM.setFileInputFiles":
            return self._files(params.get("files"))
        if method in ("Input.dispatchDragEvent", "Input.setInterceptDrags"):
            data = params.get("data")
            if isinstance(data, dict) and data.get("files"):
                return self._files(data.get("files"))
        return None

    def _files(self, files: object) -> str | None:
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return "`files` must be a list of paths"
        outside = [f for f in files if not self._inside(f)]
        if outside:
            return (
                f"files may only be given from the agent's own folder ({self.workdir or 'none'});"
                f" refused: {outside[:3]}"
            )
        return None

    def _inside(self, path: str) -> bool:
        if self.workdir is None:
            return False
        root = os.path.realpath(self.workdir)
        return os.path.commonpath([root, os.path.realpath(path)]) == root


class CdpRelay(LoopbackService):
    """An HTTP + WebSocket server on 127.0.0.1 that relays an agent's DevTools connections to
    the browser at `upstream` (``http://127.0.0.1:PORT``, or ``unix:/PATH`` for a browser in
    its own network namespace), refusing what `policy` refuses."""

    def __init__(self, upstream: str, policy: CdpPolicy | None = None) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        self.policy = policy or CdpPolicy()
        self.secret = secrets.token_urlsafe(16)
        self._version: dict[str, Any] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def refusals(self) -> list[Refusal]:
        return self.policy.refusals

    async def start(self) -> None:
        from frontendx.browser._launch import cdp_client

        client, base = cdp_client(self.upstream)
        async with client:
            answer = await client.get(base + "/json/version")
            answer.raise_for_status()
            self._version = answer.json()
        await self.listen()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *lines = head.split("\r\n")
        _method, target, *_ = [*request_line.split(" "), ""]
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in lines if line)
        }
        path = urlsplit(target).path.rstrip("/")
        ws_path = f"/devtools/browser/{self.secret}"
        if path == ws_path and headers.get("upgrade", "").lower() == "websocket":
            if headers.get("origin"):
                # as Chromium does: a web page must not drive the browser
                _http(writer, 403, b"DevTools connections from web pages are refused\n")
                return
            await self._relay(reader, writer, headers.get("sec-websocket-key", ""))
            return
        if path == "/json/version":
            version = {
                k: v for k, v in self._version.items() if k in ("Browser", "Protocol-Version")
            }
            version |= {
                "User-Agent": self._version.get("User-Agent", ""),
                "V8-Version": self._version.get("V8-Version", ""),
                "WebKit-Version": self._version.get("WebKit-Version", ""),
                "webSocketDebuggerUrl": f"ws://127.0.0.1:{self.port}{ws_path}",
            }
            _http(writer, 200, json.dumps(version).encode(), "application/json")
        elif path in ("/json", "/json/list"):
            _http(writer, 200, b"[]", "application/json")  # connect to the browser endpoint
        else:
            _http(writer, 404, b"the CDP relay serves /json/version and its browser endpoint\n")
        await writer.drain()

    async def _relay(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, key: str
    ) -> None:
        up_reader, up_writer = await _ws_connect(
            self.upstream, self._version["webSocketDebuggerUrl"]
        )
        accept = base64.b64encode(hashlib.sha1(key.encode() + _WS_GUID).digest()).decode()
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )
        await writer.drain()
        lock = asyncio.Lock()  # refusals and Chromium's frames share the agent's socket

        async def downstream() -> None:
            # Chromium's frames are server frames, as the agent expects them: passed as bytes
            while chunk := await up_reader.read(65536):
                async with lock:
                    writer.write(chunk)
                    await writer.drain()

        async def upstream() -> None:
            async for opcode, payload in _ws_messages(reader):
                if opcode == 0x8:
                    up_writer.write(_frame(0x8, payload, mask=True))
                    await up_writer.drain()
                    return
                if opcode in (0x9, 0xA):
                    up_writer.write(_frame(opcode, payload, mask=True))
                    continue
                forward, refusal = self._inspect(payload)
                if refusal is not None:
                    async with lock:
                        writer.write(_frame(0x1, refusal, mask=False))
                        await writer.drain()
                if forward is not None:
                    up_writer.write(_frame(0x1, forward, mask=True))
                    await up_writer.drain()

        tasks = [asyncio.create_task(downstream()), asyncio.create_task(upstream())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()
            for t in tasks:
                with contextlib.suppress(BaseException):
                    await t
            up_writer.close()

    def _inspect(self, payload: bytes) -> tuple[bytes | None, bytes | None]:
        """(what to send Chromium, what to answer the agent): one of them is None."""
        try:
            message = json.loads(payload)
        except ValueError:
            return None, None  # Chromium would refuse it too; there is no id to answer
        if not isinstance(message, dict):
            return None, None
        method, params = message.get("method"), message.get("params") or {}
        reason = (
            self.policy.check(method, params)
            if isinstance(method, str) and isinstance(params, dict)
            else "a command needs a string `method` and object `params`"
        )
        if reason is None:
            return json.dumps(message, separators=(",", ":")).encode(), None
        self.policy.refusals.append(Refusal(str(method), reason))
        error: dict[str, Any] = {
            "id": message.get("id"),
            "error": {"code": REFUSED_CODE, "message": f"FrontendX refused {method}: {reason}"},
        }
        if "sessionId" in message:
            error["sessionId"] = message["sessionId"]
        return None, json.dumps(error).encode()


def _http(writer: asyncio.StreamWriter, status: int, body: bytes, kind: str = "text/plain") -> None:
    reason = {200: "OK", 403: "Forbidden", 404: "Not Found"}[status]
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: {kind}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
        + body
    )


def _frame(opcode: int, payload: bytes, *, mask: bool) -> bytes:
    head = bytes([0x80 | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 1 << 16:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + _xor(payload, key)


def _xor(data: bytes, key: bytes) -> bytes:
    if not data:
        return data
    full = (key * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "little") ^ int.from_bytes(full, "little")).to_bytes(
        len(data), "little"
    )


async def _ws_messages(reader: asyncio.StreamReader) -> Any:
    """The agent's messages, (opcode, payload), fragments joined, masks removed."""
    parts: list[bytes] = []
    first_opcode = 0
    while True:
        b0, b1 = await reader.readexactly(2)
        opcode, fin, n = b0 & 0x0F, b0 & 0x80, b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", await reader.readexactly(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", await reader.readexactly(8))
        if n > MAX_MESSAGE_BYTES:
            raise ValueError("WebSocket message too large")
        key = await reader.readexactly(4) if b1 & 0x80 else b""
        payload = await reader.readexactly(n)
        if key:
            payload = _xor(payload, key)
        if opcode >= 0x8:
            yield opcode, payload
            if opcode == 0x8:
                return
            continue
        if opcode != 0:
            first_opcode, parts = opcode, []
        parts.append(payload)
        if sum(map(len, parts)) > MAX_MESSAGE_BYTES:
            raise ValueError("WebSocket message too large")
        if fin:
            yield first_opcode, b"".join(parts)
            parts = []


async def _ws_connect(upstream: str, url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    parts = urlsplit(url)
    if upstream.startswith("unix:"):
        path = upstream.removeprefix("unix:")
        reader, writer = await asyncio.open_unix_connection(path, limit=64 * 1024)
        host = "localhost"
    else:
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        reader, writer = await asyncio.open_connection(host, port, limit=64 * 1024)
        host = f"{host}:{port}"
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET {parts.path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        writer.close()
        raise ConnectionError(f"the browser refused the DevTools connection: {head[:80]!r}")
    return reader, writer
