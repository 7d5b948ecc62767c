"""The `auth` app's API: accounts, sign-in with an optional second step, password reset by
email (a local outbox), sessions, settings, and an admin user directory and audit log.

All state lives in memory and `reset()` restores the seed in microseconds. Seeded backend
defects are `if "<bug-id>" in self.switches:` branches, checked per request.

Codes and reset tokens are derived from the account and a per-account counter, so the same
steps after a reset produce the same emails (a repro can type a code it saw in the outbox).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontendx.suite._manifest import BugSwitches

SESSION_COOKIE = "sid"
SHORT_SESSION_IDLE_S = 5.0  # a session without "Keep me signed in" ends after 5 s idle
RESET_LINK_TTL = timedelta(minutes=30)
CODE_TTL = timedelta(minutes=10)
SLOW_SESSION_COUNT = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[A-Za-z]{2,}$")
DATE_FORMATS = ("browser", "iso", "dmy", "mdy")
EMAIL_LANGUAGES = ("en", "de")
PASSWORD_RULE = "Use at least 10 characters, with at least one letter and one digit."
# intended edits of the manifest's `changes` (switched like bugs, only in change builds)
PASSWORD_RULE_REWORDED = (
    "Choose a password of 10 or more characters with at least one letter and one digit."
)
RESET_LINK_TTL_LONG = timedelta(minutes=60)

_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)

EVENT_LABELS: dict[str, str] = {
    "account_created": "Account created",
    "signed_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "signed_out": "Signed out",
    "sign_in_code_sent": "Sign-in code sent",
    "password_changed": "Password changed",
    "password_reset_requested": "Password reset requested",
    "password_reset": "Password reset",
    "two_step_enabled": "Two-step sign-in turned on",
    "two_step_disabled": "Two-step sign-in turned off",
    "profile_updated": "Profile updated",
    "email_changed": "Email address changed",
    "preferences_updated": "Preferences updated",
    "session_ended": "Session ended",
    "other_sessions_ended": "Other sessions ended",
    "account_disabled": "Account disabled",
    "account_enabled": "Account enabled",
}


def _user(
    uid: int,
    email: str,
    name: str,
    password: str,
    created: str,
    *,
    role: str = "user",
    two_step: bool = False,
    status: str = "active",
    date_format: str = "browser",
    language: str = "en",
    last_sign_in: str | None = None,
) -> dict[str, Any]:
    return {
        "id": uid,
        "email": email,
        "name": name,
        "password": password,
        "role": role,
        "twoStep": two_step,
        "status": status,
        "createdAt": created,
        "passwordChangedAt": created,
        "lastSignInAt": last_sign_in,
        "prefs": {"dateFormat": date_format, "emailLanguage": language},
    }


_USERS: list[dict[str, Any]] = [
    _user(
        1,
        "alice@example.com",
        "Alice Johnson",
        "alice-pass-1",
        "2024-11-03T15:20:00Z",
        last_sign_in="2025-03-04T08:15:00Z",
    ),
    _user(
        2,
        "bob@example.com",
        "Bob Martin",
        "bob-pass-2",
        "2024-12-08T10:05:00Z",
        two_step=True,
        last_sign_in="2025-03-01T18:20:00Z",
    ),
    _user(
        3,
        "admin@example.com",
        "Morgan Lee",
        "admin-pass-3",
        "2024-09-01T08:00:00Z",
        role="admin",
        last_sign_in="2025-03-07T09:12:00Z",
    ),
    _user(
        4,
        "priya@example.com",
        "Priya Natarajan",
        "priya-pass-4",
        "2024-10-15T12:30:00Z",
        last_sign_in="2025-03-08T06:50:00Z",
    ),
    _user(
        5,
        "dieter@example.de",
        "Dieter Köhler",
        "dieter-pass-5",
        "2025-01-12T14:45:00Z",
        date_format="dmy",
        language="de",
        last_sign_in="2025-03-05T19:30:00Z",
    ),
    _user(
        6,
        "eve@example.com",
        "Eve Walker",
        "eve-pass-6",
        "2025-01-20T09:00:00Z",
        status="disabled",
        last_sign_in="2025-02-27T11:05:00Z",
    ),
]

# (user id, device, location, ip, signed in, last active)
_OTHER_SESSIONS: list[tuple[int, str, str, str, str, str]] = [
    (
        1,
        "Firefox on Windows",
        "Berlin, Germany",
        "85.214.132.7",
        "2025-03-04T08:15:00Z",
        "2025-03-10T17:42:00Z",
    ),
    (
        1,
        "Safari on iPhone",
        "Lisbon, Portugal",
        "94.63.18.201",
        "2025-02-11T19:03:00Z",
        "2025-03-09T07:30:00Z",
    ),
    (
        2,
        "Chrome on macOS",
        "Toronto, Canada",
        "142.112.40.9",
        "2025-03-01T18:20:00Z",
        "2025-03-06T21:10:00Z",
    ),
    (
        3,
        "Edge on Windows",
        "Dublin, Ireland",
        "89.101.7.44",
        "2025-03-07T09:12:00Z",
        "2025-03-10T16:02:00Z",
    ),
    (
        5,
        "Firefox on macOS",
        "Hamburg, Germany",
        "91.64.210.13",
        "2025-03-05T19:30:00Z",
        "2025-03-10T08:55:00Z",
    ),
]
_PRIYA_DEVICES = (
    "Chrome on Windows",
    "Firefox on Linux",
    "Safari on iPad",
    "Chrome on Android",
    "Safari on macOS",
    "Edge on Windows",
    "Chrome on macOS",
)
_PRIYA_PLACES = ("Bengaluru, India", "Singapore", "London, United Kingdom", "Pune, India")
for _i in range(14):
    _OTHER_SESSIONS.append(
        (
            4,
            _PRIYA_DEVICES[_i % len(_PRIYA_DEVICES)],
            _PRIYA_PLACES[_i % len(_PRIYA_PLACES)],
            f"49.207.{40 + _i}.{11 + 7 * _i}",
            f"2025-02-{_i + 1:02d}T06:{10 + _i:02d}:00Z",
            f"2025-03-{(_i % 8) + 1:02d}T{8 + _i % 12:02d}:30:00Z",
        )
    )

# (id, time, actor id or None for the system, event, account id, ip, detail)
_AUDIT: list[tuple[int, str, int | None, str, int, str, str]] = [
    (1, "2024-09-01T08:00:00Z", 3, "account_created", 3, "89.101.7.44", ""),
    (2, "2024-10-15T12:30:00Z", 4, "account_created", 4, "49.207.40.11", ""),
    (3, "2024-11-03T15:20:00Z", 1, "account_created", 1, "85.214.132.7", ""),
    (4, "2024-12-08T10:05:00Z", 2, "account_created", 2, "142.112.40.9", ""),
    (5, "2024-12-08T10:09:00Z", 2, "two_step_enabled", 2, "142.112.40.9", ""),
    (6, "2025-01-12T14:45:00Z", 5, "account_created", 5, "91.64.210.13", ""),
    (7, "2025-01-20T09:00:00Z", 3, "account_created", 6, "89.101.7.44", "Created by an admin"),
    (8, "2025-02-11T19:03:00Z", 1, "signed_in", 1, "94.63.18.201", "Safari on iPhone"),
    (9, "2025-02-20T16:40:00Z", 4, "password_reset_requested", 4, "49.207.44.39", ""),
    (10, "2025-02-27T11:05:00Z", 6, "signed_in", 6, "77.48.120.5", "Chrome on Windows"),
    (11, "2025-03-02T22:14:00Z", None, "account_disabled", 6, "", "Too many failed sign-ins"),
    (12, "2025-03-04T08:15:00Z", 1, "signed_in", 1, "85.214.132.7", "Firefox on Windows"),
    (13, "2025-03-05T19:30:00Z", 5, "signed_in", 5, "91.64.210.13", "Firefox on macOS"),
    (14, "2025-03-07T09:12:00Z", 3, "signed_in", 3, "89.101.7.44", "Edge on Windows"),
    (15, "2025-03-09T07:28:00Z", 2, "sign_in_code_sent", 2, "142.112.40.9", ""),
    (16, "2025-03-10T17:40:00Z", 1, "sign_in_failed", 1, "85.214.132.7", "Wrong password"),
]

EXPIRED_RESET_TOKEN = "7f3c9a1e5b2d4c6e8a0b1d3f5e7a9c2b4d6f8e0a"
OLD_SIGN_IN_CODE = "482913"

# (id, to, subject, body, link or None, code or None, sent at)
_OUTBOX: list[tuple[int, str, str, str, str | None, str | None, str]] = [
    (
        1,
        "alice@example.com",
        "Welcome to Harbor ID",
        "Hi Alice Johnson, your Harbor ID account is ready.",
        None,
        None,
        "2024-11-03T15:20:05Z",
    ),
    (
        2,
        "priya@example.com",
        "Reset your password",
        "Hi Priya Natarajan, use the link below to choose a new password. "
        "The link works once and expires after 30 minutes.",
        f"/reset?token={EXPIRED_RESET_TOKEN}",
        None,
        "2025-02-20T16:40:02Z",
    ),
    (
        3,
        "bob@example.com",
        "Your sign-in code",
        "Hi Bob Martin, enter this code to finish signing in. It expires after 10 minutes.",
        None,
        OLD_SIGN_IN_CODE,
        "2025-03-09T07:28:01Z",
    ),
]

_WELCOME_READY = {"en": "Your Harbor ID account is ready", "de": "Ihr Harbor-ID-Konto ist bereit"}

_MAIL: dict[str, dict[str, tuple[str, str]]] = {
    # kind -> language -> (subject, body template)
    "welcome": {
        "en": ("Welcome to Harbor ID", "Hi {name}, your Harbor ID account is ready."),
        "de": ("Willkommen bei Harbor ID", "Hallo {name}, Ihr Harbor-ID-Konto ist bereit."),
    },
    "code": {
        "en": (
            "Your sign-in code",
            "Hi {name}, enter this code to finish signing in. It expires after 10 minutes.",
        ),
        "de": (
            "Ihr Anmeldecode",
            "Hallo {name}, geben Sie diesen Code ein, um die Anmeldung abzuschließen. "
            "Er ist 10 Minuten gültig.",
        ),
    },
    "reset": {
        "en": (
            "Reset your password",
            "Hi {name}, use the link below to choose a new password. "
            "The link works once and expires after 30 minutes.",
        ),
        "de": (
            "Passwort zurücksetzen",
            "Hallo {name}, über den Link unten wählen Sie ein neues Passwort. "
            "Der Link funktioniert einmal und ist 30 Minuten gültig.",
        ),
    },
    "password_changed": {
        "en": (
            "Your password was changed",
            "Hi {name}, the password of your Harbor ID account was just changed.",
        ),
        "de": (
            "Ihr Passwort wurde geändert",
            "Hallo {name}, das Passwort Ihres Harbor-ID-Kontos wurde soeben geändert.",
        ),
    },
    "email_changed": {
        "en": (
            "Your email address was changed",
            "Hi {name}, the email address of your Harbor ID account was changed to {new}.",
        ),
        "de": (
            "Ihre E-Mail-Adresse wurde geändert",
            "Hallo {name}, die E-Mail-Adresse Ihres Harbor-ID-Kontos lautet jetzt {new}.",
        ),
    },
}


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _password_ok(password: str) -> bool:
    return (
        len(password) >= 10
        and any(c.isalpha() for c in password)
        and any(c.isdigit() for c in password)
    )


def _device(user_agent: str) -> str:
    browser = next((name for key, name in _BROWSERS if key in user_agent), "Browser")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    return f"{browser} on {system}" if system else browser


@dataclass
class _Session:
    id: str
    user_id: int | None
    device: str
    location: str
    ip: str
    created_at: str
    last_active_at: str
    remember: bool = True
    last_seen: float = field(default_factory=time.monotonic)
    secret: str | None = None  # the cookie value; None for seeded sessions on other devices
    pending_user: int | None = None  # signed in with a password, waiting for the code
    pending_code: str | None = None
    pending_since: datetime | None = None


@dataclass
class _ResetLink:
    user_id: int
    created: datetime
    used: bool = False


class _Auth:
    """Who a request is, and whether its session just ran out."""

    def __init__(self, session: _Session | None, expired: bool) -> None:
        self.session = session
        self.expired = expired

    @property
    def user_id(self) -> int | None:
        return self.session.user_id if self.session is not None else None


class AuthBackend:
    """ASGI app + reset(). One instance per hosted app process."""

    def __init__(self, switches: BugSwitches) -> None:
        self.switches = switches
        self.users: dict[int, dict[str, Any]] = {}
        self.sessions: dict[str, _Session] = {}  # by public id
        self.by_secret: dict[str, str] = {}  # cookie value -> public id
        self.expired_secrets: set[str] = set()  # cookies of sessions that ran out
        self.outbox: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []
        self.reset_links: dict[str, _ResetLink] = {}
        self.codes_issued: dict[int, list[str]] = {}
        self.counters: dict[str, int] = {}
        self.next_user_id = 7
        self.next_session = 1
        self.reset()
        self.app = Starlette(routes=self._routes())

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        self.users = {u["id"]: copy.deepcopy(u) for u in _USERS}
        self.sessions = {}
        self.by_secret = {}
        self.expired_secrets = set()
        self.next_session = 101
        for uid, device, place, ip, created, active in _OTHER_SESSIONS:
            sid = self._new_session_id()
            self.sessions[sid] = _Session(sid, uid, device, place, ip, created, active)
        self.outbox = [
            {
                "id": eid,
                "to": to,
                "subject": subject,
                "body": body,
                "link": link,
                "code": code,
                "sentAt": sent,
            }
            for eid, to, subject, body, link, code, sent in _OUTBOX
        ]
        self.audit = [
            {
                "id": aid,
                "at": at,
                "actor": actor,
                "event": event,
                "account": account,
                "ip": ip,
                "detail": detail,
            }
            for aid, at, actor, event, account, ip, detail in _AUDIT
        ]
        self.reset_links = {
            EXPIRED_RESET_TOKEN: _ResetLink(4, _parse("2025-02-20T16:40:00Z")),
        }
        self.codes_issued = {2: [OLD_SIGN_IN_CODE]}
        self.counters = {}
        self.next_user_id = 7

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _routes(self) -> list[Route]:
        return [
            Route("/api/health", self.health),
            Route("/api/me", self.me),
            Route("/api/login", self.login, methods=["POST"]),
            Route("/api/login/verify", self.verify, methods=["POST"]),
            Route("/api/login/resend", self.resend, methods=["POST"]),
            Route("/api/logout", self.logout, methods=["POST"]),
            Route("/api/signup", self.signup, methods=["POST"]),
            Route("/api/password/forgot", self.forgot, methods=["POST"]),
            Route("/api/password/reset/{token}", self.check_reset),
            Route("/api/password/reset", self.do_reset, methods=["POST"]),
            Route("/api/outbox", self.list_outbox),
            Route("/api/account", self.account),
            Route("/api/account/profile", self.update_profile, methods=["POST"]),
            Route("/api/account/password", self.change_password, methods=["POST"]),
            Route("/api/account/two-step", self.set_two_step, methods=["POST"]),
            Route("/api/account/preferences", self.update_preferences, methods=["POST"]),
            Route("/api/sessions", self.list_sessions),
            Route("/api/sessions/end-others", self.end_other_sessions, methods=["POST"]),
            Route("/api/sessions/{sid}/end", self.end_session, methods=["POST"]),
            Route("/api/users/{uid:int}", self.get_profile),
            Route("/api/admin/users", self.admin_users),
            Route("/api/admin/users/{uid:int}/status", self.admin_set_status, methods=["POST"]),
            Route("/api/admin/audit", self.admin_audit),
            Route("/api/{rest:path}", self.not_found),
        ]

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _json(data: Any, status: int = 200, cookie: str | None = None) -> Response:
        response = JSONResponse(data, status_code=status)
        response.headers["cache-control"] = "no-store"
        if cookie is not None:
            response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax", path="/")
        return response

    def _refuse(self, data: dict[str, Any]) -> Response:
        """A refused request (wrong input): 200 with ok=false, so browsers log no error."""
        return self._json({"ok": False, **data})

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _new_session_id(self) -> str:
        sid = f"S{self.next_session}"
        self.next_session += 1
        return sid

    def _count(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def _auth(self, request: Request) -> _Auth:
        """The request's session, ending it when a short session has been idle too long."""
        secret = request.cookies.get(SESSION_COOKIE, "")
        session = self.sessions.get(self.by_secret.get(secret, ""))
        if session is None:
            return _Auth(None, secret in self.expired_secrets)
        idle = time.monotonic() - session.last_seen
        if (
            not session.remember
            and idle > SHORT_SESSION_IDLE_S
            and "short-session-never-expires" not in self.switches
        ):
            self._drop_session(session.id)
            signed_in = session.user_id is not None or session.pending_user is not None
            if signed_in:
                self.expired_secrets.add(secret)
            return _Auth(None, signed_in)
        session.last_seen = time.monotonic()
        if session.user_id is not None:
            session.last_active_at = _iso(_now())
        return _Auth(session, False)

    def _drop_session(self, sid: str) -> None:
        session = self.sessions.pop(sid, None)
        if session is not None and session.secret is not None:
            self.by_secret.pop(session.secret, None)

    def _start_session(self, request: Request, remember: bool) -> _Session:
        """A new browser session (replacing the browser's old one, if any)."""
        old = self.by_secret.get(request.cookies.get(SESSION_COOKIE, ""))
        if old is not None:
            self._drop_session(old)
        sid = self._new_session_id()
        secret = secrets.token_urlsafe(24)
        stamp = _iso(_now())
        session = _Session(
            sid,
            None,
            _device(request.headers.get("user-agent", "")),
            "Local network",
            request.client.host if request.client else "127.0.0.1",
            stamp,
            stamp,
            remember=remember,
            secret=secret,
        )
        self.sessions[sid] = session
        self.by_secret[secret] = sid
        return session

    def _user_by_email(self, email: str) -> dict[str, Any] | None:
        return next((u for u in self.users.values() if u["email"] == email), None)

    def _log(
        self, actor: int | None, event: str, account: int, ip: str = "", detail: str = ""
    ) -> None:
        self.audit.append(
            {
                "id": len(self.audit) + 1,
                "at": _iso(_now()),
                "actor": actor,
                "event": event,
                "account": account,
                "ip": ip,
                "detail": detail,
            }
        )

    def _password_rule(self) -> str:
        if "password-rule-message-reworded" in self.switches:
            return PASSWORD_RULE_REWORDED
        return PASSWORD_RULE

    def _mail(self, kind: str, lang: str) -> tuple[str, str]:
        subject, body = _MAIL[kind].get(lang, _MAIL[kind]["en"])
        if kind == "welcome" and "welcome-subject-ready" in self.switches:
            subject = _WELCOME_READY.get(lang, _WELCOME_READY["en"])
        if kind == "reset" and "reset-link-ttl-hour" in self.switches:
            body = body.replace("30 minutes", "60 minutes").replace("30 Minuten", "60 Minuten")
        return subject, body

    def _event_label(self, event: str) -> str:
        if event == "sign_in_failed" and "activity-label-failed-sign-in" in self.switches:
            return "Sign-in attempt with a wrong password"
        return EVENT_LABELS.get(event, event)

    def _send(
        self,
        user: dict[str, Any],
        kind: str,
        *,
        link: str | None = None,
        code: str | None = None,
        to: str | None = None,
        language: str | None = None,
        **fields: str,
    ) -> None:
        lang = language or user["prefs"]["emailLanguage"]
        subject, body = self._mail(kind, lang)
        self.outbox.append(
            {
                "id": len(self.outbox) + 1,
                "to": to or user["email"],
                "subject": subject,
                "body": body.format(name=user["name"], **fields),
                "link": link,
                "code": code,
                "sentAt": _iso(_now()),
            }
        )

    def _issue_code(self, user: dict[str, Any], session: _Session) -> None:
        n = self._count(f"code:{user['email']}")
        code = f"{int(_digest('code', user['email'], n)[:12], 16) % 1_000_000:06d}"
        if code == OLD_SIGN_IN_CODE:  # pragma: no cover - astronomically unlikely
            code = f"{(int(code) + 1) % 1_000_000:06d}"
        session.pending_code = code
        session.pending_since = _now()
        self.codes_issued.setdefault(user["id"], []).append(code)
        self._send(user, "code", code=code)
        self._log(user["id"], "sign_in_code_sent", user["id"], session.ip)

    def _sign_in(self, session: _Session, user: dict[str, Any]) -> None:
        session.user_id = user["id"]
        session.pending_user = None
        session.pending_code = None
        session.pending_since = None
        session.last_active_at = _iso(_now())
        user["lastSignInAt"] = session.last_active_at
        self._log(user["id"], "signed_in", user["id"], session.ip, session.device)

    def _end_sessions_of(self, uid: int, keep: str | None = None) -> None:
        for sid in [s.id for s in self.sessions.values() if s.user_id == uid and s.id != keep]:
            self._drop_session(sid)

    def _me_payload(self, user: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": user["id"],
            "email": user["email"],
            "name": user["name"],
            "role": user["role"],
            "prefs": dict(user["prefs"]),
        }

    def _profile_payload(self, user: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": user["id"],
            "email": user["email"],
            "name": user["name"],
            "role": user["role"],
            "twoStep": user["twoStep"],
            "status": user["status"],
            "createdAt": user["createdAt"],
            "lastSignInAt": user["lastSignInAt"],
        }

    def _account_payload(self, user: dict[str, Any], prefs: dict[str, str]) -> dict[str, Any]:
        mine = [e for e in self.audit if e["account"] == user["id"]]
        mine.sort(key=lambda e: (e["at"], e["id"]), reverse=True)
        return {
            **self._profile_payload(user),
            "passwordChangedAt": user["passwordChangedAt"],
            "prefs": dict(prefs),
            "sessionCount": sum(1 for s in self.sessions.values() if s.user_id == user["id"]),
            "recentActivity": [self._audit_payload(e) for e in mine[:5]],
        }

    def _audit_payload(self, entry: dict[str, Any]) -> dict[str, Any]:
        actor_id = entry["actor"]
        actor: dict[str, Any] | None
        if actor_id is None:
            actor = {"id": None, "name": "System"}
            if "audit-system-actor-null" in self.switches:
                actor = None
        else:
            actor = {"id": actor_id, "name": self.users[actor_id]["name"]}
        account = self.users[entry["account"]]
        return {
            "id": entry["id"],
            "at": entry["at"],
            "event": entry["event"],
            "label": self._event_label(entry["event"]),
            "actor": actor,
            "account": {"id": account["id"], "name": account["name"], "email": account["email"]},
            "ip": entry["ip"],
            "detail": entry["detail"],
        }

    def _session_payload(self, session: _Session, current: str | None) -> dict[str, Any]:
        return {
            "id": session.id,
            "device": session.device,
            "location": session.location,
            "ip": session.ip,
            "signedInAt": session.created_at,
            "lastActiveAt": session.last_active_at,
            "current": session.id == current,
        }

    def _sessions_of(self, uid: int, current: str | None) -> list[dict[str, Any]]:
        mine = [s for s in self.sessions.values() if s.user_id == uid]
        mine.sort(key=lambda s: (s.id == current, s.last_active_at), reverse=True)
        return [self._session_payload(s, current) for s in mine]

    def _signed_in(self, request: Request) -> tuple[_Auth, dict[str, Any] | None]:
        auth = self._auth(request)
        uid = auth.user_id
        return auth, (self.users.get(uid) if uid is not None else None)

    def _need_sign_in(self, auth: _Auth) -> Response:
        if auth.expired:
            return self._json(
                {"error": "Your session has expired. Please sign in again.", "expired": True},
                401,
            )
        return self._json({"error": "Please sign in."}, 401)

    # -- routes: session -------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return self._json({"ok": True})

    async def not_found(self, request: Request) -> Response:
        return self._json({"error": "Not found"}, 404)

    async def me(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        pending = auth.session is not None and auth.session.pending_user is not None
        return self._json(
            {
                "user": self._me_payload(user) if user is not None else None,
                "expired": auth.expired,
                "pendingCode": pending and user is None,
            }
        )

    async def login(self, request: Request) -> Response:
        body = await self._body(request)
        email = str(body.get("email", "")).strip().lower()
        password = str(body.get("password", ""))
        remember = body.get("remember", True) is not False
        user = self._user_by_email(email)
        if user is None or not secrets.compare_digest(user["password"], password):
            if user is not None:
                ip = request.client.host if request.client else ""
                self._log(user["id"], "sign_in_failed", user["id"], ip, "Wrong password")
            return self._refuse({"error": "Email or password is incorrect."})
        if user["status"] != "active" and "disabled-account-signs-in" not in self.switches:
            message = "This account has been disabled. Contact your administrator."
            if "disabled-message-admin-hint" in self.switches:
                message = (
                    "This account has been disabled. Ask your administrator to turn it back on."
                )
            return self._refuse({"error": message})
        session = self._start_session(request, remember)
        if user["twoStep"]:
            session.pending_user = user["id"]
            if "two-step-skippable" in self.switches:
                session.user_id = user["id"]
            self._issue_code(user, session)
            return self._json({"twoStep": True, "user": None}, cookie=session.secret)
        self._sign_in(session, user)
        return self._json({"twoStep": False, "user": self._me_payload(user)}, cookie=session.secret)

    async def verify(self, request: Request) -> Response:
        auth = self._auth(request)
        session = auth.session
        if session is None or session.pending_user is None:
            return self._refuse(
                {"error": "Your sign-in has expired. Please sign in again.", "restart": True}
            )
        body = await self._body(request)
        code = re.sub(r"\s+", "", str(body.get("code", "")))
        user = self.users[session.pending_user]
        fresh = session.pending_since is not None and _now() - session.pending_since < CODE_TTL
        valid = fresh and session.pending_code is not None and code == session.pending_code
        if "two-step-stale-code-accepted" in self.switches:
            valid = code in self.codes_issued.get(user["id"], [])
        if not valid:
            return self._refuse({"error": "That code is incorrect or has expired."})
        self._sign_in(session, user)
        return self._json({"user": self._me_payload(user)})

    async def resend(self, request: Request) -> Response:
        auth = self._auth(request)
        session = auth.session
        if session is None or session.pending_user is None:
            return self._refuse(
                {"error": "Your sign-in has expired. Please sign in again.", "restart": True}
            )
        self._issue_code(self.users[session.pending_user], session)
        return self._json({"ok": True})

    async def logout(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if auth.session is not None:
            if user is not None:
                self._log(user["id"], "signed_out", user["id"], auth.session.ip)
            self._drop_session(auth.session.id)
        return self._json({"user": None})

    async def signup(self, request: Request) -> Response:
        body = await self._body(request)
        name = " ".join(str(body.get("name", "")).split())
        email = str(body.get("email", "")).strip().lower()
        password = str(body.get("password", ""))
        confirm = str(body.get("confirm", ""))
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = "Enter your name."
        well_formed = (
            "@" in email if "signup-email-tld-unchecked" in self.switches else _EMAIL.match(email)
        )
        if not well_formed:
            errors["email"] = "Enter a valid email address."
        elif self._user_by_email(email) is not None:
            errors["email"] = "An account with this email already exists."
        if not _password_ok(password):
            errors["password"] = self._password_rule()
        elif confirm != password:
            errors["confirm"] = "The passwords don't match."
        if errors:
            return self._refuse({"errors": errors})
        if "signup-plus-address-crash" in self.switches and "+" in email:
            # "jo+news@…" is taken for an alias of an existing "jo@…" account
            local, domain = email.split("@", 1)
            base = self._user_by_email(f"{local.split('+', 1)[0]}@{domain}")
            try:
                name = f"{name} (alias of {base['name']})"  # type: ignore[index]
            except TypeError:
                return self._json({"error": "Internal server error"}, 500)
        # password hashing, between the duplicate check and the insert: a second submit that
        # arrives in this window also passes the check (what `signup-double-submit` exposes), so
        # the window is wide enough for a double click on a machine under load
        await asyncio.sleep(0.6)
        uid = self.next_user_id
        self.next_user_id += 1
        stamp = _iso(_now())
        user = _user(uid, email, name, password, stamp, last_sign_in=stamp)
        self.users[uid] = user
        session = self._start_session(request, True)
        session.user_id = uid
        self._log(uid, "account_created", uid, session.ip)
        self._send(user, "welcome")
        return self._json({"user": self._me_payload(user)}, 201, cookie=session.secret)

    # -- routes: password reset ------------------------------------------------------------

    def _link_usable(self, token: str) -> _ResetLink | None:
        link = self.reset_links.get(token)
        if link is None:
            return None
        if link.used and "reset-link-reusable" not in self.switches:
            return None
        ttl = RESET_LINK_TTL_LONG if "reset-link-ttl-hour" in self.switches else RESET_LINK_TTL
        expired = _now() - link.created > ttl
        if expired and "reset-link-expiry-ignored" not in self.switches:
            return None
        if self.users[link.user_id]["status"] != "active":
            return None
        return link

    async def forgot(self, request: Request) -> Response:
        self._auth(request)  # any request counts as activity
        body = await self._body(request)
        email = str(body.get("email", "")).strip().lower()
        if not _EMAIL.match(email):
            return self._refuse({"errors": {"email": "Enter a valid email address."}})
        user = self._user_by_email(email)
        if user is not None and user["status"] == "active":
            n = self._count(f"reset:{email}")
            token = _digest("reset", email, n)[:40]
            self.reset_links[token] = _ResetLink(user["id"], _now())
            language = "en" if "reset-email-language-ignored" in self.switches else None
            self._send(user, "reset", link=f"/reset?token={token}", language=language)
            ip = request.client.host if request.client else ""
            self._log(user["id"], "password_reset_requested", user["id"], ip)
        return self._json({"ok": True})

    async def check_reset(self, request: Request) -> Response:
        self._auth(request)  # any request counts as activity
        link = self._link_usable(request.path_params["token"])
        if link is None:
            return self._json({"valid": False})
        return self._json({"valid": True, "email": self.users[link.user_id]["email"]})

    async def do_reset(self, request: Request) -> Response:
        self._auth(request)  # any request counts as activity
        body = await self._body(request)
        token = str(body.get("token", ""))
        link = self._link_usable(token)
        if link is None:
            return self._refuse(
                {"error": "This reset link has expired or was already used.", "invalid": True}
            )
        password = str(body.get("password", ""))
        confirm = str(body.get("confirm", ""))
        errors: dict[str, str] = {}
        if not _password_ok(password):
            errors["password"] = self._password_rule()
        elif confirm != password:
            errors["confirm"] = "The passwords don't match."
        if errors:
            return self._refuse({"errors": errors})
        user = self.users[link.user_id]
        user["password"] = password
        user["passwordChangedAt"] = _iso(_now())
        link.used = True
        self._end_sessions_of(user["id"])
        ip = request.client.host if request.client else ""
        self._log(user["id"], "password_reset", user["id"], ip)
        self._send(user, "password_changed")
        return self._json({"ok": True})

    async def list_outbox(self, request: Request) -> Response:
        self._auth(request)  # any request counts as activity
        emails = sorted(self.outbox, key=lambda e: (e["sentAt"], e["id"]), reverse=True)
        return self._json({"emails": emails})

    # -- routes: account -------------------------------------------------------------------

    async def account(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None:
            return self._need_sign_in(auth)
        return self._json({"account": self._account_payload(user, user["prefs"])})

    async def update_profile(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        body = await self._body(request)
        name = " ".join(str(body.get("name", "")).split())
        email = str(body.get("email", "")).strip().lower()
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = "Enter your name."
        if not _EMAIL.match(email):
            errors["email"] = "Enter a valid email address."
        else:
            owner = self._user_by_email(email)
            taken = owner is not None and owner["id"] != user["id"]
            if taken and "email-change-duplicate-allowed" not in self.switches:
                errors["email"] = "That email is already used by another account."
        if errors:
            return self._refuse({"errors": errors})
        ip = auth.session.ip
        if email != user["email"]:
            old = user["email"]
            user["email"] = email
            self._send(user, "email_changed", to=old, new=email)
            self._log(user["id"], "email_changed", user["id"], ip, f"{old} → {email}")
        if name != user["name"]:
            user["name"] = name
            self._log(user["id"], "profile_updated", user["id"], ip)
        return self._json({"account": self._account_payload(user, user["prefs"])})

    async def change_password(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        body = await self._body(request)
        current = str(body.get("current", ""))
        password = str(body.get("password", ""))
        confirm = str(body.get("confirm", ""))
        errors: dict[str, str] = {}
        if not secrets.compare_digest(current, user["password"]):
            errors["current"] = "Your current password is incorrect."
        if "password-change-rules-skipped" in self.switches:
            strong = len(password) >= 10
        else:
            strong = _password_ok(password)
        if not strong:
            errors["password"] = self._password_rule()
        elif confirm != password:
            errors["confirm"] = "The passwords don't match."
        if errors:
            return self._refuse({"errors": errors})
        user["password"] = password
        user["passwordChangedAt"] = _iso(_now())
        self._end_sessions_of(user["id"], keep=auth.session.id)
        self._log(user["id"], "password_changed", user["id"], auth.session.ip)
        self._send(user, "password_changed")
        return self._json({"account": self._account_payload(user, user["prefs"])})

    async def set_two_step(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        body = await self._body(request)
        enabled = body.get("enabled") is True
        if enabled != user["twoStep"]:
            user["twoStep"] = enabled
            event = "two_step_enabled" if enabled else "two_step_disabled"
            self._log(user["id"], event, user["id"], auth.session.ip)
        return self._json({"account": self._account_payload(user, user["prefs"])})

    async def update_preferences(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        body = await self._body(request)
        prefs = dict(user["prefs"])
        date_format = body.get("dateFormat", prefs["dateFormat"])
        language = body.get("emailLanguage", prefs["emailLanguage"])
        errors: dict[str, str] = {}
        if date_format not in DATE_FORMATS:
            errors["dateFormat"] = "Choose a date format."
        if language not in EMAIL_LANGUAGES:
            errors["emailLanguage"] = "Choose a language."
        if errors:
            return self._refuse({"errors": errors})
        prefs = {"dateFormat": str(date_format), "emailLanguage": str(language)}
        if "preferences-not-stored" not in self.switches:
            if prefs != user["prefs"]:
                self._log(user["id"], "preferences_updated", user["id"], auth.session.ip)
            user["prefs"] = prefs
        return self._json({"account": self._account_payload(user, prefs)})

    # -- routes: sessions ------------------------------------------------------------------

    async def list_sessions(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        sessions = self._sessions_of(user["id"], auth.session.id)
        if "sessions-list-slow" in self.switches and len(sessions) > SLOW_SESSION_COUNT:
            # one location lookup per session, each waiting on a slow geo service
            await asyncio.sleep(6.0)
        return self._json({"sessions": sessions})

    async def end_session(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        target = self.sessions.get(request.path_params["sid"])
        if target is not None and target.user_id == user["id"] and target.id != auth.session.id:
            self._drop_session(target.id)
            self._log(user["id"], "session_ended", user["id"], auth.session.ip, target.device)
        return self._json({"sessions": self._sessions_of(user["id"], auth.session.id)})

    async def end_other_sessions(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None or auth.session is None:
            return self._need_sign_in(auth)
        current = auth.session.id
        if "end-other-sessions-noop" in self.switches:
            sessions = [s for s in self._sessions_of(user["id"], current) if s["id"] == current]
            return self._json({"sessions": sessions})
        self._end_sessions_of(user["id"], keep=current)
        self._log(user["id"], "other_sessions_ended", user["id"], auth.session.ip)
        return self._json({"sessions": self._sessions_of(user["id"], current)})

    # -- routes: profiles and admin ----------------------------------------------------------

    async def get_profile(self, request: Request) -> Response:
        auth, user = self._signed_in(request)
        if user is None:
            return self._need_sign_in(auth)
        target = self.users.get(request.path_params["uid"])
        allowed = target is not None and (
            target["id"] == user["id"]
            or user["role"] == "admin"
            or "profile-other-user-visible" in self.switches
        )
        if target is None or not allowed:
            return self._json({"error": "Profile not found"}, 404)
        profile = self._profile_payload(target)
        profile["sessionCount"] = sum(
            1 for s in self.sessions.values() if s.user_id == target["id"]
        )
        return self._json({"user": profile})

    def _admin_check(self, request: Request, *, lenient: bool = False) -> Response | None:
        auth, user = self._signed_in(request)
        if user is None:
            return self._need_sign_in(auth)
        if user["role"] != "admin" and not lenient:
            return self._json({"error": "You don't have access to this page."}, 403)
        return None

    async def admin_users(self, request: Request) -> Response:
        denied = self._admin_check(request, lenient="directory-role-unchecked" in self.switches)
        if denied is not None:
            return denied
        query = request.query_params.get("q", "").strip().casefold()
        rows = []
        for user in sorted(self.users.values(), key=lambda u: u["id"]):
            if query and query not in user["name"].casefold() and query not in user["email"]:
                continue
            row = self._profile_payload(user)
            row["sessionCount"] = sum(1 for s in self.sessions.values() if s.user_id == user["id"])
            rows.append(row)
        return self._json({"users": rows})

    async def admin_set_status(self, request: Request) -> Response:
        denied = self._admin_check(request)
        if denied is not None:
            return denied
        auth, admin = self._signed_in(request)
        assert admin is not None and auth.session is not None
        target = self.users.get(request.path_params["uid"])
        if target is None:
            return self._json({"error": "No such account."}, 404)
        body = await self._body(request)
        status = body.get("status")
        if status not in ("active", "disabled") or target["id"] == admin["id"]:
            return self._refuse({"error": "That change is not possible."})
        if status != target["status"]:
            target["status"] = status
            if status == "disabled":
                self._end_sessions_of(target["id"])
            event = "account_disabled" if status == "disabled" else "account_enabled"
            self._log(admin["id"], event, target["id"], auth.session.ip)
        profile = self._profile_payload(target)
        profile["sessionCount"] = sum(
            1 for s in self.sessions.values() if s.user_id == target["id"]
        )
        return self._json({"user": profile})

    async def admin_audit(self, request: Request) -> Response:
        denied = self._admin_check(request)
        if denied is not None:
            return denied
        entries = sorted(self.audit, key=lambda e: (e["at"], e["id"]), reverse=True)
        return self._json({"entries": [self._audit_payload(e) for e in entries[:100]]})


def create_backend(switches: BugSwitches) -> AuthBackend:
    return AuthBackend(switches)
