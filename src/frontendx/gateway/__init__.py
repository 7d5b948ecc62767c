"""The metered model gateway, and a scripted model upstream for offline tests.

Every model call of an episode goes through a `Gateway`: a local HTTP proxy speaking OpenAI
chat-completions and Anthropic messages, in front of one configured upstream. It meters tokens
from the upstream's own usage fields, prices them from the price table, enforces the episode's
token and dollar budget, and records or replays cassettes. Model cost in the metrics comes only
from here. See docs/gateway.md.
"""

from frontendx.errors import GatewayError
from frontendx.gateway._cassette import CassetteEntry, request_key
from frontendx.gateway._config import Api, CassetteMode, GatewayBudget, UpstreamConfig
from frontendx.gateway._ledger import CallRecord, ErrorKind, GatewayUsage, Ledger
from frontendx.gateway._prices import DEFAULT_PRICE_FILE, ModelPrice, PriceTable, TokenCounts
from frontendx.gateway._proxy import DEFAULT_MAX_REQUEST_BYTES, DUMMY_KEY, Gateway
from frontendx.gateway._scripted import (
    FailureKind,
    ReceivedRequest,
    Responder,
    ScriptedToolCall,
    ScriptedTurn,
    ScriptedUpstream,
)

__all__ = [
    "DEFAULT_MAX_REQUEST_BYTES",
    "DEFAULT_PRICE_FILE",
    "DUMMY_KEY",
    "Api",
    "CallRecord",
    "CassetteEntry",
    "CassetteMode",
    "ErrorKind",
    "FailureKind",
    "Gateway",
    "GatewayBudget",
    "GatewayError",
    "GatewayUsage",
    "Ledger",
    "ModelPrice",
    "PriceTable",
    "ReceivedRequest",
    "Responder",
    "ScriptedToolCall",
    "ScriptedTurn",
    "ScriptedUpstream",
    "TokenCounts",
    "UpstreamConfig",
    "request_key",
]
