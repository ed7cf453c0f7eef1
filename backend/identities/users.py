"""Users of one operator: added, given a role, renamed, deactivated; every change audited.

Guards that keep an operator manageable: super admins are never made here, nobody changes their
own role or deactivates themselves, and the last active tenant admin stays one.
"""

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.auth.passwords import check_password_strength
from backend.identities.repository import UserRepository, email_in_use
from backend.kit.errors import ConflictError, ForbiddenError
from backend.kit.services import AppServices
from backend.models import OperatorUser
from shared.errors import ErrorCode
from shared.schemas.admin import UserCreate, UserOut, UserUpdate
from shared.schemas.onboarding import Role

_EMAIL_TAKEN = "A user with this e-mail already exists; use another address."
_NO_SUPER_ADMINS = "Super admins are created by onboarding, not through the operator admin API."


def user_out(user: OperatorUser) -> UserOut:
    return UserOut(
        id=str(user.id),
        email=user.email,
        name=user.name,
        role=Role(user.role),
        is_active=user.is_active,
        created_at=user.created_at,
    )


async def list_users(ctx: OperatorContext) -> list[UserOut]:
    users = await UserRepository(ctx.tenant_id).query().order_by("email")
    return [user_out(u) for u in users]


async def create_user(services: AppServices, ctx: OperatorContext, body: UserCreate) -> UserOut:
    tenant_id = ctx.tenant_id
    if body.role is Role.super_admin:
        raise ForbiddenError(_NO_SUPER_ADMINS)
    email = body.email.lower()
    check_password_strength(body.password, email)
    if await email_in_use(email):
        raise ConflictError(_EMAIL_TAKEN, ErrorCode.email_taken)
    password_hash = await services.passwords.hash(body.password)
    try:
        async with in_transaction():
            user = await OperatorUser.create(
                tenant_id=tenant_id,
                email=email,
                name=body.name,
                password_hash=password_hash,
                role=body.role.value,
            )
            details = {"email": email, "name": body.name, "role": body.role.value}
            await record(ctx, tenant_id, "user.created", "user", user.id, details)
    except IntegrityError:  # the same e-mail was added concurrently
        raise ConflictError(_EMAIL_TAKEN, ErrorCode.email_taken) from None
    return user_out(user)


def _action(changes: dict[str, Any]) -> str:
    if "is_active" in changes:
        return "user.deactivated" if changes["is_active"]["to"] is False else "user.reactivated"
    if "role" in changes:
        return "user.role_changed"
    return "user.updated"


async def _keeps_an_admin(user: OperatorUser, wanted: dict[str, Any]) -> None:
    """Refuse to demote or deactivate the operator's last active tenant admin (a super admin could)."""
    if user.role != Role.tenant_admin or not user.is_active:
        return
    if wanted.get("role", Role.tenant_admin.value) == Role.tenant_admin and wanted.get("is_active", True):
        return
    others = UserRepository(user.tenant_id).query()  # type: ignore[attr-defined]
    if not await others.filter(role=Role.tenant_admin.value, is_active=True).exclude(id=user.id).exists():
        raise ConflictError(
            f"{user.email} is the operator's only active tenant admin; make another user tenant admin first."
        )


async def update_user(ctx: OperatorContext, user_id: str, body: UserUpdate) -> UserOut:
    user = await UserRepository(ctx.tenant_id).get(user_id)
    wanted = body.model_dump(exclude_unset=True, exclude_none=True)
    if wanted.get("role") is Role.super_admin:
        raise ForbiddenError(_NO_SUPER_ADMINS)
    if "role" in wanted:
        wanted["role"] = wanted["role"].value
    if user.id == ctx.user.id:
        # An admin locking themselves out would leave nobody to undo it.
        if wanted.get("is_active") is False:
            raise ForbiddenError("You cannot deactivate your own account; ask another tenant admin.")
        if wanted.get("role", user.role) != user.role:
            raise ForbiddenError("You cannot change your own role; ask another tenant admin.")
    changes = {
        name: {"from": getattr(user, name), "to": value}
        for name, value in wanted.items()
        if getattr(user, name) != value
    }
    if not changes:
        return user_out(user)
    await _keeps_an_admin(user, wanted)
    async with in_transaction():
        await user.update_from_dict(wanted).save(update_fields=list(wanted))
        details = {"email": user.email, "changes": changes}
        await record(ctx, ctx.tenant_id, _action(changes), "user", user.id, details)
    return user_out(user)


async def deactivate_user(ctx: OperatorContext, user_id: str) -> None:
    await update_user(ctx, user_id, UserUpdate(is_active=False))
