"""Passport's session API with OAuth2 client credentials (token handling in `backend/providers/oauth.py`)."""

from __future__ import annotations

from typing import Any

import httpx

from backend.providers.common.client import SessionApiClient
from backend.providers.oauth import ClientCredentialsSession


class PassportClient(SessionApiClient):
    vendor = "Passport"

    def __init__(
        self,
        *,
        base_url: str,
        http: httpx.AsyncClient,
        timeout: httpx.Timeout,
        label: str,
        oauth: ClientCredentialsSession,
    ) -> None:
        super().__init__(base_url=base_url, http=http, timeout=timeout, label=label)
        self.oauth = oauth

    async def _send(
        self, method: str, url: str, *, json: dict[str, Any] | None, params: dict[str, str] | None
    ) -> httpx.Response:
        return await self.oauth.request(method, url, json=json, params=params, timeout=self.timeout)

    async def aclose(self) -> None:
        await self.oauth.aclose()
