"""Chromium: finding and launching it, and sandboxed contexts in a browser state."""

from frontendx.browser._guard import NetworkGuard
from frontendx.browser._launch import (
    CHROMIUM_ARGS,
    cdp_endpoint,
    chromium_executable,
    guard_of,
    launch_chromium,
    network_isolated,
    preflight,
)
from frontendx.browser._sandbox import HttpError, PageEvents, Sandbox, origin_of

__all__ = [
    "CHROMIUM_ARGS",
    "HttpError",
    "NetworkGuard",
    "PageEvents",
    "Sandbox",
    "cdp_endpoint",
    "chromium_executable",
    "guard_of",
    "launch_chromium",
    "network_isolated",
    "origin_of",
    "preflight",
]
