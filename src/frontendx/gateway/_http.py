"""The gateway's upstream HTTP clients.

Local upstreams (vLLM, SGLang, Ollama, llama.cpp, the scripted upstream) answer in milliseconds,
so the proxy's own cost matters there; hosted APIs answer in hundreds of milliseconds over TLS,
often behind proxies, where robustness matters more. Hence two clients behind one interface: a
lean keep-alive HTTP/1.1 client (h11 on asyncio streams, about a third of httpx's CPU per call)
for plain-http loopback upstreams, and httpx for everything else.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import h11
import httpx

# re-exported: moved to errors.py
from frontendx.errors import UpstreamTimeout as UpstreamTimeout
from frontendx.errors import UpstreamUnreachable as UpstreamUnreachable

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class UpstreamClient:
    """What the gateway needs from an HTTP client."""

    async def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError


def make_client(base_url: str, timeout_s: float) -> UpstreamClient:
    parts = urlsplit(base_url)
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return LoopbackClient(parts.hostname or "127.0.0.1", parts.port or 80, timeout_s)
    return HttpxClient(timeout_s)


class HttpxClient(UpstreamClient):
    def __init__(self, timeout_s: float) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            limits=httpx.Limits(max_keepalive_connections=16, keepalive_expiry=60),
        )

    async def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        try:
            response = await self._client.request(method, url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(str(exc)) from None
        except httpx.TransportError as exc:
            raise UpstreamUnreachable(f"{type(exc).__name__}: {exc or 'no detail'}") from None
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self._client.aclose()


_Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _Stale(Exception):
    """A kept-alive connection closed before answering: retry on a fresh one."""


class LoopbackClient(UpstreamClient):
    """Keep-alive HTTP/1.1 to one loopback host:port. No TLS, no proxies, no redirects: the
    upstream is a model server on this machine. A connection the server closed while idle is
    detected before any answer byte and the request is sent again on a fresh connection."""

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._authority = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
        self._idle: list[_Conn] = []

    async def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        head = [("host", self._authority), *headers.items()]
        if body is not None:
            head.append(("content-length", str(len(body))))
        try:
            async with asyncio.timeout(self.timeout_s):
                while self._idle:
                    conn = self._idle.pop()
                    try:
                        return await self._exchange(conn, method, target, head, body)
                    except _Stale:
                        continue
                try:
                    conn = await asyncio.open_connection(self.host, self.port)
                except OSError as exc:
                    raise UpstreamUnreachable(f"{type(exc).__name__}: {exc}") from None
                try:
                    return await self._exchange(conn, method, target, head, body)
                except _Stale as stale:
                    cause = stale.__cause__
                    raise UpstreamUnreachable(
                        f"the connection broke before an answer: {type(cause).__name__}: {cause}"
                    ) from None
        except TimeoutError:
            raise UpstreamTimeout(f"no answer within {self.timeout_s:g} s") from None

    async def _exchange(
        self,
        conn: _Conn,
        method: str,
        target: str,
        head: list[tuple[str, str]],
        body: bytes | None,
    ) -> tuple[int, bytes]:
        reader, writer = conn
        http = h11.Connection(h11.CLIENT)
        answered = False
        reusable = False
        try:
            data = http.send(h11.Request(method=method, target=target, headers=head)) or b""
            if body:
                data += http.send(h11.Data(data=body)) or b""
            data += http.send(h11.EndOfMessage()) or b""
            writer.write(data)
            await writer.drain()
            status = 0
            chunks: list[bytes] = []
            while True:
                event = http.next_event()
                if event is h11.NEED_DATA:
                    http.receive_data(await reader.read(262_144))
                elif isinstance(event, h11.Response):
                    answered, status = True, event.status_code
                elif isinstance(event, h11.Data):
                    chunks.append(bytes(event.data))
                elif isinstance(event, h11.EndOfMessage):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    raise ConnectionResetError("connection closed")
            reusable = http.our_state is h11.DONE and http.their_state is h11.DONE
            return status, b"".join(chunks)
        except (OSError, h11.ProtocolError) as exc:
            if not answered:
                raise _Stale from exc
            raise UpstreamUnreachable(
                f"the connection broke during the answer: {type(exc).__name__}: {exc}"
            ) from None
        finally:
            if reusable:
                self._idle.append(conn)
            else:
                writer.close()

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            with contextlib.suppress(OSError):
                await writer.wait_closed()
