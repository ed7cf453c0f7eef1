"""Create-or-update by natural key, touching a row only when a value really differs."""

from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from tortoise.models import Model

from backend.onboarding.report import LoadReport

M = TypeVar("M", bound=Model)


def same(stored: Any, wanted: Any) -> bool:
    """Equal as stored values: UUIDs come back as UUID or str, decimals with their own scale."""
    if stored is None or wanted is None:
        return stored is wanted
    if isinstance(stored, UUID) or isinstance(wanted, UUID):
        return str(stored) == str(wanted)
    if isinstance(stored, Decimal) or isinstance(wanted, Decimal):
        return Decimal(str(stored)) == Decimal(str(wanted))
    return stored == wanted


def assign(row: Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if not same(getattr(row, name), value):
            setattr(row, name, value)
            changed.append(name)
    return changed


async def upsert(
    report: LoadReport,
    kind: str,
    model: type[M],
    existing: M | None,
    values: dict[str, Any],
    create_only: dict[str, Any] | None = None,
) -> M:
    """Update `existing` to `values` (saving only changed fields) or create it with both dicts."""
    if existing is None:
        row = await model.create(**(create_only or {}), **values)
        report.record(kind, "created")
        return row
    changed = assign(existing, values)
    if changed:
        stamps = [name for name, f in model._meta.fields_map.items() if getattr(f, "auto_now", False)]
        await existing.save(update_fields=changed + stamps)
    report.record(kind, "updated" if changed else "unchanged")
    return existing
