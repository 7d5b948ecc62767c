"""The dashboard web app (`frontendx serve`): the static frontend at ``/`` and every data view
at ``/data/...`` (the same paths `export-site` writes), read-only.

The one write endpoint, ``POST /api/refresh``, drops the in-memory view caches; it is disabled
unless a token is configured, and then needs ``Authorization: Bearer <token>``.

SQLite connections belong to the thread that opened them, and `Views` serialises its work
behind one lock anyway, so all view computation runs on one dedicated worker thread with its
own connection to the store: the event loop never blocks on it, and static files and cached
views keep being served while a cold view is computed.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontendx.dashboard._data import NotFound, Views
from frontendx.store import SqliteStore, open_store
from frontendx.store._protocol import sqlite_typed

STATIC_DIR = Path(__file__).resolve().parent / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

TOKEN_DISABLED = "write endpoints are disabled: set FRONTENDX_DASHBOARD_TOKEN"

log = logging.getLogger("frontendx.dashboard")

T = TypeVar("T")


class _Backend:
    """The store's `Views`, owned by one worker thread."""

    def __init__(self, db_path: Path | str, views: Callable[[SqliteStore], Views]) -> None:
        self.db_path = db_path
        self._make_views = views
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontendx-views")
        self._views: Views | None = None
        self._store: SqliteStore | None = None

    def _here(self) -> Views:  # on the worker thread only
        if self._views is None:
            if self._store is None:
                self._store = sqlite_typed(open_store(self.db_path, create=False))
            self._views = self._make_views(self._store)
        return self._views

    async def call(self, fn: Callable[[Views], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._here()))

    async def refresh(self) -> str:
        def drop(views: Views) -> str:
            views.clear()
            return views.store.revision()

        return await self.call(drop)

    def close(self) -> None:
        def shut() -> None:
            if self._store is not None:
                self._store.close()

        self._executor.submit(shut).result()
        self._executor.shutdown(wait=True)


class _SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                names = {k.lower() for k, _ in message["headers"]}
                message["headers"].extend(h for h in SECURITY_HEADERS if h[0] not in names)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(
    store: SqliteStore,
    *,
    token: str | None = None,
    views: Callable[[SqliteStore], Views] = Views,
) -> Starlette:
    """The dashboard as an ASGI app over the store at ``store.path`` (reopened on the app's
    own worker thread). `token` enables ``POST /api/refresh``; `views` builds the `Views`
    (for tests: fixed clock or constants)."""
    backend = _Backend(store.location, views)

    async def data(request: Request) -> Response:
        path = request.path_params["path"]
        try:
            media, body = await backend.call(lambda v: v.get(path))
        except NotFound as exc:
            return _error(404, str(exc))
        headers = {"cache-control": "no-cache"}
        if isinstance(body, Path):
            return FileResponse(body, media_type=media, headers=headers)
        return Response(body, media_type=media, headers=headers)

    async def refresh(request: Request) -> Response:
        if not token:
            return _error(403, TOKEN_DISABLED)
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return JSONResponse(
                {"error": "a valid `Authorization: Bearer <token>` header is required"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        revision = await backend.refresh()
        return JSONResponse({"refreshed": True, "revision": revision})

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, f"not found: {request.url.path}")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, backend.close)

    app = Starlette(
        routes=[
            Route("/data/{path:path}", data, methods=["GET", "HEAD"]),
            Route("/api/refresh", refresh, methods=["POST"]),
            Mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="static"),
        ],
        exception_handlers={404: not_found},
        lifespan=lifespan,
    )
    app.add_middleware(_SecurityHeaders)
    return app


def run_server(store: SqliteStore, *, host: str, port: int, token: str | None) -> None:
    """Serve the dashboard until interrupted (blocking)."""
    import uvicorn

    app: Any = create_app(store, token=token)
    if token is None:
        log.info("write endpoints disabled (no token configured)")
    uvicorn.run(app, host=host, port=port, log_level="info")
