"""Metrics with seeded bootstrap confidence intervals (docs/design.md §5).

`compute_rows` turns stored `EpisodeResult` records into one `MetricsRow` per agent config,
task and slice; `load_constants` reads the versioned constants file every row names.
"""

from frontendx.metrics._compare import HEADLINE, HIGHER_IS_BETTER, MetricChange, compare_episodes
from frontendx.metrics._compute import (
    BUG_SLICES,
    EPISODE_SLICES,
    NATIVE_BUG_PREFIX,
    SLICES,
    UNKNOWN,
    Constants,
    MetricsRow,
    compute_rows,
    load_constants,
)
from frontendx.metrics._stats import (
    Interval,
    SurvivalCurve,
    bootstrap_ci,
    kaplan_meier,
    percentile,
)

__all__ = [
    "BUG_SLICES",
    "EPISODE_SLICES",
    "HEADLINE",
    "HIGHER_IS_BETTER",
    "NATIVE_BUG_PREFIX",
    "SLICES",
    "UNKNOWN",
    "Constants",
    "Interval",
    "MetricChange",
    "MetricsRow",
    "SurvivalCurve",
    "bootstrap_ci",
    "compare_episodes",
    "compute_rows",
    "kaplan_meier",
    "load_constants",
    "percentile",
]
