"""Backend of the `minipr` test app: the `mini` list with changes to review (every switch is
a backend one, so no build is needed per change)."""

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


class MiniPrBackend:
    def __init__(self, switches: Any) -> None:
        self.switches = switches
        self.app = Starlette(
            routes=[Route("/api/items", self.items), Route("/api/style", self.style)]
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def reset(self) -> None:
        pass

    async def items(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        if q and "search-500" in self.switches:
            return JSONResponse({"error": "internal"}, status_code=500)
        every = ITEMS + ([{"name": "chai", "amount": 4}] if "chai-item" in self.switches else [])
        items = [i for i in every if q in i["name"]]
        total = sum(i["amount"] for i in items) + (1 if "total-off" in self.switches else 0)
        return JSONResponse({"items": items, "total": total})

    async def style(self, request: Request) -> Response:
        ocean = "ocean-theme" in self.switches
        css = "h1{color:#0b5394}.bar button{background:#0b5394;color:#fff}" if ocean else ""
        if "pale-total" in self.switches:
            css += "[data-testid=total]{color:#c8c8c8}"
        tagline = "Fresh every day" if "tagline-copy" in self.switches else "Our list"
        return JSONResponse(
            {"css": css, "theme": "ocean" if ocean else "classic", "tagline": tagline}
        )


def create_backend(switches: Any) -> MiniPrBackend:
    return MiniPrBackend(switches)
