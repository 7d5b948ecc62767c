"""Gateway overhead: model calls straight to a scripted upstream vs the same calls through the
metered gateway, interleaved and side by side in one run.

    .venv/bin/python benchmarks/gateway_latency.py [--calls 300] [--api openai|anthropic]

The upstream runs in a child process, as a real model server would (its own interpreter, so
it does not share the GIL with the gateway); the gateway runs in this process's background
thread, as in an episode; one persistent httpx client makes every call. Calls alternate
direct / gateway so that machine noise hits both sides alike. The request carries a small
screenshot (a base64 PNG of ~20 kB) and the answer a tool call, like an agent's step.
Target: at most 2 ms median added per call.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from frontendx.gateway import Gateway, GatewayBudget, UpstreamConfig

_CHILD = """
import sys, time
from frontendx.gateway import ScriptedTurn, ScriptedUpstream
turn = ScriptedTurn.call("click", {"ref": "e12"}, input_tokens=1500, output_tokens=40,
                         cached_tokens=1024)
with ScriptedUpstream(lambda request: turn, model="bench-model") as up:
    print(up.base_url, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
"""

_PRICES = "[models.bench-model]\ninput = 3.0\ncached_input = 0.3\noutput = 15.0\n"


def _body(api: str) -> dict[str, Any]:
    image = base64.b64encode(os.urandom(15_000)).decode()
    if api == "openai":
        return {
            "model": "bench-model",
            "messages": [
                {"role": "system", "content": "You test web apps."},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Here is the page. What next?"},
                        {
                            "type": "image_url",
                            "image_url": {"url": f"data:image/png;base64,{image}"},
                        },
                    ],
                },
            ],
            "tools": [{"type": "function", "function": {"name": "click", "parameters": {}}}],
        }
    return {
        "model": "bench-model",
        "max_tokens": 512,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Here is the page. What next?"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": image},
                    },
                ],
            }
        ],
        "tools": [{"name": "click", "input_schema": {"type": "object"}}],
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per side")
    parser.add_argument("--api", choices=["openai", "anthropic"], default="openai")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    upstream_url = child.stdout.readline().strip()
    path = "/chat/completions" if args.api == "openai" else "/messages"
    headers = {"anthropic-version": "2023-06-01"} if args.api == "anthropic" else {}
    payload = json.dumps(_body(args.api)).encode()
    headers["content-type"] = "application/json"

    with tempfile.TemporaryDirectory() as tmp:
        prices = Path(tmp) / "prices.toml"
        prices.write_text(_PRICES)
        config = UpstreamConfig(api=args.api, base_url=upstream_url, model="bench-model")
        budget = GatewayBudget(max_tokens=10**12, max_usd=10**6)  # checked on every call
        # TCP_NODELAY as async clients (anyio, asyncio) set it: without it the sync client's
        # separate header and body writes meet Nagle and delayed ACKs (~40 ms stalls).
        nodelay = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        with (
            Gateway(config, price_file=prices, budget=budget) as gw,
            httpx.Client(transport=nodelay) as client,
        ):
            targets = {"direct": upstream_url + path, "gateway": gw.base_url + path}
            times: dict[str, list[float]] = {"direct": [], "gateway": []}
            cpu: dict[str, float] = {"direct": 0.0, "gateway": 0.0}
            for i in range(args.warmup + args.calls):
                order = ("direct", "gateway") if i % 2 == 0 else ("gateway", "direct")
                for side in order:
                    c0, t0 = time.process_time(), time.perf_counter()
                    response = client.post(targets[side], content=payload, headers=headers)
                    elapsed = (time.perf_counter() - t0) * 1000
                    used = (time.process_time() - c0) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{side} call failed: {response.text}")
                    if i >= args.warmup:
                        times[side].append(elapsed)
                        cpu[side] += used
            usage = gw.usage()
    child.stdin.close()
    child.wait(timeout=30)

    direct, through = times["direct"], times["gateway"]
    added = [g - d for d, g in zip(direct, through, strict=True)]
    print(
        f"{args.calls} calls per side, interleaved, {args.api} wire format, "
        f"request {len(payload) / 1024:.0f} KiB, cpus={os.cpu_count()}, "
        f"load avg {os.getloadavg()[0]:.1f}"
    )
    print(f"{'':10} {'median ms':>10} {'p95 ms':>10} {'mean ms':>10} {'min ms':>10}")
    for name, values in (("direct", direct), ("gateway", through)):
        print(
            f"{name:10} {statistics.median(values):10.2f} {_pct(values, 0.95):10.2f} "
            f"{statistics.fmean(values):10.2f} {min(values):10.2f}"
        )
    median_added = statistics.median(through) - statistics.median(direct)
    print(
        f"added per call: median {median_added:.2f} ms (target <= 2 ms), "
        f"min {min(through) - min(direct):.2f} ms; paired differences: median "
        f"{statistics.median(added):.2f} ms, p95 {_pct(added, 0.95):.2f} ms"
    )
    # CPU time of this process (client + gateway thread; the upstream is another process):
    # what the gateway costs, mostly independent of how busy the machine is.
    cpu_added = (cpu["gateway"] - cpu["direct"]) / args.calls
    print(
        f"process CPU per call: direct {cpu['direct'] / args.calls:.2f} ms, gateway "
        f"{cpu['gateway'] / args.calls:.2f} ms, added {cpu_added:.2f} ms"
    )
    print(
        f"gateway ledger (warmup included): {usage.calls} calls, "
        f"{usage.input_tokens} input tokens, {usage.output_tokens} output tokens, "
        f"${usage.cost_usd:.4f}"
    )


if __name__ == "__main__":
    main()
