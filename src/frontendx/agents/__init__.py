"""Agents under test: the protocol, the context, the built-ins and the registry."""

from frontendx.agents._builtin import NullAgent, OracleAgent, ScriptedAgent
from frontendx.agents._config import AgentConfig
from frontendx.agents._model import ModelEndpoint
from frontendx.agents._protocol import (
    MAX_FINDINGS,
    Agent,
    AgentContext,
    FailingTest,
    GroundTruth,
    PullRequest,
    RunOutcome,
    TaskView,
    spec_answerer,
)
from frontendx.agents._registry import (
    ENTRY_POINT_GROUP,
    AgentInfo,
    agent_trust,
    available_agents,
    config_listing,
    is_calibration,
    make_agent,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "MAX_FINDINGS",
    "Agent",
    "AgentConfig",
    "AgentContext",
    "AgentInfo",
    "FailingTest",
    "GroundTruth",
    "ModelEndpoint",
    "NullAgent",
    "OracleAgent",
    "PullRequest",
    "RunOutcome",
    "ScriptedAgent",
    "TaskView",
    "agent_trust",
    "available_agents",
    "config_listing",
    "is_calibration",
    "make_agent",
    "spec_answerer",
]
