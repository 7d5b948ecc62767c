"""Chromium: finding and launching it, and sandboxed contexts in a browser state."""

from frontendx.browser._launch import (
    CHROMIUM_ARGS,
    cdp_endpoint,
    chromium_executable,
    launch_chromium,
    preflight,
)
from frontendx.browser._sandbox import HttpError, PageEvents, Sandbox, origin_of

__all__ = [
    "CHROMIUM_ARGS",
    "HttpError",
    "PageEvents",
    "Sandbox",
    "cdp_endpoint",
    "chromium_executable",
    "launch_chromium",
    "origin_of",
    "preflight",
]
