"""Enforcement API keys and camera webhook tokens: list, create, rotate, revoke. A new secret is shown
once (`revealed`) and forgotten when the screen moves on."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin import ApiKeyCreated, ApiKeyOut, WebhookTokenCreated, WebhookTokenOut


@dataclass(frozen=True)
class Revealed:
    """A secret just made: what it is for and the value, shown this once."""

    title: str
    secret: str


@ft.observable
@dataclass
class CredentialsState:
    api: HttpAdminApi
    keys: list[ApiKeyOut] = field(default_factory=list)
    tokens: list[WebhookTokenOut] = field(default_factory=list)
    revealed: Revealed | None = None
    error: str | None = None
    notice: str | None = None
    loaded: bool = False

    async def load(self) -> None:
        try:
            self.keys = await self.api.get("/api-keys", list[ApiKeyOut])
            self.tokens = await self.api.get("/webhook-tokens", list[WebhookTokenOut])
            self.error, self.loaded = None, True
        except ApiError as exc:
            self.error = exc.message

    async def create_key(self, name: str) -> None:
        if not name.strip():
            self.error = "Name the key after who uses it (e.g. 'handhelds')."
            return
        await self._made(
            self.api.send("POST", "/api-keys", ApiKeyCreated, {"name": name.strip()}),
            lambda made: Revealed(f"New API key '{made.name}'", made.key),
        )

    async def rotate_key(self, key: ApiKeyOut) -> None:
        await self._made(
            self.api.send("POST", f"/api-keys/{key.id}/rotate", ApiKeyCreated),
            lambda made: Revealed(
                f"New secret for API key '{made.name}' (the old one no longer works)", made.key
            ),
        )

    async def revoke_key(self, key: ApiKeyOut) -> None:
        await self._done(
            self.api.send("POST", f"/api-keys/{key.id}/revoke"), f"API key '{key.name}' revoked."
        )

    async def create_token(self, name: str) -> None:
        if not name.strip():
            self.error = "Name the token after the cameras or gates that send it."
            return
        await self._made(
            self.api.send("POST", "/webhook-tokens", WebhookTokenCreated, {"name": name.strip()}),
            lambda made: Revealed(f"New webhook token '{made.name}'", made.token),
        )

    async def rotate_token(self, token: WebhookTokenOut) -> None:
        await self._made(
            self.api.send("POST", f"/webhook-tokens/{token.id}/rotate", WebhookTokenCreated),
            lambda made: Revealed(
                f"New webhook token for '{made.name}' (the old one no longer works)", made.token
            ),
        )

    async def revoke_token(self, token: WebhookTokenOut) -> None:
        await self._done(
            self.api.send("POST", f"/webhook-tokens/{token.id}/revoke"),
            f"Webhook token '{token.name}' revoked.",
        )

    def hide_secret(self) -> None:
        self.revealed = None

    async def _made(self, call, reveal) -> None:
        try:
            made = await call
        except ApiError as exc:
            self.error = exc.message
            return
        self.revealed, self.error, self.notice = reveal(made), None, None
        await self.load()

    async def _done(self, call, notice: str) -> None:
        try:
            await call
        except ApiError as exc:
            self.error = exc.message
            return
        self.notice, self.error, self.revealed = notice, None, None
        await self.load()
