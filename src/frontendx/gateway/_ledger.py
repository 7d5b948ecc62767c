"""The ledger: one record per model call that reached the gateway, metered or refused.

Model cost in the metrics comes only from here. The gateway writes from its server thread and
the harness reads from its own, so every access takes the lock.
"""

from __future__ import annotations

import threading
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frontendx.gateway._config import Api
from frontendx.records import EpisodeStatus

ErrorKind = Literal[
    "bad_request",
    "request_too_large",
    "malformed_request",
    "budget_exceeded",
    "missing_key",
    "upstream_unreachable",
    "upstream_timeout",
    "upstream_auth",
    "upstream_malformed",
    "upstream_error",
    "cassette_miss",
    "internal",
]
"""Why a call was not metered normally. `bad_request`, `request_too_large` and
`upstream_error` (an upstream 4xx or 5xx passed back unchanged) are the agent's to handle; the
others end the episode. Only faults of the upstream and of the harness's own setup (its key)
end it as `infra_error`: whatever the agent's request causes (`malformed_request`, a
`cassette_miss` in replay) is the agent's outcome, `agent_error`, so an agent cannot opt out of
being scored by sending the gateway something it cannot handle."""

_EPISODE_STATUS: dict[str, EpisodeStatus] = {
    "budget_exceeded": EpisodeStatus.BUDGET,
    "malformed_request": EpisodeStatus.AGENT_ERROR,
    "cassette_miss": EpisodeStatus.AGENT_ERROR,
    "missing_key": EpisodeStatus.INFRA_ERROR,
    "upstream_unreachable": EpisodeStatus.INFRA_ERROR,
    "upstream_timeout": EpisodeStatus.INFRA_ERROR,
    "upstream_auth": EpisodeStatus.INFRA_ERROR,
    "upstream_malformed": EpisodeStatus.INFRA_ERROR,
    "internal": EpisodeStatus.INFRA_ERROR,
}


class CallRecord(BaseModel):
    """One model call. `input_tokens` is the whole prompt, cached tokens included, for both
    wire formats (Anthropic reports cache reads and writes apart from `input_tokens`; the
    gateway adds them back so the two formats compare)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int = Field(default=0, description="position in the ledger, set when added")
    api: Api
    model: str = Field(description="the model called (the configured one)")
    requested_model: str | None = Field(default=None, description="what the agent asked for")
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = Field(default=0, description="prompt tokens read from the cache")
    cache_write_tokens: int = Field(default=0, description="prompt tokens written to the cache")
    latency_ms: float = Field(default=0.0, description="upstream time; the recorded one on replay")
    cost_usd: float = 0.0
    cassette_hit: bool = False
    status: int = Field(description="HTTP status the gateway answered with")
    error: ErrorKind | None = None
    message: str = ""
    started_at: float = 0.0

    @property
    def episode_status(self) -> EpisodeStatus | None:
        """The status this call ends the episode with, or None if the agent may carry on."""
        return None if self.error is None else _EPISODE_STATUS.get(self.error)


class GatewayUsage(BaseModel):
    """Totals over a ledger. `calls` counts metered calls (answered with usage)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calls: int = 0
    errors: int = 0
    cassette_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    latency_ms: float = 0.0
    cost_usd: float = 0.0

    @property
    def tokens(self) -> int:
        """What the token budget counts: input (cached included) plus output."""
        return self.input_tokens + self.output_tokens

    def usage_fields(self) -> dict[str, int | float]:
        """The fields of `frontendx.records.Usage` that come from the gateway, by name:
        `usage.model_copy(update=gateway.usage().usage_fields())`."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "model_cost_usd": self.cost_usd,
        }


class Ledger:
    """Thread-safe, append-only list of `CallRecord`s with running totals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []
        self._totals = GatewayUsage()

    def add(self, record: CallRecord) -> None:
        with self._lock:
            record = record.model_copy(update={"index": len(self._records)})
            self._records.append(record)
            t = self._totals
            metered = record.error is None
            self._totals = GatewayUsage(
                calls=t.calls + (1 if metered else 0),
                errors=t.errors + (0 if metered else 1),
                cassette_hits=t.cassette_hits + (1 if record.cassette_hit else 0),
                input_tokens=t.input_tokens + record.input_tokens,
                output_tokens=t.output_tokens + record.output_tokens,
                cached_tokens=t.cached_tokens + record.cached_tokens,
                cache_write_tokens=t.cache_write_tokens + record.cache_write_tokens,
                latency_ms=t.latency_ms + record.latency_ms,
                cost_usd=t.cost_usd + record.cost_usd,
            )

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def totals(self) -> GatewayUsage:
        with self._lock:
            return self._totals

    def first_fatal(self) -> CallRecord | None:
        """The first call that ends the episode (see `CallRecord.episode_status`)."""
        with self._lock:
            return next((r for r in self._records if r.episode_status is not None), None)
