"""Signed access tokens (PyJWT, HS256) for drivers and operator users."""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from backend.kit.errors import AuthenticationError
from shared.errors import ErrorCode

Audience = Literal["driver", "operator", "invoice_print"]
_ALGORITHM = "HS256"
_ISSUER = "parkflow"
_REGISTERED = frozenset({"sub", "aud", "iss", "iat", "exp", "jti"})


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    audience: Audience
    expires_at: datetime
    extra: dict[str, str] = field(default_factory=dict)


class TokenSigner:
    def __init__(self, secret: str) -> None:
        self._secret = secret

    def issue(
        self, subject: str, audience: Audience, ttl: timedelta, extra: dict[str, str] | None = None
    ) -> tuple[str, int]:
        """A token for `audience` only; `extra` claims ride along signed (never the registered ones)."""
        now = datetime.now(UTC)
        payload = {
            **(extra or {}),
            "sub": subject,
            "aud": audience,
            "iss": _ISSUER,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(payload, self._secret, algorithm=_ALGORITHM), int(ttl.total_seconds())

    def verify(self, token: str, audience: Audience) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                audience=audience,
                issuer=_ISSUER,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError(
                "The access token has expired; renew it with the refresh token or log in again.",
                ErrorCode.token_expired,
            ) from None
        except jwt.InvalidTokenError:
            raise AuthenticationError(
                "The access token is not valid here; log in again.", ErrorCode.invalid_token
            ) from None
        extra = {k: v for k, v in payload.items() if k not in _REGISTERED and isinstance(v, str)}
        return TokenClaims(payload["sub"], audience, datetime.fromtimestamp(payload["exp"], UTC), extra)
