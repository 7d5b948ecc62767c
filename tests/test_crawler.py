"""The `crawler` agent on the mini app, through the real CLI: its generic oracles find the bugs
they can see (an uncaught error, a 5xx, a phone-only overlap), its findings carry shrunk repros,
and the validator accepts them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from conftest import MINI, frontendx_cli


def episodes(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        return [json.loads(r[0]) for r in conn.execute("SELECT result_json FROM episodes")]


def test_crawler_finds_what_generic_oracles_can_see(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    frontendx_cli(
        "run",
        "--apps",
        str(MINI),
        "--agents",
        "crawler",
        "--states",
        "desktop,mobile",
        "--workers",
        "1",
        "--db",
        str(db),
        check=True,
        timeout=900,
    )
    found: dict[str, set[str]] = {}
    for ep in episodes(db):
        assert ep["status"] == "ok", ep["error"]
        state = ep["spec"]["state"]["name"]
        found[state] = {
            f["verdict"]["bug_id"] for f in ep["findings"] if f["verdict"]["kind"] == "validated"
        }
        for f in ep["findings"]:
            steps = f["finding"]["steps"]
            assert steps[0]["action"] == "goto"
            assert steps[-1]["action"].startswith("expect")
    assert {"clear-throws", "search-500"} <= found["desktop"]
    assert "narrow-overlap" in found["mobile"]
    assert "narrow-overlap" not in found["desktop"]  # it does not show there

    # the uncaught error's repro was shrunk to the one click it needs
    (desktop,) = [e for e in episodes(db) if e["spec"]["state"]["name"] == "desktop"]
    throws = next(f for f in desktop["findings"] if f["verdict"]["bug_id"] == "clear-throws")
    assert [s["action"] for s in throws["finding"]["steps"]] == [
        "goto",
        "click",
        "expect_no_page_error",
    ]

    by_category = frontendx_cli(
        "report", "--db", str(db), "--by", "state,category", "--format", "json", check=True
    )
    rows = {
        (r["slice"]["state"], r["slice"]["category"]): r
        for r in json.loads(by_category.stdout)["rows"]
    }
    assert rows[("desktop", "uncaught-error")]["recall"] == 1.0
    assert rows[("desktop", "http-5xx")]["recall"] == 1.0
    assert rows[("mobile", "responsive")]["recall"] == 1.0
