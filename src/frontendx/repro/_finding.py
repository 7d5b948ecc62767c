"""What an agent reports."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from frontendx.errors import ReproError
from frontendx.repro._steps import Step, parse_steps


class Finding(BaseModel):
    """A bug report in the repro language. `found_at` is stamped by the harness on receipt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    steps: list[Step]
    expected: str = Field(default="", max_length=5_000)
    actual: str = Field(default="", max_length=5_000)
    symptom: str | None = Field(default=None, max_length=200)
    evidence: list[str] = Field(default_factory=list, max_length=50)
    found_at: float | None = None

    @field_validator("steps", mode="before")
    @classmethod
    def _steps_valid(cls, value: Any) -> list[Step]:
        return parse_steps(value)


def parse_finding(raw: Any) -> Finding:
    """Validate a finding from untrusted JSON, raising `ReproError` that names the field."""
    if isinstance(raw, Finding):
        return raw
    if not isinstance(raw, dict):
        raise ReproError(f"a finding must be a JSON object, got {type(raw).__name__}")
    try:
        return Finding.model_validate(raw)
    except ReproError:
        raise
    except ValidationError as exc:
        parts = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "finding"
            msg = err["msg"]
            # errors raised inside the steps validator already name step and field
            if isinstance(err.get("ctx", {}).get("error"), ReproError):
                msg = str(err["ctx"]["error"])
            parts.append(f"field `{field}`: {msg}")
        raise ReproError("invalid finding: " + "; ".join(parts)) from None
