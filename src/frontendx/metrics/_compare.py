"""Comparing two results of the same cells: the difference of each headline metric with a
bootstrap confidence interval, and whether the newer result is worse beyond that interval.

The two sides are resampled independently (each side's episodes with replacement), the
statistic is computed on both resamples, and the interval is the percentile interval of
``new - old``. A change is a regression when the whole interval lies on the worse side of 0:
recall lower, or FP rate, cost per validated bug or time-to-reproduction higher.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from frontendx.metrics._compute import (
    Constants,
    _first_validated,
    _scored_bugs,
    _Tally,
    _tally,
    load_constants,
)
from frontendx.metrics._stats import KMPairs, Resample, km_median, percentile, resamples
from frontendx.records import EpisodeResult, EpisodeStatus

HEADLINE: tuple[str, ...] = ("recall", "fp_rate", "cost_per_validated_bug", "ttr_median_s")
"""The metrics a regression check compares, in report order."""

HIGHER_IS_BETTER = {
    "recall": True,
    "fp_rate": False,
    "cost_per_validated_bug": False,
    "ttr_median_s": False,
}


@dataclass(frozen=True)
class MetricChange:
    """One metric's change. A median TTR that is never reached is ``math.inf`` (as are
    differences involving it), so that "no longer reproduces in budget" still compares."""

    metric: str
    old: float | None
    new: float | None
    diff: float | None
    diff_ci_low: float | None
    diff_ci_high: float | None
    n_old: int
    n_new: int

    @property
    def verdict(self) -> str:
        """``worse`` or ``better`` when the interval excludes 0 on that side; ``same``
        otherwise; ``n/a`` when the metric is undefined on a side."""
        if self.diff is None or (self.diff_ci_low is None and self.diff_ci_high is None):
            return "n/a"
        up = self.diff_ci_low is not None and self.diff_ci_low > 0
        down = self.diff_ci_high is not None and self.diff_ci_high < 0
        if not up and not down:
            return "same"
        return "better" if up == HIGHER_IS_BETTER[self.metric] else "worse"

    @property
    def worse(self) -> bool:
        return self.verdict == "worse"


class _Side:
    """One side's per-episode columns, shared by every statistic."""

    def __init__(self, episodes: Sequence[EpisodeResult], constants: Constants) -> None:
        tallies: list[_Tally] = []
        for ep in episodes:
            if ep.status is EpisodeStatus.INFRA_ERROR:
                continue  # never scored
            found_at = ep.validated_bugs
            tallies.append(
                _tally(
                    ep, _scored_bugs(ep), list(found_at), _first_validated(ep), found_at, constants
                )
            )
        self.n = len(tallies)
        self.found = [t.found for t in tallies]
        self.scored = [t.scored for t in tallies]
        self.fps = [t.false_positives for t in tallies]
        self.findings = [t.findings for t in tallies]
        self.validated = [t.validated for t in tallies]
        self.cost = [t.model_usd + t.compute_usd for t in tallies]
        self.pairs = KMPairs.build(
            [[(x, True) for x in t.events] + [(x, False) for x in t.censored] for t in tallies]
        )

    def statistic(self, metric: str, r: Resample | None) -> float | None:
        def total(column: Sequence[float]) -> float:
            return r.sum(column) if r is not None else float(sum(column))

        def ratio(num: Sequence[float], den: Sequence[float]) -> float | None:
            d = total(den)
            return total(num) / d if d else None

        if metric == "recall":
            return ratio(self.found, self.scored)
        if metric == "fp_rate":
            return ratio(self.fps, self.findings)
        if metric == "cost_per_validated_bug":
            return ratio(self.cost, self.validated)
        if not total(self.scored):
            return None
        median = km_median(self.pairs, r.weights if r is not None else None)
        return math.inf if median is None else median


def compare_episodes(
    old: Sequence[EpisodeResult],
    new: Sequence[EpisodeResult],
    *,
    constants: Constants | None = None,
    seed: int | str = 0,
) -> list[MetricChange]:
    """The change of each `HEADLINE` metric from `old` to `new`, with its interval."""
    constants = constants if constants is not None else load_constants()
    a, b = _Side(old, constants), _Side(new, constants)
    changes = []
    for metric in HEADLINE:
        va, vb = a.statistic(metric, None), b.statistic(metric, None)
        diff = _diff(va, vb)
        low = high = None
        if diff is not None and a.n and b.n and constants.bootstrap_resamples:
            low, high = _diff_ci(a, b, metric, constants, f"{seed}\x1f{metric}")
        changes.append(
            MetricChange(
                metric=metric,
                old=va,
                new=vb,
                diff=diff,
                diff_ci_low=low,
                diff_ci_high=high,
                n_old=a.n,
                n_new=b.n,
            )
        )
    return changes


def _diff(old: float | None, new: float | None) -> float | None:
    if old is None or new is None:
        return None
    if math.isinf(old) and math.isinf(new):
        return 0.0  # neither reached the median: no measurable change
    return new - old


def _diff_ci(
    a: _Side, b: _Side, metric: str, constants: Constants, seed: str
) -> tuple[float | None, float | None]:
    count = constants.bootstrap_resamples
    values: list[float] = []
    draws = zip(
        resamples(a.n, count, seed + "old"), resamples(b.n, count, seed + "new"), strict=True
    )
    for ra, rb in draws:
        d = _diff(a.statistic(metric, ra), b.statistic(metric, rb))
        if d is not None and not math.isnan(d):
            values.append(d)
    if not values:
        return None, None
    values.sort()
    alpha = 1.0 - constants.confidence
    # Infinite bounds are kept as +-inf here (not None): "beyond every observed time" still
    # says on which side of 0 the change lies.
    return percentile(values, alpha / 2), percentile(values, 1 - alpha / 2)
