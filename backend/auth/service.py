"""Driver accounts, logins and token rotation; operator logins."""

import secrets
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.auth.passwords import check_password_strength
from backend.kit.errors import AuthenticationError, ConflictError
from backend.kit.secrets import hash_secret
from backend.kit.services import AppServices
from backend.models import Driver, OperatorUser, RefreshToken
from shared.errors import ErrorCode
from shared.schemas.auth import RegisterRequest, TokenResponse

_BAD_LOGIN = "The e-mail or password is wrong."


async def register_driver(services: AppServices, body: RegisterRequest) -> Driver:
    check_password_strength(body.password, body.email)
    email = body.email.lower()
    if await Driver.exists(email=email):
        raise ConflictError(
            "An account with this e-mail already exists; log in instead.", ErrorCode.email_taken
        )
    password_hash = await services.passwords.hash(body.password)
    try:
        async with in_transaction():
            return await Driver.create(email=email, name=body.name.strip(), password_hash=password_hash)
    except IntegrityError:  # a concurrent registration won the race
        raise ConflictError(
            "An account with this e-mail already exists; log in instead.", ErrorCode.email_taken
        ) from None


async def _issue_driver_tokens(services: AppServices, driver_id: str) -> TokenResponse:
    settings = services.settings
    access, expires_in = services.tokens.issue(
        driver_id, "driver", timedelta(minutes=settings.access_token_minutes)
    )
    # Opaque refresh token: only its hash is stored, so a database leak yields no usable tokens.
    refresh = f"rt_{secrets.token_urlsafe(32)}"
    await RefreshToken.create(
        jti=hash_secret(refresh),
        driver_id=driver_id,
        expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_days),
    )
    return TokenResponse(access_token=access, refresh_token=refresh, expires_in=expires_in)


async def login_driver(services: AppServices, email: str, password: str, address: str) -> TokenResponse:
    await services.login_limiter.hit("driver-login", email, address)
    driver = await Driver.get_or_none(email=email.strip().lower())
    if (
        not await services.passwords.verify(password, driver.password_hash if driver else None)
        or driver is None
    ):
        raise AuthenticationError(_BAD_LOGIN, ErrorCode.invalid_credentials)
    return await _issue_driver_tokens(services, str(driver.id))


async def refresh_driver(services: AppServices, refresh_token: str) -> TokenResponse:
    """Rotate: the presented token is spent; presenting a spent one revokes the whole chain."""
    now = datetime.now(UTC)
    async with in_transaction():
        stored = await RefreshToken.get_or_none(jti=hash_secret(refresh_token.strip())).select_for_update()
        if stored is None or stored.expires_at <= now:
            raise AuthenticationError(
                "The refresh token is unknown or expired; log in again.", ErrorCode.invalid_token
            )
        reused = stored.used_at is not None
        if reused:
            # Reuse of a rotated token means it leaked: log the driver out everywhere. The error is
            # raised after the block: raising inside it would roll the revocation back.
            await RefreshToken.filter(driver_id=stored.driver_id).delete()  # type: ignore[attr-defined]
        else:
            spent = await RefreshToken.filter(jti=stored.jti, used_at=None).update(used_at=now)
            if spent != 1:
                raise AuthenticationError(
                    "This refresh token was already used; log in again.", ErrorCode.invalid_token
                )
            issued = await _issue_driver_tokens(services, str(stored.driver_id))  # type: ignore[attr-defined]
    if reused:
        raise AuthenticationError(
            "This refresh token was already used; log in again.", ErrorCode.invalid_token
        )
    return issued


async def login_operator(services: AppServices, email: str, password: str, address: str) -> TokenResponse:
    await services.login_limiter.hit("operator-login", email, address)
    user = await OperatorUser.get_or_none(email=email.strip().lower(), is_active=True)
    if not await services.passwords.verify(password, user.password_hash if user else None) or user is None:
        raise AuthenticationError(_BAD_LOGIN, ErrorCode.invalid_credentials)
    access, expires_in = services.tokens.issue(
        str(user.id), "operator", timedelta(hours=services.settings.operator_token_hours)
    )
    return TokenResponse(access_token=access, expires_in=expires_in)
