"""The apps' HTTP transport: JSON in and out, the contract's error body turned into `ApiError`, and the
access token renewed once (for every concurrent caller) when the backend answers 401."""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from mobile.services.errors import ApiError, network_error, signed_out_error
from mobile.services.tokens import Tokens, TokenStore

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
REFRESH_PATH = "/api/v1/auth/refresh"


def error_from(response: httpx.Response) -> ApiError:
    """The contract's `{detail, code}` body, or a plain sentence when the body is not ours."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return ApiError(str(body.get("code") or "error"), body["detail"], response.status_code)
    if response.status_code >= 500:
        return ApiError("server", "Something went wrong on our side. Please try again.", response.status_code)
    return ApiError("error", f"The request failed ({response.status_code}).", response.status_code)


class HttpTransport:
    """One httpx client per app session, holding the driver's tokens."""

    def __init__(
        self,
        base_url: str,
        store: TokenStore,
        *,
        client: httpx.AsyncClient | None = None,
        on_signed_out: Callable[[], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.AsyncClient(base_url=self.base_url, timeout=TIMEOUT)
        self.store = store
        self.tokens: Tokens | None = None
        self.on_signed_out = on_signed_out
        self._refresh_lock = asyncio.Lock()

    @property
    def signed_in(self) -> bool:
        return self.tokens is not None

    async def set_tokens(self, access_token: str, refresh_token: str | None) -> None:
        self.tokens = Tokens(access_token, refresh_token)
        await self.store.save(refresh_token)

    async def forget_tokens(self) -> None:
        self.tokens = None
        await self.store.save(None)

    async def restore(self) -> bool:
        """Sign in again from a stored refresh token (app start); False when there is none or it expired."""
        refresh_token = await self.store.load()
        if not refresh_token:
            return False
        self.tokens = Tokens("", refresh_token)
        if await self._refresh(stale_access=""):
            return True
        await self.forget_tokens()  # refused: don't send a dead token at every start
        return False

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.access_token}"} if self.tokens else {}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> httpx.Response:
        """Send, renew the token once on a 401, and raise `ApiError` for anything but 2xx."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in (1, 2):
            sent_with = self.tokens.access_token if (auth and self.tokens) else None
            all_headers = {**(self.auth_headers() if auth else {}), **(headers or {})}
            try:
                response = await self.client.request(
                    method, path, json=json, data=data, params=params, headers=all_headers
                )
            except httpx.HTTPError as exc:
                raise network_error() from exc
            if response.status_code == 401 and auth and attempt == 1 and sent_with is not None:
                if await self._refresh(stale_access=sent_with):
                    continue
                await self._signed_out()
                raise signed_out_error()
            if response.is_success:
                return response
            raise error_from(response)
        raise signed_out_error()  # pragma: no cover - the loop returns or raises

    async def _refresh(self, *, stale_access: str) -> bool:
        async with self._refresh_lock:
            if self.tokens is None or not self.tokens.refresh_token:
                return False
            if self.tokens.access_token and self.tokens.access_token != stale_access:
                return True  # another caller renewed it while we waited
            try:
                response = await self.client.post(
                    REFRESH_PATH, json={"refresh_token": self.tokens.refresh_token}
                )
            except httpx.HTTPError as exc:
                raise network_error() from exc
            if not response.is_success:
                return False
            body = response.json()
            await self.set_tokens(
                body["access_token"], body.get("refresh_token") or self.tokens.refresh_token
            )
            return True

    async def _signed_out(self) -> None:
        await self.forget_tokens()
        if self.on_signed_out:
            self.on_signed_out()

    async def aclose(self) -> None:
        await self.client.aclose()
