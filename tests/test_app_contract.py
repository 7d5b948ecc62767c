"""The App contract on the built-in `shop`: start on loopback, switch variant, reset to the seed
state, and keep switches off the app's origin."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from frontendx.suite import BUILTIN_STATES, App, AppServer, get_app


@pytest.fixture(scope="module")
def shop() -> App:
    return get_app("shop")


@pytest.fixture
async def server(shop: App) -> AsyncIterator[AppServer]:
    hosted = AppServer(shop)
    await hosted.start()
    yield hosted
    await hosted.stop()


def test_shop_has_enough_bugs_across_categories(shop: App) -> None:
    bugs = list(shop.bugs.values())
    assert len(bugs) >= 12
    assert len({b.category for b in bugs}) >= 6
    assert {b.layer for b in bugs} == {"frontend", "backend"}
    assert any(len(b.manifesting_states()) < len(BUILTIN_STATES) for b in bugs), (
        "some bugs are state-only"
    )


async def test_reset_restores_the_seed_state(server: AppServer, shop: App) -> None:
    user = shop.manifest.accounts["user"]
    async with httpx.AsyncClient(base_url=server.url) as client:
        login = await client.post(
            "/api/login", json={"email": user.email, "password": user.password}
        )
        assert login.status_code == 200
        added = await client.post("/api/cart/items", json={"productId": 1, "quantity": 2})
        assert added.status_code == 200
        cart = (await client.get("/api/cart")).json()["cart"]
        assert cart["items"], "the item was added"
        await server.reset()
        # sessions are seed state too: the old cookie no longer signs anyone in
        me = await client.get("/api/me")
        fresh = (await client.get("/api/cart")).json()["cart"]
    assert not fresh["items"]
    assert me.status_code in (200, 401) and "alice" not in me.text.lower()


async def test_variant_switch_serves_the_matching_frontend_build(
    server: AppServer, shop: App
) -> None:
    frontend_bug = next(b for b in shop.bugs.values() if b.layer == "frontend")
    async with httpx.AsyncClient(base_url=server.url) as client:
        await server.set_variant([])
        clean = (await client.get("/")).text
        await server.set_variant([frontend_bug.id])
        buggy = (await client.get("/")).text
        deep = await client.get("/some/deep/route")
    assert clean != buggy, "a frontend bug is a different build"
    assert deep.status_code == 200 and deep.text == buggy, "SPA fallback serves index.html"


async def test_unknown_bug_in_a_variant_is_refused(server: AppServer) -> None:
    from frontendx.errors import AppError

    with pytest.raises(AppError, match="no bugs named"):
        await server.set_variant(["no-such-bug"])
