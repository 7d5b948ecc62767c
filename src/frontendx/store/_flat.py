"""Results as tables: the columns both backends write beside each episode's JSON payload.

The JSON payload (`episodes.result_json`) stays the record of truth; these columns are a flat
copy of its most-queried fields, written in the same transaction, so that SQL tools (DuckDB,
pandas, psql) reach findings, verdicts, usage and replays without parsing JSON. `docs/store.md`
documents every column.
"""

from __future__ import annotations

from typing import Any

from frontendx.records import EpisodeResult, VerdictKind

# Columns added to `episodes` (schema 4), in order, with their SQL type on both backends.
EPISODE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("state", "TEXT"),
    ("variant", "TEXT"),
    ("repeat", "INTEGER"),
    ("agent_name", "TEXT"),
    ("agent_version", "TEXT"),
    ("target_bug", "TEXT"),
    ("trust", "TEXT"),
    ("error", "TEXT"),
    ("attempts", "INTEGER"),
    ("started_at", "DOUBLE PRECISION"),
    ("wall_seconds", "DOUBLE PRECISION"),
    ("browser_seconds", "DOUBLE PRECISION"),
    ("steps", "INTEGER"),
    ("questions", "INTEGER"),
    ("input_tokens", "BIGINT"),
    ("output_tokens", "BIGINT"),
    ("model_cost_usd", "DOUBLE PRECISION"),
    ("n_manifestable", "INTEGER"),
    ("n_findings", "INTEGER"),
    ("n_validated", "INTEGER"),
    ("n_false_positives", "INTEGER"),
)

# The flat tables (schema 4): name -> (columns with types, primary key).
FLAT_TABLES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "findings": (
        (
            ("episode_id", "BIGINT NOT NULL"),
            ("finding_index", "INTEGER NOT NULL"),
            ("found_at", "DOUBLE PRECISION"),
            ("title", "TEXT"),
            ("n_steps", "INTEGER"),
            ("symptom", "TEXT"),
            ("error", "TEXT"),
            ("verdict", "TEXT"),
        ),
        ("episode_id", "finding_index"),
    ),
    "verdicts": (
        (
            ("episode_id", "BIGINT NOT NULL"),
            ("finding_index", "INTEGER NOT NULL"),
            ("kind", "TEXT NOT NULL"),
            ("bug_id", "TEXT"),
            ("false_positive", "INTEGER NOT NULL"),
            ("reason", "TEXT"),
            ("n_replays", "INTEGER NOT NULL"),
            ("replay_seconds", "DOUBLE PRECISION NOT NULL"),
        ),
        ("episode_id", "finding_index"),
    ),
    "replays": (
        (
            ("episode_id", "BIGINT NOT NULL"),
            ("finding_index", "INTEGER NOT NULL"),
            ("replay_index", "INTEGER NOT NULL"),
            ("variant", "TEXT NOT NULL"),
            ("purpose", "TEXT NOT NULL"),
            ("outcome", "TEXT NOT NULL"),
            ("step_index", "INTEGER"),
            ("seconds", "DOUBLE PRECISION NOT NULL"),
        ),
        ("episode_id", "finding_index", "replay_index"),
    ),
}

# The columns of `episodes` that every schema has, as `results.load` and `export-data` read them.
BASE_EPISODE_COLUMNS = (
    "id",
    "run_id",
    "key",
    "cell",
    "fingerprint",
    "app",
    "agent",
    "task",
    "status",
    "finished_at",
    "reused_from",
)


def flat_tables_sql() -> list[str]:
    """CREATE TABLE (and index) statements of the flat tables, valid on SQLite and PostgreSQL."""
    statements = []
    for name, (columns, key) in FLAT_TABLES.items():
        body = ", ".join(f"{c} {t}" for c, t in columns)
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {name} ({body}, PRIMARY KEY ({', '.join(key)}))"
        )
    return statements


def episode_values(result: EpisodeResult) -> tuple[Any, ...]:
    """The values of `EPISODE_COLUMNS` for one result."""
    spec, usage = result.spec, result.usage
    verdicts = [f.verdict for f in result.findings if f.verdict is not None]
    return (
        spec.state.name,
        spec.variant_label,
        spec.repeat,
        spec.agent.name,
        spec.agent.version,
        spec.task.target_bug,
        str(result.trust),
        result.error,
        result.attempts,
        result.started_at,
        usage.wall_seconds,
        usage.browser_seconds,
        usage.steps,
        usage.questions,
        usage.input_tokens,
        usage.output_tokens,
        usage.model_cost_usd,
        len(result.manifestable_bugs),
        len(result.findings),
        sum(v.kind is VerdictKind.VALIDATED for v in verdicts),
        sum(v.kind.is_false_positive for v in verdicts),
    )


def flat_rows(episode_id: int, result: EpisodeResult) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of each flat table for one stored episode."""
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in FLAT_TABLES}
    for f in result.findings:
        verdict = f.verdict
        finding = f.finding
        rows["findings"].append(
            (
                episode_id,
                f.index,
                f.found_at,
                finding.title if finding is not None else None,
                len(finding.steps) if finding is not None else None,
                finding.symptom if finding is not None else None,
                f.error,
                str(verdict.kind) if verdict is not None else None,
            )
        )
        if verdict is None:
            continue
        rows["verdicts"].append(
            (
                episode_id,
                f.index,
                str(verdict.kind),
                verdict.bug_id,
                int(verdict.kind.is_false_positive),
                verdict.reason,
                len(verdict.replays),
                sum(r.seconds for r in verdict.replays),
            )
        )
        for i, replay in enumerate(verdict.replays):
            rows["replays"].append(
                (
                    episode_id,
                    f.index,
                    i,
                    "+".join(replay.variant) if replay.variant else "clean",
                    replay.purpose,
                    replay.outcome,
                    replay.step_index,
                    replay.seconds,
                )
            )
    return rows


def insert_sql(table: str, mark: str) -> str:
    """INSERT of one row of a flat table, with `mark` as the parameter placeholder."""
    columns = [c for c, _ in FLAT_TABLES[table][0]]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
