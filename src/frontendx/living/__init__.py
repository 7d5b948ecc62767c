"""Keeping results fresh and comparable over time (docs/design.md §7): version sources and
fingerprints, history and "as of" views, regression checks, and `watch`."""

from frontendx.living._history import (
    Comparison,
    ResultRef,
    agent_results,
    compare_agents,
    compare_results,
    compare_runs,
    latest_regressions,
    pair_key,
)
from frontendx.living._versions import (
    SOURCES,
    VersionResolver,
    agent_package,
    explain,
    fingerprint,
    model_revision,
)
from frontendx.living._watch import (
    CheckResult,
    check_once,
    diff_snapshots,
    parse_every,
    snapshot,
    watch,
)

__all__ = [
    "SOURCES",
    "CheckResult",
    "Comparison",
    "ResultRef",
    "VersionResolver",
    "agent_package",
    "agent_results",
    "check_once",
    "compare_agents",
    "compare_results",
    "compare_runs",
    "diff_snapshots",
    "explain",
    "fingerprint",
    "latest_regressions",
    "model_revision",
    "pair_key",
    "parse_every",
    "snapshot",
    "watch",
]
