"""The `flags` app's API: Sprig & Spoon, a meal-kit subscription behind feature flags.

The browser's `flags` cookie (JSON such as {"beta":"on"} or {"experiment":"b"}) is read here
too: the beta programme switches search, the recipe price preview and the box to their new
services, and arm B of the pricing experiment gets the comparison-table pricing and a different
newsletter offer. All state lives in memory and `reset()` restores the seed in microseconds.
Seeded backend defects are `if "<bug-id>" in self.switches:` branches, checked per request.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontendx.suite._manifest import BugSwitches

SESSION_COOKIE = "sid"
FLAGS_COOKIE = "flags"
DELIVERY_CENTS = 699
FREE_DELIVERY_FROM_CENTS = 6000
FAMILY_DISCOUNT_PERCENT = 10
MIN_RECIPES = 2
MAX_RECIPES = 5
DELIVERY_DAYS = ("Monday", "Wednesday", "Friday")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

DIETS: list[dict[str, str]] = [
    {"id": "vegetarian", "name": "Vegetarian"},
    {"id": "vegan", "name": "Vegan"},
    {"id": "fish", "name": "Fish"},
    {"id": "meat", "name": "Meat"},
]


def _recipe(
    slug: str,
    name: str,
    diet: str,
    minutes: int,
    price: int,
    hue: int,
    description: str,
    ingredients: list[str],
    allergens: list[str],
    nutrition: tuple[int, int, int, int] | None,
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "diet": diet,
        "minutes": minutes,
        "price": price,
        "hue": hue,
        "description": description,
        "ingredients": ingredients,
        "allergens": allergens,
        "nutrition": (
            None
            if nutrition is None
            else dict(zip(("kcal", "protein", "carbs", "fat"), nutrition, strict=True))
        ),
    }


# in order of popularity (the menu's default order)
_RECIPES: list[dict[str, Any]] = [
    _recipe(
        "thai-green-curry",
        "Thai Green Curry",
        "vegan",
        30,
        649,
        130,
        "Crispy tofu and green beans in a fragrant coconut green curry, with jasmine rice.",
        ["Tofu", "Green curry paste", "Coconut milk", "Green beans", "Jasmine rice", "Lime"],
        ["Soy"],
        (610, 21, 74, 25),
    ),
    _recipe(
        "creme-fraiche-chicken",
        "Crème Fraîche Chicken",
        "meat",
        35,
        799,
        40,
        "Golden chicken thighs in a tarragon and crème fraîche sauce with crushed new potatoes.",
        ["Chicken thighs", "Crème fraîche", "Tarragon", "New potatoes", "Shallot"],
        ["Milk"],
        (720, 44, 38, 41),
    ),
    _recipe(
        "miso-glazed-salmon",
        "Miso Glazed Salmon",
        "fish",
        25,
        850,
        10,
        "Sweet and savoury miso salmon on sushi rice with sesame bok choy.",
        ["Salmon fillet", "White miso", "Bok choy", "Sushi rice", "Sesame seeds"],
        ["Fish", "Soy", "Sesame"],
        (640, 38, 62, 24),
    ),
    _recipe(
        "halloumi-traybake",
        "Halloumi Traybake",
        "vegetarian",
        40,
        700,
        55,
        "Roasted peppers, red onion and squeaky halloumi over herby couscous.",
        ["Halloumi", "Red pepper", "Red onion", "Couscous", "Mint"],
        ["Milk", "Gluten"],
        (690, 29, 61, 35),
    ),
    _recipe(
        "beef-ragu-pappardelle",
        "Beef Ragù Pappardelle",
        "meat",
        45,
        750,
        0,
        "A slow-simmered beef and tomato ragù tossed with ribbons of fresh pappardelle.",
        ["Beef mince", "Chopped tomatoes", "Pappardelle", "Celery", "Parmesan"],
        ["Gluten", "Egg", "Celery", "Milk"],
        (780, 42, 81, 28),
    ),
    _recipe(
        "black-bean-tacos",
        "Black Bean Tacos",
        "vegan",
        20,
        599,
        280,
        "Smoky black beans, charred corn and lime slaw in soft corn tortillas.",
        ["Black beans", "Corn tortillas", "Sweetcorn", "Red cabbage", "Lime", "Avocado"],
        [],
        (560, 18, 84, 17),
    ),
    _recipe(
        "lemon-herb-cod",
        "Lemon Herb Cod",
        "fish",
        30,
        899,
        200,
        "Flaky cod with a lemon and parsley crust, green beans and buttery potatoes.",
        ["Cod fillet", "Lemon", "Parsley", "Green beans", "Baby potatoes"],
        ["Fish", "Milk"],
        (520, 36, 45, 19),
    ),
    _recipe(
        "mushroom-risotto",
        "Mushroom Risotto",
        "vegetarian",
        40,
        649,
        25,
        "A creamy risotto of chestnut mushrooms, thyme and parmesan.",
        ["Arborio rice", "Chestnut mushrooms", "Thyme", "Parmesan", "Vegetable stock"],
        ["Milk", "Celery"],
        (650, 19, 92, 22),
    ),
    _recipe(
        "chicken-katsu-curry",
        "Chicken Katsu Curry",
        "meat",
        35,
        749,
        45,
        "Crunchy panko chicken with a mild katsu curry sauce and sticky rice.",
        ["Chicken breast", "Panko breadcrumbs", "Katsu curry sauce", "Rice", "Spring onion"],
        ["Gluten", "Egg"],
        (810, 47, 96, 24),
    ),
    _recipe(
        "sweet-potato-dal",
        "Sweet Potato Dal",
        "vegan",
        30,
        549,
        35,
        "Red lentils and sweet potato simmered with ginger and spinach, with warm flatbread.",
        ["Red lentils", "Sweet potato", "Spinach", "Ginger", "Flatbread"],
        ["Gluten"],
        (590, 22, 98, 11),
    ),
    _recipe(
        "pesto-gnocchi",
        "Pesto Gnocchi",
        "vegetarian",
        25,
        700,
        100,
        "Pan-fried gnocchi with basil pesto, blistered cherry tomatoes and rocket.",
        ["Potato gnocchi", "Basil pesto", "Cherry tomatoes", "Rocket", "Pine nuts"],
        ["Milk", "Gluten", "Nuts"],
        None,
    ),
    _recipe(
        "sticky-pork-noodles",
        "Sticky Pork Noodles",
        "meat",
        25,
        799,
        15,
        "Hoisin pork mince with egg noodles, pak choi and crunchy peanuts.",
        ["Pork mince", "Hoisin sauce", "Egg noodles", "Pak choi", "Peanuts"],
        ["Gluten", "Soy", "Egg", "Peanuts"],
        (750, 35, 79, 31),
    ),
]

_PLANS: list[dict[str, Any]] = [
    {
        "id": "basic",
        "name": "Basic",
        "monthly": 0,
        "tagline": "Pay per box, no membership fee.",
        "features": ["Order any week you like", "Free delivery on boxes of $60 or more"],
    },
    {
        "id": "plus",
        "name": "Plus",
        "monthly": 999,
        "tagline": "For regular home cooks.",
        "features": ["Free delivery on every box", "Pause or skip any week", "Member recipes"],
    },
    {
        "id": "family",
        "name": "Family",
        "monthly": 1499,
        "tagline": "For busy households.",
        "features": [
            "Free delivery on every box",
            "Pause or skip any week",
            "Member recipes",
            "A free dessert in every box",
        ],
    },
]
_POPULAR_PLAN = "plus"

_PROMOS: dict[str, dict[str, Any]] = {
    "WELCOME20": {"kind": "percent", "value": 20, "label": "20% off your recipes"},
    "FREEDELIVERY": {"kind": "delivery", "value": 0, "label": "Free delivery"},
}
# intended edits of the manifest's `changes` (switched like bugs, only in change builds)
_SPRING_PROMO = {"kind": "percent", "value": 10, "label": "10% off your recipes"}
LOWER_DELIVERY_CENTS = 599
_SALMON_DESCRIPTION = (
    "Miso-glazed salmon with sticky sushi rice, sesame bok choy and a squeeze of lime."
)

_USERS: dict[str, dict[str, Any]] = {
    "alice@example.com": {
        "password": "alice-pass-1",
        "name": "Alice Johnson",
        "phone": "503 555 0142",
        "membership": {"plan": "plus", "billing": "monthly", "since": "2024-09-01"},
        "pausedUntil": None,
    },
    "bob@example.com": {
        "password": "bob-pass-2",
        "name": "Bob Smith",
        "phone": "",
        "membership": None,
        "pausedUntil": None,
    },
}

_ALICE_ADDRESS = {
    "name": "Alice Johnson",
    "street": "12 Harbor Road",
    "city": "Portland",
    "zip": "97201",
}
_BOB_ADDRESS = {
    "name": "Bob Smith",
    "street": "42 Elm Street",
    "city": "Springfield",
    "zip": "62704",
}

_ORDERS: list[dict[str, Any]] = [
    {
        "id": 1001,
        "email": "alice@example.com",
        "placedAt": "2025-03-04T17:12:00Z",
        "deliveryDay": "Wednesday",
        "lines": [("thai-green-curry", 2), ("lemon-herb-cod", 2), ("sweet-potato-dal", 4)],
        "promo": None,
        "address": _ALICE_ADDRESS,
        "member": True,
    },
    {
        "id": 1002,
        "email": "alice@example.com",
        "placedAt": "2025-04-10T08:40:00Z",
        "deliveryDay": "Friday",
        "lines": [("miso-glazed-salmon", 2), ("pesto-gnocchi", 2)],
        "promo": "WELCOME20",
        "address": _ALICE_ADDRESS,
        "member": True,
    },
    {
        "id": 1003,
        "email": "bob@example.com",
        "placedAt": "2025-04-22T19:05:00Z",
        "deliveryDay": "Monday",
        "lines": [("beef-ragu-pappardelle", 4), ("black-bean-tacos", 2)],
        "promo": None,
        "address": _BOB_ADDRESS,
        "member": False,
    },
]


def _round_div(numerator: int, denominator: int) -> int:
    """Integer division rounding half up (all amounts are non-negative cents)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _dollars(cents: int) -> float:
    return round(cents / 100, 2)


def _fold(text: str) -> str:
    """Lower-case and without accents: 'Crème' -> 'creme'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _today() -> date:
    return datetime.now(UTC).date()


def _next_renewal(today: date) -> date:
    return date(today.year + 1, 1, 1) if today.month == 12 else date(today.year, today.month + 1, 1)


@dataclass(frozen=True)
class _Flags:
    beta: bool
    arm: str  # "a" or "b"
    raw: dict[str, str]


@dataclass
class _Session:
    user: str | None = None
    box: list[dict[str, Any]] = field(default_factory=list)  # [{slug, servings}]
    promo: str | None = None
    # the box as the old box service last saved it (its read model)
    saved_box: list[dict[str, Any]] = field(default_factory=list)
    saved_promo: str | None = None


class _SearchError(Exception):
    pass


class FlagsBackend:
    """ASGI app + reset(). One instance per hosted app process."""

    def __init__(self, switches: BugSwitches) -> None:
        self.switches = switches
        self.recipes: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.orders: list[dict[str, Any]] = []
        self.sessions: dict[str, _Session] = {}
        self.newsletter: dict[str, str] = {}
        self.next_order_id = 1004
        self.reset()
        self.app = Starlette(routes=self._routes())

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        self.recipes = {r["slug"]: copy.deepcopy(r) for r in _RECIPES}
        if "salmon-description-update" in self.switches:
            self.recipes["miso-glazed-salmon"]["description"] = _SALMON_DESCRIPTION
        self.users = copy.deepcopy(_USERS)
        self.orders = copy.deepcopy(_ORDERS)
        self.sessions = {}
        self.newsletter = {}
        self.next_order_id = 1004

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _routes(self) -> list[Route]:
        return [
            Route("/api/health", self.health),
            Route("/api/flags", self.get_flags),
            Route("/api/me", self.me),
            Route("/api/login", self.login, methods=["POST"]),
            Route("/api/logout", self.logout, methods=["POST"]),
            Route("/api/diets", self.diets),
            Route("/api/recipes", self.list_recipes),
            Route("/api/recipes/{slug}", self.get_recipe),
            Route("/api/recipes/{slug}/price", self.recipe_price),
            Route("/api/box", self.get_box),
            Route("/api/box/items", self.add_item, methods=["POST"]),
            Route("/api/box/items/{slug}", self.update_item, methods=["PATCH"]),
            Route("/api/box/items/{slug}", self.remove_item, methods=["DELETE"]),
            Route("/api/box/promo", self.apply_promo, methods=["POST"]),
            Route("/api/box/promo", self.remove_promo, methods=["DELETE"]),
            Route("/api/plans", self.plans),
            Route("/api/account", self.account),
            Route("/api/account/profile", self.update_profile, methods=["PATCH"]),
            Route("/api/membership", self.join, methods=["POST"]),
            Route("/api/membership", self.cancel, methods=["DELETE"]),
            Route("/api/membership/pause", self.pause, methods=["POST"]),
            Route("/api/membership/pause", self.resume, methods=["DELETE"]),
            Route("/api/orders", self.place_order, methods=["POST"]),
            Route("/api/orders/{oid:int}", self.get_order),
            Route("/api/newsletter", self.subscribe, methods=["POST"]),
            Route("/api/{rest:path}", self.not_found, methods=["GET", "POST", "PATCH", "DELETE"]),
        ]

    # -- helpers ---------------------------------------------------------------------------

    def _session(self, request: Request) -> tuple[str, _Session, bool]:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid and sid in self.sessions:
            return sid, self.sessions[sid], False
        sid = secrets.token_urlsafe(18)
        self.sessions[sid] = _Session()
        return sid, self.sessions[sid], True

    @staticmethod
    def _json(payload: dict[str, Any], status: int = 200, sid: str | None = None) -> Response:
        response = JSONResponse(payload, status_code=status)
        response.headers["cache-control"] = "no-store"
        if sid is not None:
            response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", path="/")
        return response

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _flags(request: Request) -> _Flags:
        raw = request.cookies.get(FLAGS_COOKIE) or ""
        parsed: Any = None
        for candidate in (raw, unquote(raw)):
            try:
                parsed = json.loads(candidate)
                break
            except ValueError:
                continue
        flags: dict[str, str] = {}
        if isinstance(parsed, dict):
            flags = {
                str(k): str(v)
                for k, v in parsed.items()
                if isinstance(v, str | int | float | bool) and len(str(k)) <= 40
            }
        return _Flags(
            beta=flags.get("beta") == "on",
            arm="b" if flags.get("experiment") == "b" else "a",
            raw=flags,
        )

    def _current_user(self, request: Request) -> str | None:
        sid = request.cookies.get(SESSION_COOKIE)
        session = self.sessions.get(sid or "")
        return session.user if session else None

    def _user_payload(self, email: str | None) -> dict[str, Any] | None:
        if email is None or email not in self.users:
            return None
        user = self.users[email]
        return {"email": email, "name": user["name"], "member": user["membership"] is not None}

    def _recipe_payload(self, r: dict[str, Any], detail: bool = False) -> dict[str, Any]:
        diet = next(d for d in DIETS if d["id"] == r["diet"])
        payload: dict[str, Any] = {
            "slug": r["slug"],
            "name": r["name"],
            "diet": r["diet"],
            "dietName": diet["name"],
            "minutes": r["minutes"],
            "pricePerServing": _dollars(r["price"]),
            "hue": r["hue"],
            "description": r["description"],
        }
        if detail:
            payload["ingredients"] = list(r["ingredients"])
            payload["allergens"] = list(r["allergens"])
            payload["nutrition"] = copy.deepcopy(r["nutrition"])
        return payload

    def _promos(self) -> dict[str, dict[str, Any]]:
        if "promo-spring10" in self.switches:
            return {**_PROMOS, "SPRING10": _SPRING_PROMO}
        return _PROMOS

    def _delivery_cents(self) -> int:
        return LOWER_DELIVERY_CENTS if "delivery-fee-599" in self.switches else DELIVERY_CENTS

    @staticmethod
    def _line_cents(price: int, servings: int) -> int:
        if servings == 4:
            return _round_div(price * 4 * (100 - FAMILY_DISCOUNT_PERCENT), 100)
        return price * servings

    def _is_member(self, email: str | None) -> bool:
        return email is not None and self.users[email]["membership"] is not None

    def _totals(
        self, lines: list[dict[str, Any]], promo: str | None, member: bool
    ) -> dict[str, Any]:
        items = []
        subtotal = 0
        for line in lines:
            r = self.recipes[line["slug"]]
            cents = self._line_cents(r["price"], line["servings"])
            subtotal += cents
            items.append(
                {
                    "slug": r["slug"],
                    "name": r["name"],
                    "diet": r["diet"],
                    "hue": r["hue"],
                    "servings": line["servings"],
                    "pricePerServing": _dollars(r["price"]),
                    "lineTotal": _dollars(cents),
                }
            )
        rule = self._promos().get(promo or "") if lines else None
        discount = 0
        free_by_promo = False
        if rule is not None and rule["kind"] == "percent":
            base = subtotal
            if "promo-discount-includes-delivery" in self.switches:
                base = subtotal + self._delivery_cents()
            discount = _round_div(base * rule["value"], 100)
        elif rule is not None and rule["kind"] == "delivery":
            free_by_promo = True
        after = subtotal - discount
        if "free-delivery-threshold-exclusive" in self.switches:
            over_threshold = after > FREE_DELIVERY_FROM_CENTS
        else:
            over_threshold = after >= FREE_DELIVERY_FROM_CENTS
        reason: str | None = None
        if not lines:
            delivery = 0
        elif member:
            delivery, reason = 0, "member"
        elif free_by_promo:
            delivery, reason = 0, "promo"
        elif over_threshold:
            delivery, reason = 0, "threshold"
        else:
            delivery = self._delivery_cents()
        return {
            "items": items,
            "recipeCount": len(lines),
            "servingCount": sum(line["servings"] for line in lines),
            "promo": (
                {"code": promo, "label": rule["label"]} if rule is not None and promo else None
            ),
            "subtotal": _dollars(subtotal),
            "discount": _dollars(discount),
            "delivery": _dollars(delivery),
            "deliveryFreeBecause": reason,
            "total": _dollars(after + delivery),
            "minRecipes": MIN_RECIPES,
            "maxRecipes": MAX_RECIPES,
        }

    def _box_payload(self, request: Request, session: _Session) -> dict[str, Any]:
        return self._totals(session.box, session.promo, self._is_member(session.user))

    def _box_saved(self, request: Request, session: _Session) -> None:
        """After a box change: the old box service saves its copy; the new one (beta) does not
        need to, its store is the box itself."""
        if not self._flags(request).beta:
            session.saved_box = copy.deepcopy(session.box)
            session.saved_promo = session.promo

    def _membership_payload(self, email: str) -> dict[str, Any] | None:
        user = self.users[email]
        m = user["membership"]
        if m is None:
            return None
        plan = next(p for p in _PLANS if p["id"] == m["plan"])
        price = plan["monthly"] if m["billing"] == "monthly" else plan["monthly"] * 10
        return {
            "plan": {"id": plan["id"], "name": plan["name"]},
            "billing": m["billing"],
            "price": _dollars(price),
            "since": m["since"],
            "renewsOn": _next_renewal(_today()).isoformat(),
            "pausedUntil": user["pausedUntil"],
        }

    def _order_payload(self, order: dict[str, Any]) -> dict[str, Any]:
        lines = [{"slug": slug, "servings": servings} for slug, servings in order["lines"]]
        totals = self._totals(lines, order["promo"], order["member"])
        return {
            "id": order["id"],
            "placedAt": order["placedAt"],
            "deliveryDay": order["deliveryDay"],
            "address": dict(order["address"]),
            **totals,
        }

    def _order_summary(self, order: dict[str, Any]) -> dict[str, Any]:
        full = self._order_payload(order)
        return {k: full[k] for k in ("id", "placedAt", "deliveryDay", "recipeCount", "total")}

    # -- routes: session, flags ------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return self._json({"ok": True})

    async def not_found(self, request: Request) -> Response:
        return self._json({"error": "Not found"}, 404)

    async def get_flags(self, request: Request) -> Response:
        flags = self._flags(request)
        return self._json({"beta": flags.beta, "experiment": flags.arm, "flags": flags.raw})

    async def me(self, request: Request) -> Response:
        return self._json({"user": self._user_payload(self._current_user(request))})

    async def login(self, request: Request) -> Response:
        body = await self._body(request)
        email = str(body.get("email", "")).strip().lower()
        password = str(body.get("password", ""))
        user = self.users.get(email)
        if user is None or not secrets.compare_digest(user["password"], password):
            return self._json({"error": "Email or password is incorrect."}, 401)
        sid, session, _ = self._session(request)
        session.user = email
        return self._json({"user": self._user_payload(email)}, sid=sid)

    async def logout(self, request: Request) -> Response:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid and sid in self.sessions:
            self.sessions[sid].user = None
        return self._json({"user": None})

    # -- routes: menu ----------------------------------------------------------------------

    async def diets(self, request: Request) -> Response:
        return self._json({"diets": DIETS})

    async def list_recipes(self, request: Request) -> Response:
        params = request.query_params
        query = params.get("q", "").strip()[:100]
        diet = params.get("diet", "").strip()
        sort = params.get("sort", "popular").strip()
        try:
            max_minutes = int(params["time"]) if params.get("time") else None
        except ValueError:
            max_minutes = None
        recipes = list(self.recipes.values())
        if query:
            try:
                if self._flags(request).beta:
                    recipes = await self._smart_search(recipes, query)
                else:
                    recipes = self._classic_search(recipes, query)
            except _SearchError:
                return self._json({"error": "Internal server error"}, 500)
        if diet:
            recipes = [r for r in recipes if r["diet"] == diet]
        if max_minutes is not None:
            recipes = [r for r in recipes if r["minutes"] <= max_minutes]
        if sort == "quickest":
            recipes.sort(key=lambda r: r["minutes"])
        elif sort == "price":
            recipes.sort(key=lambda r: r["price"])
        minutes = [r["minutes"] for r in recipes]
        if "empty-results-server-error" in self.switches:
            try:
                time_range: dict[str, int] | None = {"min": min(minutes), "max": max(minutes)}
            except ValueError:
                return self._json({"error": "Internal server error"}, 500)
        else:
            time_range = {"min": min(minutes), "max": max(minutes)} if minutes else None
        return self._json(
            {
                "recipes": [self._recipe_payload(r) for r in recipes],
                "total": len(recipes),
                "minutes": time_range,
            }
        )

    @staticmethod
    def _classic_search(recipes: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
        needle = query.casefold()
        return [
            r
            for r in recipes
            if needle in r["name"].casefold() or needle in r["description"].casefold()
        ]

    async def _smart_search(
        self, recipes: list[dict[str, Any]], query: str
    ) -> list[dict[str, Any]]:
        """Beta search: every word must occur in the name, description or ingredients, in any
        order, ignoring case and accents."""
        if "beta-accented-search-error" in self.switches:
            try:
                words = query.encode("ascii").decode().casefold().split()
            except UnicodeEncodeError as exc:
                raise _SearchError(str(exc)) from None
        else:
            words = _fold(query).split()
        if "beta-multiword-search-slow" in self.switches and len(words) > 1:
            # each extra word re-ranks the whole catalogue against the synonym service
            await asyncio.sleep(8.0 * (len(words) - 1))
        found = []
        for r in recipes:
            haystack = _fold(" ".join([r["name"], r["description"], *r["ingredients"]]))
            if all(w in haystack for w in words):
                found.append(r)
        return found

    async def get_recipe(self, request: Request) -> Response:
        recipe = self.recipes.get(request.path_params["slug"])
        if recipe is None:
            return self._json({"recipe": None})
        return self._json({"recipe": self._recipe_payload(recipe, detail=True)})

    async def recipe_price(self, request: Request) -> Response:
        recipe = self.recipes.get(request.path_params["slug"])
        if recipe is None:
            return self._json({"price": None})
        servings = 4 if request.query_params.get("servings") == "4" else 2
        if self._flags(request).beta:
            price = self._price_v2(recipe, servings)
        else:
            cents = self._line_cents(recipe["price"], servings)
            price = {
                "servings": servings,
                "pricePerServing": _dollars(recipe["price"]),
                "total": _dollars(cents),
            }
        return self._json({"price": price})

    def _price_v2(self, recipe: dict[str, Any], servings: int) -> dict[str, Any]:
        """The new pricing service (beta): also states the effective price per serving."""
        gross = recipe["price"] * servings
        discount = 0
        if servings == 4 or "beta-two-serving-family-discount" in self.switches:
            discount = gross - _round_div(gross * (100 - FAMILY_DISCOUNT_PERCENT), 100)
        total = gross - discount
        return {
            "servings": servings,
            "pricePerServing": _dollars(recipe["price"]),
            "total": _dollars(total),
            "discount": _dollars(discount),
            "effectivePerServing": _dollars(_round_div(total, servings)),
        }

    # -- routes: box -----------------------------------------------------------------------

    async def get_box(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        payload = self._box_payload(request, session)
        if "beta-box-lost-on-reload" in self.switches and self._flags(request).beta:
            # the new box service keeps the box, but loading it still asks the old one
            payload = self._totals(
                session.saved_box, session.saved_promo, self._is_member(session.user)
            )
        return self._json({"box": payload}, sid=sid if new else None)

    async def add_item(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        body = await self._body(request)
        slug = str(body.get("slug", ""))
        servings = 4 if body.get("servings") in (4, "4") else 2
        if slug not in self.recipes:
            return self._json({"error": "That recipe isn't on the menu."}, 422)
        if not any(line["slug"] == slug for line in session.box):
            if len(session.box) >= MAX_RECIPES:
                return self._json(
                    {"error": f"Your box is full: it holds up to {MAX_RECIPES} recipes."}, 422
                )
            session.box.append({"slug": slug, "servings": servings})
        self._box_saved(request, session)
        return self._json({"box": self._box_payload(request, session)}, sid=sid if new else None)

    async def update_item(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        body = await self._body(request)
        slug = request.path_params["slug"]
        line = next((ln for ln in session.box if ln["slug"] == slug), None)
        if line is None or body.get("servings") not in (2, 4, "2", "4"):
            return self._json({"error": "That recipe isn't in your box."}, 422)
        line["servings"] = int(body["servings"])
        if "promo-dropped-on-servings-change" in self.switches:
            session.promo = None
        self._box_saved(request, session)
        return self._json({"box": self._box_payload(request, session)}, sid=sid if new else None)

    async def remove_item(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        slug = request.path_params["slug"]
        session.box = [ln for ln in session.box if ln["slug"] != slug]
        if not session.box:
            session.promo = None
        self._box_saved(request, session)
        return self._json({"box": self._box_payload(request, session)}, sid=sid if new else None)

    async def apply_promo(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        body = await self._body(request)
        code = str(body.get("code", "")).strip().upper()
        error: str | None = None
        if not code:
            error = "Enter a promo code."
        elif code not in self._promos():
            error = "This promo code isn't valid."
        elif not session.box:
            error = "Add a recipe to your box first."
        else:
            session.promo = code
            self._box_saved(request, session)
        return self._json(
            {"box": self._box_payload(request, session), "error": error},
            sid=sid if new else None,
        )

    async def remove_promo(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        session.promo = None
        self._box_saved(request, session)
        return self._json({"box": self._box_payload(request, session)}, sid=sid if new else None)

    # -- routes: plans, membership, account ------------------------------------------------

    def _tagline(self, plan: dict[str, Any]) -> str:
        if plan["id"] == "family" and "family-tagline-four" in self.switches:
            return "For households of four or more."
        return str(plan["tagline"])

    async def plans(self, request: Request) -> Response:
        arm = self._flags(request).arm
        plans = []
        for p in _PLANS:
            monthly = p["monthly"]
            yearly = monthly * 10  # two months free
            per_month = _round_div(yearly, 12)
            if arm == "b" and "abtest-yearly-price-rounding" in self.switches:
                yearly = per_month * 12
            plans.append(
                {
                    "id": p["id"],
                    "name": p["name"],
                    "tagline": self._tagline(p),
                    "features": list(p["features"]),
                    "monthly": _dollars(monthly),
                    "yearly": _dollars(yearly),
                    "yearlyPerMonth": _dollars(per_month),
                    "popular": p["id"] == _POPULAR_PLAN,
                }
            )
        layout = "table" if arm == "b" else "cards"
        return self._json({"layout": layout, "plans": plans})

    async def account(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"account": None})
        return self._json({"account": self._account_payload(email)})

    def _account_payload(self, email: str) -> dict[str, Any]:
        user = self.users[email]
        mine = sorted(
            (o for o in self.orders if o["email"] == email), key=lambda o: o["id"], reverse=True
        )
        return {
            "profile": {"name": user["name"], "email": email, "phone": user["phone"]},
            "membership": self._membership_payload(email),
            "orders": [self._order_summary(o) for o in mine],
        }

    async def update_profile(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"account": None})
        body = await self._body(request)
        raw_name = str(body.get("name", ""))[:80]
        phone = str(body.get("phone", "")).strip()[:30]
        errors: dict[str, str] = {}
        if "profile-blank-name-accepted" in self.switches:
            if not raw_name:
                errors["name"] = "Enter your name."
        elif not raw_name.strip():
            errors["name"] = "Enter your name."
        digits = re.sub(r"[\s().-]", "", phone)
        if phone and not re.fullmatch(r"\+?1?\d{10}", digits):
            errors["phone"] = "Enter a 10-digit phone number."
            if "phone-error-example" in self.switches:
                errors["phone"] = "Enter a 10-digit phone number, like 503 555 0142."
        if errors:
            return self._json({"ok": False, "errors": errors})
        user = self.users[email]
        user["name"] = raw_name.strip()
        user["phone"] = phone
        return self._json(
            {"ok": True, "account": self._account_payload(email), "user": self._user_payload(email)}
        )

    async def join(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"account": None})
        body = await self._body(request)
        plan = str(body.get("plan", ""))
        billing = str(body.get("billing", "monthly"))
        if plan not in ("plus", "family") or billing not in ("monthly", "yearly"):
            return self._json({"ok": False, "error": "Choose a plan and how to pay."})
        user = self.users[email]
        since = user["membership"]["since"] if user["membership"] else _today().isoformat()
        user["membership"] = {"plan": plan, "billing": billing, "since": since}
        return self._json(
            {"ok": True, "account": self._account_payload(email), "user": self._user_payload(email)}
        )

    async def cancel(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"account": None})
        user = self.users[email]
        user["membership"] = None
        user["pausedUntil"] = None
        account = self._account_payload(email)
        if "membership-cancel-crash" in self.switches:
            # a cancelled membership is kept as a record with its plan cleared
            account["membership"] = {
                "plan": None,
                "billing": None,
                "price": None,
                "since": None,
                "renewsOn": None,
                "pausedUntil": None,
                "status": "cancelled",
            }
        return self._json({"ok": True, "account": account, "user": self._user_payload(email)})

    async def pause(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"account": None})
        body = await self._body(request)
        until = str(body.get("until", "")).strip()
        user = self.users[email]
        error: str | None = None
        if user["membership"] is None:
            error = "Only members can pause deliveries."
        elif not _ISO_DATE.match(until):
            error = "Choose the date to pause until."
        else:
            try:
                day = date.fromisoformat(until)
            except ValueError:
                day = None
            if day is None:
                error = "Choose the date to pause until."
            elif day <= _today():
                error = "Choose a date after today."
        if error is not None:
            return self._json({"ok": False, "error": error})
        user["pausedUntil"] = until
        return self._json({"ok": True, "account": self._account_payload(email)})

    async def resume(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"account": None})
        self.users[email]["pausedUntil"] = None
        return self._json({"ok": True, "account": self._account_payload(email)})

    # -- routes: orders --------------------------------------------------------------------

    async def place_order(self, request: Request) -> Response:
        _, session, _ = self._session(request)
        email = session.user
        if email is None:
            return self._json({"ok": False, "errors": {"form": "Please sign in to order."}})
        body = await self._body(request)
        address = {k: str(body.get(k, "")).strip()[:100] for k in ("name", "street", "city", "zip")}
        day = str(body.get("deliveryDay", ""))
        raw_items = body.get("items")
        lines: list[dict[str, Any]] = []
        if isinstance(raw_items, list):
            for item in raw_items:
                if not isinstance(item, dict):
                    continue
                slug = str(item.get("slug", ""))
                servings = 4 if item.get("servings") in (4, "4") else 2
                if slug in self.recipes and all(ln["slug"] != slug for ln in lines):
                    lines.append({"slug": slug, "servings": servings})
        promo = str(body.get("promo") or "").upper() or None
        if promo not in self._promos():
            promo = None
        errors: dict[str, str] = {}
        if not MIN_RECIPES <= len(lines) <= MAX_RECIPES:
            errors["form"] = f"A box holds {MIN_RECIPES} to {MAX_RECIPES} recipes."
        if not address["name"]:
            errors["name"] = "Enter the recipient's name."
        if not address["street"]:
            errors["street"] = "Enter a street address."
        if not address["city"]:
            errors["city"] = "Enter a city."
        if not _ZIP.match(address["zip"]):
            errors["zip"] = "Enter a 5-digit ZIP code."
            if "zip-error-example" in self.switches:
                errors["zip"] = "Enter a 5-digit ZIP code, like 97201."
        if day not in DELIVERY_DAYS:
            errors["deliveryDay"] = "Choose a delivery day."
        if errors:
            return self._json({"ok": False, "errors": errors})
        order = {
            "id": self.next_order_id,
            "email": email,
            "placedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "deliveryDay": day,
            "lines": [(ln["slug"], ln["servings"]) for ln in lines],
            "promo": promo,
            "address": address,
            "member": self._is_member(email),
        }
        self.next_order_id += 1
        self.orders.append(order)
        session.box = []
        session.promo = None
        session.saved_box = []
        session.saved_promo = None
        return self._json({"ok": True, "order": self._order_payload(order)})

    async def get_order(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"order": None, "signedIn": False})
        oid = request.path_params["oid"]
        order = next((o for o in self.orders if o["id"] == oid), None)
        visible = order is not None and (
            order["email"] == email or "order-owner-unchecked" in self.switches
        )
        if order is None or not visible:
            return self._json({"order": None, "signedIn": True})
        return self._json({"order": self._order_payload(order), "signedIn": True})

    # -- routes: newsletter ----------------------------------------------------------------

    async def subscribe(self, request: Request) -> Response:
        body = await self._body(request)
        email = str(body.get("email", "")).strip()[:200]
        arm = self._flags(request).arm
        check = not (arm == "b" and "abtest-newsletter-email-unchecked" in self.switches)
        if check and not _EMAIL.match(email):
            return self._json({"ok": False, "error": "Enter a valid email address."})
        key = email.lower()
        if key in self.newsletter:
            return self._json({"ok": True, "message": "You're already on the list. Thank you!"})
        self.newsletter[key] = arm
        if arm == "b":
            message = "You're in! Your $10 welcome code is on its way to your inbox."
        else:
            message = "Thanks! The Friday recipe letter is on its way."
            if "newsletter-thanks-friday" in self.switches:
                message = "Thanks for subscribing! Your first recipe letter arrives on Friday."
        return self._json({"ok": True, "message": message})


def create_backend(switches: BugSwitches) -> FlagsBackend:
    return FlagsBackend(switches)
