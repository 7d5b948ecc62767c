"""Command-line pieces of the data layer: the `--db` option (a SQLite path or a PostgreSQL URL),
`frontendx store copy` and `frontendx export-data` (docs/store.md). `cli.py` registers them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class StoreLocation(click.ParamType[Path | str, Any]):
    """A store: a ``postgresql://`` URL (kept as text) or a SQLite file path."""

    name = "PATH|URL"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        from frontendx.store import is_url

        if isinstance(value, Path) or not is_url(str(value)):
            return Path(value)
        return str(value)


def db_option(create: bool) -> Callable[[F], F]:
    return click.option(
        "--db",
        "db",
        type=StoreLocation(),
        default=Path("frontendx.db"),
        show_default=True,
        help="Results store: a SQLite file"
        + (" (created if missing)" if create else "")
        + " or a postgresql://user@host/db URL (docs/store.md).",
    )


def register(main: click.Group, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Add `store copy` and `export-data` to the `frontendx` group."""

    @main.group("store")
    def store_group() -> None:
        """Manage results stores (SQLite files and PostgreSQL databases)."""

    @store_group.command("copy")
    @click.argument("src", type=StoreLocation())
    @click.argument("dst", type=StoreLocation())
    @guard
    def store_copy(src: Path | str, dst: Path | str) -> None:
        """Copy a whole store SRC into a new, empty store DST (a SQLite path or a
        postgresql:// URL, in either direction): runs, episodes with their tables, and the
        changelog. Episode ids are renumbered; leases and cached views are not copied."""
        from frontendx.store import copy_store, open_store

        source = open_store(src, create=False, read_only=True)
        target = open_store(dst, create=True, read_only=False)
        try:
            summary = copy_store(source, target)
        finally:
            source.close()
            target.close()
        skipped = f", {summary.skipped} unreadable episodes skipped" if summary.skipped else ""
        click.echo(
            f"copied {summary.runs} runs, {summary.episodes} episodes and {summary.changes} "
            f"changelog entries from {source.name} to {target.name}{skipped}",
            err=True,
        )

    @main.command("export-data")
    @db_option(create=False)
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["parquet", "csv"]),
        default="parquet",
        show_default=True,
        help="File format of the tables.",
    )
    @click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
    @guard
    def export_data(db: Path | str, fmt: str, out_dir: Path) -> None:
        """Write the results tables (runs, episodes, findings, verdicts, replays) of a store
        to OUT_DIR as Parquet or CSV files, one per table (needs `frontendx[data]`)."""
        from frontendx.results import export_data as write

        written = write(db, out_dir, fmt=fmt)
        for path, rows in written:
            click.echo(f"wrote {path} ({rows} rows)", err=True)
