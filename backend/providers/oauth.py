"""OAuth2 client credentials with Authlib: one token per connection, reused until shortly before expiry.

Authlib's `AsyncOAuth2Client` keeps the token and fetches a new one itself once it is within
`leeway` seconds of `expires_in`, under its own lock, so 20 concurrent calls after an expiry cause
one token fetch. We add the two things it leaves to the caller, under that same lock:

* the first fetch (Authlib raises `MissingTokenError` without a token), and
* a 401 to a token Authlib still believed valid (revoked, or the provider's clock runs ahead): the
  token is fetched again once — unless another call already renewed it — and the request is
  resent once. A second 401 is a credentials problem, not something to retry.

`leeway` is at most a tenth of the token's lifetime: Authlib's default of 60 s would fetch a new
token before every request when tokens live a minute.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError

from backend.providers.common.client import credentials_rejected
from backend.providers.http import USER_AGENT, NotSentError, RetryableError, transient_status

with warnings.catch_warnings():
    # Authlib 1.9 prefers the `httpx2` fork and warns when it finds plain httpx. We stay on httpx
    # (0.28, the project's client everywhere), which Authlib still fully supports.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated", category=DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

log = logging.getLogger("parkflow.providers")


class _AuthlibClient(AsyncOAuth2Client):
    async def fetch_unless_renewed(self, stale_access_token: str | None) -> None:
        """Fetch a token unless the current one differs from `stale_access_token` (someone renewed it)."""
        async with self._token_refresh_lock:
            current = self.token.get("access_token") if self.token else None
            if current is not None and current != stale_access_token:
                return
            await self.fetch_token(self.metadata["token_endpoint"], grant_type="client_credentials")


class ClientCredentialsSession:
    """Requests carrying a bearer token from the client credentials grant (CONTRACT §6 `oauth2`)."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        transport: httpx.AsyncBaseTransport,
        timeout: httpx.Timeout,
        leeway_max_seconds: float,
        vendor: str,
        label: str,
    ) -> None:
        self.vendor, self.label = vendor, label
        self._leeway_max = leeway_max_seconds
        self._client = _AuthlibClient(
            client_id,
            client_secret,
            token_endpoint=token_url,
            grant_type="client_credentials",
            # The credentials go in the form body, as CONTRACT §6 shows (HTTP Basic works too).
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
            leeway=leeway_max_seconds,
            update_token=self._renewed,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
        )
        self._client.register_compliance_hook("access_token_response", self._check_token_response)

    @property
    def token(self) -> dict | None:
        return self._client.token

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with a valid token; on a 401, one renewal and one resend."""
        await self._token_call(self._ensure_token)
        response = await self._send(method, url, **kwargs)
        if response.status_code != 401:
            return response
        stale = _bearer(response.request)
        log.info("%s answered 401 to connection %s: fetching a new token once", self.vendor, self.label)
        await self._token_call(lambda: self._client.fetch_unless_renewed(stale))
        return await self._send(method, url, **kwargs)

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, url, **kwargs)
        except (RetryableError, OAuthError, httpx.HTTPStatusError) as exc:
            # Authlib renewed the token inside request() (it crossed the leeway just now) and that
            # failed: the request itself was never sent.
            raise self._token_failure(exc) from exc

    async def _ensure_token(self) -> None:
        if not self._client.token:
            await self._client.fetch_unless_renewed(None)
        else:
            # Authlib's own check: a new token only when within `leeway` of expiry (one fetch under its lock).
            await self._client.ensure_active_token(self._client.token)

    async def _token_call(self, call: Any) -> None:
        """Run a token fetch; its failures mean the session API request was never sent."""
        try:
            await call()
        except (RetryableError, httpx.TransportError, OAuthError, httpx.HTTPStatusError, ValueError) as exc:
            raise self._token_failure(exc) from exc
        self._adjust_leeway()

    def _token_failure(self, exc: Exception) -> Exception:
        """Outages of the token endpoint may be retried; refused credentials are for the operator."""
        if isinstance(exc, RetryableError):
            return NotSentError(f"{self.vendor}'s token endpoint: {exc}", retry_after=exc.retry_after)
        if isinstance(exc, httpx.TransportError):
            return NotSentError(f"{self.vendor}'s token endpoint: {type(exc).__name__}")
        if isinstance(exc, OAuthError):
            return credentials_rejected(self.vendor, self.label, f"token endpoint said {exc.error}")
        return credentials_rejected(self.vendor, self.label, f"token endpoint: {exc}")

    def _check_token_response(self, response: httpx.Response) -> httpx.Response:
        if response.status_code == 429 or response.status_code >= 500:
            raise transient_status(response, f"{self.vendor}'s token endpoint")
        return response

    async def _renewed(self, token: dict, access_token: str | None = None, **_: Any) -> None:
        self._adjust_leeway()

    def _adjust_leeway(self) -> None:
        token = self._client.token or {}
        expires_in = token.get("expires_in")
        if isinstance(expires_in, int | float) and expires_in > 0:
            self._client.leeway = min(self._leeway_max, expires_in / 10)

    async def aclose(self) -> None:
        await self._client.aclose()  # the borrowed transport stays open


def _bearer(request: httpx.Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None
