"""`frontendx review list` and `frontendx review accept`: the queue of findings judged
`also_on_clean`, grouped by claim (frontendx.review). `cli.py` registers them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from frontendx._cli_data import db_option


def register(main: click.Group, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Add the `review` group to the `frontendx` group."""

    @main.group("review")
    def review_group() -> None:
        """Findings that also fail on the clean app: false claims, or bugs nobody seeded."""

    @review_group.command("list")
    @db_option(create=False)
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
    @guard
    def review_list(db: Path | str, fmt: str) -> None:
        """The also_on_clean findings of the newest result of every cell, grouped by app
        version and claim, with how many agents and episodes made each, the validator's
        evidence and, once accepted, the native bug it is."""
        from frontendx.review import review_list as queue
        from frontendx.store import open_store

        found = queue(open_store(db, create=False, read_only=True))
        if fmt == "json":
            click.echo(json.dumps([c.as_dict() for c in found], indent=2))
            return
        if not found:
            click.echo("no also_on_clean findings")
        for c in found:
            state = f"accepted as native bug {c.accepted_as}" if c.accepted_as else "open"
            click.echo(
                f"{c.id}  {c.app}@{c.app_version[:8]}  {len(c.agents)} agent(s), "
                f"{len(c.episodes)} episode(s), {state}: {c.title}"
            )
            shown = {k: v for k, v in c.claim.items() if v not in (None, False)}
            if isinstance(shown.get("target"), dict):  # the locator's fields that are set
                shown["target"] = {k: v for k, v in shown["target"].items() if v}
            click.echo(f"    claim: {json.dumps(shown)}")
            click.echo(f"    episodes: {', '.join(str(e) for e in c.episodes[:10])}")
            for reason in c.evidence[:3]:
                click.echo(f"    evidence: {reason}")

    @review_group.command("accept")
    @click.argument("candidate")
    @click.option("--as", "bug_id", required=True, help="Id to record the native bug under.")
    @click.option("--category", help="Its category id, as in a manifest (default: unknown).")
    @click.option("--difficulty", help="easy, medium or hard (default: unknown).")
    @click.option("--severity", help="low, medium, high or critical (default: unknown).")
    @click.option(
        "--manual-minutes",
        type=float,
        help="Minutes a tester spends finding, reporting and triaging it by hand (default: the "
        "median of the app's seeded bugs in the store).",
    )
    @db_option(create=False)
    @guard
    def review_accept(
        candidate: str,
        bug_id: str,
        category: str | None,
        difficulty: str | None,
        severity: str | None,
        manual_minutes: float | None,
        db: Path | str,
    ) -> None:
        """Record the claim CANDIDATE (an id from `review list`) as a known native bug of
        that app version, in the results store (never in the app's manifest). From then on,
        findings making that claim on that app version score as validated, earn its manual
        minutes and count in its category and difficulty slices; reports before the
        acceptance stay as they were under --as-of."""
        from frontendx.review import Triage, accept
        from frontendx.store import open_store

        triage = Triage(category, difficulty, severity, manual_minutes)
        store = open_store(db, create=False, read_only=False)
        bug, c = accept(store, candidate, bug_id, triage=triage)
        facts = bug.facts
        assert facts is not None  # set by every acceptance
        click.echo(
            f"accepted {c.id} as native bug {bug.bug_id!r} of {c.app}@{c.app_version}: "
            f"{c.n_findings} finding(s) in {len(c.episodes)} episode(s) now score as "
            "validated (`frontendx changelog` shows the change)\n"
            f"  category {facts.category}, difficulty {facts.difficulty}, severity "
            f"{facts.severity}, manual minutes {facts.manual_minutes:g} ({c.minutes_source})"
        )
