"""EasyPark's session API: the API key travels in the `X-Api-Key` header."""

from __future__ import annotations

import httpx

from backend.providers.common.client import SessionApiClient


class EasyParkClient(SessionApiClient):
    vendor = "EasyPark"

    def __init__(
        self, *, base_url: str, http: httpx.AsyncClient, timeout: httpx.Timeout, label: str, api_key: str
    ) -> None:
        super().__init__(base_url=base_url, http=http, timeout=timeout, label=label)
        self._headers = {"X-Api-Key": api_key}

    def auth_headers(self) -> dict[str, str]:
        return self._headers
