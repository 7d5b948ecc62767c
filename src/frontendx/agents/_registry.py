"""Finding agents: the built-ins plus anything registered under the `frontendx.agents`
entry-point group, so third parties add agents without editing FrontendX."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Literal

from pydantic import create_model

from frontendx.agents._builtin import (
    ApproveAllAgent,
    BlockAllAgent,
    NullAgent,
    OracleAgent,
    RerunAgent,
    ScriptedAgent,
)
from frontendx.agents._config import AgentConfig, config_schema
from frontendx.agents._crawler import CrawlerAgent
from frontendx.agents._external import ExternalAgent
from frontendx.agents._llm import LlmAgent
from frontendx.agents._pixeldiff import PixelDiffAgent
from frontendx.agents._protocol import Agent
from frontendx.agents._recorder import RecorderAgent
from frontendx.errors import ConfigError
from frontendx.records import TrustLevel

ENTRY_POINT_GROUP = "frontendx.agents"

_BUILTIN: dict[str, type] = {
    "oracle": OracleAgent,
    "null": NullAgent,
    "scripted": ScriptedAgent,
    "crawler": CrawlerAgent,
    "recorder": RecorderAgent,
    "approve-all": ApproveAllAgent,
    "block-all": BlockAllAgent,
    "pixel-diff": PixelDiffAgent,
    "rerun": RerunAgent,
    "llm": LlmAgent,
    "external": ExternalAgent,
}


@dataclass(frozen=True)
class AgentInfo:
    name: str
    kind: Literal["builtin", "entry-point", "external"]
    factory: Any


def available_agents() -> dict[str, AgentInfo]:
    # `external` is built in, but what it runs is any program: listed as its own kind
    found = {
        n: AgentInfo(n, "external" if f is ExternalAgent else "builtin", f)
        for n, f in _BUILTIN.items()
    }
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in found:
            found[ep.name] = AgentInfo(ep.name, "entry-point", ep)
    return found


def make_agent(name: str, config: dict[str, Any] | None = None) -> Agent:
    """Build an agent by name from its config, with a clear error for bad names or config."""
    agents = available_agents()
    if name not in agents:
        raise ConfigError(f"unknown agent {name!r}; available agents: {', '.join(sorted(agents))}")
    info = agents[name]
    factory = info.factory.load() if info.kind == "entry-point" else info.factory
    config = dict(config or {})
    try:
        agent = factory(**config)
    except TypeError as exc:
        params = ", ".join(config_listing(factory)[0]) or "none"
        raise ConfigError(
            f"agent {name!r}: bad config {config!r} ({exc}); accepted options: {params}"
        ) from None
    if not isinstance(agent, Agent):
        raise ConfigError(f"agent {name!r} does not implement name/version/config/run(ctx)")
    return agent


def config_listing(factory: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """An agent's options with their defaults (None where required) and the JSON schema of its
    config: from its `config_model` (an `AgentConfig`) when it has one, else read off the
    factory's annotated parameters, as a plug-in without a model declares them."""
    model = getattr(factory, "config_model", None)
    if isinstance(model, type) and issubclass(model, AgentConfig):
        defaults = {
            name: None if field.is_required() else field.get_default(call_default_factory=True)
            for name, field in model.model_fields.items()
        }
        return defaults, config_schema(model)
    signature = inspect.signature(factory)
    params = {
        p.name: (None if p.default is inspect.Parameter.empty else p.default)
        for p in signature.parameters.values()
    }
    fields: dict[str, Any] = {
        p.name: (
            Any if p.annotation is inspect.Parameter.empty else p.annotation,
            ... if p.default is inspect.Parameter.empty else p.default,
        )
        for p in signature.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    try:
        schema = create_model("config", **fields).model_json_schema()
    except Exception:  # a third-party factory with annotations pydantic cannot read
        schema = {"type": "object"}
    return params, schema


def agent_trust(agent: Agent) -> TrustLevel:
    """How far the harness confines `agent`, stored with each of its episodes.

    FrontendX's own agents are `builtin`. An external program is `sandboxed`, or `unconfined`
    when the agent says it ran without the sandbox (its `trust` attribute, set by the agent
    itself). Everything else runs in the harness's process with the live Playwright context
    and browser, and can reach every harness object (through `gc`, for one): it is `trusted`
    code, whatever it claims, so only an external agent's own `trust` attribute is read.
    """
    if type(agent) is ExternalAgent:  # a subclass is in-process code like any plug-in
        # Anything but an explicit "sandboxed" is shown as the weaker claim.
        return "sandboxed" if getattr(agent, "trust", "sandboxed") == "sandboxed" else "unconfined"
    if type(agent) in _BUILTIN.values():
        return "builtin"
    return "trusted"


def is_calibration(agent: Agent) -> bool:
    """Calibration agents (oracle) are trusted with ground truth; no other agent is."""
    return isinstance(agent, OracleAgent)
