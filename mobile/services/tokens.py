"""Where the driver's tokens live between app starts.

On phones the refresh token goes to the platform keystore (flet-secure-storage: Keychain on iOS,
Keystore-backed storage on Android, encrypted storage in the browser). Tests and the first frame before
the page exists use the in-memory store.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

REFRESH_KEY = "parkflow.refresh_token"
STORAGE_TIMEOUT_S = 2.0


@dataclass
class Tokens:
    """An access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str | None


class TokenStore(Protocol):
    """Keeps the refresh token across app starts; the access token lives in memory only."""

    async def load(self) -> str | None: ...

    async def save(self, refresh_token: str | None) -> None: ...


class MemoryTokenStore:
    """Forgets everything when the app closes (tests, and where no secure storage exists)."""

    def __init__(self, refresh_token: str | None = None) -> None:
        self.refresh_token = refresh_token

    async def load(self) -> str | None:
        return self.refresh_token

    async def save(self, refresh_token: str | None) -> None:
        self.refresh_token = refresh_token


class SecureTokenStore:
    """The platform's secure storage through flet-secure-storage; falls back to memory when the client
    has no such plugin (a web client built without it), so signing in still works for the visit."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage
        self._fallback = MemoryTokenStore()
        self._broken = False

    async def load(self) -> str | None:
        if not self._broken:
            try:
                return await asyncio.wait_for(self._storage.get(REFRESH_KEY), STORAGE_TIMEOUT_S)
            except Exception as exc:  # plugin missing or refused: keep the session in memory
                self._mark_broken(exc)
        return await self._fallback.load()

    async def save(self, refresh_token: str | None) -> None:
        await self._fallback.save(refresh_token)
        if self._broken:
            return
        try:
            if refresh_token is None:
                await asyncio.wait_for(self._storage.remove(REFRESH_KEY), STORAGE_TIMEOUT_S)
            else:
                await asyncio.wait_for(self._storage.set(REFRESH_KEY, refresh_token), STORAGE_TIMEOUT_S)
        except Exception as exc:
            self._mark_broken(exc)

    def _mark_broken(self, exc: BaseException) -> None:
        log.warning("secure storage unavailable, keeping the sign-in in memory: %r", exc)
        self._broken = True
