"""The `Store` protocol both backends satisfy, and `open_store`, which every command uses.

A store is named by a location: a file path (SQLite) or a ``postgresql://`` URL (PostgreSQL).
To add a method, add it here and to both backends; `tests/test_store_contract.py` runs the same
tests against both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, cast, runtime_checkable

from frontendx.records import EpisodeResult
from frontendx.store._sqlite import EpisodeIndex, RunInfo, SqliteStore

URL_SCHEMES = ("postgresql://", "postgres://")


@runtime_checkable
class Store(Protocol):
    """A FrontendX results store (docs/design.md §10, docs/store.md)."""

    #: where files kept beside the store go (artifacts, reports): the SQLite file itself, or
    #: for PostgreSQL ``<current folder>/<database name>`` (a name, never a file)
    path: Path
    #: what `open_store` takes to open this store again (a path, or the URL with its password)
    location: str
    #: for messages: the path, or the URL without its password
    name: str
    read_only: bool

    def close(self) -> None: ...

    # writing
    def create_run(
        self,
        spec: dict[str, Any],
        n_episodes: int,
        version: str,
        *,
        run_id: str | None = None,
        created_at: float | None = None,
    ) -> str: ...

    def add_episode(
        self,
        run_id: str,
        result: EpisodeResult,
        *,
        reused_from: int | None = None,
        lease: tuple[str, str] | None = None,
    ) -> bool: ...

    def add_episodes(
        self,
        run_id: str,
        results: Iterable[EpisodeResult],
        *,
        reused_from: int | None = None,
        lease: tuple[str, str] | None = None,
    ) -> int: ...

    def add_change(
        self,
        versions: dict[str, Any],
        changes: list[str],
        *,
        run_id: str | None,
        reused: int,
        ran: int,
        at: float | None = None,
    ) -> None: ...

    def cache_view(self, key: str, revision: str, payload: str) -> None: ...

    # the review queue's accepted native bugs (frontendx.review)
    def add_native_bug(self, bug: dict[str, Any], changes: list[str] | None = None) -> bool: ...

    def native_bugs(self) -> list[dict[str, Any]]: ...

    # leases (concurrent drivers)
    def claim(
        self,
        owner: str,
        wanted: Iterable[tuple[str, str, str]],
        *,
        limit: int,
        ttl: float,
        since: float | None,
    ) -> list[str]: ...

    def leased_by_others(self, owner: str, keys: Iterable[str]) -> set[str]: ...

    def release_leases(self, owner: str, keys: Iterable[str] | None = None) -> None: ...

    def leases_kept(self, owner: str, ttl: float) -> contextlib.AbstractContextManager[None]: ...

    # reading
    def reusable(
        self, fingerprints: Iterable[str], *, since: float | None = None
    ) -> dict[str, tuple[int, EpisodeResult]]: ...

    def runs(self) -> list[RunInfo]: ...

    def run(self, run_id: str | None = None) -> RunInfo: ...

    def run_rows(self) -> list[tuple[str, float, dict[str, Any], int, str]]: ...

    def done_keys(self, run_id: str) -> set[str]: ...

    def episodes(self, run_id: str | None = None) -> list[EpisodeResult]: ...

    def episode_rows(self, run_id: str | None = None) -> Iterator[tuple[int, EpisodeResult]]: ...

    def latest_rows(self, as_of: float | None = None) -> Iterator[tuple[int, EpisodeResult]]: ...

    def index(self) -> list[EpisodeIndex]: ...

    def results(self, ids: Iterable[int]) -> dict[int, EpisodeResult]: ...

    def episode_id(self, run_id: str, key: str) -> int | None: ...

    def cell_versions(self, cells: Iterable[str]) -> dict[str, dict[str, str]]: ...

    def time_points(self) -> list[tuple[str, float]]: ...

    def revision(self) -> str: ...

    def changelog(self) -> list[dict[str, Any]]: ...

    def cached_view(self, key: str, revision: str) -> str | None: ...

    def run_of(self, episode_id: int) -> str: ...

    def episode(self, episode_id: int) -> EpisodeResult: ...

    def table(self, name: str) -> tuple[list[str], list[tuple[Any, ...]]]: ...


def is_url(location: str | Path) -> bool:
    """Whether `location` names a PostgreSQL store (a ``postgresql://`` URL)."""
    return str(location).startswith(URL_SCHEMES)


def open_store(
    location: str | Path, *, create: bool = True, read_only: bool | None = None
) -> Store:
    """Open the store at `location`: a SQLite file path, or a ``postgresql://`` URL.

    `create`: make a new store when there is none. `read_only`: True opens without writing,
    False insists on write access, None writes when it can (see `SqliteStore`)."""
    if is_url(location):
        from frontendx.store._postgres import PostgresStore

        return PostgresStore(str(location), create=create, read_only=read_only)
    return SqliteStore(Path(location), create=create, read_only=read_only)


def sqlite_typed(store: Store) -> SqliteStore:
    """`store`, for callees still annotated `SqliteStore` (the runner and the dashboard, owned
    elsewhere): they use only the `Store` protocol, which both backends satisfy. Remove once
    their annotations say `Store`."""
    return cast(SqliteStore, store)
