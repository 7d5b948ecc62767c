"""A scripted model upstream: a real HTTP server speaking both wire formats, answering from a
script, so an agent's whole model loop (and the gateway in front of it) runs offline in tests.

It is deliberately as strict as the hosted APIs on what agents most often get wrong: tool
results that do not answer the preceding tool calls, tool-call arguments that are not a JSON
string (OpenAI), images in the wrong shape, a missing `max_tokens` or `anthropic-version`
(Anthropic). An agent that passes here does not fail on the real endpoint for those reasons.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from frontendx.gateway._config import Api
from frontendx.gateway._serve import (
    BackgroundServer,
    Receive,
    Scope,
    Send,
    ServerHandle,
    header,
    lifespan,
    read_body,
    respond,
    respond_json,
)
from frontendx.gateway._wire import MODELS_PATH, ROUTE_API

FailureKind = Literal["server_error", "malformed_json", "missing_usage"]
"""`server_error`: HTTP 500. `malformed_json`: HTTP 200 with a truncated JSON body.
`missing_usage`: a well-formed answer without its `usage` object."""

_MALFORMED = b'{"id": "scripted-broken", "choices": [{"message": {"role": "assis'


class ScriptedToolCall(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)
    id: str | None = Field(default=None, description="default: call_N_I / toolu_N_I")


class ScriptedTurn(BaseModel):
    """One scripted answer: text, tool calls, or both; the usage it reports; optionally a
    failure or a delay. `input_tokens` is the whole prompt, cached tokens included (reported
    as OpenAI reports it, and split back into Anthropic's three fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str | None = None
    tool_calls: tuple[ScriptedToolCall, ...] = ()
    input_tokens: int = Field(default=100, ge=0)
    output_tokens: int = Field(default=20, ge=0)
    cached_tokens: int = Field(default=0, ge=0)
    cache_write_tokens: int = Field(default=0, ge=0, description="Anthropic only")
    failure: FailureKind | None = None
    delay_s: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> ScriptedTurn:
        if self.failure is None and self.text is None and not self.tool_calls:
            raise ValueError("a scripted turn needs text, tool_calls or a failure")
        if self.cached_tokens + self.cache_write_tokens > self.input_tokens:
            raise ValueError("cached_tokens + cache_write_tokens cannot exceed input_tokens")
        return self

    @classmethod
    def say(cls, text: str, **fields: Any) -> ScriptedTurn:
        """A text answer (`fields`: usage numbers, failure, delay_s)."""
        return cls(text=text, **fields)

    @classmethod
    def call(
        cls, name: str, arguments: dict[str, Any] | None = None, **fields: Any
    ) -> ScriptedTurn:
        """One tool call (`fields`: text, usage numbers, failure, delay_s)."""
        return cls(tool_calls=(ScriptedToolCall(name=name, arguments=arguments or {}),), **fields)

    @classmethod
    def fail(cls, failure: FailureKind, **fields: Any) -> ScriptedTurn:
        return cls(failure=failure, **fields)


class ReceivedRequest(BaseModel):
    """A request as the scripted upstream received it (header names lower case)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str
    path: str
    headers: dict[str, str]
    body: Any = None

    @property
    def api(self) -> Api | None:
        return ROUTE_API.get(self.path)

    def images(self) -> list[str]:
        """Every image in the request, in order: the URL (often a data: URL) of OpenAI
        `image_url` parts, the URL or base64 data of Anthropic `image` blocks (also inside
        tool results)."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, list):
                for item in node:
                    walk(item)
            elif isinstance(node, dict):
                if node.get("type") == "image_url" and isinstance(node.get("image_url"), dict):
                    found.append(str(node["image_url"].get("url")))
                elif node.get("type") == "image" and isinstance(node.get("source"), dict):
                    source = node["source"]
                    found.append(str(source.get("data") or source.get("url")))
                else:
                    for value in node.values():
                        walk(value)

        if isinstance(self.body, dict):
            walk(self.body.get("messages"))
        return found


Responder = Callable[[ReceivedRequest], ScriptedTurn]
"""A function choosing the answer from the request, for scripts that react to what they see."""


class ScriptedUpstream(ServerHandle):
    """The scripted model server. Turns are used in order across both wire formats; a failing
    turn uses up its turn (so a retry gets the next one). `api_key`, if given, is required
    (`Authorization: Bearer` on OpenAI routes, `x-api-key` on Anthropic ones; 401 otherwise)."""

    def __init__(
        self,
        script: Iterable[ScriptedTurn] | Responder = (),
        *,
        model: str = "scripted",
        api_key: str | None = None,
    ) -> None:
        self.model = model
        self.api_key = api_key
        self._lock = threading.Lock()
        self._responder: Responder | None = None
        self._turns: list[ScriptedTurn] = []
        if callable(script):
            self._responder = script
        else:
            self._turns = list(script)
        self._next = 0
        self._requests: list[ReceivedRequest] = []
        self._server = BackgroundServer(self.asgi, f"frontendx-scripted-{model}")

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`: what `UpstreamConfig.base_url` takes."""
        return self.root_url + "/v1"

    def push(self, *turns: ScriptedTurn) -> None:
        """Append turns to the script."""
        with self._lock:
            self._turns.extend(turns)

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every request received so far, in order."""
        with self._lock:
            return list(self._requests)

    @property
    def model_requests(self) -> list[ReceivedRequest]:
        """The model calls received (chat completions and messages), in order."""
        return [r for r in self.requests if r.api is not None]

    @property
    def turns_used(self) -> int:
        with self._lock:
            return self._next

    # -- serving ---------------------------------------------------------------------------

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        raw = await read_body(receive)
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request = ReceivedRequest(
            method=scope["method"],
            path=scope["path"],
            headers={
                bytes(k).decode("latin-1"): bytes(v).decode("latin-1") for k, v in scope["headers"]
            },
            body=body,
        )
        with self._lock:
            self._requests.append(request)
        api = request.api
        if request.method == "GET" and request.path == MODELS_PATH:
            if not self._authorized(scope, "openai") and not self._authorized(scope, "anthropic"):
                await self._unauthorized(send, "openai")
                return
            await respond_json(send, 200, self._model_list())
            return
        if api is None or request.method != "POST":
            await respond_json(
                send, 404, {"error": {"message": f"no route {request.method} {request.path}"}}
            )
            return
        if not self._authorized(scope, api):
            await self._unauthorized(send, api)
            return
        problem = (
            _check_openai(body)
            if api == "openai"
            else _check_anthropic(body, header(scope, b"anthropic-version"))
        )
        if problem is not None:
            await respond(send, 400, _error(api, "invalid_request_error", problem))
            return
        try:
            turn, number = self._take(request)
        except Exception as exc:  # a test's responder failed: say so, as an answer
            message = f"ScriptedUpstream: the responder raised {type(exc).__name__}: {exc}"
            await respond(send, 500, _error(api, "api_error", message))
            return
        if turn is None:
            message = (
                f"ScriptedUpstream: the script has no turn left ({number} used); "
                "add turns with push()"
            )
            await respond(send, 500, _error(api, "api_error", message))
            return
        if turn.delay_s:
            await asyncio.sleep(turn.delay_s)
        if turn.failure == "server_error":
            message = f"ScriptedUpstream: scripted server error (turn {number})"
            await respond(send, 500, _error(api, "api_error", message))
            return
        if turn.failure == "malformed_json":
            await respond(send, 200, _MALFORMED)
            return
        reply = _openai_reply if api == "openai" else _anthropic_reply
        answer = reply(turn, number, self.model)
        if turn.failure == "missing_usage":
            answer.pop("usage")
        await respond_json(send, 200, answer)

    def _take(self, request: ReceivedRequest) -> tuple[ScriptedTurn | None, int]:
        with self._lock:
            number = self._next + 1
            if self._responder is None and self._next >= len(self._turns):
                return None, self._next
            self._next = number
            if self._responder is None:
                return self._turns[number - 1], number
        return self._responder(request), number

    def _authorized(self, scope: Scope, api: Api) -> bool:
        if self.api_key is None:
            return True
        if api == "openai":
            return header(scope, b"authorization") == f"Bearer {self.api_key}"
        return header(scope, b"x-api-key") == self.api_key

    async def _unauthorized(self, send: Send, api: Api) -> None:
        if api == "openai":
            body = json.dumps(
                {
                    "error": {
                        "message": "Incorrect API key provided.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "invalid_api_key",
                    }
                }
            ).encode()
        else:
            body = _error(api, "authentication_error", "invalid x-api-key")
        await respond(send, 401, body)

    def _model_list(self) -> dict[str, Any]:
        # Both formats' fields in one entry: OpenAI (object, created, owned_by) and Anthropic
        # (type, display_name, created_at, has_more, first_id, last_id).
        entry = {
            "id": self.model,
            "object": "model",
            "created": 0,
            "owned_by": "frontendx",
            "type": "model",
            "display_name": self.model,
            "created_at": "1970-01-01T00:00:00Z",
        }
        return {
            "object": "list",
            "data": [entry],
            "has_more": False,
            "first_id": self.model,
            "last_id": self.model,
        }


def _error(api: Api, kind: str, message: str) -> bytes:
    if api == "openai":
        return json.dumps({"error": {"message": message, "type": kind, "code": None}}).encode()
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()


def _openai_reply(turn: ScriptedTurn, number: int, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.text, "refusal": None}
    if turn.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.id or f"call_{number}_{i}",
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for i, call in enumerate(turn.tool_calls)
        ]
    return {
        "id": f"chatcmpl-scripted-{number}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if turn.tool_calls else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": turn.input_tokens,
            "completion_tokens": turn.output_tokens,
            "total_tokens": turn.input_tokens + turn.output_tokens,
            "prompt_tokens_details": {"cached_tokens": turn.cached_tokens},
        },
    }


def _anthropic_reply(turn: ScriptedTurn, number: int, model: str) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if turn.text is not None:
        content.append({"type": "text", "text": turn.text})
    for i, call in enumerate(turn.tool_calls):
        content.append(
            {
                "type": "tool_use",
                "id": call.id or f"toolu_{number}_{i}",
                "name": call.name,
                "input": call.arguments,
            }
        )
    fresh = turn.input_tokens - turn.cached_tokens - turn.cache_write_tokens
    return {
        "id": f"msg_scripted_{number}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "tool_use" if turn.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": fresh,
            "output_tokens": turn.output_tokens,
            "cache_read_input_tokens": turn.cached_tokens,
            "cache_creation_input_tokens": turn.cache_write_tokens,
        },
    }


# -- request checks: None if fine, else the message a strict provider would give -------------

_IMAGE_PREFIXES = ("http://", "https://", "data:image/")
_MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _check_openai(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    if not isinstance(body.get("model"), str):
        return "you must provide a model parameter"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array"
    pending: set[str] = set()
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            return f"{where} must be an object"
        role = message.get("role")
        if role not in ("system", "developer", "user", "assistant", "tool"):
            return f"{where}.role {role!r} is not one of system, developer, user, assistant, tool"
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                return (
                    f"{where}: messages with role 'tool' must be a response to a preceding "
                    f"message with 'tool_calls' (tool_call_id {call_id!r} is not pending)"
                )
            pending.discard(call_id)
        elif pending:
            return (
                "an assistant message with 'tool_calls' must be followed by tool messages "
                f"responding to each 'tool_call_id'; missing {sorted(pending)} before {where}"
            )
        problem = _check_openai_content(message.get("content"), where, role)
        if problem:
            return problem
        calls = message.get("tool_calls")
        if calls is not None:
            if role != "assistant" or not isinstance(calls, list):
                return f"{where}.tool_calls must be a list on an assistant message"
            for j, call in enumerate(calls):
                fn = call.get("function") if isinstance(call, dict) else None
                if not isinstance(fn, dict) or not isinstance(call.get("id"), str):
                    return f"{where}.tool_calls[{j}] needs an id and a function"
                arguments = fn.get("arguments")
                if not isinstance(arguments, str):
                    return f"{where}.tool_calls[{j}].function.arguments must be a JSON string"
                try:
                    json.loads(arguments)
                except ValueError:
                    return f"{where}.tool_calls[{j}].function.arguments is not valid JSON"
                pending.add(call["id"])
    if pending:
        return (
            "an assistant message with 'tool_calls' must be followed by tool messages "
            f"responding to each 'tool_call_id'; missing {sorted(pending)}"
        )
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "'tools' must be an array"
        for j, tool in enumerate(tools):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                return f"tools[{j}] must be {{'type': 'function', 'function': {{'name': ...}}}}"
    return None


def _check_openai_content(content: Any, where: str, role: str) -> str | None:
    if content is None or isinstance(content, str):
        return None
    if not isinstance(content, list):
        return f"{where}.content must be a string or an array of content parts"
    for k, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            if not isinstance(part.get("text"), str):
                return f"{where}.content[{k}].text must be a string"
        elif kind == "image_url":
            if role not in ("user", "system", "developer"):
                return f"{where}.content[{k}]: image_url parts are only allowed in user messages"
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else None
            if not isinstance(url, str) or not url.startswith(_IMAGE_PREFIXES):
                return (
                    f"{where}.content[{k}].image_url must be {{'url': 'https://...' or "
                    "'data:image/...;base64,...'}"
                )
        elif kind not in ("input_audio", "file", "refusal"):
            return f"{where}.content[{k}].type {kind!r} is not a known content part type"
    return None


def _check_anthropic(body: Any, version: str | None) -> str | None:
    if version is None:
        return "anthropic-version: header is required"
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    if not isinstance(body.get("model"), str):
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        return "max_tokens: Field required (a positive integer)"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: must be a non-empty list"
    pending: set[str] = set()
    for i, message in enumerate(messages):
        where = f"messages.{i}"
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return f"{where}: role must be 'user' or 'assistant'"
        content = message.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if not isinstance(blocks, list):
            return f"{where}.content: must be a string or a list of content blocks"
        answered: set[str] = set()
        used: set[str] = set()
        for k, block in enumerate(blocks):
            problem = _check_anthropic_block(block, f"{where}.content.{k}", message["role"])
            if problem:
                return problem
            if block["type"] == "tool_result":
                if block.get("tool_use_id") not in pending:
                    return (
                        f"{where}.content.{k}: unexpected `tool_use_id` found in `tool_result` "
                        "blocks; each tool_result must answer a tool_use of the previous message"
                    )
                answered.add(block["tool_use_id"])
            elif block["type"] == "tool_use":
                used.add(block["id"])
        if pending - answered:
            return (
                f"{where}: `tool_use` ids were found without `tool_result` blocks immediately "
                f"after: {sorted(pending - answered)}"
            )
        pending = used
    return None


def _check_anthropic_block(block: Any, where: str, role: str) -> str | None:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind == "text":
        return None if isinstance(block.get("text"), str) else f"{where}.text: must be a string"
    if kind == "image":
        source = block.get("source")
        if not isinstance(source, dict):
            return f"{where}.source: Field required"
        if source.get("type") == "base64":
            if source.get("media_type") not in _MEDIA_TYPES:
                return f"{where}.source.media_type: must be one of {sorted(_MEDIA_TYPES)}"
            if not isinstance(source.get("data"), str) or not source["data"]:
                return f"{where}.source.data: Field required (base64 image data)"
            return None
        if source.get("type") == "url" and isinstance(source.get("url"), str):
            return None
        return f"{where}.source: must be {{type: base64, media_type, data}} or {{type: url, url}}"
    if kind == "tool_use":
        if role != "assistant":
            return f"{where}: tool_use blocks belong in assistant messages"
        ok = isinstance(block.get("id"), str) and isinstance(block.get("name"), str)
        if not ok or not isinstance(block.get("input"), dict):
            return f"{where}: tool_use needs id, name and an input object"
        return None
    if kind == "tool_result":
        if role != "user":
            return f"{where}: tool_result blocks belong in user messages"
        content = block.get("content")
        if isinstance(content, list):
            for k, inner in enumerate(content):
                inner_kind = inner.get("type") if isinstance(inner, dict) else None
                if inner_kind not in ("text", "image"):
                    return f"{where}.content.{k}: tool results hold text and image blocks"
                problem = _check_anthropic_block(inner, f"{where}.content.{k}", role)
                if problem:
                    return problem
        elif content is not None and not isinstance(content, str):
            return f"{where}.content: must be a string or a list of blocks"
        return None
    if kind == "document":
        return None
    return f"{where}.type: {kind!r} is not a known content block type"
