"""Finding and launching Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.async_api import Browser, Error, Playwright

from frontendx.errors import BrowserError

# Without these, headless Chromium tries to reach Google's services at start-up.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

ENV_VAR = "FRONTENDX_CHROMIUM"
_SYSTEM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_executable(explicit: str | None = None) -> str | None:
    """The Chromium to use: an explicit path, then $FRONTENDX_CHROMIUM, then the system's
    Chromium; None means Playwright's own downloaded browser."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        resolved = shutil.which(chosen) or chosen
        if not Path(resolved).is_file():
            source = "--chromium" if explicit else f"${ENV_VAR}"
            raise BrowserError(
                f"{source} points to {chosen!r}, which is not an executable file; "
                "give the path of a Chromium binary (e.g. /usr/bin/chromium)"
            )
        return resolved
    for candidate in _SYSTEM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


async def launch_chromium(pw: Playwright, executable: str | None = None) -> Browser:
    """Launch headless Chromium, with a clear error when none is installed."""
    path = chromium_executable(executable)
    try:
        return await pw.chromium.launch(
            executable_path=path, headless=True, args=list(CHROMIUM_ARGS)
        )
    except Error as exc:
        where = path or "Playwright's bundled Chromium"
        raise BrowserError(
            f"cannot start Chromium ({where}): {str(exc).splitlines()[0]}\n"
            "Install it (Debian: `apt-get install -y chromium`) or set "
            f"${ENV_VAR} / --chromium to a Chromium executable."
        ) from None


def preflight(executable: str | None = None) -> str:
    """Start and stop Chromium once, returning its version; raises BrowserError with the fix.
    Run before a run writes anything, so a missing browser never leaves a half-made run."""
    import asyncio

    from playwright.async_api import async_playwright

    async def check() -> str:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw, executable)
            version = browser.version
            await browser.close()
            return version

    return asyncio.run(check())
