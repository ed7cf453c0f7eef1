"""The audit log: every operator change worth asking "who did that?" about is recorded here."""

from datetime import datetime
from typing import Any
from uuid import UUID

from backend.auth.dependencies import OperatorContext
from backend.models import AuditEntry
from shared.schemas.admin_audit import AuditEntryOut, AuditPage


async def record(
    ctx: OperatorContext | None,
    tenant_id: UUID,
    action: str,
    object_type: str,
    object_id: str | UUID,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry; `ctx` None is the system (a job, a webhook). Call inside the change's transaction."""
    return await AuditEntry.create(
        tenant_id=tenant_id,
        actor_id=ctx.user.id if ctx else None,
        actor_label=ctx.user.email if ctx else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )


def to_out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id,
        actor=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        details=entry.details,
        created_at=entry.created_at,
    )


async def entries_for(tenant_id: UUID, object_type: str, object_id: str | UUID) -> list[AuditEntryOut]:
    """One object's history, oldest first (a timeline reads top to bottom)."""
    rows = await AuditEntry.filter(
        tenant_id=tenant_id, object_type=object_type, object_id=str(object_id)
    ).order_by("id")
    return [to_out(r) for r in rows]


async def latest(
    tenant_id: UUID,
    *,
    object_type: str | None,
    before_id: int | None,
    limit: int,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditPage:
    """The tenant's log, newest first, a page at a time (`next_before_id` continues it)."""
    query = AuditEntry.filter(tenant_id=tenant_id)
    if object_type:
        query = query.filter(object_type=object_type)
    if actor and actor.strip():
        query = query.filter(actor_label__iexact=actor.strip())
    if since is not None:
        query = query.filter(created_at__gte=since)
    if until is not None:
        query = query.filter(created_at__lt=until)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(items=[to_out(r) for r in rows], next_before_id=rows[-1].id if more else None)
