"""What the gateway is pointed at, and how much it may spend.

The key itself is never part of any config: only the *name* of the environment variable that
holds it. Configs end up in run specs, stored results and logs; a name leaks nothing, and the
same stored spec re-runs on another machine with that machine's key.
"""

from __future__ import annotations

import os
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontendx.errors import ConfigError
from frontendx.errors import GatewayError as GatewayError  # re-exported: moved to errors.py

Api = Literal["openai", "anthropic"]
"""A wire format: OpenAI chat-completions or Anthropic messages."""

CassetteMode = Literal["off", "record", "replay"]

DEFAULT_ANTHROPIC_VERSION = "2023-06-01"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UpstreamConfig(BaseModel):
    """The real model endpoint behind the gateway.

    `base_url` is the API root *including* the version prefix: the gateway posts to
    `{base_url}/chat/completions` (openai) or `{base_url}/messages` (anthropic), and reads
    `{base_url}/models`. Examples: `https://api.openai.com/v1`, `https://api.anthropic.com/v1`,
    `http://127.0.0.1:8000/v1` (vLLM, SGLang), `http://127.0.0.1:11434/v1` (Ollama).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    api: Api
    base_url: str
    model: str = Field(min_length=1, description="sent upstream and priced from the table")
    api_key_env: str | None = Field(
        default=None, description="NAME of the env var holding the key; None for local servers"
    )
    anthropic_version: str = DEFAULT_ANTHROPIC_VERSION
    timeout_s: float = Field(default=300.0, gt=0, description="per upstream call")

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                f"base_url {value!r} must start with http:// or https:// "
                "(for example https://api.openai.com/v1)"
            )
        return value.rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _check_env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            raise ValueError(
                f"api_key_env {value!r} is not an environment variable name; give the NAME "
                "of the variable (for example OPENAI_API_KEY), never the key itself"
            )
        return value

    def api_key(self) -> str | None:
        """The key, read from the environment now (never cached, so it is never stored)."""
        if self.api_key_env is None:
            return None
        key = os.environ.get(self.api_key_env, "")
        if not key:
            raise ConfigError(
                f"the environment variable {self.api_key_env} is not set; it must hold the API "
                f"key for {self.base_url} (set it, or set api_key_env to the variable that "
                "holds the key, or to null for a local server without keys)"
            )
        return key


class GatewayBudget(BaseModel):
    """Limits for one gateway, which serves one episode. Tokens are input plus output tokens
    (input includes cached tokens). A call that starts under the limits is allowed to finish,
    so spending can pass a limit by at most the calls in flight when it was reached."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_tokens: int | None = Field(default=None, gt=0)
    max_usd: float | None = Field(default=None, gt=0)
