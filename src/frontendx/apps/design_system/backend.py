"""The `design-system` app's API: design tokens, plans, blog, team, contact, newsletter,
component metadata, the table demo, sign-in and member preferences.

All state lives in memory and `reset()` restores the seed in microseconds. Seeded backend
defects are `if "<bug-id>" in self.switches:` branches, checked per request.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontendx.suite._manifest import BugSwitches

SESSION_COOKIE = "sid"
FLAGS_COOKIE = "flags"
YEARLY_DISCOUNT_PERCENT = 20
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_EMAIL_LOOSE = re.compile(r"^[^@\s]+@[^@\s]+$")

# -- design tokens: Lumen's overrides on top of Fluent's web light and dark themes ------------

_SHARED_TOKENS = {
    "borderRadiusMedium": "6px",
    "borderRadiusLarge": "10px",
    "borderRadiusXLarge": "14px",
}
_LIGHT_TOKENS = {
    **_SHARED_TOKENS,
    "colorBrandForegroundLink": "#115ea3",
    "colorBrandForegroundLinkHover": "#0f548c",
    "colorBrandForegroundLinkPressed": "#0c3b5e",
}
_DARK_TOKENS = {
    **_SHARED_TOKENS,
    "colorBrandForegroundLink": "#62abf5",
    "colorBrandForegroundLinkHover": "#77b7f7",
    "colorBrandForegroundLinkPressed": "#96c6fa",
}

# softer corners for cards and dialogs (the `radius-softer-tokens` change)
_SOFTER_RADIUS = {"borderRadiusLarge": "12px", "borderRadiusXLarge": "16px"}
# lighter dark-theme link colours (the `dark-link-lighter` change)
_DARK_LINKS_LIGHTER = {
    "colorBrandForegroundLink": "#8ac6fa",
    "colorBrandForegroundLinkHover": "#a5d3fb",
    "colorBrandForegroundLinkPressed": "#bfdffc",
}

# -- plans ------------------------------------------------------------------------------------

_PLANS: list[dict[str, Any]] = [
    {
        "id": "starter",
        "name": "Starter",
        "monthlyCents": 0,
        "seats": 1,
        "featured": False,
        "tagline": {
            "en": "For individuals and side projects",
            "de": "Für Einzelpersonen und Nebenprojekte",
        },
        "features": {
            "en": ["1 project", "All core components", "Community support"],
            "de": ["1 Projekt", "Alle Basiskomponenten", "Community-Support"],
        },
    },
    {
        "id": "team",
        "name": "Team",
        "monthlyCents": 1200,
        "seats": 25,
        "featured": True,
        "tagline": {
            "en": "For product teams that ship together",
            "de": "Für Produktteams, die gemeinsam liefern",
        },
        "features": {
            "en": [
                "Up to {seats} people",
                "Unlimited projects",
                "Figma library and theme editor",
                "Email support",
            ],
            "de": [
                "Bis zu {seats} Personen",
                "Unbegrenzte Projekte",
                "Figma-Bibliothek und Theme-Editor",
                "E-Mail-Support",
            ],
        },
    },
    {
        "id": "business",
        "name": "Business",
        "monthlyCents": 2900,
        "seats": 0,
        "featured": False,
        "tagline": {
            "en": "For organisations with many products",
            "de": "Für Organisationen mit vielen Produkten",
        },
        "features": {
            "en": [
                "Unlimited people",
                "Custom themes and tokens",
                "Single sign-on and audit log",
                "Priority support",
            ],
            "de": [
                "Unbegrenzt viele Personen",
                "Eigene Themes und Tokens",
                "Single Sign-on und Audit-Log",
                "Priorisierter Support",
            ],
        },
    },
]

_FAQ: dict[str, list[dict[str, str]]] = {
    "en": [
        {
            "question": "Can I switch between monthly and yearly billing?",
            "answer": "Yes. Yearly billing costs 20% less than twelve monthly payments, and you "
            "can switch at the end of any billing period.",
        },
        {
            "question": "Who counts as a person on the Team plan?",
            "answer": "Everyone who can edit themes or publish components. People who only view "
            "the documentation are free.",
        },
        {
            "question": "Do you offer discounts for non-profits and education?",
            "answer": "Yes: non-profits and schools get the Team plan free of charge. Write to us "
            "through the contact form.",
        },
        {
            "question": "Can I cancel at any time?",
            "answer": "Yes. You keep access until the end of the period you paid for.",
        },
    ],
    "en-trial": [
        {
            "question": "Is there a free trial of the Team plan?",
            "answer": "Yes. The first 14 days of the Team plan are free and need no card; you "
            "choose a billing period when the trial ends.",
        },
    ],
    "de": [
        {
            "question": "Kann ich zwischen monatlicher und jährlicher Abrechnung wechseln?",
            "answer": "Ja. Die jährliche Abrechnung kostet 20 % weniger als zwölf Monatszahlungen, "
            "und Sie können zum Ende jedes Abrechnungszeitraums wechseln.",
        },
        {
            "question": "Wer zählt im Team-Tarif als Person?",
            "answer": "Alle, die Themes bearbeiten oder Komponenten veröffentlichen. Wer nur die "
            "Dokumentation liest, ist kostenlos.",
        },
        {
            "question": "Gibt es Rabatte für gemeinnützige Organisationen und Bildung?",
            "answer": "Ja: Gemeinnützige Organisationen und Schulen erhalten den Team-Tarif "
            "kostenlos. Schreiben Sie uns über das Kontaktformular.",
        },
        {
            "question": "Kann ich jederzeit kündigen?",
            "answer": "Ja. Sie behalten den Zugang bis zum Ende des bezahlten Zeitraums.",
        },
    ],
    "de-trial": [
        {
            "question": "Gibt es eine kostenlose Testphase für den Team-Tarif?",
            "answer": "Ja. Die ersten 14 Tage im Team-Tarif sind kostenlos und ohne Karte; den "
            "Abrechnungszeitraum wählen Sie am Ende der Testphase.",
        },
    ],
}

# -- blog -------------------------------------------------------------------------------------


def _post(slug: str, title: str, date: str, author: str, tag: str, excerpt: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": title,
        "date": date,
        "author": author,
        "tag": tag,
        "excerpt": excerpt,
        "body": [
            excerpt,
            "Every change in Lumen starts with the tokens: we agree on the named values first, "
            "then update the components that use them, so design files and code never drift.",
            "As always, the full list of changes is in the release notes, and every component "
            "page in the gallery shows the tokens it uses.",
        ],
    }


_POSTS: list[dict[str, Any]] = [
    _post(
        "lumen-4-2",
        "Lumen 4.2: a calmer dark theme",
        "2025-05-20",
        "Ana Silva",
        "Release",
        "Lumen 4.2 retunes the dark theme's neutral ramp and brand colours for better contrast.",
    ),
    _post(
        "tokens-in-figma",
        "Design tokens in Figma, finally in sync",
        "2025-05-02",
        "Kenji Watanabe",
        "Design",
        "Our Figma library now reads the same token file as the code, so a change lands once.",
    ),
    _post(
        "accessible-tabs",
        "Building accessible tabs",
        "2025-04-14",
        "Priya Nair",
        "Accessibility",
        "Tabs look simple, but keyboard support and the right roles take care. Here is ours.",
    ),
    _post(
        "spacing-scale",
        "Why our spacing scale has nudges",
        "2025-03-28",
        "Jonas Weber",
        "Design",
        "Sometimes 8 px is too much and 4 px too little: the story of the nudge tokens.",
    ),
    _post(
        "responsive-nav",
        "A navigation pattern for small screens",
        "2025-03-10",
        "Sofia Rossi",
        "Guide",
        "How the Lumen site header collapses into a menu drawer below 600 pixels.",
    ),
    _post(
        "lumen-4-1",
        "Lumen 4.1: toasts and progress bars",
        "2025-02-18",
        "Ana Silva",
        "Release",
        "Two new components join the gallery, with light and dark variants from day one.",
    ),
    _post(
        "contrast-checks",
        "Automating contrast checks",
        "2025-01-30",
        "Priya Nair",
        "Accessibility",
        "Every token pair in Lumen is checked against WCAG AA on each pull request.",
    ),
    _post(
        "german-ui",
        "Designing for long words",
        "2025-01-12",
        "Jonas Weber",
        "Guide",
        "German labels can be twice as long as English ones. Our buttons grow to fit them.",
    ),
    _post(
        "lumen-4-0",
        "Introducing Lumen 4",
        "2024-12-02",
        "Kenji Watanabe",
        "Release",
        "Lumen 4 moves every component onto Fluent UI 9 and its token-based themes.",
    ),
]

# -- team ------------------------------------------------------------------------------------

_TEAM: list[dict[str, Any]] = [
    {"id": 1, "name": "Ana Silva", "role": "Design lead", "color": "#0f6cbd"},
    {"id": 2, "name": "Sofia Rossi", "role": "Product designer", "color": "#8764b8"},
    {"id": 3, "name": "Kenji Watanabe", "role": "Engineering lead", "color": "#107c10"},
    {"id": 4, "name": "Priya Nair", "role": "Accessibility specialist", "color": "#c239b3"},
    {"id": 5, "name": "Jonas Weber", "role": "Front-end engineer", "color": "#ca5010"},
]

# -- components ------------------------------------------------------------------------------


def _component(
    slug: str,
    name: str,
    category: str,
    summary: str,
    tokens: list[str],
    accessibility: list[str],
    usage: str,
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "category": category,
        "summary": summary,
        "tokens": tokens,
        "accessibility": accessibility,
        "usage": usage,
    }


_COMPONENTS: list[dict[str, Any]] = [
    _component(
        "button",
        "Button",
        "Actions",
        "Starts an action, such as saving a form or opening a dialog.",
        [
            "colorBrandBackground",
            "colorBrandBackgroundHover",
            "colorNeutralForegroundOnBrand",
            "colorNeutralBackground1",
            "colorNeutralStroke1",
            "borderRadiusMedium",
            "spacingHorizontalM",
            "fontWeightSemibold",
        ],
        [
            "Use a native button element so it works with the keyboard and screen readers.",
            "Icon-only buttons need an accessible name, for example an aria-label.",
            "Prefer disabledFocusable when the reason for the disabled state is explained nearby.",
        ],
        '<Button appearance="primary" onClick={save}>Save</Button>',
    ),
    _component(
        "input",
        "Input",
        "Inputs",
        "A single-line text field for names, email addresses and search terms.",
        [
            "colorNeutralBackground1",
            "colorNeutralStroke1",
            "colorNeutralStrokeAccessible",
            "colorCompoundBrandStroke",
            "borderRadiusMedium",
            "spacingHorizontalM",
            "fontSizeBase300",
        ],
        [
            "Wrap every input in a Field with a visible label.",
            "Validation messages are announced through the Field.",
        ],
        '<Field label="Email">\n  <Input type="email" />\n</Field>',
    ),
    _component(
        "checkbox",
        "Checkbox",
        "Inputs",
        "Lets people pick any number of options, including a mixed state.",
        [
            "colorCompoundBrandBackground",
            "colorNeutralStrokeAccessible",
            "colorNeutralForegroundInverted",
            "borderRadiusSmall",
            "spacingHorizontalS",
        ],
        ["Each checkbox has its own label.", "The mixed state is announced as partially checked."],
        '<Checkbox label="Email me about new releases" />',
    ),
    _component(
        "switch",
        "Switch",
        "Inputs",
        "Turns a setting on or off with immediate effect.",
        [
            "colorCompoundBrandBackground",
            "colorNeutralStrokeAccessible",
            "colorNeutralForegroundInverted",
            "borderRadiusCircular",
        ],
        ["A switch is announced with its on or off state.", "Use it for settings that apply now."],
        '<Switch label="Notifications" defaultChecked />',
    ),
    _component(
        "radio-group",
        "Radio group",
        "Inputs",
        "Lets people choose exactly one option from a short list.",
        [
            "colorCompoundBrandForeground1",
            "colorNeutralStrokeAccessible",
            "spacingVerticalS",
            "spacingHorizontalS",
        ],
        ["Arrow keys move between the options of a group.", "Label the group with a Field."],
        '<Field label="Density">\n  <RadioGroup>\n    <Radio value="compact" label="Compact" />\n'
        "  </RadioGroup>\n</Field>",
    ),
    _component(
        "tabs",
        "Tabs",
        "Navigation",
        "Moves between related views on one page.",
        [
            "colorCompoundBrandStroke",
            "colorNeutralForeground2",
            "colorNeutralForeground1",
            "spacingHorizontalMNudge",
            "borderRadiusCircular",
        ],
        [
            "Tabs use the tablist and tab roles; arrow keys move between tabs.",
            "The selected tab is announced as selected.",
        ],
        '<TabList defaultSelectedValue="overview">\n  <Tab value="overview">Overview</Tab>\n'
        "</TabList>",
    ),
    _component(
        "dialog",
        "Dialog",
        "Overlays",
        "A modal window that asks for a decision before going on.",
        [
            "colorNeutralBackground1",
            "colorBackgroundOverlay",
            "shadow64",
            "borderRadiusXLarge",
            "spacingHorizontalXXL",
        ],
        ["Focus moves into the dialog and returns to the trigger.", "Escape closes it."],
        "<Dialog>\n  <DialogTrigger><Button>Open</Button></DialogTrigger>\n"
        "  <DialogSurface>...</DialogSurface>\n</Dialog>",
    ),
    _component(
        "tooltip",
        "Tooltip",
        "Overlays",
        "A short hint shown on hover or keyboard focus.",
        [
            "colorNeutralBackground1",
            "colorNeutralForeground1",
            "shadow16",
            "borderRadiusMedium",
            "fontSizeBase200",
        ],
        [
            "Tooltips either label or describe their trigger.",
            "They appear on keyboard focus too.",
        ],
        '<Tooltip content="Export the theme" relationship="label">\n'
        "  <Button icon={<ExportIcon />} />\n</Tooltip>",
    ),
    _component(
        "menu",
        "Menu",
        "Actions",
        "A list of commands that opens from a button.",
        [
            "colorNeutralBackground1",
            "colorNeutralBackground1Hover",
            "shadow16",
            "borderRadiusMedium",
            "spacingVerticalXS",
        ],
        ["Arrow keys move through the items; Escape closes the menu."],
        "<Menu>\n  <MenuTrigger><Button>Actions</Button></MenuTrigger>\n"
        "  <MenuPopover>...</MenuPopover>\n</Menu>",
    ),
    _component(
        "table",
        "Table",
        "Data display",
        "Shows records in rows and columns, with sorting.",
        [
            "colorNeutralStroke2",
            "colorSubtleBackgroundHover",
            "colorNeutralForeground1",
            "spacingHorizontalS",
            "fontSizeBase300",
        ],
        ["Give every table an accessible name.", "Header cells name their columns."],
        '<Table aria-label="Projects">\n  <TableHeader>...</TableHeader>\n'
        "  <TableBody>...</TableBody>\n</Table>",
    ),
    _component(
        "badge",
        "Badge",
        "Data display",
        "A small label for a status, a count or a category.",
        [
            "colorBrandBackground",
            "colorPaletteRedBackground3",
            "colorPaletteGreenBackground3",
            "colorNeutralForegroundOnBrand",
            "borderRadiusCircular",
            "fontSizeBase200",
        ],
        ["Counter badges need a label that says what is counted."],
        '<Badge color="success">Published</Badge>',
    ),
    _component(
        "avatar",
        "Avatar",
        "Data display",
        "A person's picture or initials, optionally with presence.",
        [
            "colorNeutralBackground6",
            "colorNeutralForeground3",
            "colorNeutralStroke1",
            "borderRadiusCircular",
        ],
        ["The avatar is named after the person it shows."],
        '<Avatar name="Ana Silva" badge={{ status: "available" }} />',
    ),
    _component(
        "card",
        "Card",
        "Data display",
        "Groups information and actions about one subject.",
        [
            "colorNeutralBackground1",
            "colorNeutralStroke1",
            "shadow4",
            "borderRadiusMedium",
            "spacingHorizontalM",
        ],
        ["Interactive cards need one clear primary action."],
        "<Card>\n  <CardHeader header={<b>Ocean theme</b>} />\n"
        "  <CardFooter><Button>Apply</Button></CardFooter>\n</Card>",
    ),
    _component(
        "toast",
        "Toast",
        "Feedback",
        "A brief notification that confirms the outcome of an action.",
        [
            "colorNeutralBackground1",
            "colorStatusSuccessForeground1",
            "colorStatusDangerForeground1",
            "shadow8",
            "borderRadiusMedium",
        ],
        ["Toasts are announced politely and stay long enough to be read."],
        "const { dispatchToast } = useToastController(toasterId)\n"
        'dispatchToast(<Toast><ToastTitle>Saved</ToastTitle></Toast>, { intent: "success" })',
    ),
    _component(
        "progress-bar",
        "Progress bar",
        "Feedback",
        "Shows how far a long-running operation has come.",
        [
            "colorCompoundBrandBackground",
            "colorNeutralBackground6",
            "colorPaletteGreenBackground3",
            "borderRadiusMedium",
        ],
        ["Label the progress bar through a Field; the value is announced as a percentage."],
        '<Field label="Uploading">\n  <ProgressBar value={0.4} />\n</Field>',
    ),
]

# -- table demo ------------------------------------------------------------------------------

_PROJECTS: list[dict[str, str]] = [
    {"name": "Apollo", "owner": "Ana Silva", "status": "Active", "updated": "2025-05-14"},
    {"name": "Borealis", "owner": "Kenji Watanabe", "status": "Paused", "updated": "2025-03-02"},
    {"name": "Cascade", "owner": "Priya Nair", "status": "Active", "updated": "2025-04-21"},
    {"name": "Delta", "owner": "Jonas Weber", "status": "Archived", "updated": "2024-11-30"},
    {"name": "Ember", "owner": "Sofia Rossi", "status": "Active", "updated": "2025-02-11"},
    {"name": "Fjord", "owner": "Ana Silva", "status": "Paused", "updated": "2025-01-19"},
    {"name": "Nimbus", "owner": "Priya Nair", "status": "Active", "updated": "2025-05-27"},
    {"name": "Orbit", "owner": "Kenji Watanabe", "status": "Archived", "updated": "2024-10-08"},
]

# -- accounts and messages -------------------------------------------------------------------

_USERS: dict[str, dict[str, Any]] = {
    "mia@example.com": {
        "password": "mia-pass-1",
        "name": "Mia Chen",
        "role": "user",
        "preferences": {"theme": "system"},
    },
    "leo@example.com": {
        "password": "leo-pass-3",
        "name": "Leo Park",
        "role": "user",
        "preferences": {"theme": "dark"},
    },
    "admin@lumen.dev": {
        "password": "admin-pass-2",
        "name": "Sam Rivera",
        "role": "admin",
        "preferences": {"theme": "system"},
    },
}

_MESSAGES: list[dict[str, Any]] = [
    {
        "reference": "MSG-1001",
        "name": "Hannah Becker",
        "email": "hannah@northwind.example",
        "topic": "sales",
        "message": "We are 40 designers and engineers; can we get a quote for the Team plan?",
        "receivedAt": "2025-05-19T08:12:00Z",
    },
    {
        "reference": "MSG-1002",
        "name": "Omar Haddad",
        "email": "omar@contoso.example",
        "topic": "support",
        "message": "Does the Business plan include the Figma library for our whole agency?",
        "receivedAt": "2025-05-21T16:40:00Z",
    },
]

_SUBSCRIBERS = ["hello@fabrikam.example", "news@contoso.example"]

_TOPICS = {"sales": "Sales and plans", "support": "Product support", "partnership": "Partnerships"}

_NEWSLETTER_TEXT = {
    "en": {
        "invalid": "Enter a valid email address.",
        "duplicate": "This address is already subscribed.",
    },
    "de": {
        "invalid": "Geben Sie eine gültige E-Mail-Adresse ein.",
        "duplicate": "Diese Adresse hat den Newsletter bereits abonniert.",
    },
}


def _money(cents: int) -> float:
    return round(cents / 100, 2)


@dataclass
class _Session:
    user: str | None = None


class DesignSystemBackend:
    """ASGI app + reset(). One instance per hosted app process."""

    def __init__(self, switches: BugSwitches) -> None:
        self.switches = switches
        self.users: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, _Session] = {}
        self.messages: list[dict[str, Any]] = []
        self.subscribers: list[str] = []
        self.next_reference = 1003
        self._contact_slots: dict[str, float] = {}
        self.reset()
        self.app = Starlette(routes=self._routes())

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self) -> None:
        self.users = copy.deepcopy(_USERS)
        self.sessions = {}
        self.messages = copy.deepcopy(_MESSAGES)
        self.subscribers = list(_SUBSCRIBERS)
        self.next_reference = 1003
        self._contact_slots = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _routes(self) -> list[Route]:
        return [
            Route("/api/health", self.health),
            Route("/api/tokens", self.tokens),
            Route("/api/me", self.me),
            Route("/api/login", self.login, methods=["POST"]),
            Route("/api/logout", self.logout, methods=["POST"]),
            Route("/api/preferences", self.preferences, methods=["PUT"]),
            Route("/api/experiments", self.experiments),
            Route("/api/plans", self.plans),
            Route("/api/faq", self.faq),
            Route("/api/posts", self.list_posts),
            Route("/api/posts/{slug}", self.get_post),
            Route("/api/team", self.team),
            Route("/api/team/{mid:int}/photo.svg", self.team_photo),
            Route("/api/contact", self.contact, methods=["POST"]),
            Route("/api/newsletter", self.newsletter, methods=["POST"]),
            Route("/api/components", self.list_components),
            Route("/api/components/{slug}", self.get_component),
            Route("/api/demo/projects", self.projects),
            Route("/api/admin/messages", self.admin_messages),
            Route("/api/{rest:path}", self.not_found),
        ]

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _json(data: Any, status: int = 200) -> JSONResponse:
        return JSONResponse(data, status_code=status, headers={"cache-control": "no-store"})

    @staticmethod
    async def _body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _lang(value: Any) -> str:
        return "de" if str(value or "").lower().startswith("de") else "en"

    def _current_user(self, request: Request) -> str | None:
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE) or "")
        if session is None or session.user not in self.users:
            return None
        return session.user

    def _user_payload(self, email: str | None) -> dict[str, Any] | None:
        if email is None or email not in self.users:
            return None
        user = self.users[email]
        return {
            "email": email,
            "name": user["name"],
            "role": user["role"],
            "preferences": dict(user["preferences"]),
        }

    @staticmethod
    def _flags(request: Request) -> dict[str, str]:
        raw = request.cookies.get(FLAGS_COOKIE)
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    # -- routes: site ----------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return self._json({"ok": True})

    async def not_found(self, request: Request) -> Response:
        return self._json({"error": "Not found"}, 404)

    async def tokens(self, request: Request) -> Response:
        light, dark = dict(_LIGHT_TOKENS), dict(_DARK_TOKENS)
        if "radius-softer-tokens" in self.switches:
            light.update(_SOFTER_RADIUS)
            dark.update(_SOFTER_RADIUS)
        if "dark-link-lighter" in self.switches:
            dark.update(_DARK_LINKS_LIGHTER)
        if "dark-link-token-low-contrast" in self.switches:
            for name in ("colorBrandForegroundLink", "colorBrandForegroundLinkHover"):
                dark[name] = _LIGHT_TOKENS[name]
        return self._json({"light": light, "dark": dark})

    async def experiments(self, request: Request) -> Response:
        if self._flags(request).get("experiment") == "b":
            href = "/pricing?trial=team"
            if "trial-cta-broken-link" in self.switches:
                href = "/pricing/trial"
            return self._json({"heroCta": {"kind": "trial", "href": href}})
        return self._json({"heroCta": {"kind": "start", "href": "/components"}})

    # -- routes: accounts ------------------------------------------------------------------

    async def me(self, request: Request) -> Response:
        return self._json({"user": self._user_payload(self._current_user(request))})

    async def login(self, request: Request) -> Response:
        body = await self._body(request)
        email = str(body.get("email", "")).strip().lower()
        password = str(body.get("password", ""))
        user = self.users.get(email)
        if user is None or not secrets.compare_digest(user["password"], password):
            return self._json({"ok": False, "error": "Email or password is incorrect."})
        sid = secrets.token_urlsafe(18)
        self.sessions[sid] = _Session(user=email)
        response = self._json({"ok": True, "user": self._user_payload(email)})
        response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", path="/")
        return response

    async def logout(self, request: Request) -> Response:
        self.sessions.pop(request.cookies.get(SESSION_COOKIE) or "", None)
        response = self._json({"ok": True})
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def preferences(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"error": "Please sign in."}, 401)
        body = await self._body(request)
        theme = str(body.get("theme", ""))
        if theme not in ("system", "light", "dark"):
            return self._json({"error": "Unknown theme."}, 422)
        prefs = dict(self.users[email]["preferences"])
        prefs["theme"] = theme
        if "member-theme-not-saved" not in self.switches:
            self.users[email]["preferences"] = prefs
        return self._json({"preferences": prefs})

    # -- routes: marketing -----------------------------------------------------------------

    async def plans(self, request: Request) -> Response:
        lang = self._lang(request.query_params.get("lang"))
        yearly = request.query_params.get("billing") == "yearly"
        plans = []
        for plan in _PLANS:
            cents = plan["monthlyCents"]
            if yearly:
                cents = cents * 12
                if "yearly-price-no-discount" not in self.switches:
                    cents = cents * (100 - YEARLY_DISCOUNT_PERCENT) // 100
            features = [
                f.format(seats=plan["seats"])
                if lang == "en" or "de-plan-feature-placeholder" not in self.switches
                else f
                for f in plan["features"][lang]
            ]
            plans.append(
                {
                    "id": plan["id"],
                    "name": plan["name"],
                    "tagline": plan["tagline"][lang],
                    "price": _money(cents),
                    "billing": "yearly" if yearly else "monthly",
                    "features": features,
                    "featured": plan["featured"],
                }
            )
        return self._json({"plans": plans})

    async def faq(self, request: Request) -> Response:
        lang = self._lang(request.query_params.get("lang"))
        questions = list(_FAQ[lang])
        if "faq-team-trial" in self.switches:
            questions[1:1] = _FAQ[f"{lang}-trial"]
        return self._json({"questions": questions})

    async def list_posts(self, request: Request) -> Response:
        try:
            offset = max(0, int(request.query_params.get("offset", "0")))
            limit = max(1, min(20, int(request.query_params.get("limit", "5"))))
        except ValueError:
            return self._json({"error": "Invalid page."}, 400)
        start = offset
        if "blog-load-more-repeats-post" in self.switches and offset > 0:
            start = offset - 1
        page = _POSTS[start : start + limit]
        posts = [{k: v for k, v in p.items() if k != "body"} for p in page]
        return self._json({"posts": posts, "total": len(_POSTS)})

    async def get_post(self, request: Request) -> Response:
        post = next((p for p in _POSTS if p["slug"] == request.path_params["slug"]), None)
        if post is None:
            return self._json({"error": "Post not found"}, 404)
        return self._json({"post": post})

    async def team(self, request: Request) -> Response:
        members = []
        for m in _TEAM:
            member = {
                "id": m["id"],
                "name": m["name"],
                "role": m["role"],
                "photo": f"/api/team/{m['id']}/photo.svg",
                "photoAlt": f"Portrait of {m['name']}",
            }
            if "team-photo-alt-missing" in self.switches and m["id"] == len(_TEAM):
                del member["photoAlt"]
            members.append(member)
        return self._json({"members": members})

    async def team_photo(self, request: Request) -> Response:
        member = next((m for m in _TEAM if m["id"] == request.path_params["mid"]), None)
        if member is None:
            return self._json({"error": "Not found"}, 404)
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
            f'<rect width="96" height="96" fill="{member["color"]}"/>'
            '<circle cx="48" cy="38" r="18" fill="#ffffff" fill-opacity="0.85"/>'
            '<path d="M14 96c4-20 18-30 34-30s30 10 34 30z" fill="#ffffff" fill-opacity="0.85"/>'
            "</svg>"
        )
        return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=3600"})

    async def contact(self, request: Request) -> Response:
        body = await self._body(request)
        # one message per second and sender: a quick second message waits for its slot
        client = request.client.host if request.client else ""
        now = time.monotonic()
        slot = max(now, self._contact_slots.get(client, 0.0) + 1.0)
        self._contact_slots[client] = slot
        await asyncio.sleep(slot - now + 0.3)  # the spam filter's verdict takes a moment
        form = {k: str(body.get(k, "") or "").strip() for k in ("name", "email", "topic")}
        message = str(body.get("message", "") or "").strip()
        errors: dict[str, str] = {}
        if not form["name"]:
            errors["name"] = "Enter your name."
        elif len(form["name"]) > 100:
            errors["name"] = "Keep your name under 100 characters."
        pattern = _EMAIL
        if "contact-email-tld-unchecked" in self.switches:
            pattern = _EMAIL_LOOSE
        if not pattern.match(form["email"]):
            errors["email"] = "Enter a valid email address, like name@example.com."
        if form["topic"] not in _TOPICS:
            errors["topic"] = "Choose a topic."
        if len(message) < 20:
            errors["message"] = "Write at least 20 characters."
        elif len(message) > 2000:
            errors["message"] = "Keep your message under 2,000 characters."
        if errors:
            return self._json({"ok": False, "errors": errors})
        reference = f"MSG-{self.next_reference}"
        self.next_reference += 1
        self.messages.append(
            {
                "reference": reference,
                "name": form["name"],
                "email": form["email"],
                "topic": form["topic"],
                "message": message,
                "receivedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
        return self._json({"ok": True, "reference": reference})

    async def newsletter(self, request: Request) -> Response:
        body = await self._body(request)
        text = _NEWSLETTER_TEXT[self._lang(body.get("lang"))]
        email = str(body.get("email", "") or "").strip()
        if not _EMAIL.match(email):
            return self._json({"ok": False, "error": text["invalid"]})
        local, _, domain = email.rpartition("@")
        if "newsletter-plus-address-error" in self.switches and "+" in local:
            # sub-addresses are folded by a lookup of known tags, which only has the empty tag
            base, tag = local.split("+", 1)
            local = base + {"": ""}[tag]
        key = f"{local}@{domain.lower()}"
        if key.lower() in (s.lower() for s in self.subscribers):
            return self._json({"ok": False, "error": text["duplicate"]})
        self.subscribers.append(key)
        return self._json({"ok": True})

    # -- routes: gallery -------------------------------------------------------------------

    async def list_components(self, request: Request) -> Response:
        query = (request.query_params.get("q") or "").strip().casefold()
        found = [
            c
            for c in _COMPONENTS
            if not query or query in c["name"].casefold() or query in c["summary"].casefold()
        ]
        items = [
            {k: c[k] for k in ("slug", "name", "category", "summary")}
            for c in sorted(found, key=lambda c: c["name"])
        ]
        return self._json({"components": items})

    async def get_component(self, request: Request) -> Response:
        component = next((c for c in _COMPONENTS if c["slug"] == request.path_params["slug"]), None)
        if component is None:
            return self._json({"error": "Component not found"}, 404)
        payload = copy.deepcopy(component)
        if "toast-page-tokens-null" in self.switches and component["slug"] == "toast":
            payload["tokens"] = None
        return self._json({"component": payload})

    async def projects(self, request: Request) -> Response:
        sort = request.query_params.get("sort", "name")
        rows = [dict(p) for p in _PROJECTS]
        if sort == "status":
            rows.sort(key=lambda p: (p["status"], p["name"]))
        elif sort == "updated":
            if "table-sort-updated-slow" in self.switches:
                await asyncio.sleep(6)  # an unindexed scan of the full change history
            rows.sort(key=lambda p: p["updated"], reverse=True)
        else:
            rows.sort(key=lambda p: p["name"])
        return self._json({"projects": rows})

    # -- routes: admin ---------------------------------------------------------------------

    async def admin_messages(self, request: Request) -> Response:
        email = self._current_user(request)
        if email is None:
            return self._json({"error": "Please sign in."}, 401)
        is_admin = self.users[email]["role"] == "admin"
        if not is_admin and "inbox-open-to-members" not in self.switches:
            return self._json({"error": "You don't have access to this page."}, 403)
        rows = sorted(self.messages, key=lambda m: m["reference"], reverse=True)
        return self._json(
            {"messages": [{**m, "topic": _TOPICS.get(m["topic"], m["topic"])} for m in rows]}
        )


def create_backend(switches: BugSwitches) -> DesignSystemBackend:
    return DesignSystemBackend(switches)
