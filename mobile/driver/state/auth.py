"""Signing up, in and out, and the sign-in kept across app starts."""

from dataclasses import dataclass
from enum import StrEnum

import flet as ft

from mobile.services.driver_api import DriverApi
from mobile.services.errors import ApiError

MIN_PASSWORD = 10


class AuthStatus(StrEnum):
    checking = "checking"
    signed_out = "signed_out"
    signed_in = "signed_in"


@ft.observable
@dataclass
class AuthState:
    """Who is using the app. `error` is what the form shows; `busy` disables its button."""

    api: DriverApi
    status: AuthStatus = AuthStatus.checking
    email: str = ""
    name: str = ""
    error: str | None = None
    notice: str | None = None
    busy: bool = False

    @property
    def signed_in(self) -> bool:
        return self.status is AuthStatus.signed_in

    async def start(self) -> None:
        """At app start: sign in again from the stored refresh token, or show the welcome screen."""
        try:
            restored = await self.api.restore()
        except ApiError:
            restored = False
        if not restored:
            self.status = AuthStatus.signed_out
            return
        try:
            await self._load_me()
        except ApiError as exc:  # signed in, but the profile can't be read (offline): say so, don't spin
            self.status = AuthStatus.signed_out
            self.error = exc.message

    async def sign_in(self, email: str, password: str) -> bool:
        email = email.strip()
        if not email or not password:
            self.error = "Enter your email and password."
            return False
        return await self._run(self.api.sign_in(email, password))

    async def register(self, email: str, password: str, name: str) -> bool:
        email = email.strip()
        if "@" not in email:
            self.error = "Enter a valid email address."
            return False
        if len(password) < MIN_PASSWORD:
            self.error = f"Use at least {MIN_PASSWORD} characters for your password."
            return False
        return await self._run(self.api.register(email, password, name.strip()))

    async def sign_out(self) -> None:
        await self.api.sign_out()
        self.status = AuthStatus.signed_out
        self.email = self.name = ""
        self.error = None

    async def signed_out_after_deletion(self) -> None:
        await self.sign_out()
        self.notice = "Your account is deleted. Thank you for parking with Parkflow."

    def expired(self) -> None:
        """The backend refused our tokens: back to the sign-in screen with a reason."""
        self.status = AuthStatus.signed_out
        self.error = "Your sign-in has expired. Please sign in again."

    async def _run(self, call) -> bool:
        self.busy, self.error = True, None
        try:
            await call
            await self._load_me()
            return True
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.busy = False

    async def _load_me(self) -> None:
        me = await self.api.me()
        self.email, self.name = me.email, me.name
        self.status = AuthStatus.signed_in
