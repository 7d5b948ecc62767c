"""The dashboard's review queue in real Chromium at desktop width: claims judged
`also_on_clean` with how many agents and episodes made each, their replay evidence, and an
accepted native bug scored as validated on the leaderboard and the episode page (issue 15)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page
from test_dashboard import fast_views, serve_app
from test_review import also_on_clean

from frontendx.dashboard import create_app
from frontendx.review import Triage, accept, review_list
from frontendx.store import SqliteStore, open_store


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str | int]]]:
    db = tmp_path / "runs.db"
    store = open_store(db)
    run = store.create_run({}, 4, "test")
    now = time.time()
    episodes = [
        also_on_clean("Total shows 999", agent="crawler", repeat=0),
        also_on_clean("Total shows 999", agent="llm", repeat=1, state="phone"),
        also_on_clean("Total shows 999", agent="llm", repeat=2),
        also_on_clean("Title is wrong", "Mini list!", agent="crawler", repeat=3),
    ]
    for ep in episodes:
        assert store.add_episode(run, ep.model_copy(update={"finished_at": now - 60}))
    accepted, other = review_list(store)
    accept(store, accepted.id, "total-999", triage=Triage(category="logic", manual_minutes=6))
    store.close()
    sqlite = SqliteStore(db, create=False)
    app = create_app(sqlite, token=None, views=fast_views)
    first = min(accepted.episodes)
    with serve_app(app) as base:
        yield base, {"accepted": accepted.id, "open": other.id, "ep": first}
    sqlite.close()


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    await context.close()
    assert not errors, errors


async def test_the_review_page_shows_claims_agents_episodes_and_replays(
    desktop: Page, served: tuple[str, dict[str, str | int]]
) -> None:
    base, ids = served
    page = desktop
    await page.goto(base + "#/review")
    await page.wait_for_selector('#app[data-state="ready"][data-route="review"]', timeout=30_000)
    summary = await page.get_by_test_id("review-summary").inner_text()
    assert summary == "2 claims, 1 open, 1 native bug accepted"
    assert await page.locator("#nav a.active").inner_text() == "Review"
    tops = await page.locator("#nav a").evaluate_all("as => as.map(a => a.offsetTop)")
    assert len(set(tops)) == 1, tops  # with its new page, the nav is still one line

    card = page.locator(f'[data-testid=review-candidate][data-candidate="{ids["accepted"]}"]')
    assert await card.get_attribute("data-accepted") == "total-999"
    assert await card.get_by_test_id("candidate-title").inner_text() == "Total shows 999"
    assert (await card.get_by_test_id("candidate-agents").inner_text()).startswith("2 agents")
    assert await card.get_by_test_id("candidate-n-episodes").inner_text() == "3 episodes"
    assert "accepted as native bug total-999" in await card.locator(".finding-head").inner_text()
    assert '"Total: 999"' in await card.get_by_test_id("candidate-claim").inner_text()
    assert await card.get_by_test_id("candidate-episodes").locator("a").count() == 3
    # each example's replay evidence: the buggy and the clean replay, both failing the claim
    examples = card.get_by_test_id("review-example")
    assert await examples.count() == 3
    evidence = examples.first.get_by_test_id("replay-evidence")
    await evidence.locator("summary").click()
    rows = await evidence.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2 and "buggy" in rows[0] and "clean" in rows[1]
    assert all("fails" in r for r in rows)

    still_open = page.locator(f'[data-testid=review-candidate][data-candidate="{ids["open"]}"]')
    assert await still_open.get_attribute("data-accepted") == ""
    assert f"frontendx review accept {ids['open']} --as BUG_ID" in await still_open.inner_text()
    natives = await page.get_by_test_id("native-bugs").locator("tbody tr").all_inner_texts()
    assert len(natives) == 1 and "total-999" in natives[0] and "Total shows 999" in natives[0]
    triage = await page.get_by_test_id("native-triage").inner_text()
    assert triage == "logic · unknown · unknown · 6 manual min"

    # the episode page shows the finding validated against the native bug
    await card.get_by_test_id("candidate-episodes").locator("a").first.click()
    await page.wait_for_selector('#app[data-state="ready"][data-route="episode"]', timeout=30_000)
    verdicts = await page.get_by_test_id("verdict").all_inner_texts()
    assert any("validated" in v and "native:total-999" in v for v in verdicts), verdicts

    # and the leaderboard counts it as found, not as a false positive
    rows_json = httpx.get(base + "data/leaderboard/latest/all.json", timeout=60).json()["rows"]
    by_agent = {r["agent_name"]: r for r in rows_json}
    assert by_agent["llm"]["n_native_validated"] == 2 and by_agent["llm"]["n_false_positives"] == 0
    assert by_agent["crawler"]["n_native_validated"] == 1
    assert by_agent["crawler"]["n_false_positives"] == 1  # the claim still open
