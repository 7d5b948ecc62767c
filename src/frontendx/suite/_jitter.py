"""Jitter: seeded nondeterminism for the app server and the browser (docs/design.md, "Jitter").

A `Jitter` is off unless the harness sets one: on the app server (`AppServer.set_jitter`) it
delays each request and shuffles the JSON lists an app's manifest calls unordered; in a browser
context (`Sandbox(..., jitter=...)`) it shifts the page's clock and scales its animation and
transition durations. Every draw is a function of the seed, so a run under one seed can be
replayed exactly, and another seed gives another run.

Server-side draws are keyed by the request (method and path, without the query) and by how
many requests with that key came before it since the jitter was set or the app was reset: a
request's delay and a list's order do not depend on how concurrent requests to *other* URLs
happened to interleave.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Latency(BaseModel):
    """A shifted, capped log-normal: ``min(max_ms, min_ms + LogNormal(ln(median_ms), sigma))``.

    With the defaults a request waits at least 5 ms; the random part has median 40 ms, so the
    delay's median is 45 ms, its 90th percentile ~149 ms, its 99th ~414 ms (mean ~71 ms), and
    no request waits more than 1.5 s."""

    model_config = _STRICT

    min_ms: float = Field(default=5.0, ge=0, le=10_000, description="the shift: every delay")
    median_ms: float = Field(
        default=40.0, ge=0, le=10_000, description="median of the random part (0: none)"
    )
    sigma: float = Field(
        default=1.0, ge=0, le=3, description="spread of the random part (std. dev. of its log)"
    )
    max_ms: float = Field(default=1500.0, ge=0, le=30_000, description="the cap")

    @model_validator(mode="after")
    def _cap_above_shift(self) -> Latency:
        if self.max_ms < self.min_ms:
            raise ValueError(f"max_ms ({self.max_ms:g}) is below min_ms ({self.min_ms:g})")
        return self

    def draw_ms(self, rng: random.Random) -> float:
        extra = rng.lognormvariate(math.log(self.median_ms), self.sigma) if self.median_ms else 0
        return min(self.max_ms, self.min_ms + extra)


def _bounds(value: tuple[float, float], what: str) -> None:
    if value[0] > value[1]:
        raise ValueError(f"{what}: the lower bound {value[0]:g} is above the upper {value[1]:g}")


class Jitter(BaseModel):
    """One seeded jitter setting. Ranges are (low, high); equal bounds fix the value."""

    model_config = _STRICT

    seed: int = Field(ge=0, le=2**63 - 1)
    latency: Latency | None = Field(
        default=Latency(), description="the delay added to each app request (None: no delay)"
    )
    shuffle: bool = Field(
        default=True, description="shuffle the lists the app's manifest marks `unordered`"
    )
    animation_scale: tuple[float, float] = Field(
        default=(0.5, 3.0),
        description="range of the factor applied to CSS animation and transition and Web "
        "Animations durations, drawn log-uniformly once per seed ((1, 1): unchanged)",
    )
    clock_offset_s: tuple[float, float] = Field(
        default=(-129_600.0, 129_600.0),
        description="range of the shift of the page's clock (Date), drawn uniformly once per "
        "seed; the default, up to 36 hours either way, moves the date in most runs",
    )

    @model_validator(mode="after")
    def _ranges(self) -> Jitter:
        _bounds(self.animation_scale, "animation_scale")
        _bounds(self.clock_offset_s, "clock_offset_s")
        if self.animation_scale[0] < 0.05 or self.animation_scale[1] > 20:
            raise ValueError("animation_scale must lie within [0.05, 20]")
        if max(abs(x) for x in self.clock_offset_s) > 10 * 365 * 86_400:
            raise ValueError("clock_offset_s must lie within ten years either way")
        return self

    def _rng(self, *key: object) -> random.Random:
        # str seeds are hashed by sha512 (seed version 2): stable across runs and platforms
        return random.Random("\n".join(str(k) for k in (self.seed, *key)))

    def delay_s(self, method: str, path: str, nth: int) -> float:
        """The delay of the `nth` (from 0) `method` request to `path`."""
        if self.latency is None:
            return 0.0
        return self.latency.draw_ms(self._rng("latency", method, path, nth)) / 1000

    def order(self, method: str, path: str, nth: int, where: str, size: int) -> list[int]:
        """The order to serve a list of `size` items in (a permutation of its indexes), for the
        list at `where` in the `nth` answer to `method path`."""
        indexes = list(range(size))
        if self.shuffle:
            self._rng("order", method, path, nth, where).shuffle(indexes)
        return indexes

    def animation_factor(self) -> float:
        low, high = self.animation_scale
        if low == high:
            return low
        return math.exp(self._rng("animation").uniform(math.log(low), math.log(high)))

    def clock_offset_ms(self) -> int:
        low, high = self.clock_offset_s
        return round(1000 * (low if low == high else self._rng("clock").uniform(low, high)))


class Unordered(BaseModel):
    """An API answer whose lists the app's spec leaves unordered: jitter may shuffle them.

    In `app.yaml`: ``unordered: [{path: /api/items, lists: [items]}]``; a bare path string
    means the answer itself is the list."""

    model_config = _STRICT

    path: str = Field(
        pattern=r"^/",
        description="request path; `*` matches within one segment, `**` across segments",
    )
    method: str = Field(default="GET", pattern=r"^[A-Z]+$")
    lists: list[str] = Field(
        default_factory=list,
        description="dotted keys from the JSON answer to each unordered list; `*` steps into "
        "every item of a list (`orders.*.lines`); empty: the answer is the list",
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_path(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and _pattern(self.path).fullmatch(path) is not None


def _pattern(glob: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*|\*)", glob)
    return re.compile(
        "".join(".*" if p == "**" else "[^/]*" if p == "*" else re.escape(p) for p in parts)
    )


def shuffled(
    data: Any, rules: Iterable[Unordered], jitter: Jitter, method: str, path: str, nth: int
) -> Any:
    """`data` (a decoded JSON answer) with every list `rules` name for `method path` put in the
    jitter's order for the `nth` such answer. Paths that lead nowhere are skipped."""
    for rule in rules:
        if not rule.matches(method, path):
            continue
        for where in rule.lists or [""]:
            keys = where.split(".") if where else []
            data = _reorder(data, keys, jitter, (method, path, nth), [])
    return data


def _reorder(
    node: Any,
    keys: Sequence[str],
    jitter: Jitter,
    request: tuple[str, str, int],
    trail: list[str],
) -> Any:
    if not keys:
        if not isinstance(node, list):
            return node
        # each list has its own draw: `orders.0.lines` and `orders.1.lines` differ
        order = jitter.order(*request, ".".join(trail) or "$", len(node))
        return [node[i] for i in order]
    key, rest = keys[0], keys[1:]
    if key == "*" and isinstance(node, list):
        return [
            _reorder(item, rest, jitter, request, [*trail, str(i)]) for i, item in enumerate(node)
        ]
    if isinstance(node, dict) and key in node:
        return {
            k: _reorder(v, rest, jitter, request, [*trail, k]) if k == key else v
            for k, v in node.items()
        }
    return node


def shuffle_body(
    body: bytes, rules: Iterable[Unordered], jitter: Jitter, method: str, path: str, nth: int
) -> bytes | None:
    """A JSON answer's body with its unordered lists shuffled, or None to serve it as it is
    (not JSON, or nothing to change)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    new = shuffled(data, rules, jitter, method, path, nth)
    if new == data:  # lists compare in order: nothing moved
        return None
    # as Starlette's JSONResponse writes it
    return json.dumps(new, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def jitter_digest(jitter: Jitter | None) -> str:
    """A short name for a setting, for the control port's answer."""
    if jitter is None:
        return "off"
    return hashlib.sha256(jitter.model_dump_json().encode()).hexdigest()[:16]
