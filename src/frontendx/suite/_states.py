"""Browser states: the conditions an episode's browser runs in."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frontendx.errors import ConfigError


class Viewport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(ge=200, le=4000)
    height: int = Field(ge=200, le=4000)


class BrowserState(BaseModel):
    """Viewport/device, locale, timezone, colour scheme, signed-in role, flags, storage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    viewport: Viewport = Viewport(width=1280, height=800)
    is_mobile: bool = False
    has_touch: bool = False
    device_scale_factor: float = 1.0
    locale: str = "en-US"
    timezone: str = "UTC"
    color_scheme: Literal["light", "dark"] = "light"
    role: str = "anonymous"
    flags: dict[str, str] = Field(default_factory=dict)
    network: Literal["online", "slow"] = "online"
    storage: Literal["cold", "warm"] = "cold"


_DESKTOP = BrowserState(name="desktop")

BUILTIN_STATES: dict[str, BrowserState] = {
    s.name: s
    for s in (
        _DESKTOP,
        BrowserState(
            name="mobile",
            viewport=Viewport(width=390, height=844),
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2.0,
        ),
        BrowserState(name="de", locale="de-DE", timezone="Europe/Berlin"),
        BrowserState(name="dark", color_scheme="dark"),
        BrowserState(name="user", role="user"),
        BrowserState(name="admin", role="admin"),
        # feature flags, sent as the app's flags cookie: the beta programme, and arm B of the
        # running A/B experiment (apps without flags ignore both)
        BrowserState(name="beta", flags={"beta": "on"}),
        BrowserState(name="ab-b", flags={"experiment": "b"}),
    )
}

DEFAULT_STATE = "desktop"


def get_state(name: str) -> BrowserState:
    try:
        return BUILTIN_STATES[name]
    except KeyError:
        raise ConfigError(
            f"unknown browser state {name!r}; known states: {', '.join(BUILTIN_STATES)}"
        ) from None


class ManifestsWhen(BaseModel):
    """The browser states a bug shows in. Absent fields match any state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mobile: bool | None = None
    locale: str | None = Field(default=None, description="locale prefix, e.g. 'de'")
    color_scheme: Literal["light", "dark"] | None = None
    roles: list[str] | None = None
    flags: dict[str, str] | None = None

    def matches(self, state: BrowserState) -> bool:
        if self.mobile is not None and state.is_mobile != self.mobile:
            return False
        if self.locale is not None and not state.locale.startswith(self.locale):
            return False
        if self.color_scheme is not None and state.color_scheme != self.color_scheme:
            return False
        if self.roles is not None and state.role not in self.roles:
            return False
        return not (
            self.flags is not None and any(state.flags.get(k) != v for k, v in self.flags.items())
        )
