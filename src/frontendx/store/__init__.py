"""The results store: the interface every report and dashboard reads."""

from frontendx.store._sqlite import SCHEMA_VERSION, EpisodeIndex, RunInfo, SqliteStore

__all__ = ["SCHEMA_VERSION", "EpisodeIndex", "RunInfo", "SqliteStore"]
