"""The price table: USD per million tokens for hosted models, USD per GPU-hour for local ones.

The packaged `prices.toml` is a documented default; a user file overrides whole entries and adds
new ones. A model without a price is refused when the gateway is built, never priced at zero by
accident: a benchmark that silently reports $0 for an unknown model is worse than one that
stops and says which file to edit. Zero is allowed when written down explicitly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from frontendx.errors import ConfigError

DEFAULT_PRICE_FILE = "frontendx/gateway/prices.toml"
_PER_MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class TokenCounts:
    """Tokens of one call, normalized across wire formats: `input_tokens` is the whole prompt
    (cache reads and writes included); `cached_tokens` and `cache_write_tokens` are the parts of
    it that were read from or written to the prompt cache."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cache_write_tokens: int = 0


class ModelPrice(BaseModel):
    """One entry of the table. Hosted prices are USD per million tokens; `cached_input` and
    `cache_write` default to `input` when not given. Local models cost `gpu_hour * gpus` USD
    per hour of upstream latency, whatever the token counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["hosted", "local"] = "hosted"
    input: float | None = Field(default=None, ge=0)
    output: float | None = Field(default=None, ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    cache_write: float | None = Field(default=None, ge=0)
    gpu_hour: float | None = Field(default=None, ge=0)
    gpus: int = Field(default=1, gt=0)
    aliases: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _complete(self) -> ModelPrice:
        if self.kind == "hosted":
            missing = [k for k in ("input", "output") if getattr(self, k) is None]
            if missing:
                raise ValueError(
                    f"a hosted model needs {' and '.join(missing)} (USD per million tokens; "
                    "write 0 to run it unpriced on purpose)"
                )
            if self.gpu_hour is not None:
                raise ValueError('gpu_hour is for kind = "local"; hosted models price tokens')
        else:
            if self.gpu_hour is None:
                raise ValueError('a kind = "local" model needs gpu_hour (USD per GPU-hour)')
            given = [
                k for k in ("input", "output", "cached_input", "cache_write") if getattr(self, k)
            ]
            if given:
                raise ValueError(f"a local model is priced per GPU-hour only; remove {given}")
        return self

    def cost(self, tokens: TokenCounts, latency_ms: float) -> float:
        """USD for one call."""
        if self.kind == "local":
            assert self.gpu_hour is not None
            return latency_ms / 3_600_000 * self.gpu_hour * self.gpus
        assert self.input is not None and self.output is not None
        cached_price = self.input if self.cached_input is None else self.cached_input
        write_price = self.input if self.cache_write is None else self.cache_write
        fresh = max(tokens.input_tokens - tokens.cached_tokens - tokens.cache_write_tokens, 0)
        usd = (
            fresh * self.input
            + tokens.cached_tokens * cached_price
            + tokens.cache_write_tokens * write_price
            + tokens.output_tokens * self.output
        )
        return usd / _PER_MILLION


class PriceTable:
    """Prices by model name (or alias), remembering which file each entry came from."""

    def __init__(
        self, prices: Mapping[str, ModelPrice], sources: Mapping[str, str], as_of: str = ""
    ) -> None:
        self._prices = dict(prices)
        self._sources = dict(sources)
        self.as_of = as_of
        self.files = tuple(dict.fromkeys(self._sources.values()))
        self._aliases: dict[str, str] = {}
        for name, price in self._prices.items():
            for alias in price.aliases:
                other = self._aliases.get(alias)
                if other is not None and other != name:
                    raise ConfigError(
                        f"alias {alias!r} is given to both {other!r} ({self._sources[other]}) "
                        f"and {name!r} ({self._sources[name]}); keep it on one entry"
                    )
                self._aliases[alias] = name

    @classmethod
    def load(cls, user_file: Path | str | None = None) -> PriceTable:
        """The packaged default, overridden and extended by `user_file` if given."""
        default = resources.files("frontendx.gateway").joinpath("prices.toml")
        prices, as_of = _parse(default.read_text(encoding="utf-8"), DEFAULT_PRICE_FILE)
        sources = dict.fromkeys(prices, DEFAULT_PRICE_FILE)
        if user_file is not None:
            path = Path(user_file)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read price file {path}: {exc.strerror}") from exc
            user, user_as_of = _parse(text, str(path))
            prices.update(user)
            sources.update(dict.fromkeys(user, str(path)))
            as_of = user_as_of or as_of
        return cls(prices, sources, as_of)

    def __contains__(self, model: object) -> bool:
        return model in self._prices or model in self._aliases

    def models(self) -> list[str]:
        return sorted(self._prices)

    def source(self, model: str) -> str:
        """The file the price of `model` came from."""
        return self._sources[self._aliases.get(model, model)]

    def lookup(self, model: str) -> ModelPrice:
        """The price of `model`; exact names first, then aliases. Unknown models are an error
        that says where to add them."""
        price = self._prices.get(model)
        if price is None and model in self._aliases:
            price = self._prices[self._aliases[model]]
        if price is None:
            where = " or ".join(self.files)
            raise ConfigError(
                f"no price for model {model!r} in {where}. Add a [models.{_toml_key(model)}] "
                "entry to your price file (input/output USD per million tokens, or "
                'kind = "local" with gpu_hour) and pass it to the gateway; write explicit '
                "zero prices to run the model unpriced. See docs/gateway.md"
            )
        return price


def _toml_key(name: str) -> str:
    bare = name.replace("-", "").replace("_", "").isalnum()
    return name if bare else '"' + name.replace('"', '\\"') + '"'


def _parse(text: str, where: str) -> tuple[dict[str, ModelPrice], str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"price file {where} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"as_of", "currency", "models"})
    if unknown:
        raise ConfigError(
            f"price file {where}: unknown top-level key(s) {unknown}; "
            "expected as_of, currency and [models.NAME] tables"
        )
    currency = data.get("currency", "USD")
    if currency != "USD":
        raise ConfigError(f"price file {where}: currency = {currency!r}; prices must be in USD")
    as_of = data.get("as_of", "")
    if not isinstance(as_of, str):
        as_of = str(as_of)
    models: Any = data.get("models", {})
    if not isinstance(models, dict):
        raise ConfigError(f"price file {where}: `models` must be a table of [models.NAME] tables")
    prices: dict[str, ModelPrice] = {}
    for name, entry in models.items():
        key = f"models.{_toml_key(name)}"
        if not isinstance(entry, dict):
            raise ConfigError(f"price file {where}, key {key}: must be a table")
        try:
            prices[name] = ModelPrice.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join([key, *map(str, err['loc'])])}: {err['msg']}" for err in exc.errors()
            )
            raise ConfigError(f"price file {where}, key {problems}") from None
    return prices, as_of
