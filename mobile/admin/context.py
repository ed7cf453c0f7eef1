"""What every admin screen can reach: the session and the screens' state objects."""

from dataclasses import dataclass, field
from typing import Any

import flet as ft

from mobile.admin.state.session import AdminSession
from mobile.services.admin_api import HttpAdminApi


@dataclass
class AdminStates:
    """One per app session (one per browser tab). Screen states are made on first use and kept, so a
    filter set on the sessions list is still there after opening a timeline and coming back."""

    api: HttpAdminApi
    session: AdminSession
    screens: dict[str, Any] = field(default_factory=dict)

    def screen(self, name: str, make):
        if name not in self.screens:
            self.screens[name] = make(self.api)
        return self.screens[name]

    def forget_screens(self) -> None:
        """Another operator (or user): nothing of the last one's screens may show."""
        self.screens.clear()


AdminContext = ft.create_context(None)


def use_admin() -> AdminStates:
    """The session's states, the calling component re-rendered when the session changes."""
    states: AdminStates = ft.use_context(AdminContext)
    ft.use_state(states.session)
    return states


def use_screen(name: str, make):
    """A screen's own state object (re-rendering the caller when it changes)."""
    states = use_admin()
    state = states.screen(name, make)
    ft.use_state(state)
    return state
