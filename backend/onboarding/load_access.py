"""Who may get in: operator users and super admins (by e-mail), webhook tokens (by hash) and
enforcement api keys (by name within the tenant).

Secrets from the file are stored hashed; omitted ones are generated and put in the report, which
is the only place they are ever shown.
"""

import asyncio
import secrets
from dataclasses import dataclass
from typing import Protocol

from pwdlib.exceptions import UnknownHashError

from backend.auth.passwords import PasswordHasher
from backend.kit.secrets import display_prefix, generate_secret, hash_secret
from backend.models import ApiKey, Facility, OperatorUser, Tenant, WebhookToken
from backend.onboarding.report import GeneratedSecret, LoadReport
from backend.onboarding.upsert import upsert
from shared.schemas.onboarding import OnboardingFile, Role, TenantEntry

PLATFORM = "platform"


class Passwords(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password: str, stored_hash: str | None) -> bool: ...


@dataclass(frozen=True)
class PasswordPlan:
    new_hash: str | None  # None: keep the stored hash
    generated: str | None = None  # set when the file gave no password for a new user


async def plan_passwords(hasher: Passwords | PasswordHasher, data: OnboardingFile) -> dict[str, PasswordPlan]:
    """Decide every user's password up front, hashing in parallel (argon2 is slow by design).

    A given password that verifies against the stored hash is left alone, so a reload changes nothing.
    """
    wanted = {a.email.lower(): a.password for a in data.super_admins}
    wanted.update({u.email.lower(): u.password for t in data.tenants for u in t.users})
    stored = (
        {
            u.email: u.password_hash
            for u in await OperatorUser.filter(email__in=list(wanted)).only("email", "password_hash")
        }
        if wanted
        else {}
    )

    async def decide(email: str, given: str | None) -> PasswordPlan:
        current = stored.get(email)
        if current is None:
            password = given or secrets.token_urlsafe(12)
            return PasswordPlan(await hasher.hash(password), None if given else password)
        if given is None or await _verifies(hasher, given, current):
            return PasswordPlan(None)
        return PasswordPlan(await hasher.hash(given))

    plans = await asyncio.gather(*(decide(email, given) for email, given in wanted.items()))
    return dict(zip(wanted, plans, strict=True))


async def _verifies(hasher: Passwords | PasswordHasher, password: str, stored_hash: str) -> bool:
    try:
        return await hasher.verify(password, stored_hash)
    except UnknownHashError:  # a hash from another scheme: replace it
        return False


async def load_user(
    report: LoadReport,
    kind: str,
    tenant: Tenant | None,
    email: str,
    role: Role,
    name: str | None,
    plan: PasswordPlan,
) -> OperatorUser:
    email = email.lower()
    existing = await OperatorUser.get_or_none(email=email)
    values: dict[str, object] = {"tenant_id": tenant.id if tenant else None, "role": role.value}
    if name is not None:
        values["name"] = name
    if plan.new_hash is not None:
        values["password_hash"] = plan.new_hash
    user = await upsert(report, kind, OperatorUser, existing, values, {"email": email})
    if plan.generated is not None:
        owner = tenant.slug if tenant else PLATFORM
        report.secrets.append(GeneratedSecret(owner, f"password of {email}", plan.generated))
    return user


async def load_super_admins(data: OnboardingFile, plans: dict[str, PasswordPlan], report: LoadReport) -> None:
    for admin in data.super_admins:
        plan = plans[admin.email.lower()]
        await load_user(report, "super admins", None, admin.email, Role.super_admin, admin.name, plan)


async def load_tenant_access(
    tenant: Tenant,
    entry: TenantEntry,
    facilities: dict[str, Facility],
    plans: dict[str, PasswordPlan],
    report: LoadReport,
) -> None:
    for user in entry.users:
        await load_user(report, "users", tenant, user.email, user.role, user.name, plans[user.email.lower()])
    await _load_webhook_tokens(tenant, entry, report)
    await _load_api_keys(tenant, entry, facilities, report)


async def _load_webhook_tokens(tenant: Tenant, entry: TenantEntry, report: LoadReport) -> None:
    stored = {t.secret_hash: t for t in await WebhookToken.filter(tenant_id=tenant.id)}
    tokens = entry.webhook_tokens
    if tokens is None:
        active = [t for t in stored.values() if t.revoked_at is None]
        if active:  # omitted and the tenant has some: nothing to do
            for _ in active:
                report.record("webhook tokens", "unchanged")
            return
        generated = generate_secret("whk_")
        report.secrets.append(GeneratedSecret(tenant.slug, "webhook token", generated))
        tokens = [generated]
    for index, token in enumerate(tokens):
        digest = hash_secret(token)
        if digest in stored:
            report.record("webhook tokens", "unchanged")
            continue
        name = "webhook" if index == 0 else f"webhook-{index + 1}"
        await WebhookToken.create(
            tenant_id=tenant.id, name=name, prefix=display_prefix(token), secret_hash=digest
        )
        report.record("webhook tokens", "created")


async def _load_api_keys(
    tenant: Tenant, entry: TenantEntry, facilities: dict[str, Facility], report: LoadReport
) -> None:
    stored = {k.name: k for k in await ApiKey.filter(tenant_id=tenant.id, revoked_at=None)}
    for key in entry.api_keys:
        facility_ids = None if key.facilities is None else [str(facilities[s].id) for s in key.facilities]
        values: dict[str, object] = {"facility_ids": facility_ids}
        existing = stored.get(key.name)
        secret = key.key
        if secret is None and existing is None:
            secret = generate_secret("ek_")
            report.secrets.append(GeneratedSecret(tenant.slug, f"api key {key.name}", secret))
        if secret is not None:
            values.update(secret_hash=hash_secret(secret), prefix=display_prefix(secret))
        await upsert(report, "api keys", ApiKey, existing, values, {"tenant_id": tenant.id, "name": key.name})
