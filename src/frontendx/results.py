"""Results as tables: a store's runs, episodes, findings, verdicts, replays and accepted native
bugs as pandas DataFrames (`load`) or as Parquet/CSV files (`export_data`, the `frontendx
export-data` command). Needs the `frontendx[data]` extra (pandas, pyarrow). Columns: docs/store.md.

    >>> from frontendx.results import load
    >>> tables = load("frontendx.db")            # or "postgresql://user@host/db"
    >>> tables.verdicts.groupby("kind").size()
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontendx.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from frontendx.store import Store

TABLES = ("runs", "episodes", "findings", "verdicts", "replays", "native_bugs")
_BOOLEAN = {"verdicts": ("false_positive",)}
NATIVE_BUG_COLUMNS = (
    "candidate",
    "app",
    "app_version",
    "bug_id",
    "title",
    "accepted_at",
    "claim_json",
    "category",
    "difficulty",
    "severity",
    "manual_minutes",
)
"""The review queue's accepted native bugs, one row each (`frontendx review accept`). Verdicts
are stored as the validator gave them: a finding whose app version and claim (`claim_json`,
its last step) are an accepted candidate's, judged also_on_clean, scores as validated from
`accepted_at` on. Facts are empty for acceptances made before FrontendX kept them."""


@dataclass(frozen=True)
class Results:
    """One DataFrame per results table. `episodes.id` is the key the other tables'
    `episode_id` refers to; `episodes.run_id` refers to `runs.id`."""

    runs: pd.DataFrame
    episodes: pd.DataFrame
    findings: pd.DataFrame
    verdicts: pd.DataFrame
    replays: pd.DataFrame
    native_bugs: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ConfigError(
            "results as tables need pandas and pyarrow: `pip install 'frontendx[data]'`"
        ) from None
    return pandas


def _frames(store: Store) -> Results:
    pd = _pandas()
    frames: dict[str, Any] = {}
    for name in TABLES:
        columns, rows = _native_table(store) if name == "native_bugs" else store.table(name)
        frame = pd.DataFrame.from_records(rows, columns=columns)
        for column in _BOOLEAN.get(name, ()):
            frame[column] = frame[column].astype(bool)
        frames[name] = frame
    return Results(**frames)


def _native_table(store: Store) -> tuple[list[str], list[tuple[Any, ...]]]:
    rows = []
    for bug in store.native_bugs():
        facts = bug.get("facts") or {}
        record = {**bug, **facts, "claim_json": json.dumps(bug["claim"], sort_keys=True)}
        rows.append(tuple(record.get(c) for c in NATIVE_BUG_COLUMNS))
    return list(NATIVE_BUG_COLUMNS), rows


def load(db: str | Path | Store) -> Results:
    """The results tables of a store (a SQLite path, a ``postgresql://`` URL or an open
    `Store`), read without parsing any JSON payload."""
    from frontendx.store import open_store

    if not isinstance(db, str | Path):
        return _frames(db)
    store = open_store(db, create=False, read_only=True)
    try:
        return _frames(store)
    finally:
        store.close()


def export_data(db: str | Path, out_dir: Path, *, fmt: str = "parquet") -> list[tuple[Path, int]]:
    """Write each results table of the store `db` to `out_dir/<table>.<fmt>` (parquet or
    csv); returns (path, rows) of each file written."""
    if fmt not in ("parquet", "csv"):
        raise ConfigError(f"--format {fmt!r}: choose parquet or csv")
    results = load(db)
    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise ConfigError(
            "--format parquet needs pyarrow: `pip install 'frontendx[data]'` (or use --format csv)"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{out_dir}: cannot create the folder ({exc.strerror or exc})") from None
    written = []
    for name, frame in results.tables().items():
        path = out_dir / f"{name}.{fmt}"
        try:
            if fmt == "parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot write ({exc.strerror or exc})") from None
        written.append((path, len(frame)))
    return written
