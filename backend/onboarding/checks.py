"""Checks across entries, in the file and against the database, made before anything is written.

The schema checks one entry at a time; these catch what only shows between entries: duplicates,
references to things that do not exist, and names already taken by another operator.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.kit.secrets import hash_secret
from backend.models import ApiKey, Facility, OperatorUser, ProviderConnection, Tenant, WebhookToken
from backend.onboarding.problems import Problems, item, path
from shared.schemas.onboarding import (
    Detection,
    OnboardingFile,
    ProviderAuth,
    ProviderKind,
    Role,
    TenantEntry,
)

_CHUNK = 500  # stay far below SQLite's limit on bound parameters
_ONE_LOGIN = "an e-mail logs in to one account only"
_SLUG_RULE = "facility slugs are unique on the whole platform"
_ZONE_RULE = "zone numbers are unique per operator"


async def check_onboarding(data: OnboardingFile) -> None:
    """Raise OnboardingError listing every cross-entry problem; return quietly when there is none."""
    problems = Problems()
    repeated = _check_file(data, problems)
    await _check_database(data, problems, repeated)
    problems.raise_if_any()


def tenant_where(index: int, tenant: TenantEntry) -> str:
    return item("tenants", index, tenant.slug)


def _check_file(data: OnboardingFile, problems: Problems) -> set[str]:
    """In-file duplicates and references. Returns the repeated e-mails and facility slugs, which are
    not checked against the database as well (that would say the same thing twice)."""
    emails: dict[str, str] = {}
    tenant_slugs: dict[str, str] = {}
    facility_slugs: dict[str, str] = {}
    secrets: dict[str, str] = {}
    repeated: set[str] = set()

    def first(
        seen: dict[str, str], key: str, where: str, what: str, rule: str = "each must be unique"
    ) -> None:
        if key in seen:
            problems.add(where, f"{what} is also used by {seen[key]}; {rule}.")
            if seen is emails or seen is facility_slugs:
                repeated.add(key)
        else:
            seen[key] = where

    for a, admin in enumerate(data.super_admins):
        first(emails, admin.email.lower(), item("super_admins", a, admin.email), "This e-mail", _ONE_LOGIN)

    for t, tenant in enumerate(data.tenants):
        tw = tenant_where(t, tenant)
        first(tenant_slugs, tenant.slug, tw, f"The tenant slug '{tenant.slug}'")
        for w, token in enumerate(tenant.webhook_tokens or []):
            first(secrets, hash_secret(token), path(tw, item("webhook_tokens", w)), "This webhook token")
        key_names: dict[str, str] = {}
        for k, key in enumerate(tenant.api_keys):
            kw = path(tw, item("api_keys", k, key.name))
            first(key_names, key.name, kw, f"The api key name '{key.name}'")
            if key.key is not None:
                first(secrets, hash_secret(key.key), path(kw, "key"), "This key")
        for u, user in enumerate(tenant.users):
            uw = path(tw, item("users", u, user.email))
            first(emails, user.email.lower(), uw, "This e-mail", _ONE_LOGIN)
            if user.role is Role.super_admin:
                problems.add(
                    path(uw, "role"),
                    "A super admin belongs to no tenant; list them under super_admins instead.",
                )
        provider_slugs: dict[str, str] = {}
        for p, provider in enumerate(tenant.providers):
            pw = path(tw, item("providers", p, provider.slug))
            first(provider_slugs, provider.slug, pw, f"The provider slug '{provider.slug}'")
            _check_provider_fields(provider, pw, problems)
        zones: dict[str, str] = {}
        for f, facility in enumerate(tenant.facilities):
            fw = path(tw, item("facilities", f, facility.slug))
            first(facility_slugs, facility.slug, fw, f"The facility slug '{facility.slug}'", _SLUG_RULE)
            first(zones, facility.zone_number, fw, f"Zone number {facility.zone_number}", _ZONE_RULE)
            if facility.detection is Detection.geofence and facility.geometry is None:
                problems.add(
                    path(fw, "geometry"),
                    "A geofence facility needs its outline (geometry): the phone detects entry and exit "
                    "by it.",
                )
            products: dict[str, str] = {}
            for n, product in enumerate(facility.pass_products):
                pw = path(fw, item("pass_products", n, product.slug))
                first(products, product.slug, pw, f"The pass product slug '{product.slug}'")
    return repeated


def _check_provider_fields(provider: Any, where: str, problems: Problems) -> None:
    if provider.kind is ProviderKind.native:
        return
    missing = [name for name in ("base_url", "auth") if getattr(provider, name) is None]
    if provider.auth is ProviderAuth.oauth2:
        missing += [name for name in ("token_url", "client_id") if getattr(provider, name) is None]
    if missing:
        problems.add(
            where,
            f"A {provider.kind.value} connection needs {', '.join(missing)} (auth is oauth2, bearer or "
            "x-api-key).",
        )


@dataclass
class _Stored:
    """What the database already holds that the file's entries may clash with."""

    tenant_ids: dict[str, str] = field(default_factory=dict)  # slug -> id
    facilities: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (tenant id, zone)
    providers: dict[tuple[str, str], ProviderConnection] = field(default_factory=dict)
    users: dict[str, OperatorUser] = field(default_factory=dict)
    webhook_tokens: dict[str, WebhookToken] = field(default_factory=dict)  # hash -> row
    api_keys: dict[str, ApiKey] = field(default_factory=dict)  # hash -> row


def owner_of(row: Any) -> str | None:
    """The tenant id of a row as text (UUIDs come back as UUID or str depending on the engine)."""
    return None if row.tenant_id is None else str(row.tenant_id)


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


async def _stored(data: OnboardingFile) -> _Stored:
    stored = _Stored()
    for chunk in _chunks({t.slug for t in data.tenants}):
        for tenant in await Tenant.filter(slug__in=chunk).only("id", "slug"):
            stored.tenant_ids[tenant.slug] = str(tenant.id)
    tenant_ids = list(stored.tenant_ids.values())
    slugs = {f.slug for t in data.tenants for f in t.facilities}
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(slugs):
        rows += await Facility.filter(slug__in=chunk).values("slug", "tenant_id", "zone_number")
    for chunk in _chunks(tenant_ids):
        rows += await Facility.filter(tenant_id__in=chunk).values("slug", "tenant_id", "zone_number")
        for provider in await ProviderConnection.filter(tenant_id__in=chunk):
            stored.providers[(owner_of(provider), provider.slug)] = provider
    stored.facilities = {row["slug"]: (str(row["tenant_id"]), row["zone_number"]) for row in rows}
    emails = {a.email.lower() for a in data.super_admins} | {
        u.email.lower() for t in data.tenants for u in t.users
    }
    for chunk in _chunks(emails):
        for user in await OperatorUser.filter(email__in=chunk):
            stored.users[user.email] = user
    tokens = {hash_secret(w) for t in data.tenants for w in t.webhook_tokens or []}
    for chunk in _chunks(tokens):
        for token in await WebhookToken.filter(secret_hash__in=chunk):
            stored.webhook_tokens[token.secret_hash] = token
    keys = {hash_secret(k.key) for t in data.tenants for k in t.api_keys if k.key}
    for chunk in _chunks(keys):
        for key in await ApiKey.filter(secret_hash__in=chunk):
            stored.api_keys[key.secret_hash] = key
    return stored


async def _check_database(data: OnboardingFile, problems: Problems, repeated: set[str]) -> None:
    stored = await _stored(data)
    for a, admin in enumerate(data.super_admins):
        user = stored.users.get(admin.email.lower())
        if user is not None and owner_of(user) is not None and admin.email.lower() not in repeated:
            problems.add(
                item("super_admins", a, admin.email),
                "This e-mail already belongs to a user of an operator; a super admin needs its own.",
            )
    for t, tenant in enumerate(data.tenants):
        _check_tenant_against(stored, t, tenant, problems, repeated)


def _missing_provider_secrets(provider: Any, existing: ProviderConnection | None) -> list[str]:
    """Provider credentials come from the provider: omitted is fine only when already stored."""
    omitted = []
    if provider.auth is ProviderAuth.oauth2 and provider.client_secret is None:
        omitted.append(("client_secret", "client_secret_encrypted"))
    if provider.auth in (ProviderAuth.bearer, ProviderAuth.x_api_key) and provider.api_key is None:
        omitted.append(("api_key", "api_key_encrypted"))
    return [name for name, column in omitted if getattr(existing, column, None) is None]


def _check_tenant_against(
    stored: _Stored, t: int, tenant: TenantEntry, problems: Problems, repeated: set[str]
) -> None:
    tw = tenant_where(t, tenant)
    tenant_id = stored.tenant_ids.get(tenant.slug)
    mine = {slug for slug, (owner, _) in stored.facilities.items() if owner == tenant_id}
    final_zones = {slug: zone for slug, (owner, zone) in stored.facilities.items() if owner == tenant_id}
    final_zones.update({f.slug: f.zone_number for f in tenant.facilities})
    in_file = {f.slug for f in tenant.facilities}
    provider_slugs = {p.slug for p in tenant.providers} | {
        slug for (owner, slug) in stored.providers if owner == tenant_id
    }

    for f, facility in enumerate(tenant.facilities):
        fw = path(tw, item("facilities", f, facility.slug))
        owner = stored.facilities.get(facility.slug)
        if owner is not None and owner[0] != tenant_id and facility.slug not in repeated:
            problems.add(
                path(fw, "slug"),
                f"The facility slug '{facility.slug}' is already used by another operator; {_SLUG_RULE}, "
                "so choose another.",
            )
        clash = sorted(
            slug
            for slug, zone in final_zones.items()
            if zone == facility.zone_number and slug != facility.slug and slug not in in_file
        )
        if clash:
            problems.add(
                path(fw, "zone_number"),
                f"Zone number {facility.zone_number} is already used by this operator's facility "
                f"'{clash[0]}'; {_ZONE_RULE}.",
            )
        if facility.provider != "native" and facility.provider.connection not in provider_slugs:
            known = ", ".join(sorted(provider_slugs)) or "none"
            problems.add(
                path(fw, "provider", "connection"),
                f"There is no provider connection '{facility.provider.connection}' for this tenant "
                f"(known: {known}); add it under providers.",
            )

    for p, provider in enumerate(tenant.providers):
        existing = stored.providers.get((tenant_id, provider.slug)) if tenant_id else None
        needs = _missing_provider_secrets(provider, existing)
        if needs:
            problems.add(
                path(tw, item("providers", p, provider.slug)),
                f"The {provider.auth.value if provider.auth else ''} connection needs {', '.join(needs)}; "
                "it comes from the provider and cannot be generated.",
            )

    for k, key in enumerate(tenant.api_keys):
        kw = path(tw, item("api_keys", k, key.name))
        unknown = [slug for slug in key.facilities or [] if slug not in in_file and slug not in mine]
        if unknown:
            problems.add(
                path(kw, "facilities"),
                f"{', '.join(repr(s) for s in unknown)}: no such facility in this tenant; list slugs of "
                "its own facilities, or omit facilities for all of them.",
            )
        if key.key is not None:
            row = stored.api_keys.get(hash_secret(key.key))
            if row is not None and owner_of(row) != tenant_id:
                problems.add(path(kw, "key"), "This key is already in use elsewhere; use a new one.")
            elif row is not None and row.revoked_at is not None:
                problems.add(path(kw, "key"), "This key was revoked; remove it or give a new one.")
            elif row is not None and row.name != key.name:
                problems.add(path(kw, "key"), f"This key is already stored as the api key '{row.name}'.")

    for w, token in enumerate(tenant.webhook_tokens or []):
        ww = path(tw, item("webhook_tokens", w))
        row = stored.webhook_tokens.get(hash_secret(token))
        if row is not None and owner_of(row) != tenant_id:
            problems.add(ww, "This webhook token is already in use elsewhere; use a new one.")
        elif row is not None and row.revoked_at is not None:
            problems.add(ww, "This webhook token was revoked; remove it or give a new one.")

    for u, user in enumerate(tenant.users):
        row = stored.users.get(user.email.lower())
        if (
            row is not None
            and (tenant_id is None or owner_of(row) != tenant_id)
            and row.email not in repeated
        ):
            whose = "a super admin" if owner_of(row) is None else "a user of another operator"
            problems.add(
                path(tw, item("users", u, user.email)),
                f"This e-mail already belongs to {whose}; an e-mail logs in to one operator only.",
            )
