"""The results store: the interface every report and dashboard reads.

Two backends behind one `Store` protocol: `SqliteStore` (a file) and `PostgresStore` (a
``postgresql://`` URL, with the `frontendx[postgres]` extra). `open_store` opens either.
"""

from frontendx.store._copy import copy_store
from frontendx.store._protocol import Store, is_url, open_store
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
    "Store",
    "copy_store",
    "is_url",
    "new_lease_owner",
    "open_store",
]
