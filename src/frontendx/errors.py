"""The exception tree. Every message says what was wrong, where, and how to fix it.

Every exception FrontendX raises on purpose is defined here, under `FrontendXError`, in one of
three branches that decide what happens next: bad input is reported and nothing runs;
infrastructure failures are the harness's (an episode that meets one is retried and never
scored); agent faults are the agent's own outcome (the episode is scored with what it reported,
as `agent_error` or `budget_exceeded`). The command line maps the branches to exit codes in
one place (`frontendx.cli`): 2 bad input, 3 infrastructure, 1 anything else (a check failed).

FrontendXError
├── ConfigError              bad input (exit 2): run specs, manifests, CLI arguments, paths
│   ├── ManifestError        a suite/app manifest that does not validate
│   ├── RunSpecError         a run spec that does not validate
│   ├── StoreError           the results store cannot be opened or is not a FrontendX store
│   └── NotFound             a dashboard view path that names nothing
├── InfraError               infrastructure, never the agent's fault (exit 3): retried, unscored
│   ├── BrowserError         Chromium missing or failing while the harness drives it
│   ├── AppError             an app under test failed to start, reset or switch variant
│   └── GatewayError         the model gateway could not start or stop
│       └── UpstreamError    the model upstream behind the gateway failed
│           ├── UpstreamTimeout       no complete answer within the timeout
│           ├── UpstreamUnreachable   no connection, or it broke before a complete answer
│           └── UsageMissing          the upstream's answer has no usable usage fields
├── AgentFault               the agent's own doing: its episode is scored (exit 1)
│   ├── AgentProcessError    an external agent's process failed (exit status, signal, start)
│   ├── BudgetExceeded       an agent spent its steps/tokens/dollars
│   │   └── AgentFlooded     an external agent flooded its local endpoint
│   ├── ModelError           a model call through the gateway failed, as the agent sees it
│   ├── GatewayRequestError  a request to the gateway that it cannot process (too deep...)
│   └── CassetteMiss         cassette replay has no recorded answer for the agent's request
└── ReproError               a finding's steps are malformed (names the step and field)
    └── StepError            a step did not go through when run (an assertion failed, or an
                             action could not run); agents that act in steps catch it

A few private exceptions (`_Refusal` in the gateway, `_Stale` in its HTTP client, the demo
apps' backends) carry control flow inside one module and never leave it; they are not part of
the tree. The replayer's private `_AssertionFailed` and `_Broken` are `StepError`s.

`ModelError` is how an agent sees a failed model call; whether the episode ends as the agent's
fault or as infrastructure is decided by the gateway's own record of the call
(`Gateway.failure`), which knows whether the upstream or the request was at fault.
"""

from __future__ import annotations


class FrontendXError(Exception):
    """Base of every error FrontendX raises on purpose."""


# --- bad input --------------------------------------------------------------------------------


class ConfigError(FrontendXError):
    """Bad user input; the message names the place and the fix."""


class ManifestError(ConfigError):
    """A suite or app manifest is invalid."""


class RunSpecError(ConfigError):
    """A run spec is invalid."""


class StoreError(ConfigError):
    """The results store cannot be used."""


class NotFound(ConfigError):
    """A view path that names nothing (bad as-of point, slice, episode or file)."""


# --- infrastructure ---------------------------------------------------------------------------


class InfraError(FrontendXError):
    """The harness's infrastructure failed (browser, app server, model upstream): never the
    agent's fault. An episode that meets one is retried, and never scored."""


class BrowserError(InfraError):
    """The browser is missing or failed; never the agent's fault."""


class AppError(InfraError):
    """The app under test failed; never the agent's fault."""


class GatewayError(InfraError):
    """The gateway (or the scripted upstream) could not start or stop. Errors of single calls
    are not raised; they are answered and recorded."""


class UpstreamError(GatewayError):
    """The model upstream behind the gateway failed."""


class UpstreamTimeout(UpstreamError):
    """No complete answer within the timeout."""


class UpstreamUnreachable(UpstreamError):
    """No connection, or the connection broke before a complete answer."""


class UsageMissing(UpstreamError):
    """The upstream's answer has no usable usage fields."""


# --- the agent's own faults -------------------------------------------------------------------


class AgentFault(FrontendXError):
    """Something the agent did: its episode ends with the agent's own status and is scored
    with what it reported."""


class AgentProcessError(AgentFault):
    """The agent's process failed (non-zero exit, killed by a signal, could not start).
    The episode ends as `agent_error` with this message."""


class BudgetExceeded(AgentFault):
    """An agent used up one of its budgets."""


class AgentFlooded(BudgetExceeded):
    """The agent flooded the local endpoint: the episode ends as `budget_exceeded`."""


class ModelError(AgentFault):
    """The model endpoint failed (through the gateway): unreachable, refused, malformed."""


class GatewayRequestError(AgentFault):
    """A request to the gateway that the gateway cannot process (nested too deeply, or it
    fails while handling it): answered with a 4xx, and the episode ends as `agent_error`."""


class CassetteMiss(AgentFault):
    """Replay found no (more) recorded answers for a request: the agent sent something it did
    not send when the cassette was recorded."""


# --- neither ----------------------------------------------------------------------------------


class ReproError(FrontendXError):
    """A finding's steps are malformed or cannot be replayed."""


class StepError(ReproError):
    """A step did not go through when run: an assertion failed or an action could not run."""
