"""The `admin` app's API: customer records, users, audit log and sign-in for a back office.

All state lives in memory and `reset()` restores the seed in microseconds. Seeded backend
defects are `if "<bug-id>" in self.switches:` branches, checked per request.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontendx.suite._manifest import BugSwitches

SESSION_COOKIE = "sid"
TEAMS = ["Atlantic", "Pacific"]
PLANS = ["Starter", "Growth", "Enterprise"]
STATUSES = ["active", "trial", "paused", "churned"]
SORTS = {"name", "seats", "mrr", "renewal"}
PAGE_SIZE = 10
AUDIT_PAGE_SIZE = 15
MAX_SEATS = 5000
MAX_MRR_CENTS = 100_000_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_FIRST_NEW_ID = 142

_USERS: list[dict[str, Any]] = [
    {
        "id": 1,
        "email": "admin@example.com",
        "password": "admin-pass-9",
        "name": "Ada Park",
        "role": "admin",
        "team": None,
        "active": True,
    },
    {
        "id": 2,
        "email": "maya@example.com",
        "password": "maya-pass-1",
        "name": "Maya Chen",
        "role": "editor",
        "team": "Pacific",
        "active": True,
    },
    {
        "id": 3,
        "email": "leo@example.com",
        "password": "leo-pass-2",
        "name": "Leo Grant",
        "role": "editor",
        "team": "Atlantic",
        "active": True,
    },
    {
        "id": 4,
        "email": "priya@example.com",
        "password": "priya-pass-4",
        "name": "Priya Nair",
        "role": "editor",
        "team": "Pacific",
        "active": True,
    },
    {
        "id": 5,
        "email": "sam@example.com",
        "password": "sam-pass-5",
        "name": "Sam Ortiz",
        "role": "editor",
        "team": "Atlantic",
        "active": False,
    },
]

# id, name, email, team, plan, status, seats, mrr (cents), signup, renewal, archived
_Row = tuple[int, str, str, str, str, str, int, int, str, str | None, bool]
_CUSTOMER_ROWS: list[_Row] = [
    # Pacific team
    (101, "Alder Street Pharmacy", "office@alderstreet.example", "Pacific", "Growth", "active",
     14, 112000, "2023-02-10", "2025-08-10", False),
    (102, "Northwind Freight", "billing@northwind.example", "Pacific", "Enterprise", "active",
     210, 1240000, "2020-11-30", "2025-11-30", False),
    (103, "Bayview Dental", "frontdesk@bayviewdental.example", "Pacific", "Growth", "active",
     18, 145000, "2023-04-12", "2025-04-12", False),
    (104, "Cedar & Pine Studio", "hello@cedarpine.example", "Pacific", "Growth", "paused",
     9, 64000, "2022-05-20", "2025-05-20", False),
    (105, "Pebble Cafe", "owner@pebblecafe.example", "Pacific", "Starter", "active",
     2, 4900, "2024-03-01", "2025-03-01", False),
    (106, "Smith, Jones & Partners", "accounts@smithjones.example", "Pacific", "Enterprise",
     "active", 120, 980000, "2019-03-31", "2025-03-31", False),
    (107, 'The "Blue Door" Bakery', "bake@bluedoor.example", "Pacific", "Starter", "trial",
     8, 0, "2025-02-12", None, False),
    (108, "Bayside Books", "shop@baysidebooks.example", "Pacific", "Starter", "active",
     4, 18000, "2022-06-02", "2025-06-02", False),
    (109, "C++ Coding Academy", "admin@cppacademy.example", "Pacific", "Growth", "active",
     35, 227500, "2023-09-15", "2025-09-15", False),
    (110, "Copperleaf Yoga", "namaste@copperleaf.example", "Pacific", "Starter", "trial",
     3, 0, "2025-01-20", None, False),
    (111, "Driftwood Outfitters", "team@driftwood.example", "Pacific", "Growth", "active",
     22, 132000, "2024-03-14", "2025-03-14", False),
    (112, "Evergreen Clinics", "it@evergreenclinics.example", "Pacific", "Enterprise", "active",
     95, 712500, "2021-08-01", "2025-08-01", False),
    (113, "Fogline Analytics", "ops@fogline.example", "Pacific", "Growth", "churned",
     12, 90000, "2022-10-05", "2024-10-05", False),
    (114, "Golden Hour Photo", "studio@goldenhour.example", "Pacific", "Starter", "active",
     5, 22500, "2024-07-07", "2025-07-07", False),
    (115, "Harborview Legal", "admin@harborviewlegal.example", "Pacific", "Enterprise",
     "active", 60, 480000, "2022-12-01", "2025-12-01", False),
    (116, "Island Kitchen Co", "chef@islandkitchen.example", "Pacific", "Starter", "paused",
     6, 30000, "2023-11-11", "2025-11-11", False),
    (117, "Juniper Health", "contact@juniperhealth.example", "Pacific", "Growth", "churned",
     15, 105000, "2021-04-18", "2024-04-18", False),
    (118, "Kelp Forest Aquatics", "swim@kelpforest.example", "Pacific", "Starter", "active",
     7, 31500, "2024-02-21", "2025-10-21", False),
    (119, "Lighthouse Realty", "agents@lighthouserealty.example", "Pacific", "Growth", "active",
     27, 189000, "2023-06-30", "2025-06-30", False),
    (120, "Marina Bay Fitness", "desk@marinabayfit.example", "Pacific", "Growth", "paused",
     16, 121000, "2023-01-25", "2025-07-25", False),
    (121, "Orca Logistics", "dispatch@orcalogistics.example", "Pacific", "Enterprise",
     "churned", 80, 560000, "2021-02-14", "2024-02-14", False),
    (122, "Redwood Dental Group", "office@redwooddental.example", "Pacific", "Growth", "trial",
     11, 0, "2025-02-03", None, False),
    (123, "Seaside Vet Clinic (Harbor St)", "care@seasidevet.example", "Pacific", "Growth",
     "active", 19, 133000, "2022-09-09", "2025-09-09", False),
    (124, "Tidepool Games", "play@tidepool.example", "Pacific", "Growth", "active",
     24, 168000, "2023-05-05", "2025-05-05", False),
    (125, "Willow Creek Spa", "relax@willowcreek.example", "Pacific", "Starter", "paused",
     5, 48000, "2023-08-16", "2025-08-16", True),
    (126, "Quarry Lane Bikes", "ride@quarrylane.example", "Pacific", "Growth", "churned",
     10, 70000, "2022-04-04", "2024-04-04", True),
    # Atlantic team
    (127, "Anchor Point Marine", "service@anchorpoint.example", "Atlantic", "Growth", "active",
     20, 140000, "2022-03-03", "2025-09-03", False),
    (128, "Baytown Logistics", "freight@baytown.example", "Atlantic", "Enterprise", "active",
     70, 525000, "2021-04-30", "2025-04-30", False),
    (129, "Beacon Hill Tutors", "learn@beaconhill.example", "Atlantic", "Starter", "active",
     6, 27000, "2024-01-15", "2025-07-15", False),
    (130, "Coastal Cold Storage", "ops@coastalcold.example", "Atlantic", "Enterprise", "active",
     150, 1050000, "2020-06-01", "2025-06-01", False),
    (131, "Dockside Diner", "eat@dockside.example", "Atlantic", "Starter", "trial",
     2, 0, "2025-02-20", None, False),
    (132, "Ember Coffee Roasters", "roast@embercoffee.example", "Atlantic", "Growth", "active",
     13, 91000, "2023-02-28", "2025-02-28", False),
    (133, "Foghorn Media", "news@foghorn.example", "Atlantic", "Growth", "paused",
     10, 70000, "2022-08-08", "2025-08-08", False),
    (134, "Granite Bay Builders", "build@granitebay.example", "Atlantic", "Growth", "active",
     25, 175000, "2021-10-10", "2025-10-10", False),
    (135, "Halyard Sailing School", "ahoy@halyard.example", "Atlantic", "Starter", "active",
     4, 19600, "2024-05-01", "2025-05-01", False),
    (136, "Keel & Compass Travel", "trips@keelcompass.example", "Atlantic", "Growth", "churned",
     9, 63000, "2021-12-12", "2024-12-12", False),
    (137, "Lantern Books", "read@lanternbooks.example", "Atlantic", "Starter", "active",
     3, 13500, "2024-09-19", "2025-09-19", False),
    (138, "Mooring Health Partners", "it@mooringhealth.example", "Atlantic", "Enterprise",
     "active", 110, 880000, "2020-01-31", "2026-01-31", False),
    (139, "Nautilus Labs", "lab@nautiluslabs.example", "Atlantic", "Growth", "active",
     30, 210000, "2023-03-22", "2025-03-22", False),
    (140, "Saltmarsh Brewing", "cheers@saltmarsh.example", "Atlantic", "Starter", "active",
     5, 25000, "2024-06-06", "2025-06-06", False),
    (141, "Wharfside Printing", "print@wharfside.example", "Atlantic", "Starter", "churned",
     4, 16000, "2020-09-09", "2024-09-09", True),
]  # fmt: skip

_NOTES: dict[int, str] = {
    102: "Largest account. Quarterly business review every March.",
    106: "Invoices go to the accounts team, not the partners.",
    112: "Rolling out to two more clinics this year.",
    128: "Prefers phone calls to email.",
}

# at, actor, action, target name, target id (customers; None for users), detail
_AuditRow = tuple[str, str, str, str, int | None, str]
_AUDIT_ROWS: list[_AuditRow] = [
    ("2025-01-06T09:12:00Z", "Ada Park", "created", "Dockside Diner", 131, ""),
    ("2025-01-08T14:40:00Z", "Leo Grant", "updated", "Coastal Cold Storage", 130,
     "Seats 140 → 150"),
    ("2025-01-09T10:05:00Z", "Ada Park", "deleted", "Gullwing Charters", 98, ""),
    ("2025-01-13T16:22:00Z", "Maya Chen", "status_changed", "Fogline Analytics", 113,
     "Active → Churned"),
    ("2025-01-15T08:58:00Z", "Maya Chen", "archived", "Quarry Lane Bikes", 126, ""),
    ("2025-01-20T11:31:00Z", "Priya Nair", "created", "Copperleaf Yoga", 110, ""),
    ("2025-01-22T13:03:00Z", "Leo Grant", "archived", "Wharfside Printing", 141, ""),
    ("2025-01-27T09:47:00Z", "Ada Park", "user_deactivated", "Sam Ortiz", None, ""),
    ("2025-02-03T10:10:00Z", "Maya Chen", "created", "Redwood Dental Group", 122, ""),
    ("2025-02-04T15:16:00Z", "Maya Chen", "updated", "Northwind Freight", 102,
     "Seats 200 → 210"),
    ("2025-02-06T12:00:00Z", "Priya Nair", "status_changed", "Marina Bay Fitness", 120,
     "Active → Paused"),
    ("2025-02-10T17:25:00Z", "Leo Grant", "updated", "Mooring Health Partners", 138,
     "MRR 8,400.00 → 8,800.00"),
    ("2025-02-12T09:30:00Z", "Maya Chen", "created", 'The "Blue Door" Bakery', 107, ""),
    ("2025-02-14T11:45:00Z", "Priya Nair", "archived", "Willow Creek Spa", 125, ""),
    ("2025-02-18T10:02:00Z", "Leo Grant", "status_changed", "Foghorn Media", 133,
     "Active → Paused"),
    ("2025-02-20T08:15:00Z", "Leo Grant", "created", "Dockside Diner", 131, "Re-added"),
    ("2025-02-24T14:50:00Z", "Maya Chen", "updated", "Evergreen Clinics", 112,
     "Plan Growth → Enterprise"),
    ("2025-03-03T09:00:00Z", "Ada Park", "updated", "Smith, Jones & Partners", 106,
     "Renewal date 2025-03-01 → 2025-03-31"),
    ("2025-03-05T16:40:00Z", "Priya Nair", "updated", "Island Kitchen Co", 116,
     "Seats 5 → 6"),
    ("2025-03-10T10:20:00Z", "Leo Grant", "updated", "Nautilus Labs", 139, "Seats 28 → 30"),
    ("2025-03-12T13:13:00Z", "Maya Chen", "status_changed", "Cedar & Pine Studio", 104,
     "Active → Paused"),
    ("2025-03-18T09:55:00Z", "Ada Park", "user_reactivated", "Priya Nair", None, ""),
]  # fmt: skip


def _customer(row: _Row) -> dict[str, Any]:
    cid, name, email, team, plan, status, seats, mrr, signup, renewal, archived = row
    return {
        "id": cid,
        "name": name,
        "email": email,
        "team": team,
        "plan": plan,
        "status": status,
        "seats": seats,
        "mrr": mrr,
        "signupDate": signup,
        "renewalDate": renewal,
        "archived": archived,
        "notes": _NOTES.get(cid, ""),
    }


def _audit(index: int, row: _AuditRow) -> dict[str, Any]:
    at, actor, action, target, target_id, detail = row
    return {
        "id": index,
        "at": at,
        "actor": actor,
        "action": action,
        "target": target,
        "targetId": target_id,
        "detail": detail,
    }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass
class _Session:
    user: str | None = None


class _BadRequest(Exception):
    pass


class AdminBackend:
    """ASGI app + reset(). One instance per hosted app process."""

    def __init__(self, switches: BugSwitches) -> None:
        self.switches = switches
        self.customers: dict[int, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.audit: list[dict[str, Any]] = []
        self.sessions: dict[str, _Session] = {}
        self.next_id = _FIRST_NEW_ID
        self.reset()
        self.app = Starlette(routes=self._routes())

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        self.customers = {row[0]: _customer(row) for row in _CUSTOMER_ROWS}
        self.users = {u["email"]: copy.deepcopy(u) for u in _USERS}
        self.audit = [_audit(i, row) for i, row in enumerate(_AUDIT_ROWS, 1)]
        self.sessions = {}
        self.next_id = _FIRST_NEW_ID

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _routes(self) -> list[Route]:
        return [
            Route("/api/health", self.health),
            Route("/api/me", self.me),
            Route("/api/login", self.login, methods=["POST"]),
            Route("/api/logout", self.logout, methods=["POST"]),
            Route("/api/customers", self.list_customers, methods=["GET"]),
            Route("/api/customers", self.create_customer, methods=["POST"]),
            Route("/api/customers/export.csv", self.export_customers),
            Route("/api/customers/bulk", self.bulk, methods=["POST"]),
            Route("/api/customers/{cid:int}", self.get_customer, methods=["GET"]),
            Route("/api/customers/{cid:int}", self.update_customer, methods=["PATCH"]),
            Route("/api/users", self.list_users),
            Route("/api/users/{uid:int}/{op:str}", self.user_action, methods=["POST"]),
            Route("/api/audit", self.list_audit),
            Route("/api/{rest:path}", self.not_found),
        ]

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _json(payload: Any, status: int = 200, sid: str | None = None) -> Response:
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

    def _user(self, request: Request) -> dict[str, Any] | None:
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE) or "")
        if session is None or session.user is None:
            return None
        user = self.users.get(session.user)
        return user if user is not None and user["active"] else None

    @staticmethod
    def _user_payload(user: dict[str, Any] | None) -> dict[str, Any] | None:
        if user is None:
            return None
        return {
            "id": user["id"],
            "email": user["email"],
            "name": user["name"],
            "role": user["role"],
            "team": user["team"],
        }

    @staticmethod
    def _customer_payload(c: dict[str, Any]) -> dict[str, Any]:
        payload = dict(c)
        payload["mrr"] = round(c["mrr"] / 100, 2)
        return payload

    @staticmethod
    def _visible_to(user: dict[str, Any], c: dict[str, Any]) -> bool:
        return bool(user["role"] == "admin" or c["team"] == user["team"])

    def _log(self, user: dict[str, Any], action: str, c: dict[str, Any], detail: str = "") -> None:
        self.audit.append(
            {
                "id": len(self.audit) + 1,
                "at": _now(),
                "actor": user["name"],
                "action": action,
                "target": c["name"],
                "targetId": c.get("id"),
                "detail": detail,
            }
        )

    def _search(self, rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
        fields = ["name", "email"]
        if "search-matches-notes" in self.switches:
            fields.append("notes")
        if "search-parenthesis-error" in self.switches:
            # the search box text is used as a pattern as it is
            pattern = re.compile(query, re.IGNORECASE)
            return [c for c in rows if any(pattern.search(c.get(f) or "") for f in fields)]
        needle = query.casefold()
        return [c for c in rows if any(needle in (c.get(f) or "").casefold() for f in fields)]

    def _query(
        self, user: dict[str, Any], params: Any, *, for_export: bool = False
    ) -> tuple[list[dict[str, Any]], int]:
        """Customers matching the list filters, sorted; and the total number of matches."""
        query = params.get("q", "").strip()
        status = params.get("status", "").strip()
        team = params.get("team", "").strip()
        low = params.get("from", "").strip()
        high = params.get("to", "").strip()
        for bound in (low, high):
            if bound and not _valid_date(bound):
                raise _BadRequest("Dates must be written as YYYY-MM-DD.")
        rows = list(self.customers.values())
        scoped = not (for_export and "export-ignores-team" in self.switches)
        if scoped and user["role"] != "admin":
            rows = [c for c in rows if c["team"] == user["team"]]
        if params.get("archived") != "1":
            rows = [c for c in rows if not c["archived"]]
        if query:
            rows = self._search(rows, query)
        if status:
            rows = [c for c in rows if c["status"] == status]
        if low:
            rows = [c for c in rows if c["renewalDate"] is not None and c["renewalDate"] >= low]
        if high:
            rows = [c for c in rows if c["renewalDate"] is not None and c["renewalDate"] <= high]
        before_team = len(rows)
        if team and user["role"] == "admin":
            rows = [c for c in rows if c["team"] == team]
        total = len(rows)
        if "admin-team-filter-total" in self.switches and team and user["role"] == "admin":
            total = before_team
        return self._sorted(rows, params), total

    def _sorted(self, rows: list[dict[str, Any]], params: Any) -> list[dict[str, Any]]:
        key = params.get("sort", "name")
        key = key if key in SORTS else "name"
        descending = params.get("order") == "descend"
        rows = sorted(rows, key=lambda c: (c["name"].casefold(), c["id"]))
        if key == "name":
            return list(reversed(rows)) if descending else rows
        if key == "seats":
            return sorted(rows, key=lambda c: c["seats"], reverse=descending)
        if key == "mrr":
            if "mrr-sort-as-text" in self.switches:
                return sorted(rows, key=lambda c: str(c["mrr"]), reverse=descending)
            return sorted(rows, key=lambda c: c["mrr"], reverse=descending)
        # renewal date: customers without one come last in either direction
        dated = [c for c in rows if c["renewalDate"] is not None]
        undated = [c for c in rows if c["renewalDate"] is None]
        if "renewal-sort-no-date-error" in self.switches:
            dated, undated = rows, []
        dated = sorted(dated, key=lambda c: c["renewalDate"], reverse=descending)
        return dated + undated

    def _validate(
        self, body: dict[str, Any], user: dict[str, Any], *, partial: bool
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Checked field values from a create/update body, and the problems by field."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}

        def given(name: str) -> bool:
            return not partial or name in body

        if given("name"):
            name = str(body.get("name") or "").strip()
            if not name or len(name) > 80:
                errors["name"] = "Enter the company name (up to 80 characters)."
            values["name"] = name
        if given("email"):
            email = str(body.get("email") or "").strip()
            if not _EMAIL.match(email):
                errors["email"] = "Enter a valid email address."
            values["email"] = email
        if given("plan"):
            plan = body.get("plan") or "Starter"
            if plan not in PLANS:
                errors["plan"] = "Choose a plan."
            values["plan"] = plan
        if given("status"):
            status = body.get("status") or "active"
            if status not in STATUSES:
                errors["status"] = "Choose a status."
            values["status"] = status
        if given("seats"):
            seats = body.get("seats")
            low = 0 if "seats-zero-accepted" in self.switches else 1
            if (
                isinstance(seats, bool)
                or not isinstance(seats, int | float)
                or seats != int(seats)
                or not low <= seats <= MAX_SEATS
            ):
                errors["seats"] = "Seats must be a whole number from 1 to 5,000."
            else:
                values["seats"] = int(seats)
        if given("mrr"):
            raw = body.get("mrr")
            text = f"{raw}" if isinstance(raw, int | float) and not isinstance(raw, bool) else ""
            if isinstance(raw, float):
                text = f"{raw:.10f}".rstrip("0").rstrip(".")
            cents = None
            if _AMOUNT.match(text):
                cents = round(float(text) * 100)
            if cents is None or cents > MAX_MRR_CENTS:
                errors["mrr"] = "MRR must be an amount from 0 to 1,000,000.00."
            else:
                values["mrr"] = cents
        if given("renewalDate"):
            renewal = body.get("renewalDate") or None
            if renewal is not None and not (isinstance(renewal, str) and _valid_date(renewal)):
                errors["renewalDate"] = "Enter a valid date."
            values["renewalDate"] = renewal
        if given("notes"):
            notes = str(body.get("notes") or "").strip()
            if len(notes) > 500:
                errors["notes"] = "Notes can be up to 500 characters."
            values["notes"] = notes
        if not partial:
            if user["role"] == "admin":
                team = body.get("team")
                if team not in TEAMS:
                    errors["team"] = "Choose a team."
                values["team"] = team
            elif "editor-create-wrong-team" in self.switches:
                values["team"] = body.get("team") or TEAMS[0]
            else:
                values["team"] = user["team"]
        return values, errors

    # -- routes: session -------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return self._json({"ok": True})

    async def not_found(self, request: Request) -> Response:
        return self._json({"error": "Not found"}, 404)

    async def me(self, request: Request) -> Response:
        return self._json({"user": self._user_payload(self._user(request))})

    async def login(self, request: Request) -> Response:
        body = await self._body(request)
        email = str(body.get("email", "")).strip().lower()
        password = str(body.get("password", ""))
        user = self.users.get(email)
        if user is None or not secrets.compare_digest(user["password"], password):
            return self._json({"error": "Email or password is incorrect."}, 401)
        if not user["active"]:
            return self._json({"error": "This account has been deactivated."}, 403)
        sid = request.cookies.get(SESSION_COOKIE) or ""
        if sid not in self.sessions:
            sid = secrets.token_urlsafe(18)
            self.sessions[sid] = _Session()
        self.sessions[sid].user = email
        return self._json({"user": self._user_payload(user)}, sid=sid)

    async def logout(self, request: Request) -> Response:
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE) or "")
        if session is not None:
            session.user = None
        return self._json({"user": None})

    # -- routes: customers -----------------------------------------------------------------

    async def list_customers(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._json({"error": "Please sign in."}, 401)
        params = request.query_params
        try:
            rows, total = self._query(user, params)
        except _BadRequest as exc:
            return self._json({"error": str(exc)}, 400)
        except re.error:
            return self._json({"error": "Internal server error"}, 500)
        if params.get("status") == "churned" and "churned-filter-slow" in self.switches:
            # churn reasons are looked up one customer at a time
            await asyncio.sleep(10.0)
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        page_size = 12 if "customers-page-size-12" in self.switches else PAGE_SIZE
        start = (page - 1) * page_size
        shown = rows[start : start + page_size]
        total_mrr = sum(c["mrr"] for c in rows)
        if "total-mrr-counts-archived" in self.switches and params.get("archived") != "1":
            with_archived, _ = self._query(user, {**dict(params), "archived": "1"})
            total_mrr = sum(c["mrr"] for c in with_archived)
        customers: list[dict[str, Any]] | None = [self._customer_payload(c) for c in shown]
        if not customers and params.get("q") and "empty-search-crash" in self.switches:
            customers = None
        return self._json(
            {
                "customers": customers,
                "total": total,
                "page": page,
                "pageSize": page_size,
                "totalMrr": round(total_mrr / 100, 2),
            }
        )

    async def export_customers(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._json({"error": "Please sign in."}, 401)
        try:
            rows, _ = self._query(user, request.query_params, for_export=True)
        except _BadRequest as exc:
            return self._json({"error": str(exc)}, 400)
        except re.error:
            return self._json({"error": "Internal server error"}, 500)
        header = ["ID", "Company", "Email", "Team", "Plan", "Status", "Seats", "MRR", "Renewal"]
        signup = "export-signup-column" in self.switches
        if signup:
            header.append("Signup")
        records = [
            [
                str(c["id"]),
                c["name"],
                c["email"],
                c["team"],
                c["plan"],
                c["status"],
                str(c["seats"]),
                f"{c['mrr'] // 100}.{c['mrr'] % 100:02d}",
                c["renewalDate"] or "",
                *([c["signupDate"]] if signup else []),
            ]
            for c in rows
        ]
        if "csv-export-unquoted" in self.switches:
            text = "".join(",".join(r) + "\r\n" for r in [header, *records])
        else:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(records)
            text = out.getvalue()
        return Response(
            text,
            media_type="text/plain; charset=utf-8",
            headers={"cache-control": "no-store"},
        )

    async def get_customer(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._json({"error": "Please sign in."}, 401)
        c = self.customers.get(request.path_params["cid"])
        visible = c is not None and (
            self._visible_to(user, c) or "customer-other-team-by-url" in self.switches
        )
        if c is None or not visible:
            return self._json({"error": "Customer not found"}, 404)
        return self._json({"customer": self._customer_payload(c)})

    async def create_customer(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._json({"error": "Please sign in."}, 401)
        body = await self._body(request)
        values, errors = self._validate(body, user, partial=False)
        if errors:
            return self._json({"errors": errors}, 422)
        customer = {
            "id": self.next_id,
            "signupDate": datetime.now(UTC).date().isoformat(),
            "archived": False,
            **values,
        }
        self.next_id += 1
        self.customers[customer["id"]] = customer
        self._log(user, "created", customer)
        return self._json({"customer": self._customer_payload(customer)}, 201)

    async def update_customer(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._json({"error": "Please sign in."}, 401)
        c = self.customers.get(request.path_params["cid"])
        if c is None or not self._visible_to(user, c):
            return self._json({"error": "Customer not found"}, 404)
        body = await self._body(request)
        values, errors = self._validate(body, user, partial=True)
        if errors:
            return self._json({"errors": errors}, 422)
        changes = []
        labels = {
            "name": "Name",
            "email": "Email",
            "plan": "Plan",
            "status": "Status",
            "seats": "Seats",
            "mrr": "MRR",
            "renewalDate": "Renewal date",
            "notes": "Notes",
        }
        for key, value in values.items():
            if c[key] != value:
                old, new = c[key], value
                if key == "mrr":
                    old, new = f"{old / 100:,.2f}", f"{new / 100:,.2f}"
                if key == "status":
                    old, new = str(old).capitalize(), str(new).capitalize()
                changes.append(
                    f"{labels[key]} changed" if key == "notes" else f"{labels[key]} {old} → {new}"
                )
                c[key] = value
        if changes:
            self._log(user, "updated", c, "; ".join(changes))
        return self._json({"customer": self._customer_payload(c)})

    async def bulk(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._json({"error": "Please sign in."}, 401)
        body = await self._body(request)
        action = body.get("action")
        raw_ids = body.get("ids")
        if not isinstance(raw_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in raw_ids
        ):
            return self._json({"error": "Choose at least one customer."}, 400)
        if action not in {"archive", "restore", "delete", "status"}:
            return self._json({"error": "Unknown action."}, 400)
        status = body.get("status")
        if action == "status" and status not in STATUSES:
            return self._json({"error": "Choose a status."}, 400)
        if action == "delete" and user["role"] != "admin":
            return self._json({"error": "Only administrators can delete customers."}, 403)
        targets = [
            self.customers[i]
            for i in dict.fromkeys(raw_ids)
            if i in self.customers and self._visible_to(user, self.customers[i])
        ]
        for c in targets:
            if action == "archive" and not c["archived"]:
                c["archived"] = True
                if "archive-not-audited" not in self.switches:
                    self._log(user, "archived", c)
            elif action == "restore" and c["archived"]:
                c["archived"] = False
                self._log(user, "restored", c)
            elif action == "delete":
                del self.customers[c["id"]]
                self._log(user, "deleted", c)
            elif action == "status" and c["status"] != status:
                change = f"{str(c['status']).capitalize()} → {str(status).capitalize()}"
                c["status"] = status
                self._log(user, "status_changed", c, change)
        return self._json({"updated": len(targets)})

    # -- routes: users and audit (administrators) ------------------------------------------

    def _admin(self, request: Request, what: str) -> tuple[dict[str, Any] | None, Response | None]:
        user = self._user(request)
        if user is None:
            return None, self._json({"error": "Please sign in."}, 401)
        allowed = user["role"] == "admin" or (
            what == "users" and "users-page-editor-access" in self.switches
        )
        if not allowed:
            return None, self._json({"error": "You don't have access to this page."}, 403)
        return user, None

    @staticmethod
    def _listed_user(u: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": u["id"],
            "email": u["email"],
            "name": u["name"],
            "role": u["role"],
            "team": u["team"],
            "active": u["active"],
        }

    async def list_users(self, request: Request) -> Response:
        _, denied = self._admin(request, "users")
        if denied is not None:
            return denied
        users = sorted(self.users.values(), key=lambda u: u["name"].casefold())
        return self._json({"users": [self._listed_user(u) for u in users]})

    async def user_action(self, request: Request) -> Response:
        admin, denied = self._admin(request, "user-action")
        if denied is not None or admin is None:
            return denied or self._json({"error": "Please sign in."}, 401)
        op = request.path_params["op"]
        target = next(
            (u for u in self.users.values() if u["id"] == request.path_params["uid"]), None
        )
        if target is None or op not in {"deactivate", "reactivate"}:
            return self._json({"error": "Not found"}, 404)
        if target["id"] == admin["id"]:
            return self._json({"error": "You can't deactivate your own account."}, 409)
        active = op == "reactivate"
        if target["active"] != active:
            target["active"] = active
            self._log(admin, f"user_{op}d", {"name": target["name"], "id": None})
        return self._json({"user": self._listed_user(target)})

    async def list_audit(self, request: Request) -> Response:
        _, denied = self._admin(request, "audit")
        if denied is not None:
            return denied
        params = request.query_params
        action = params.get("action", "").strip()
        events = sorted(self.audit, key=lambda e: (e["at"], e["id"]), reverse=True)
        if action:
            events = [e for e in events if e["action"] == action]
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        page_size = 20 if "audit-page-size-20" in self.switches else AUDIT_PAGE_SIZE
        start = (page - 1) * page_size
        shown = events[start : start + page_size]
        rows = []
        for e in shown:
            row = {k: v for k, v in e.items() if k != "targetId"}
            if "audit-deleted-entry-error" in self.switches and e["targetId"] is not None:
                # the record's current name, looked up by id
                row["target"] = self.customers[e["targetId"]]["name"]
            rows.append(row)
        return self._json(
            {"events": rows, "total": len(events), "page": page, "pageSize": page_size}
        )


def create_backend(switches: BugSwitches) -> AdminBackend:
    return AdminBackend(switches)
