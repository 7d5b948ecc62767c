"""The results store: the interface every report and dashboard reads."""

from frontendx.store._sqlite import (
    READ_ONLY_COMMANDS,
    SCHEMA_VERSION,
    EpisodeIndex,
    RunInfo,
    SqliteStore,
    new_lease_owner,
)

__all__ = [
    "READ_ONLY_COMMANDS",
    "SCHEMA_VERSION",
    "EpisodeIndex",
    "RunInfo",
    "SqliteStore",
    "new_lease_owner",
]
