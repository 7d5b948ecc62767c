"""Statistics in pure Python: a seeded percentile bootstrap and the Kaplan-Meier estimator.

numpy is deliberately not a dependency, so both are written to do their heavy lifting in
C-implemented builtins (``operator.itemgetter``, ``sum``, ``collections.Counter``): the callers
precompute one tally per episode and the bootstrap only re-sums those tallies.
"""

from __future__ import annotations

import math
import random
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import itemgetter, mod, mul
from typing import TypeVar

T = TypeVar("T")

# array typecode of an unsigned 32-bit int ("I" on every mainstream platform).
_U32 = next(code for code in "IL" if array(code).itemsize == 4)

# S(t) is a product of floats; 2/3 * 3/4 may land a hair above 0.5. The tolerance keeps the
# median where hand computation puts it without ever changing a genuinely different answer.
_HALF = 0.5 + 1e-12


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval; a bound is None when undefined (no data, or beyond every
    observed time for a median that is not reached)."""

    low: float | None
    high: float | None


class Resample:
    """One bootstrap resample: indices of the items drawn (with replacement)."""

    __slots__ = ("_get", "_sums", "_weights", "indices")

    def __init__(self, indices: Sequence[int]) -> None:
        self.indices = indices
        # itemgetter with a single index returns a scalar, not a 1-tuple: special-case it.
        self._get: Callable[[Sequence[object]], object] | None = (
            itemgetter(*indices) if len(indices) > 1 else None
        )
        self._sums: dict[int, tuple[Sequence[float], float]] = {}
        self._weights: Counter[int] | None = None

    def take(self, column: Sequence[T]) -> tuple[T, ...]:
        """The column's values for the drawn items, in draw order (duplicates repeated)."""
        if self._get is None:
            return tuple(column[i] for i in self.indices)
        taken: tuple[T, ...] = self._get(column)  # type: ignore[assignment]
        return taken

    def sum(self, column: Sequence[float]) -> float:
        """Sum of the column over the drawn items. Memoised per column object, because
        several statistics of one resample share a column (e.g. recall's denominator is also
        the number of TTR pairs)."""
        hit = self._sums.get(id(column))
        if hit is not None and hit[0] is column:
            return hit[1]
        total: float = sum(self.take(column))
        # Keeping the column referenced means its id cannot be reused by another object
        # while this resample lives, so an id hit is always the same column.
        self._sums[id(column)] = (column, total)
        return total

    @property
    def weights(self) -> Counter[int]:
        """How many times each drawn item was drawn (items never drawn are absent)."""
        if self._weights is None:
            self._weights = Counter(self.indices)
        return self._weights


Statistic = Callable[[Resample], float | None]
"""A statistic of one resample. None means undefined for that resample (e.g. a ratio whose
denominator is 0) and the resample is skipped; ``math.inf`` is allowed and sorts last."""


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile (0 <= q <= 1) of already sorted values, linearly interpolated between
    order statistics (the common "type 7" definition). Infinite values are allowed."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile must be in [0, 1], got {q}")
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    frac = pos - lo
    a = sorted_values[lo]
    if frac == 0.0:
        return a
    b = sorted_values[lo + 1]
    # inf - inf is nan: an interpolation touching +inf is +inf.
    if math.isinf(a) or math.isinf(b):
        return b if math.isinf(b) else a
    return a + (b - a) * frac


def resamples(n: int, count: int, seed: int | str) -> Iterator[Resample]:
    """`count` resamples of `n` items with replacement, drawn from ``random.Random(seed)``: the
    same (n, count, seed) always yields the same resamples, on every platform."""
    if n >= 2**32:
        raise ValueError(f"cannot resample {n} items")
    rng = random.Random(seed)
    for _ in range(count):
        # 32 random bits per draw, reduced modulo n: several times faster than
        # rng.choices (the loop runs in C), and the modulo bias (< n / 2**32) is far below
        # the bootstrap's own Monte-Carlo error. Bytes are read little-endian explicitly so
        # that a seed means the same resamples on big-endian machines.
        draws = array(_U32, rng.randbytes(4 * n))
        if sys.byteorder == "big":
            draws.byteswap()
        yield Resample(list(map(mod, draws, repeat(n))))


def bootstrap_cis(
    n: int,
    statistics: Mapping[str, Statistic],
    *,
    resamples_count: int,
    confidence: float,
    seed: int | str,
) -> dict[str, Interval]:
    """Percentile bootstrap intervals of several statistics over the same resamples of `n`
    items (episodes). Sharing the resamples keeps the cost at one draw per resample and keeps
    the intervals of one group mutually consistent.

    A bound is None when no resample defined the statistic, or when it is infinite.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if n <= 0 or resamples_count <= 0:
        return {name: Interval(None, None) for name in statistics}
    samples: dict[str, list[float]] = {name: [] for name in statistics}
    for resample in resamples(n, resamples_count, seed):
        for name, statistic in statistics.items():
            value = statistic(resample)
            if value is not None:
                samples[name].append(value)
    alpha = 1.0 - confidence
    out: dict[str, Interval] = {}
    for name, values in samples.items():
        if not values:
            out[name] = Interval(None, None)
            continue
        values.sort()
        out[name] = Interval(
            _finite(percentile(values, alpha / 2)), _finite(percentile(values, 1 - alpha / 2))
        )
    return out


def bootstrap_ci(
    n: int,
    statistic: Statistic,
    *,
    resamples_count: int = 1000,
    confidence: float = 0.95,
    seed: int | str = 0,
) -> Interval:
    """Percentile bootstrap interval of one statistic; see `bootstrap_cis`."""
    return bootstrap_cis(
        n,
        {"stat": statistic},
        resamples_count=resamples_count,
        confidence=confidence,
        seed=seed,
    )["stat"]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


# --- Kaplan-Meier ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurvivalCurve:
    """A Kaplan-Meier curve: S drops to ``survival[i]`` at ``times[i]`` (event times only)
    and is 1.0 before the first event."""

    times: tuple[float, ...]
    survival: tuple[float, ...]
    n_at_start: int
    n_events: int

    @property
    def median(self) -> float | None:
        """The smallest time at which S(t) <= 0.5; None if the curve never gets there."""
        for t, s in zip(self.times, self.survival, strict=True):
            if s <= _HALF:
                return t
        return None


@dataclass(frozen=True, slots=True)
class KMPairs:
    """(duration, event_observed) pairs grouped by item (episode), prepared once so that
    bootstrap resamples only re-weight them.

    Each pair is encoded as ``2 * index_of_its_time + (0 if event else 1)``; sorting the codes
    orders pairs by time and, at a tie, puts events before censorings: a pair censored at t
    was still at risk at t (the usual convention, and the right one here since censoring
    happens at the end of the budget).
    """

    times: tuple[float, ...]  # sorted distinct durations
    codes: tuple[int, ...]  # one per pair, ascending
    items: tuple[int, ...]  # the item of each pair, aligned with `codes`
    counts: tuple[int, ...]  # pairs per item
    event_items: tuple[int, ...]  # the item of each event, in time order
    event_times: tuple[float, ...]  # each event's time, in time order
    censoring_last: bool  # no pair is censored before the last event time

    @classmethod
    def build(cls, per_item: Sequence[Iterable[tuple[float, bool]]]) -> KMPairs:
        """Prepare the pairs of each item; item i is ``per_item[i]``."""
        flat = [(float(d), bool(e), i) for i, pairs in enumerate(per_item) for d, e in pairs]
        for duration, _, _ in flat:
            if not math.isfinite(duration) or duration < 0:
                raise ValueError(f"durations must be finite and >= 0, got {duration}")
        times = sorted({d for d, _, _ in flat})
        index = {t: k for k, t in enumerate(times)}
        coded = sorted((2 * index[d] + (0 if e else 1), i) for d, e, i in flat)
        counts = Counter(i for _, _, i in flat)
        events = [(times[c >> 1], i) for c, i in coded if not c & 1]
        censored = [d for d, e, _ in flat if not e]
        return cls(
            times=tuple(times),
            codes=tuple(c for c, _ in coded),
            items=tuple(i for _, i in coded),
            counts=tuple(counts.get(i, 0) for i in range(len(per_item))),
            event_items=tuple(i for _, i in events),
            event_times=tuple(t for t, _ in events),
            censoring_last=not events or not censored or min(censored) >= events[-1][0],
        )

    def at_risk(self, weights: Mapping[int, int] | None = None) -> int:
        """How many (weighted) pairs there are."""
        if weights is None:
            return len(self.codes)
        return sum(map(mul, weights.values(), map(self.counts.__getitem__, weights.keys())))


def km_sweep(
    pairs: KMPairs, weights: Mapping[int, int] | None = None
) -> Iterator[tuple[float, float]]:
    """The Kaplan-Meier estimate: yields (t, S(t)) at each time with an event, in time order.

    ``weights`` (item -> multiplicity, as in a bootstrap resample) counts each item's pairs
    that many times; items absent from it are left out. None weighs every item once.
    """
    at_risk = pairs.at_risk(weights)
    survival = 1.0
    pending = 0  # events at `pending_code`, applied once every tie at that time is counted
    pending_code = -1
    for code, item in zip(pairs.codes, pairs.items, strict=True):
        w = 1 if weights is None else weights.get(item, 0)
        if not w:
            continue
        if pending and code != pending_code:
            survival *= 1.0 - pending / at_risk
            yield pairs.times[pending_code >> 1], survival
            at_risk -= pending
            pending = 0
        if code & 1:
            at_risk -= w  # censored: leaves the risk set without changing S
        else:
            pending += w
            pending_code = code
    if pending:
        survival *= 1.0 - pending / at_risk
        yield pairs.times[pending_code >> 1], survival


def km_median(pairs: KMPairs, weights: Mapping[int, int] | None = None) -> float | None:
    """The smallest time at which S(t) <= 0.5 (see `km_sweep`); None if never reached.

    The bootstrap calls this once per resample, so the usual case has a fast path: when no
    pair is censored before the last event (censoring at the budget's end), nobody leaves the
    risk set before the median, S(t) = 1 - E(t)/N telescopes, and the median is the first
    time at which the (weighted) number of events E reaches N/2: an order statistic found
    with C-level `accumulate` and `bisect` instead of a Python loop over every pair.
    """
    if not pairs.censoring_last:
        for t, s in km_sweep(pairs, weights):
            if s <= _HALF:
                return t
        return None
    total = pairs.at_risk(weights)
    need = (total + 1) // 2  # the smallest integer E with 2E >= N, i.e. S <= 0.5 exactly
    if total == 0:
        return None
    if weights is None:
        pos = need - 1
    else:
        reached = list(accumulate(map(weights.get, pairs.event_items, repeat(0))))
        pos = bisect_left(reached, need)
    return pairs.event_times[pos] if pos < len(pairs.event_times) else None


def kaplan_meier(observations: Iterable[tuple[float, bool]]) -> SurvivalCurve:
    """The Kaplan-Meier survival curve of (duration, event_observed) pairs; an unobserved
    event is right-censored at its duration."""
    obs = [(d, e) for d, e in observations]
    steps = list(km_sweep(KMPairs.build([[o] for o in obs])))
    return SurvivalCurve(
        times=tuple(t for t, _ in steps),
        survival=tuple(s for _, s in steps),
        n_at_start=len(obs),
        n_events=sum(1 for _, e in obs if e),
    )
