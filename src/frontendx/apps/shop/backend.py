"""The `shop` app's API: catalog, cart, coupons, checkout, orders, sign-in.

All state lives in memory and `reset()` restores the seed in microseconds. Seeded backend
defects are `if "<bug-id>" in self.switches:` branches, checked per request.
"""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontendx.suite._manifest import BugSwitches

SESSION_COOKIE = "sid"
TAX_RATE_PERCENT = 8
SHIPPING_CENTS = 599
FREE_SHIPPING_FROM_CENTS = 5000
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")

CATEGORIES: list[dict[str, str]] = [
    {"id": "kitchen", "name": "Kitchen"},
    {"id": "outdoors", "name": "Outdoors"},
    {"id": "office", "name": "Office"},
]

_PRODUCTS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "Chef's Knife",
        "category": "kitchen",
        "price": 4995,
        "stock": 12,
        "color": "#8d6e63",
        "description": (
            "An 8-inch forged stainless steel knife with a full tang and a walnut handle."
        ),
        "features": ["8-inch forged blade", "Walnut handle", "Hand wash only"],
    },
    {
        "id": 2,
        "name": "Cast Iron Skillet",
        "category": "kitchen",
        "price": 3450,
        "stock": 8,
        "color": "#455a64",
        "description": (
            "A pre-seasoned 10-inch skillet that goes from stovetop to oven to campfire."
        ),
        "features": ["10-inch cooking surface", "Pre-seasoned", "Oven safe to 500 °F"],
    },
    {
        "id": 3,
        "name": "Pour-Over Coffee Set",
        "category": "kitchen",
        "price": 2780,
        "stock": 15,
        "color": "#6d4c41",
        "description": "A ceramic dripper, a glass carafe and 40 paper filters for a clean cup.",
        "features": ["Ceramic dripper", "600 ml glass carafe", "40 filters included"],
    },
    {
        "id": 4,
        "name": "Bamboo Cutting Board",
        "category": "kitchen",
        "price": 1825,
        "stock": 20,
        "color": "#c0a062",
        "description": "A lightweight bamboo board with a juice groove on one side.",
        "features": ["45 x 30 cm", "Juice groove", "Reversible"],
    },
    {
        "id": 5,
        "name": "Trail Water Bottle",
        "category": "outdoors",
        "price": 1850,
        "stock": 30,
        "color": "#00897b",
        "description": "A 750 ml insulated steel bottle that keeps drinks cold for 24 hours.",
        "features": ["750 ml", "Double-wall insulated", "Leak-proof lid"],
    },
    {
        "id": 6,
        "name": "Packable Rain Jacket",
        "category": "outdoors",
        "price": 8990,
        "stock": 6,
        "color": "#1e88e5",
        "description": "A waterproof, breathable shell that packs into its own pocket.",
        "features": ["Waterproof 10,000 mm", "Packs into chest pocket", "Adjustable hood"],
    },
    {
        "id": 7,
        "name": "Ridge Headlamp",
        "category": "outdoors",
        "price": 2240,
        "stock": 14,
        "color": "#f4511e",
        "description": "A rechargeable 300-lumen headlamp with a red night mode.",
        "features": [],
    },
    {
        "id": 8,
        "name": "Enamel Camp Mug",
        "category": "outdoors",
        "price": 2499,
        "stock": 25,
        "color": "#43a047",
        "description": "A 350 ml enamel-coated steel mug, at home on the trail and at the desk.",
        "features": ["350 ml", "Enamel-coated steel", "Stackable"],
    },
    {
        "id": 9,
        "name": "Linen Notebook",
        "category": "office",
        "price": 1275,
        "stock": 40,
        "color": "#9e9d24",
        "description": "A5 notebook with a linen cover and 192 dotted pages.",
        "features": ["A5", "192 dotted pages", "Lay-flat binding"],
    },
    {
        "id": 10,
        "name": "Brass Desk Lamp",
        "category": "office",
        "price": 6499,
        "stock": 5,
        "color": "#c49000",
        "description": "A solid brass lamp with an adjustable arm and a warm LED bulb.",
        "features": ["Adjustable arm", "Warm LED bulb included", "Solid brass"],
    },
    {
        "id": 11,
        "name": "Wireless Ergonomic Mouse",
        "category": "office",
        "price": 3999,
        "stock": 18,
        "color": "#5e35b1",
        "description": "A vertical mouse that keeps your wrist in a natural handshake position.",
        "features": ["Vertical grip", "Bluetooth and USB receiver", "Rechargeable"],
    },
    {
        "id": 12,
        "name": "Pen & Ink Set",
        "category": "office",
        "price": 2935,
        "stock": 10,
        "color": "#283593",
        "description": "A steel-nib fountain pen with a bottle of blue-black ink.",
        "features": ["Fine steel nib", "30 ml ink bottle", "Converter included"],
    },
]

_USERS: dict[str, dict[str, str]] = {
    "alice@example.com": {"password": "alice-pass-1", "name": "Alice Johnson", "role": "user"},
    "bob@example.com": {"password": "bob-pass-2", "name": "Bob Smith", "role": "user"},
    "admin@example.com": {"password": "admin-pass-3", "name": "Store Admin", "role": "admin"},
}

_COUPONS: dict[str, dict[str, Any]] = {
    "SAVE10": {"kind": "percent", "value": 10, "label": "10% off your order"},
    "WELCOME5": {"kind": "amount", "value": 500, "min": 3000, "label": "$5 off orders of $30+"},
    "FREESHIP": {"kind": "shipping", "value": 0, "label": "Free shipping"},
}
# intended edits of the app's changes (app.yaml `changes`): on only in a change's head build
_SPRING_COUPON = {"kind": "percent", "value": 15, "label": "15% off your order"}
_REWORDED_COUPON_LABELS = {
    "SAVE10": "10% off everything in your cart",
    "WELCOME5": "$5 off when you spend $30 or more",
    "FREESHIP": "Free standard shipping",
}


def _order(
    oid: int,
    email: str,
    placed: str,
    lines: list[tuple[int, int]],
    ship: dict[str, str],
    coupon: str | None = None,
) -> dict[str, Any]:
    return {
        "id": oid,
        "email": email,
        "placedAt": placed,
        "lines": [{"productId": pid, "quantity": qty} for pid, qty in lines],
        "coupon": coupon,
        "shipping": ship,
    }


_ALICE_SHIP = {
    "name": "Alice Johnson",
    "address": "12 Harbor Road",
    "city": "Portland",
    "zip": "97201",
}
_BOB_SHIP = {"name": "Bob Smith", "address": "42 Elm Street", "city": "Springfield", "zip": "62704"}

_ORDERS: list[dict[str, Any]] = [
    _order(1001, "alice@example.com", "2024-11-03T15:20:00Z", [(3, 1), (9, 2)], _ALICE_SHIP),
    _order(1002, "alice@example.com", "2025-01-18T09:05:00Z", [(6, 1)], _ALICE_SHIP, "SAVE10"),
    _order(1003, "bob@example.com", "2025-02-02T18:45:00Z", [(10, 1), (12, 1)], _BOB_SHIP),
]


def _round_div(numerator: int, denominator: int) -> int:
    """Integer division rounding half up (all amounts are non-negative cents)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _dollars(cents: int) -> float:
    return round(cents / 100, 2)


@dataclass
class _Session:
    user: str | None = None
    cart: list[dict[str, int]] = field(default_factory=list)  # [{productId, quantity}]
    coupon: str | None = None


class ShopBackend:
    """ASGI app + reset(). One instance per hosted app process."""

    def __init__(self, switches: BugSwitches) -> None:
        self.switches = switches
        self.products: dict[int, dict[str, Any]] = {}
        self.users: dict[str, dict[str, str]] = {}
        self.orders: list[dict[str, Any]] = []
        self.sessions: dict[str, _Session] = {}
        self._order_list_cache: dict[str, list[dict[str, Any]]] = {}
        self.next_order_id = 1004
        self.reset()
        self.app = Starlette(routes=self._routes())

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        self.products = {p["id"]: copy.deepcopy(p) for p in _PRODUCTS}
        self.users = copy.deepcopy(_USERS)
        self.orders = copy.deepcopy(_ORDERS)
        self.sessions = {}
        self._order_list_cache = {}
        self.next_order_id = 1004

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _routes(self) -> list[Route]:
        return [
            Route("/api/health", self.health),
            Route("/api/me", self.me),
            Route("/api/login", self.login, methods=["POST"]),
            Route("/api/logout", self.logout, methods=["POST"]),
            Route("/api/categories", self.categories),
            Route("/api/products", self.list_products),
            Route("/api/products/{pid:int}", self.get_product),
            Route("/api/cart", self.get_cart),
            Route("/api/cart/items", self.add_item, methods=["POST"]),
            Route("/api/cart/items/{pid:int}", self.update_item, methods=["PATCH"]),
            Route("/api/cart/items/{pid:int}", self.remove_item, methods=["DELETE"]),
            Route("/api/cart/coupon", self.apply_coupon, methods=["POST"]),
            Route("/api/cart/coupon", self.remove_coupon, methods=["DELETE"]),
            Route("/api/checkout", self.checkout, methods=["POST"]),
            Route("/api/orders", self.list_orders),
            Route("/api/orders/{oid:int}", self.get_order),
            Route("/api/admin/orders", self.admin_orders),
            Route("/api/{rest:path}", self.not_found),
        ]

    # -- helpers ---------------------------------------------------------------------------

    def _session(self, request: Request) -> tuple[str, _Session, bool]:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid and sid in self.sessions:
            return sid, self.sessions[sid], False
        sid = secrets.token_urlsafe(18)
        session = _Session()
        self.sessions[sid] = session
        return sid, session, True

    @staticmethod
    def _json(data: Any, status: int = 200, sid: str | None = None) -> JSONResponse:
        response = JSONResponse(data, status_code=status, headers={"cache-control": "no-store"})
        if sid is not None:
            response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", path="/")
        return response

    def _user_payload(self, email: str | None) -> dict[str, str] | None:
        if email is None or email not in self.users:
            return None
        user = self.users[email]
        return {"email": email, "name": user["name"], "role": user["role"]}

    def _product_payload(self, p: dict[str, Any]) -> dict[str, Any]:
        cat = next(c for c in CATEGORIES if c["id"] == p["category"])
        features: list[str] | None = list(p["features"])
        if "product-empty-features-null" in self.switches:
            features = features or None  # "no features" serialised as null
        return {
            "id": p["id"],
            "name": p["name"],
            "category": p["category"],
            "categoryName": cat["name"],
            "price": _dollars(p["price"]),
            "stock": p["stock"],
            "color": p["color"],
            "description": p["description"],
            "features": features,
        }

    def _totals(self, lines: list[dict[str, int]], coupon: str | None) -> dict[str, Any]:
        items = []
        subtotal = 0
        for line in lines:
            p = self.products[line["productId"]]
            line_total = p["price"] * line["quantity"]
            subtotal += line_total
            items.append(
                {
                    "productId": p["id"],
                    "name": p["name"],
                    "color": p["color"],
                    "unitPrice": _dollars(p["price"]),
                    "quantity": line["quantity"],
                    "stock": p["stock"],
                    "lineTotal": _dollars(line_total),
                }
            )
        discount = 0
        free_shipping = False
        rule = self._coupon_rule(coupon)
        if rule is not None and lines:
            if rule["kind"] == "percent":
                base = subtotal
                if "percent-coupon-first-line" in self.switches:
                    first = lines[0]
                    base = self.products[first["productId"]]["price"] * first["quantity"]
                discount = _round_div(base * rule["value"], 100)
            elif rule["kind"] == "amount" and subtotal >= rule.get("min", 0):
                discount = min(rule["value"], subtotal)
            elif rule["kind"] == "shipping":
                free_shipping = True
        taxable = subtotal - discount
        if "tax-on-gross-subtotal" in self.switches:
            taxable = subtotal
        tax = _round_div(taxable * TAX_RATE_PERCENT, 100)
        if not lines or free_shipping or subtotal - discount >= FREE_SHIPPING_FROM_CENTS:
            shipping = 0
        else:
            shipping = SHIPPING_CENTS
        total = subtotal - discount + tax + shipping
        return {
            "items": items,
            "itemCount": sum(line["quantity"] for line in lines),
            "coupon": (
                {"code": coupon, "label": rule["label"]} if rule is not None and coupon else None
            ),
            "subtotal": _dollars(subtotal),
            "discount": _dollars(discount),
            "tax": _dollars(tax),
            "taxRate": TAX_RATE_PERCENT,
            "shipping": _dollars(shipping),
            "total": _dollars(total),
        }

    def _coupon_rule(self, code: str | None) -> dict[str, Any] | None:
        if code == "SPRING15" and "spring15-coupon-added" in self.switches:
            return _SPRING_COUPON
        rule = _COUPONS.get(code or "")
        if rule is not None and "coupon-labels-reworded" in self.switches:
            return {**rule, "label": _REWORDED_COUPON_LABELS[code or ""]}
        return rule

    def _cart_payload(self, session: _Session) -> dict[str, Any]:
        return self._totals(session.cart, session.coupon)

    def _order_payload(self, order: dict[str, Any], detail: bool = True) -> dict[str, Any]:
        totals = self._totals(order["lines"], order["coupon"])
        payload: dict[str, Any] = {
            "id": order["id"],
            "placedAt": order["placedAt"],
            "itemCount": totals["itemCount"],
            "total": totals["total"],
        }
        if detail:
            payload.update(totals)
            payload["shippingAddress"] = order["shipping"]
        return payload

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _current_user(self, request: Request) -> str | None:
        sid = request.cookies.get(SESSION_COOKIE)
        session = self.sessions.get(sid or "")
        return session.user if session else None

    # -- routes ----------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return self._json({"ok": True})

    async def not_found(self, request: Request) -> Response:
        return self._json({"error": "Not found"}, 404)

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

    async def categories(self, request: Request) -> Response:
        return self._json({"categories": CATEGORIES})

    async def list_products(self, request: Request) -> Response:
        params = request.query_params
        query = params.get("q", "").strip()
        category = params.get("category", "").strip()
        try:
            low = round(float(params["min"]) * 100) if params.get("min") else None
            high = round(float(params["max"]) * 100) if params.get("max") else None
        except ValueError:
            return self._json({"error": "Prices must be numbers."}, 400)
        products = list(self.products.values())
        if "catalog-sorted-by-name" in self.switches:
            products.sort(key=lambda p: str(p["name"]).casefold())
        if query:
            try:
                products = self._search(products, query)
            except _QueryError:
                return self._json({"error": "Internal server error"}, 500)
        if category:
            products = [p for p in products if p["category"] == category]
        if low is not None:
            products = [p for p in products if p["price"] >= low]
        if high is not None:
            if "price-max-exclusive" in self.switches:
                products = [p for p in products if p["price"] < high]
            else:
                products = [p for p in products if p["price"] <= high]
        return self._json({"products": [self._product_payload(p) for p in products]})

    def _search(self, products: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
        if "search-quote-error" in self.switches:
            # a hand-built filter expression, "parsed" back: quotes are not escaped
            expression = f"SELECT * FROM products WHERE name LIKE '%{query}%'"
            if expression.count("'") % 2:
                raise _QueryError("unterminated string literal")
        needle = query.casefold()
        by_category = "search-matches-category" in self.switches
        names = {c["id"]: c["name"].casefold() for c in CATEGORIES}
        return [
            p
            for p in products
            if needle in p["name"].casefold()
            or needle in p["description"].casefold()
            or (by_category and needle in names[p["category"]])
        ]

    async def get_product(self, request: Request) -> Response:
        product = self.products.get(request.path_params["pid"])
        if product is None:
            return self._json({"error": "Product not found"}, 404)
        return self._json({"product": self._product_payload(product)})

    async def get_cart(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        return self._json({"cart": self._cart_payload(session)}, sid=sid if new else None)

    async def add_item(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        body = await self._body(request)
        try:
            pid = int(body.get("productId", 0))
            qty = int(body.get("quantity", 1))
        except (TypeError, ValueError):
            return self._json({"error": "Invalid item."}, 400)
        product = self.products.get(pid)
        if product is None or qty < 1:
            return self._json({"error": "Invalid item."}, 400)
        line = next((ln for ln in session.cart if ln["productId"] == pid), None)
        if line is None:
            session.cart.append({"productId": pid, "quantity": min(qty, product["stock"])})
        else:
            line["quantity"] = min(line["quantity"] + qty, product["stock"])
        return self._json({"cart": self._cart_payload(session)}, sid=sid if new else None)

    async def update_item(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        body = await self._body(request)
        pid = request.path_params["pid"]
        try:
            qty = int(body.get("quantity", 0))
        except (TypeError, ValueError):
            return self._json({"error": "Invalid quantity."}, 400)
        line = next((ln for ln in session.cart if ln["productId"] == pid), None)
        if line is None:
            return self._json({"error": "Item is not in the cart."}, 404)
        qty = max(1, min(qty, self.products[pid]["stock"]))
        if "cart-quantity-unsaved" in self.switches:
            lines = [
                {**ln, "quantity": qty} if ln["productId"] == pid else dict(ln)
                for ln in session.cart
            ]
            cart = self._totals(lines, session.coupon)
            return self._json({"cart": cart}, sid=sid if new else None)
        line["quantity"] = qty
        return self._json({"cart": self._cart_payload(session)}, sid=sid if new else None)

    async def remove_item(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        pid = request.path_params["pid"]
        session.cart = [ln for ln in session.cart if ln["productId"] != pid]
        if not session.cart:
            session.coupon = None
        return self._json({"cart": self._cart_payload(session)}, sid=sid if new else None)

    async def apply_coupon(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        body = await self._body(request)
        code = str(body.get("code", "")).strip().upper()
        if self._coupon_rule(code) is None:
            return self._json({"error": "This coupon code isn't valid."}, 422)
        if not session.cart:
            return self._json({"error": "Add something to your cart first."}, 422)
        session.coupon = code
        return self._json({"cart": self._cart_payload(session)}, sid=sid if new else None)

    async def remove_coupon(self, request: Request) -> Response:
        sid, session, new = self._session(request)
        session.coupon = None
        return self._json({"cart": self._cart_payload(session)}, sid=sid if new else None)

    async def checkout(self, request: Request) -> Response:
        _, session, _ = self._session(request)
        if session.user is None:
            return self._json({"error": "Please sign in to check out."}, 401)
        body = await self._body(request)
        ship = {k: str(body.get(k, "")).strip() for k in ("name", "address", "city", "zip")}
        errors: dict[str, str] = {}
        if not session.cart:
            errors["cart"] = "Your cart is empty."
        if not ship["name"]:
            errors["name"] = "Enter the recipient's full name."
        if not ship["address"]:
            errors["address"] = "Enter a street address."
        if not ship["city"]:
            errors["city"] = (
                "Enter the city or town."
                if "checkout-city-message-reworded" in self.switches
                else "Enter a city."
            )
        if "checkout-zip-unchecked" not in self.switches and not _ZIP.match(ship["zip"]):
            errors["zip"] = "Enter a valid 5-digit ZIP code."
        if errors:
            return self._json({"errors": errors}, 422)
        order = {
            "id": self.next_order_id,
            "email": session.user,
            "placedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lines": [dict(ln) for ln in session.cart],
            "coupon": session.coupon,
            "shipping": ship,
        }
        self.next_order_id += 1
        for line in session.cart:
            product = self.products[line["productId"]]
            product["stock"] = max(0, product["stock"] - line["quantity"])
        self.orders.append(order)
        if "order-list-cache-stale" not in self.switches:
            self._order_list_cache.pop(session.user, None)
        session.cart = []
        session.coupon = None
        return self._json({"order": self._order_payload(order)}, 201)

    async def list_orders(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"error": "Please sign in."}, 401)
        if email not in self._order_list_cache:
            mine = [o for o in self.orders if o["email"] == email]
            mine.sort(key=lambda o: o["id"], reverse=True)
            self._order_list_cache[email] = [self._order_payload(o, detail=False) for o in mine]
        return self._json({"orders": self._order_list_cache[email]})

    async def get_order(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"error": "Please sign in."}, 401)
        order = next((o for o in self.orders if o["id"] == request.path_params["oid"]), None)
        visible = order is not None and (
            order["email"] == email or "order-owner-unchecked" in self.switches
        )
        if order is None or not visible:
            return self._json({"error": "Order not found"}, 404)
        return self._json({"order": self._order_payload(order)})

    async def admin_orders(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"error": "Please sign in."}, 401)
        if self.users[email]["role"] != "admin" and "admin-role-unchecked" not in self.switches:
            return self._json({"error": "You don't have access to this page."}, 403)
        orders = sorted(self.orders, key=lambda o: o["id"], reverse=True)
        rows = []
        for order in orders:
            row = self._order_payload(order, detail=False)
            row["customer"] = self.users[order["email"]]["name"]
            row["email"] = order["email"]
            rows.append(row)
        return self._json({"orders": rows})


class _QueryError(Exception):
    pass


def create_backend(switches: BugSwitches) -> ShopBackend:
    return ShopBackend(switches)
