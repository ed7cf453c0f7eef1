"""The list's order and its keyset cursor.

Records are ordered newest first by (start, kind, id), descending: `start` is a stay's entry (its
exit when no entry was recorded) or a session's start; `kind` and `id` break ties, so the order is
total and a page boundary between two records that started at the same moment loses nothing. The
cursor is the last record's key, opaque to clients (URL-safe base64 of a small JSON list).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from shared.errors import ErrorCode, ParkflowError
from shared.schemas.admin_records import RecordKind


@dataclass(frozen=True, order=True)
class SortKey:
    start: datetime
    kind: str
    id: str  # the UUID's canonical text: its order is the database's UUID order on both engines


def key_of(start: datetime, kind: RecordKind, record_id: UUID | str) -> SortKey:
    return SortKey(start.astimezone(UTC), kind.value, str(record_id))


def encode(key: SortKey) -> str:
    raw = json.dumps([key.start.isoformat(), key.kind, key.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> ParkflowError:
    return ParkflowError(
        "'cursor' is not one this list handed out; start again from the first page (leave cursor out).",
        ErrorCode.validation_error,
    )


def decode(cursor: str) -> SortKey:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        start_text, kind, record_id = json.loads(raw)
        start = datetime.fromisoformat(start_text)
        if start.utcoffset() is None:
            raise ValueError("naive")
        return SortKey(start.astimezone(UTC), RecordKind(kind).value, str(UUID(record_id)))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise _bad_cursor() from None
