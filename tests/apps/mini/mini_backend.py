"""Backend of the `mini` test app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ITEMS = [
    {"name": "tea", "amount": 1},
    {"name": "coffee", "amount": 2},
    {"name": "cocoa", "amount": 3},
]


class MiniBackend:
    def __init__(self, switches: Any) -> None:
        self.switches = switches
        # survives reset() on purpose: lets tests build a claim that fails in some replays only
        self.visits = 0
        self.app = Starlette(
            routes=[
                Route("/api/items", self.items),
                Route("/api/style", self.style),
                Route("/api/visits", self.count_visit),
            ]
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def reset(self) -> None:
        pass

    async def items(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        if q and "search-500" in self.switches:
            return JSONResponse({"error": "internal"}, status_code=500)
        items = [i for i in ITEMS if q in i["name"]]
        total = sum(i["amount"] for i in items) + (1 if "total-off" in self.switches else 0)
        return JSONResponse({"items": items, "total": total})

    async def count_visit(self, request: Request) -> Response:
        self.visits += 1
        return JSONResponse({"visits": self.visits})

    async def style(self, request: Request) -> Response:
        narrow = "narrow-overlap" in self.switches
        css = ".bar button{position:relative}" + (
            "@media (max-width:600px){.bar button+button{left:-60px}}" if narrow else ""
        )
        return JSONResponse({"css": css})


def create_backend(switches: Any) -> MiniBackend:
    return MiniBackend(switches)
