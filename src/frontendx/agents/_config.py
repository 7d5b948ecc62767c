"""Agent configs as pydantic models: one place that validates an agent's options, documents
them (``frontendx agents --format json`` shows each model's JSON schema) and turns them into
the config dict stored with every episode.

The stored dict is part of a cell's identity (it is hashed), so it must not change for the
same user input: numbers keep the type the user gave (``0`` stays ``0``, not ``0.0``), and
every option is stored, defaults included, under its own name.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from frontendx.errors import ConfigError

Number = int | float
"""A number option: an int stays an int (the stored config, and so its hash, keep its type)."""


class AgentConfig(BaseModel):
    """Base of every built-in agent's config: unknown options and non-finite numbers are
    refused, and a config is immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def stored(self) -> dict[str, Any]:
        """The config dict kept in `AgentSpec.config` (and hashed into the cell's identity)."""
        return self.model_dump(mode="python")


C = TypeVar("C", bound=AgentConfig)


def parse_config(model: type[C], agent: str, raw: dict[str, Any]) -> C:
    """Validate `raw` options for `agent`; a `ConfigError` names each bad option, what is
    wrong with it, and the options the agent accepts."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "config"
            given = f" (got {err['input']!r})" if err["type"] != "missing" else ""
            problems.append(f"`{where}`: {err['msg']}{given}")
        accepted = ", ".join(model.model_fields) or "none"
        raise ConfigError(
            f"agent {agent!r}: bad config: {'; '.join(problems)}. Accepted options: {accepted}"
        ) from None


def config_schema(model: type[AgentConfig]) -> dict[str, Any]:
    """The JSON schema of an agent's config, as `frontendx agents --format json` lists it."""
    return model.model_json_schema()
