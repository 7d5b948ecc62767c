"""The metered model client agents get as `ctx.model`.

It speaks to the episode's gateway (never to the upstream directly, so every token is
metered) in the configured wire format, OpenAI chat-completions or Anthropic messages, and
hides the difference behind one small neutral form: `Message`s in, a `Reply` out, tools as
JSON-schema functions, images as PNG bytes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from pydantic import Field

from frontendx.agents._config import AgentConfig
from frontendx.errors import BudgetExceeded
from frontendx.errors import ModelError as ModelError  # re-exported: moved to errors.py

Role = Literal["system", "user", "assistant", "tool"]


class EndpointOptions(AgentConfig):
    """How a model endpoint is reached and metered, beside its `base_url` and `model`."""

    api: Literal["openai", "anthropic"] = Field(default="openai", description="wire format")
    api_key_env: str | None = Field(
        default=None, description="NAME of the env var holding the key; none for local servers"
    )
    cassette: str | None = Field(default=None, description="file of recorded model calls")
    cassette_mode: Literal["off", "record", "replay"] = "off"
    price_file: str | None = Field(default=None, description="per-token prices (YAML/JSON)")


class ModelEndpoint(EndpointOptions):
    """The model an agent talks to, behind the harness's metered gateway: the settings every
    model-driven agent shares (the llm agent's config extends it; an external agent that
    asks for a model takes the same fields, see `ExternalConfig.endpoint`)."""

    base_url: str = Field(description="API root with its version prefix, e.g. .../v1")
    model: str = Field(description="model name, sent upstream and priced from the table")

    def check(self) -> None:
        """Fail now, not in every episode, when the endpoint cannot work: unknown price,
        key variable unset, cassette missing (raises the gateway's `ConfigError`)."""
        from frontendx.gateway import Gateway, UpstreamConfig

        Gateway(
            UpstreamConfig(
                api=self.api,
                base_url=self.base_url,
                model=self.model,
                api_key_env=self.api_key_env,
            ),
            price_file=self.price_file,
            cassette=self.cassette,
            cassette_mode=self.cassette_mode,
        )


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass
class Message:
    role: Role
    text: str = ""
    images: list[bytes] = field(default_factory=list)  # PNG
    tool_calls: list[ToolCall] = field(default_factory=list)  # assistant
    tool_call_id: str | None = None  # tool results


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments object


@dataclass
class Reply:
    text: str
    tool_calls: list[ToolCall]
    stop_reason: str


class ModelClient:
    """Chat with the configured model through the gateway at `base_url` (``.../v1``)."""

    def __init__(
        self,
        base_url: str,
        *,
        api: Literal["openai", "anthropic"],
        model: str,
        max_output_tokens: int = 1024,
        temperature: float = 0.0,
        timeout_s: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = api
        self.model = model
        self.max_output_tokens = max_output_tokens
        self.temperature = temperature
        self._http = httpx.AsyncClient(timeout=timeout_s)
        self.calls = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def chat(self, messages: list[Message], tools: list[Tool]) -> Reply:
        if self.api == "openai":
            url, body = self.base_url + "/chat/completions", self._openai_request(messages, tools)
            headers = {"authorization": "Bearer frontendx-gateway"}
        else:
            url, body = self.base_url + "/messages", self._anthropic_request(messages, tools)
            headers = {"x-api-key": "frontendx-gateway", "anthropic-version": "2023-06-01"}
        self.calls += 1
        try:
            response = await self._http.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ModelError(f"cannot reach the model gateway at {url}: {exc}") from None
        if response.status_code != 200:
            message = _error_message(response)
            if response.status_code == 402 or "budget" in message.lower():
                raise BudgetExceeded(f"model budget used up: {message}")
            raise ModelError(f"model call failed (HTTP {response.status_code}): {message}")
        try:
            data = response.json()
            return self._openai_reply(data) if self.api == "openai" else self._anthropic_reply(data)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ModelError(f"malformed model reply ({type(exc).__name__}: {exc})") from None

    # --- OpenAI chat-completions ------------------------------------------------------------

    def _openai_request(self, messages: list[Message], tools: list[Tool]) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        for m in messages:
            if m.role == "tool":
                out.append({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.text})
            elif m.role == "assistant":
                item: dict[str, Any] = {"role": "assistant", "content": m.text or None}
                if m.tool_calls:
                    item["tool_calls"] = [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                        }
                        for c in m.tool_calls
                    ]
                out.append(item)
            elif m.images:
                parts: list[dict[str, Any]] = [{"type": "text", "text": m.text}]
                parts += [
                    {"type": "image_url", "image_url": {"url": _data_url(png)}} for png in m.images
                ]
                out.append({"role": m.role, "content": parts})
            else:
                out.append({"role": m.role, "content": m.text})
        body: dict[str, Any] = {
            "model": self.model,
            "messages": out,
            "max_tokens": self.max_output_tokens,
            "temperature": self.temperature,
        }
        if tools:
            body["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in tools
            ]
        return body

    @staticmethod
    def _openai_reply(data: dict[str, Any]) -> Reply:
        choice = data["choices"][0]
        message = choice["message"]
        calls = []
        for raw in message.get("tool_calls") or []:
            fn = raw["function"]
            calls.append(ToolCall(raw["id"], fn["name"], _arguments(fn.get("arguments"))))
        return Reply(message.get("content") or "", calls, choice.get("finish_reason") or "")

    # --- Anthropic messages -----------------------------------------------------------------

    def _anthropic_request(self, messages: list[Message], tools: list[Tool]) -> dict[str, Any]:
        system = "\n\n".join(m.text for m in messages if m.role == "system")
        out: list[dict[str, Any]] = []
        for m in messages:
            if m.role == "system":
                continue
            if m.role == "tool":
                block: dict[str, Any] = {
                    "type": "tool_result",
                    "tool_use_id": m.tool_call_id,
                    "content": m.text,
                }
                _append(out, "user", [block])
            elif m.role == "assistant":
                blocks: list[dict[str, Any]] = [{"type": "text", "text": m.text}] if m.text else []
                blocks += [
                    {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
                    for c in m.tool_calls
                ]
                _append(out, "assistant", blocks)
            else:
                blocks = [
                    {
                        "type": "image",
                        "source": {
                            "type": "base64",
                            "media_type": "image/png",
                            "data": base64.b64encode(png).decode(),
                        },
                    }
                    for png in m.images
                ]
                _append(out, "user", [*blocks, {"type": "text", "text": m.text}])
        body: dict[str, Any] = {
            "model": self.model,
            "messages": out,
            "max_tokens": self.max_output_tokens,
            "temperature": self.temperature,
        }
        if system:
            body["system"] = system
        if tools:
            body["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in tools
            ]
        return body

    @staticmethod
    def _anthropic_reply(data: dict[str, Any]) -> Reply:
        texts, calls = [], []
        for block in data["content"]:
            if block.get("type") == "text":
                texts.append(block["text"])
            elif block.get("type") == "tool_use":
                calls.append(ToolCall(block["id"], block["name"], _arguments(block.get("input"))))
        return Reply("\n".join(texts), calls, data.get("stop_reason") or "")


def _append(out: list[dict[str, Any]], role: str, blocks: list[dict[str, Any]]) -> None:
    """Anthropic wants user/assistant turns to alternate: merge consecutive same-role turns."""
    if out and out[-1]["role"] == role:
        out[-1]["content"].extend(blocks)
    else:
        out.append({"role": role, "content": list(blocks)})


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw or "{}")
        except ValueError:
            return {"_unparsed": raw}
        return parsed if isinstance(parsed, dict) else {"_value": parsed}
    return {}


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", error))[:500]
    return json.dumps(data)[:300]
