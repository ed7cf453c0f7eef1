"""Loading an onboarding file into the database: all or nothing, and idempotent.

Everything happens in one transaction: the cross-entry checks first (so every problem is reported
at once), then an upsert per entry by its natural key (tenant slug, facility slug, user e-mail,
api key name, webhook token hash, provider slug, pass product slug within its facility). A second
load of the same file finds every row equal and writes nothing.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.kit.secrets import SecretBox
from backend.models import ProviderConnection, Tenant
from backend.onboarding.checks import check_onboarding
from backend.onboarding.load_access import Passwords, load_super_admins, load_tenant_access, plan_passwords
from backend.onboarding.load_facilities import load_facilities
from backend.onboarding.problems import OnboardingError
from backend.onboarding.report import LoadReport
from backend.onboarding.upsert import upsert
from shared.schemas.onboarding import OnboardingFile, TenantEntry


class LoaderServices(Protocol):
    """What loading needs of the app services (`AppServices` has both)."""

    passwords: Passwords
    secret_box: SecretBox


async def load_onboarding(
    data: OnboardingFile,
    services: LoaderServices,
    *,
    progress: Callable[[str], Any] | None = None,
) -> LoadReport:
    """Load a validated file. Raises OnboardingError (and changes nothing) if any entry is bad."""
    say = progress or (lambda _message: None)
    report = LoadReport()
    try:
        async with in_transaction():
            await check_onboarding(data)
            plans = await plan_passwords(services.passwords, data)
            if data.super_admins:
                say(f"super admins: {len(data.super_admins)}")
            await load_super_admins(data, plans, report)
            for entry in data.tenants:
                say(
                    f"tenant {entry.slug}: {len(entry.facilities)} facilities, {len(entry.users)} users, "
                    f"{len(entry.api_keys)} api keys, {len(entry.providers)} providers"
                )
                tenant = await _load_tenant(entry, report)
                providers = await _load_providers(tenant, entry, services.secret_box, report)
                facilities = await load_facilities(tenant, entry, providers, report, say)
                await load_tenant_access(tenant, entry, facilities, plans, report)
    except IntegrityError as exc:
        # The checks should have caught every clash; if the database still refuses, roll back.
        raise OnboardingError([f"The database refused a change ({exc}); nothing was changed."]) from exc
    return report


async def _load_tenant(entry: TenantEntry, report: LoadReport) -> Tenant:
    values = {
        "name": entry.name,
        "currency": entry.currency,
        "timezone": entry.timezone,
        "service_fee_percent": Decimal(entry.service_fee.percent),
        "service_fee_fixed_amount": entry.service_fee.fixed_amount,
    }
    existing = await Tenant.get_or_none(slug=entry.slug)
    return await upsert(report, "tenants", Tenant, existing, values, {"slug": entry.slug})


async def _load_providers(
    tenant: Tenant, entry: TenantEntry, box: SecretBox, report: LoadReport
) -> dict[str, ProviderConnection]:
    """Upsert the file's provider connections; return all of the tenant's, by slug."""
    stored = {p.slug: p for p in await ProviderConnection.filter(tenant_id=tenant.id)}
    for provider in entry.providers:
        existing = stored.get(provider.slug)
        values: dict[str, Any] = {
            "kind": provider.kind.value,
            "auth": provider.auth.value if provider.auth else None,
            "base_url": str(provider.base_url) if provider.base_url else None,
            "token_url": str(provider.token_url) if provider.token_url else None,
            "client_id": provider.client_id,
        }
        for secret_field, column in (
            ("client_secret", "client_secret_encrypted"),
            ("api_key", "api_key_encrypted"),
        ):
            given = getattr(provider, secret_field)
            if given is not None and not _sealed_equals(box, getattr(existing, column, None), given):
                values[column] = box.seal(given)
        stored[provider.slug] = await upsert(
            report,
            "providers",
            ProviderConnection,
            existing,
            values,
            {"tenant_id": tenant.id, "slug": provider.slug},
        )
    return stored


def _sealed_equals(box: SecretBox, sealed: str | None, plaintext: str) -> bool:
    """Fernet output differs each time, so compare by opening the stored value."""
    if sealed is None:
        return False
    try:
        return box.open(sealed) == plaintext
    except ValueError:  # sealed under another PARKFLOW_SECRET_KEY: store it again under this one
        return False
