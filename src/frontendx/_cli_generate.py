"""`frontendx export-suite`: a `generate` episode's kept tests as pytest-playwright files.
`cli.py` registers it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from frontendx._cli_data import db_option


def register(main: click.Group, guard: Callable[[Any], Any]) -> None:
    @main.command("export-suite")
    @click.option("--episode", "episode_id", type=int, required=True, help="A generate episode.")
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, file_okay=False),
        required=True,
        help="Folder to write the test file into (created if missing).",
    )
    @click.option("--app-url", help="Base URL the tests target by default.")
    @db_option(create=False)
    @guard
    def export_suite_cmd(
        db: Path | str, episode_id: int, output: Path, app_url: str | None
    ) -> None:
        """Write the tests a `generate` episode kept as one pytest-playwright file: it passes
        on the clean app and fails on every seeded bug the suite killed."""
        from frontendx._cli_app import app_serve_url
        from frontendx.report import export_generated_suite
        from frontendx.repro import write_exported_test
        from frontendx.store import open_store

        result = open_store(db, create=False, read_only=True).episode(episode_id)
        filename = f"test_episode_{episode_id}.py"
        source = export_generated_suite(
            result,
            episode_id=episode_id,
            app_url=app_url or app_serve_url(),
            filename=filename,
        )
        output.mkdir(parents=True, exist_ok=True)
        for written in write_exported_test(output / filename, source):
            click.echo(f"wrote {written}", err=True)
