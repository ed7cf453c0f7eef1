"""Reading a `ProviderConnection` row for an adapter: URLs, the decrypted secrets, and clear errors."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from backend.providers.base import ProviderUnavailableError

if TYPE_CHECKING:
    from backend.models import ProviderConnection
    from backend.providers.common.adapter import AdapterContext

log = logging.getLogger("parkflow.providers")


class ProviderMisconfiguredError(ProviderUnavailableError):
    """The connection row lacks something the adapter needs (URL, credentials) or cannot be decrypted."""


def misconfigured(connection: ProviderConnection, why: str) -> ProviderMisconfiguredError:
    log.error("provider connection %s (%s) is misconfigured: %s", connection.slug, connection.kind, why)
    return ProviderMisconfiguredError(
        "This facility's parking provider is not set up correctly; the operator has to fix it. "
        "Try again later or pay another way."
    )


def required(connection: ProviderConnection, field: str) -> str:
    value = getattr(connection, field, None)
    if not isinstance(value, str) or not value.strip():
        raise misconfigured(connection, f"{field} is not set")
    return value.strip()


def secret(connection: ProviderConnection, field: str, context: AdapterContext) -> str:
    """The decrypted secret in `<field>_encrypted`."""
    sealed = required(connection, f"{field}_encrypted")
    try:
        return context.open_secret(sealed)
    except ValueError as exc:
        raise misconfigured(connection, f"{field}: {exc}") from None


def check_auth(connection: ProviderConnection, expected: str) -> None:
    if connection.auth not in (None, "", expected):
        raise misconfigured(
            connection, f"auth '{connection.auth}' is not supported here (expected '{expected}')"
        )


def label(connection: ProviderConnection) -> str:
    return f"{connection.slug} ({connection.id})"
