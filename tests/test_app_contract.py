"""The App contract on the built-in `shop`: start on loopback, switch variant, reset to the seed
state, and keep switches off the app's origin."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from conftest import MINI

from frontendx.suite import BUILTIN_STATES, App, AppServer, builtin_app_names, get_app, load_app


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
    served: list[bytes] = []
    async with httpx.AsyncClient(base_url=server.url) as client:
        for variant in ([], [frontend_bug.id]):
            await server.set_variant(variant)
            index = (await client.get("/")).text
            (entry,) = re.findall(r'<script[^>]* src="(/assets/[^"]+)"', index)
            served.append((await client.get(entry)).content)
        deep = await client.get("/some/deep/route")
    # the same page and names on every variant (tests/test_secrecy.py); the code differs
    assert served[0] != served[1], "a frontend bug is a different build"
    assert deep.status_code == 200 and deep.text == index, "SPA fallback serves index.html"


async def test_unknown_bug_in_a_variant_is_refused(server: AppServer) -> None:
    from frontendx.errors import AppError

    with pytest.raises(AppError, match="no bugs or edits named"):
        await server.set_variant(["no-such-bug"])


def test_built_in_builds_link_every_file_into_the_shared_store() -> None:
    for name in builtin_app_names():
        app = get_app(name)
        for folder in app.build_index().values():
            build = app.dist_dir / folder
            assert (build / "index.html").is_file() and not (build / "index.html").is_symlink()
            files = [p for p in build.rglob("*") if p.name != "index.html" and not p.is_dir()]
            for path in files:
                target = path.resolve()
                assert path.is_symlink(), f"{path} is a copy, not a link into the shared store"
                assert target.parent == app.shared_dir.resolve() and target.is_file(), path


async def test_a_build_serves_its_linked_files() -> None:
    app = get_app("design-system")
    hosted = AppServer(app)
    await hosted.start()
    try:
        async with httpx.AsyncClient(base_url=hosted.url) as client:
            for variant in ([], [next(b for b in app.bugs.values() if b.layer == "frontend").id]):
                await hosted.set_variant(variant)
                build = app.build_dir(variant)
                index = (await client.get("/")).text
                assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
                assert assets, index
                for asset in assets:
                    served = await client.get(asset)
                    assert served.status_code == 200, asset
                    # served under a name of its role (`index-<salted>.js`), with the names it
                    # refers to rewritten the same way
                    stem, ext = _role(asset)
                    (own,) = [
                        p for p in (build / "assets").iterdir() if _role(p.name) == (stem, ext)
                    ]
                    assert _unhashed(served.content) == _unhashed(own.read_bytes()), asset
                    if asset.endswith(".js"):
                        assert "javascript" in served.headers["content-type"], asset
    finally:
        await hosted.stop()


_HASHED = re.compile(r"(?P<stem>[\w.-]+)-[\w-]{8,10}(?P<ext>\.(?:js|css|map))")


def _role(name: str) -> tuple[str, str]:
    match = _HASHED.fullmatch(name.rsplit("/", 1)[-1])
    assert match is not None, name
    return match["stem"], match["ext"]


def _unhashed(content: bytes) -> bytes:
    return re.sub(_HASHED.pattern.encode(), rb"\g<stem>\g<ext>", content)


async def _raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: an HTTP client would remove its `..` segments first."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    response = await reader.read()
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


async def test_links_and_dot_segments_cannot_leave_the_build(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    app = load_app(root)
    clean = app.build_dir([])
    app.shared_dir.mkdir()
    (app.shared_dir / "0123.js").write_text("shared();")
    (clean / "app.js").symlink_to(Path("..") / "shared" / "0123.js")
    (clean / "manifest.yaml").symlink_to(Path("..") / ".." / "app.yaml")
    other = app.build_dir(["clear-throws"])
    (clean / "other.html").symlink_to(Path("..") / other.name / "index.html")
    hosted = AppServer(app)
    await hosted.start()
    try:
        assert await _raw_get(hosted.url, "/app.js") == (200, b"shared();")
        # before the operating system sees it: a NUL in a file name is an error there
        assert (await _raw_get(hosted.url, "/index.html%00.yaml"))[0] == 400
        refused = ("/manifest.yaml", "/other.html", "/../builds.json", "/../shared/0123.js")
        for path in refused:
            assert await _raw_get(hosted.url, path) == (404, b"not found"), path
    finally:
        await hosted.stop()
