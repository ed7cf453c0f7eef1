"""Per-tenant running numbers (invoice and ticket numbers): gap-free within a committed run, never
handed out twice, on SQLite and PostgreSQL alike."""

from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backend.models import TenantCounter


async def next_number(tenant_id: UUID, name: str) -> int:
    """The next number of `name` for the tenant. Call it inside the transaction that uses the number:
    the counter row stays locked (PostgreSQL) until that transaction ends, so two callers never read
    the same value."""
    async with in_transaction():
        if not await TenantCounter.filter(tenant_id=tenant_id, name=name).update(value=F("value") + 1):
            try:
                async with in_transaction():  # a savepoint: the conflict must not abort the caller's work
                    await TenantCounter.create(tenant_id=tenant_id, name=name, value=1)
                return 1
            except IntegrityError:  # another caller created it first
                await TenantCounter.filter(tenant_id=tenant_id, name=name).update(value=F("value") + 1)
        row = await TenantCounter.get(tenant_id=tenant_id, name=name)
        return row.value
