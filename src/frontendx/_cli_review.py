"""`frontendx review list` and `frontendx review accept`: the queue of findings judged
`also_on_clean`, grouped by claim (frontendx.review). `cli.py` registers them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def register(main: click.Group, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Add the `review` group to the `frontendx` group."""

    @main.group("review")
    def review_group() -> None:
        """Findings that also fail on the clean app: false claims, or bugs nobody seeded."""

    db_option = click.option(
        "--db",
        "db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=Path("frontendx.db"),
        show_default=True,
        help="SQLite results store.",
    )

    @review_group.command("list")
    @db_option
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
    @guard
    def review_list(db: Path, fmt: str) -> None:
        """The also_on_clean findings of the newest result of every cell, grouped by app
        version and claim, with how many agents and episodes made each and the evidence."""
        from frontendx.review import NativeBugs, candidates
        from frontendx.store import SqliteStore

        native = NativeBugs(db)
        accepted = native.accepted()
        native.close()
        found = candidates(SqliteStore(db, create=False, read_only=True).latest_rows())
        for c in found:
            c.accepted_as = accepted.get(c.id)
        if fmt == "json":
            click.echo(json.dumps([c.as_dict() for c in found], indent=2))
            return
        if not found:
            click.echo("no also_on_clean findings")
        for c in found:
            state = f"accepted as {c.accepted_as}" if c.accepted_as else "open"
            click.echo(
                f"{c.id}  {c.app}@{c.app_version[:8]}  {len(c.agents)} agent(s), "
                f"{len(c.episodes)} episode(s), {state}: {c.title}"
            )
            click.echo(f"    claim: {json.dumps(c.claim)}")
            for reason in c.evidence[:3]:
                click.echo(f"    evidence: {reason}")

    @review_group.command("accept")
    @click.argument("candidate")
    @click.option("--as", "bug_id", required=True, help="Id to record the native bug under.")
    @db_option
    @guard
    def review_accept(candidate: str, bug_id: str, db: Path) -> None:
        """Record the claim CANDIDATE (an id from `review list`) as a known native bug of
        that app version, in the results store (never in the app's manifest)."""
        from frontendx.errors import ConfigError
        from frontendx.review import NativeBugs, candidates
        from frontendx.store import SqliteStore

        found = {c.id: c for c in candidates(SqliteStore(db, create=False).latest_rows())}
        if candidate not in found:
            raise ConfigError(
                f"no review candidate {candidate!r} in {db}; `frontendx review list` shows "
                f"the ids ({', '.join(sorted(found)) or 'none yet'})"
            )
        native = NativeBugs(db)
        native.accept(found[candidate], bug_id)
        native.close()
        c = found[candidate]
        click.echo(f"accepted {candidate} as native bug {bug_id!r} of {c.app}@{c.app_version}")
