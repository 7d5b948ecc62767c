"""Version sources and fingerprints (docs/design.md §7).

A stored result stays valid while everything it depends on is unchanged. That is its cell (app,
bugs, task, state, agent name and config, repeat) plus a few named *version sources*:

- ``frontendx``: the FrontendX version (the harness and validator).
- ``chromium``: the browser version, from the preflight.
- ``app``: the content hash of the episode's app (manifest, spec, backend, builds). This is the
  app's share of the suite version, so editing one app re-runs that app only.
- ``agent``: the version the agent object declares.
- ``agent_package``: the installed distribution that provides an entry-point agent, with its
  version (empty for built-in agents, which ship with FrontendX).
- ``model``: for agents configured with a model endpoint (``base_url`` and ``model`` in their
  config), the model entry the endpoint's model list reports, hashed; empty otherwise.

The fingerprint hashes the cell with these values. Because the values are stored with each
result, a stale result can say *why* it is stale: which source changed, from what to what.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import httpx

import frontendx
from frontendx.records import EpisodeSpec
from frontendx.suite import app_for

SOURCES: tuple[str, ...] = ("frontendx", "chromium", "app", "agent", "agent_package", "model")

MODEL_LIST_TIMEOUT_S = 10.0


def fingerprint(spec: EpisodeSpec, versions: Mapping[str, str]) -> str:
    """Hash of the cell and its version sources: equal fingerprints, reusable result."""
    payload = json.dumps([spec.cell, sorted(versions.items())], separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def agent_package(agent_name: str) -> str:
    """``"<distribution> <version>"`` of the package whose ``frontendx.agents`` entry point
    provides `agent_name`; empty for built-in agents and agents not installed as packages."""
    from frontendx.agents import available_agents

    info = available_agents().get(agent_name)
    if info is None or info.kind != "entry-point":
        return ""
    for ep in entry_points(group="frontendx.agents", name=agent_name):
        dist = ep.dist
        if dist is not None:
            return f"{dist.metadata['Name']} {dist.version}"
    return ""


def model_revision(config: Mapping[str, Any]) -> str:
    """The model revision an agent's endpoint reports, or empty when the agent has no
    endpoint. Reads the endpoint's model list (``GET {base_url}/models`` in both wire
    formats; the base URL includes its version prefix) and hashes the configured model's
    entry, whose ``created`` stamp changes when a served model is replaced under its name.

    An endpoint that cannot be asked gives ``"unknown (<reason>)"``: the result is then
    re-run when the endpoint answers again, which errs on the side of freshness."""
    base_url, model = config.get("base_url"), config.get("model")
    if not isinstance(base_url, str) or not isinstance(model, str):
        return ""
    base = base_url.rstrip("/")
    headers: dict[str, str] = {}
    key_env = config.get("api_key_env")
    key = os.environ.get(key_env, "") if isinstance(key_env, str) else ""
    url = base + "/models"  # base URLs include the version prefix, as the gateway's do
    if config.get("api") == "anthropic":
        headers["anthropic-version"] = "2023-06-01"
        if key:
            headers["x-api-key"] = key
    elif key:
        headers["authorization"] = f"Bearer {key}"
    try:
        response = httpx.get(url, headers=headers, timeout=MODEL_LIST_TIMEOUT_S)
        response.raise_for_status()
        listed = response.json().get("data", [])
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return f"unknown ({type(exc).__name__} from {url})"
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("id") == model:
            digest = hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()
            return f"{model}@{digest[:12]}"
    return f"unknown ({model} not in the model list at {url})"


@dataclass
class VersionResolver:
    """The current value of every version source, looked up once per run and cached."""

    chromium: str
    _apps: dict[str, str] = field(default_factory=dict)
    _packages: dict[str, str] = field(default_factory=dict)
    _models: dict[str, str] = field(default_factory=dict)

    def for_episode(self, spec: EpisodeSpec) -> dict[str, str]:
        agent = spec.agent
        if spec.app not in self._apps:
            self._apps[spec.app] = app_for(spec.app, spec.app_source).content_hash()
        if agent.name not in self._packages:
            self._packages[agent.name] = agent_package(agent.name)
        model_key = json.dumps(agent.config, sort_keys=True)
        if model_key not in self._models:
            self._models[model_key] = model_revision(agent.config)
        return {
            "frontendx": frontendx.__version__,
            "chromium": self.chromium,
            "app": self._apps[spec.app],
            "agent": agent.version,
            "agent_package": self._packages[agent.name],
            "model": self._models[model_key],
        }


def explain(before: Mapping[str, str] | None, after: Mapping[str, str]) -> list[str]:
    """Why a cell must run: the version sources that changed since its newest stored result
    (``"chromium 131.0 -> 132.0"``), or ``"new"`` when it has never run."""
    if before is None:
        return ["new"]
    changed = [
        f"{name} {_short(before.get(name, ''))} -> {_short(after.get(name, ''))}"
        for name in sorted(set(before) | set(after))
        if before.get(name, "") != after.get(name, "")
    ]
    # Same versions but no reusable result: the stored one was an infra error or forced.
    return changed or ["previous result not reusable"]


def _short(value: str) -> str:
    if not value:
        return "(none)"
    return value if len(value) <= 24 else value[:21] + "..."
