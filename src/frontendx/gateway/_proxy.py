"""The metered gateway: a local HTTP proxy in front of one model endpoint.

Every model call of an episode goes through here, so this is the only place model cost comes
from: the upstream's own usage fields, priced from the price table. The gateway never estimates
tokens; an answer without usage is refused as malformed rather than priced at a guess.

Errors of single calls are never raised in the harness: they are answered in the caller's wire
format (so the agent's SDK shows a readable message) and recorded in the ledger, where the
harness finds the first one that ends the episode (`Gateway.failure`, `Gateway.exhausted`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from frontendx.errors import (
    CassetteMiss,
    ConfigError,
    GatewayError,
    GatewayRequestError,
    UpstreamTimeout,
    UpstreamUnreachable,
    UsageMissing,
)
from frontendx.gateway._cassette import Cassette, CassetteEntry, request_key
from frontendx.gateway._config import Api, CassetteMode, GatewayBudget, UpstreamConfig
from frontendx.gateway._http import UpstreamClient, make_client
from frontendx.gateway._ledger import CallRecord, ErrorKind, GatewayUsage, Ledger
from frontendx.gateway._prices import ModelPrice, PriceTable, TokenCounts
from frontendx.gateway._serve import (
    BackgroundServer,
    Receive,
    Scope,
    Send,
    ServerHandle,
    header,
    lifespan,
    read_body_within,
    respond,
)
from frontendx.gateway._wire import (
    CHAT_PATH,
    MESSAGES_PATH,
    MODELS_PATH,
    ROUTE_API,
    UPSTREAM_SUFFIX,
    error_body,
    parse_usage,
    upstream_message,
)

DUMMY_KEY = "frontendx-gateway"
"""What agents put where their SDK wants an API key: the gateway ignores the caller's key and
sends the real one, which the agent never sees."""

_FORWARD_HEADERS = (b"anthropic-beta",)

DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024
"""The largest request body the gateway reads (8 MiB): a dozen full-page screenshots with a
long conversation fit; a larger body is answered 413 without being read."""


class _Answer:
    """An upstream (or recorded) answer before metering."""

    __slots__ = ("body", "hit", "latency_ms", "status")

    def __init__(self, status: int, body: bytes, latency_ms: float, hit: bool) -> None:
        self.status = status
        self.body = body
        self.latency_ms = latency_ms
        self.hit = hit


class _Refusal(Exception):
    """A call the gateway answers itself with an error."""

    def __init__(
        self,
        status: int,
        kind: ErrorKind,
        message: str,
        *,
        close: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.close = close  # close the connection: the rest of the request was not read
        self.extra = extra


class Gateway(ServerHandle):
    """The metered proxy for one episode. Build it, `start()` it (or use it as a context
    manager, sync or async), point the agent at `base_url` (OpenAI SDKs) or `root_url`
    (Anthropic SDKs, which add `/v1` themselves), and read `usage()` when the episode ends.

    Construction checks everything that can be checked before the first call: the model has a
    price, the price file parses, the cassette exists (replay), the key's variable is set
    (unless replaying, which needs no key).
    """

    def __init__(
        self,
        upstream: UpstreamConfig,
        *,
        budget: GatewayBudget | None = None,
        prices: PriceTable | None = None,
        price_file: Path | str | None = None,
        cassette: Path | str | None = None,
        cassette_mode: CassetteMode = "off",
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    ) -> None:
        if prices is not None and price_file is not None:
            raise ConfigError("give the gateway either prices or price_file, not both")
        if max_request_bytes <= 0:
            raise ConfigError(
                f"max_request_bytes is {max_request_bytes}; give a positive number of bytes "
                f"(the default is {DEFAULT_MAX_REQUEST_BYTES})"
            )
        self.max_request_bytes = max_request_bytes
        self.upstream = upstream
        self.budget = budget or GatewayBudget()
        self.prices = prices if prices is not None else PriceTable.load(price_file)
        self.price: ModelPrice = self.prices.lookup(upstream.model)
        if cassette_mode != "off" and cassette is None:
            raise ConfigError(
                f"cassette mode {cassette_mode!r} needs a cassette file path (cassette=...)"
            )
        if cassette_mode != "replay":
            upstream.api_key()  # fail now, not at the agent's first call
        self.cassette_mode: CassetteMode = cassette_mode
        self.cassette: Cassette | None = (
            Cassette(Path(cassette), cassette_mode)
            if cassette is not None and cassette_mode != "off"
            else None
        )
        self.ledger = Ledger()
        self._client: UpstreamClient | None = None
        self._server = BackgroundServer(self.asgi, f"frontendx-gateway-{upstream.model}")

    # -- the handle ------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT`, for SDKs that append `/v1/...` themselves (Anthropic)."""
        if not self._server.running:
            raise GatewayError("the gateway is not running; call start() first")
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`, for OpenAI SDKs and for an `UpstreamConfig`."""
        return self.root_url + "/v1"

    def client_env(self) -> dict[str, str]:
        """Environment for an external agent process: where to send model calls, and the
        placeholder keys its SDK insists on (the real key stays in the gateway)."""
        return {
            "FRONTENDX_GATEWAY_URL": self.base_url,
            "FRONTENDX_MODEL_API": self.upstream.api,
            "FRONTENDX_MODEL": self.upstream.model,
            "OPENAI_BASE_URL": self.base_url,
            "OPENAI_API_KEY": DUMMY_KEY,
            "ANTHROPIC_BASE_URL": self.root_url,
            "ANTHROPIC_API_KEY": DUMMY_KEY,
        }

    # -- what the harness reads ------------------------------------------------------------

    def usage(self) -> GatewayUsage:
        return self.ledger.totals()

    def records(self) -> list[CallRecord]:
        return self.ledger.records()

    @property
    def exhausted(self) -> bool:
        """True once a budget is used up: the episode ends with status `budget_exceeded`."""
        return self._over_budget(self.ledger.totals()) is not None

    @property
    def failure(self) -> CallRecord | None:
        """The first call that ends the episode (budget, unreachable upstream, wrong key,
        malformed answer, cassette miss), with its `episode_status` and `message`."""
        return self.ledger.first_fatal()

    def _over_budget(self, spent: GatewayUsage) -> tuple[str, float, float] | None:
        limit_tokens, limit_usd = self.budget.max_tokens, self.budget.max_usd
        if limit_tokens is not None and spent.tokens >= limit_tokens:
            return "tokens", limit_tokens, spent.tokens
        if limit_usd is not None and spent.cost_usd >= limit_usd:
            return "usd", limit_usd, spent.cost_usd
        return None

    # -- the ASGI app ----------------------------------------------------------------------

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The gateway as an ASGI app; `start()` serves it. Its upstream client lives in the
        serving loop and is closed by the ASGI lifespan shutdown."""
        if scope["type"] == "lifespan":
            await lifespan(receive, send, shutdown=self._close_client)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if method == "POST" and path in ROUTE_API:
            await self._model_call(ROUTE_API[path], scope, receive, send)
        elif method == "GET" and path == MODELS_PATH:
            await self._models(scope, send)
        else:
            message = (
                f"the FrontendX gateway has no route {method} {path}; it serves POST {CHAT_PATH} "
                f"(OpenAI), POST {MESSAGES_PATH} (Anthropic) and GET {MODELS_PATH}"
            )
            await respond(send, 404, error_body(self.upstream.api, 404, "bad_request", message))

    def _http(self) -> UpstreamClient:
        # Created lazily inside the server's own event loop, which owns its connections.
        if self._client is None:
            self._client = make_client(self.upstream.base_url, self.upstream.timeout_s)
        return self._client

    async def _close_client(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _auth_headers(self, scope: Scope) -> dict[str, str]:
        headers: dict[str, str] = {}
        key = self.upstream.api_key()
        if self.upstream.api == "openai":
            if key is not None:
                headers["authorization"] = f"Bearer {key}"
        else:
            if key is not None:
                headers["x-api-key"] = key
            version = header(scope, b"anthropic-version")
            headers["anthropic-version"] = version or self.upstream.anthropic_version
        for name in _FORWARD_HEADERS:
            value = header(scope, name)
            if value is not None:
                headers[name.decode()] = value
        return headers

    async def _model_call(self, api: Api, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.time()
        requested: str | None = None
        raw = await self._read_request(scope, receive)
        if raw is None:
            message = (
                f"the request body is larger than the gateway's limit of "
                f"{self.max_request_bytes} bytes (max_request_bytes); send fewer or smaller "
                "images, or a shorter conversation"
            )
            too_large = _Refusal(413, "request_too_large", message, close=True)
            await self._refuse(api, too_large, requested, started, send)
            return
        key = None
        try:
            payload, raw, requested = self._parse_request(api, raw)
            if self.cassette is not None:
                key = request_key(api, "POST", scope["path"], payload)
        except _Refusal as refusal:
            await self._refuse(api, refusal, requested, started, send)
            return
        except Exception as exc:
            # Whatever the agent's request makes the gateway fail on is the agent's doing
            # (a body nested too deeply for the parser, say), never the harness's: it must not
            # turn the episode into an unscored infra_error.
            fault = GatewayRequestError(
                f"the gateway cannot process this request ({type(exc).__name__}: "
                f"{str(exc)[:200] or 'no detail'}); send a plain JSON object of the "
                f"{api} format, nested at most a few dozen levels"
            )
            malformed = _Refusal(400, "malformed_request", str(fault))
            await self._refuse(api, malformed, requested, started, send)
            return
        try:
            over = self._over_budget(self.ledger.totals())
            if over is not None:
                budget, limit, spent = over
                unit = "tokens" if budget == "tokens" else "USD"
                raise _Refusal(
                    402,
                    "budget_exceeded",
                    f"the episode's {budget} budget is used up: spent {spent:g} {unit} of "
                    f"{limit:g}. The gateway makes no more model calls in this episode",
                    budget=budget,
                    limit=limit,
                    spent=spent,
                )
            answer = await self._answer(api, raw, key, scope)
            counts = self._meter(api, answer, key)
        except _Refusal as refusal:
            await self._refuse(api, refusal, requested, started, send)
            return
        except Exception as exc:
            # Failing on the upstream's answer (or a gateway bug met there): still answered in
            # the caller's format and recorded. The request itself was processed above.
            message = f"internal error in the FrontendX gateway: {type(exc).__name__}: {exc}"
            await self._refuse(api, _Refusal(500, "internal", message), requested, started, send)
            return
        failed = answer.status >= 400
        cost = self.price.cost(counts, answer.latency_ms)
        self.ledger.add(
            CallRecord(
                api=api,
                model=self.upstream.model,
                requested_model=requested,
                input_tokens=counts.input_tokens,
                output_tokens=counts.output_tokens,
                cached_tokens=counts.cached_tokens,
                cache_write_tokens=counts.cache_write_tokens,
                latency_ms=answer.latency_ms,
                cost_usd=cost,
                cassette_hit=answer.hit,
                status=answer.status,
                error="upstream_error" if failed else None,
                message=upstream_message(answer.body) if failed else "",
                started_at=started,
            )
        )
        await respond(send, answer.status, answer.body)

    async def _read_request(self, scope: Scope, receive: Receive) -> bytes | None:
        """The request body, or None when it is over `max_request_bytes`: refused from its
        Content-Length before a byte of it is read, or as soon as a body sent without one
        (chunked) grows past the limit."""
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_request_bytes:
            return None
        return await read_body_within(receive, self.max_request_bytes)

    def _parse_request(self, api: Api, raw: bytes) -> tuple[dict[str, Any], bytes, str | None]:
        """The request as JSON, the body to forward (with the configured model) and the model
        the agent asked for. Raises `_Refusal` for requests the agent can correct."""
        if api != self.upstream.api:
            right = CHAT_PATH if self.upstream.api == "openai" else MESSAGES_PATH
            raise _Refusal(
                404,
                "bad_request",
                f"this gateway forwards to an {self.upstream.api} upstream "
                f"({self.upstream.base_url}); send {self.upstream.api} requests to {right}",
            )
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise _Refusal(400, "bad_request", f"the request body is not JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise _Refusal(400, "bad_request", "the request body must be a JSON object")
        if payload.get("stream"):
            raise _Refusal(
                400,
                "bad_request",
                "streaming is not metered yet by the FrontendX gateway; send the request "
                'with "stream": false',
            )
        model = payload.get("model")
        requested = model if isinstance(model, str) else None
        if requested != self.upstream.model:
            # One gateway serves one model: the agent cannot switch to another (unpriced,
            # or not the one the run spec names).
            payload["model"] = self.upstream.model
            raw = json.dumps(payload).encode()
        return payload, raw, requested

    async def _refuse(
        self, api: Api, refusal: _Refusal, requested: str | None, started: float, send: Send
    ) -> None:
        self.ledger.add(
            CallRecord(
                api=api,
                model=self.upstream.model,
                requested_model=requested,
                status=refusal.status,
                error=refusal.kind,
                message=refusal.message,
                started_at=started,
            )
        )
        body = error_body(api, refusal.status, refusal.kind, refusal.message, **refusal.extra)
        close = [(b"connection", b"close")] if refusal.close else None
        await respond(send, refusal.status, body, headers=close)

    async def _answer(self, api: Api, raw: bytes, key: str | None, scope: Scope) -> _Answer:
        """The upstream's answer, or the recorded one when replaying."""
        if self.cassette is not None and self.cassette.mode == "replay":
            assert key is not None
            try:
                entry = self.cassette.next(key)
            except CassetteMiss as miss:
                raise _Refusal(404, "cassette_miss", str(miss)) from None
            body = json.dumps(entry.response).encode()
            return _Answer(entry.status, body, entry.latency_ms, hit=True)
        url = self.upstream.base_url + UPSTREAM_SUFFIX[api]
        try:
            headers = self._auth_headers(scope)
        except ConfigError as exc:
            raise _Refusal(401, "missing_key", str(exc)) from None
        headers["content-type"] = "application/json"
        t0 = time.perf_counter()
        try:
            status, body = await self._http().request("POST", url, headers, raw)
        except UpstreamTimeout:
            raise _Refusal(
                504,
                "upstream_timeout",
                f"the upstream {url} did not answer within {self.upstream.timeout_s:g} s "
                "(UpstreamConfig.timeout_s)",
            ) from None
        except UpstreamUnreachable as exc:
            raise _Refusal(
                502,
                "upstream_unreachable",
                f"cannot reach the upstream {url}: {exc}. "
                "Check that the model server is running and that base_url is right",
            ) from None
        latency = (time.perf_counter() - t0) * 1000
        return _Answer(status, body, latency, hit=False)

    def _meter(self, api: Api, answer: _Answer, key: str | None) -> TokenCounts:
        """Check the answer and read its usage; record it on the cassette when recording."""
        url = self.upstream.base_url + UPSTREAM_SUFFIX[api]
        if answer.status in (401, 403) and not answer.hit:
            env = self.upstream.api_key_env
            hint = (
                f"check the API key in the environment variable {env}"
                if env
                else "the upstream wants a key: set api_key_env in the upstream config to the "
                "NAME of the environment variable that holds it"
            )
            raise _Refusal(
                answer.status,
                "upstream_auth",
                f"the upstream {url} refused the API key (HTTP {answer.status}: "
                f"{upstream_message(answer.body)}); {hint}",
            )
        try:
            data = json.loads(answer.body)
        except (ValueError, RecursionError):
            snippet = answer.body[:120].decode("utf-8", "replace")
            raise _Refusal(
                502,
                "upstream_malformed",
                f"the upstream {url} answered HTTP {answer.status} with a body that is not JSON "
                f"({len(answer.body)} bytes, starting {snippet!r})",
            ) from None
        if answer.status >= 400:
            counts = TokenCounts()
        else:
            try:
                counts = parse_usage(api, data)
            except UsageMissing as exc:
                raise _Refusal(
                    502,
                    "upstream_malformed",
                    f"the upstream {url} answered without usable usage fields ({exc}); the "
                    "gateway meters only what the upstream reports, so the call cannot be "
                    "priced. Use a server that returns usage (vLLM, SGLang, Ollama and "
                    "llama.cpp do for non-streaming calls)",
                ) from None
        if self.cassette is not None and self.cassette.mode == "record" and not answer.hit:
            assert key is not None
            self.cassette.record(
                key,
                CassetteEntry(
                    api=api,
                    path=UPSTREAM_SUFFIX[api],
                    model=self.upstream.model,
                    status=answer.status,
                    response=data,
                    latency_ms=answer.latency_ms,
                ),
            )
        return counts

    async def _models(self, scope: Scope, send: Send) -> None:
        """The model list, passed through (not metered): it reports the served revision."""
        api = self.upstream.api
        key = request_key(api, "GET", MODELS_PATH, None)
        if self.cassette is not None and self.cassette.mode == "replay":
            try:
                entry = self.cassette.next(key, reuse_last=True)
            except CassetteMiss as miss:
                await respond(send, 404, error_body(api, 404, "cassette_miss", str(miss)))
                return
            await respond(send, entry.status, json.dumps(entry.response).encode())
            return
        url = self.upstream.base_url + "/models"
        try:
            headers = self._auth_headers(scope)
        except ConfigError as exc:
            await respond(send, 401, error_body(api, 401, "missing_key", str(exc)))
            return
        t0 = time.perf_counter()
        try:
            status, body = await self._http().request("GET", url, headers, None)
        except (UpstreamTimeout, UpstreamUnreachable) as exc:
            message = f"cannot reach the upstream {url}: {exc}"
            await respond(send, 502, error_body(api, 502, "upstream_unreachable", message))
            return
        if self.cassette is not None and self.cassette.mode == "record":
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if data is not None:
                self.cassette.record(
                    key,
                    CassetteEntry(
                        api=api,
                        path="/models",
                        status=status,
                        response=data,
                        latency_ms=(time.perf_counter() - t0) * 1000,
                    ),
                )
        await respond(send, status, body)
