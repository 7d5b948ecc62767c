"""The two wire formats, as far as metering needs them: where each puts its usage numbers, and
what an error body looks like, so that every error the gateway makes up reads to the agent's
SDK like one from the provider itself."""

from __future__ import annotations

import json
from typing import Any

from frontendx.errors import UsageMissing as UsageMissing  # re-exported: moved to errors.py
from frontendx.gateway._config import Api
from frontendx.gateway._prices import TokenCounts

CHAT_PATH = "/v1/chat/completions"
MESSAGES_PATH = "/v1/messages"
MODELS_PATH = "/v1/models"

ROUTE_API: dict[str, Api] = {CHAT_PATH: "openai", MESSAGES_PATH: "anthropic"}
UPSTREAM_SUFFIX: dict[Api, str] = {"openai": "/chat/completions", "anthropic": "/messages"}


def _count(block: dict[str, Any], field: str, required: bool) -> int:
    value = block.get(field)
    if value is None and not required:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageMissing(f"usage.{field} is {value!r}, not a token count")
    return value


def parse_usage(api: Api, body: Any) -> TokenCounts:
    """Token counts of one response, normalized (see `TokenCounts`)."""
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        raise UsageMissing("the response has no `usage` object")
    if api == "openai":
        details = usage.get("prompt_tokens_details")
        cached = _count(details, "cached_tokens", False) if isinstance(details, dict) else 0
        return TokenCounts(
            input_tokens=_count(usage, "prompt_tokens", True),
            output_tokens=_count(usage, "completion_tokens", True),
            cached_tokens=cached,
        )
    read = _count(usage, "cache_read_input_tokens", False)
    write = _count(usage, "cache_creation_input_tokens", False)
    return TokenCounts(
        input_tokens=_count(usage, "input_tokens", True) + read + write,
        output_tokens=_count(usage, "output_tokens", True),
        cached_tokens=read,
        cache_write_tokens=write,
    )


_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    504: "timeout_error",
}


def error_body(api: Api, status: int, code: str, message: str, **extra: Any) -> bytes:
    """A JSON error in `api`'s format; `code` is the FrontendX error kind, `extra` any
    machine-readable details (budget, limit, spent...)."""
    if api == "openai":
        error: dict[str, Any] = {"message": message, "type": code, "code": code, "param": None}
        return json.dumps({"error": {**error, **extra}}).encode()
    kind = _ANTHROPIC_TYPES.get(status, "api_error")
    return json.dumps(
        {"type": "error", "error": {"type": kind, "message": message, "code": code, **extra}}
    ).encode()


def upstream_message(body: bytes) -> str:
    """The human part of an upstream error body, whatever its format, for quoting."""
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    if isinstance(error, str):
        return error
    return json.dumps(data)[:200]
