"""Screenshots of the dashboard for docs/img/ (leaderboard, Pareto fronts, an episode page) at
phone and desktop widths, over a SYNTHETIC store (`generate_synthetic`).

    flock /tmp/fx-browser.lock .venv/bin/python -m frontendx.dashboard._screens docs/img --tag after
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.async_api import async_playwright

from frontendx.browser import launch_chromium
from frontendx.dashboard._app import create_app
from frontendx.dashboard._data import Views
from frontendx.dashboard.synthetic import generate_synthetic
from frontendx.metrics import load_constants
from frontendx.store import SqliteStore

WIDTHS = {"desktop": 1280, "phone": 390}


def _note(errors: list[str], exc: Exception) -> None:
    errors.append(str(exc))


async def _shoot(base: str, out: Path, tag: str, episode_id: int) -> list[Path]:
    written: list[Path] = []
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        for label, width in WIDTHS.items():
            context = await browser.new_context(viewport={"width": width, "height": 900})
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", functools.partial(_note, errors))
            for name, route in (
                ("leaderboard", "leaderboard"),
                ("pareto", "pareto"),
                ("episode", f"episode/{episode_id}"),
            ):
                await page.goto(base + "#/" + route)
                await page.wait_for_selector('#app[data-state="ready"]', timeout=60_000)
                await page.wait_for_timeout(600)
                path = out / f"{name}-{label}-{tag}.png"
                await page.screenshot(path=str(path), full_page=name != "episode")
                if errors:
                    raise RuntimeError(f"{route}: page errors: {errors}")
                written.append(path)
            await context.close()
        await browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--tag", required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "runs.db")
        generate_synthetic(store, episodes=600, agents=6, runs=4, seed=3, artifacts=4)
        # the newest episode with the most findings: the longest page, where it matters most
        episode_id = max(store.episode_rows(), key=lambda r: (len(r[1].findings), r[0]))[0]
        constants = load_constants().model_copy(update={"bootstrap_resamples": 50})
        app = create_app(store, token=None, views=lambda s: Views(s, constants=constants))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            for path in asyncio.run(
                _shoot(f"http://127.0.0.1:{port}/", args.out, args.tag, episode_id)
            ):
                print(path)
        finally:
            server.should_exit = True
            thread.join(timeout=20)
            store.close()


if __name__ == "__main__":
    main()
