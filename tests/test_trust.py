"""Each episode's trust level: what the runner records for an agent (`agent_trust`). In-process
plug-ins are trusted code whatever they claim; only an external program is sandboxed.
Browser-free: agents are built, never run."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from frontendx.agents import AgentContext, agent_trust, make_agent
from frontendx.agents._crawler import CrawlerAgent
from frontendx.agents._external import ExternalAgent


class PluginAgent:
    """What an entry-point agent looks like, claiming a trust level it was not given."""

    name = "plugin"
    version = "1"
    trust = "builtin"

    def __init__(self) -> None:
        self.config: dict[str, Any] = {}

    async def run(self, ctx: AgentContext) -> None:
        return None


class CrawlerLookalike(CrawlerAgent):
    """A plug-in that reuses a built-in's class: still in-process code of its own."""


class ExternalLookalike(ExternalAgent):
    """A plug-in subclass of the external agent: in-process code that can override `run`."""


def test_builtin_agents_are_builtin() -> None:
    for name in ("oracle", "null", "crawler"):
        assert agent_trust(make_agent(name)) == "builtin"


def _claims(monkeypatch: pytest.MonkeyPatch, level: str) -> None:
    monkeypatch.setattr(ExternalAgent, "trust", property(lambda self: level), raising=False)


def test_an_external_program_is_as_confined_as_it_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agent = make_agent("external", {"command": [sys.executable, "-c", "pass"]})
    assert isinstance(agent, ExternalAgent)
    _claims(monkeypatch, "sandboxed")
    assert agent_trust(agent) == "sandboxed"
    _claims(monkeypatch, "unconfined")
    assert agent_trust(agent) == "unconfined"
    _claims(monkeypatch, "something else")
    assert agent_trust(agent) == "unconfined"  # an unknown claim is read as the weaker one


def test_in_process_plugins_are_trusted_whatever_they_claim() -> None:
    assert agent_trust(PluginAgent()) == "trusted"
    assert agent_trust(CrawlerLookalike()) == "trusted"
    lookalike = ExternalLookalike(command=[sys.executable, "-c", "pass"])
    assert agent_trust(lookalike) == "trusted"
