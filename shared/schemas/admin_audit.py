"""The audit log as operators read it."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditEntryOut(BaseModel):
    """One recorded change: `actor` is the user's email or `system`."""

    id: int
    actor: str
    action: str = Field(examples=["stay.plate_corrected"])
    object_type: str = Field(examples=["stay"])
    object_id: str
    details: dict[str, Any] = Field(default_factory=dict, examples=[{"from": "ABC123", "to": "ABC128"}])
    created_at: datetime


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_before_id: int | None = Field(None, description="Pass as `before_id` for the next page")
