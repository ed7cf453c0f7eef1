"""Sending one authenticated request to a provider's session API (no retries: the adapter decides).

A 401 (or 403) means the provider does not accept our credentials. Clients that can renew them
(OAuth2) do so once and resend; when the provider still refuses, the call fails as unavailable and
the log says clearly which connection needs its credentials fixed.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from backend.providers.base import ProviderUnavailableError

log = logging.getLogger("parkflow.providers")


class CredentialsRejectedError(ProviderUnavailableError):
    """The provider refused our credentials: an operator must fix the connection; retrying won't help."""


def credentials_rejected(vendor: str, label: str, why: str) -> CredentialsRejectedError:
    log.error(
        "%s refused the credentials of provider connection %s (%s). "
        "Check the connection's client id/secret or API key.",
        vendor,
        label,
        why,
    )
    return CredentialsRejectedError(
        f"{vendor} is not accepting Parkflow's credentials for this facility right now. "
        "The operator has to fix the connection; try again later or pay another way."
    )


class SessionApiClient:
    """One provider connection's base URL and credentials; `send` makes exactly one request."""

    vendor = "The parking provider"

    def __init__(self, *, base_url: str, http: httpx.AsyncClient, timeout: httpx.Timeout, label: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.timeout = timeout
        self.label = label

    def url(self, path: str) -> str:
        return self.base_url + path

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        response = await self._send(method, self.url(path), json=json, params=params)
        if response.status_code in (401, 403):
            raise credentials_rejected(self.vendor, self.label, f"HTTP {response.status_code} on {path}")
        return response

    async def _send(
        self, method: str, url: str, *, json: dict[str, Any] | None, params: dict[str, str] | None
    ) -> httpx.Response:
        return await self.http.request(
            method, url, json=json, params=params, headers=self.auth_headers(), timeout=self.timeout
        )

    def auth_headers(self) -> dict[str, str]:
        return {}

    async def aclose(self) -> None:
        """Nothing of its own to close: the pool is shared (see `SharedHttp`)."""
