"""The check log (disputes: who asked, when, about which plate where, and the answer).

Written with *group commit*: a check adds its row and waits until the row is committed, so a
response always means its log row exists; but the rows of checks that arrive while an INSERT is in
flight go together in the next one. One officer sees one INSERT per check; 50 concurrent
handhelds share a few, instead of paying a round trip and a commit each on the hot path.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from backend.enforcement.sql import execute

MAX_BATCH = 50  # rows per INSERT (9 parameters each: well under SQLite's limit)

_COLUMNS = "tenant_id, api_key_id, facility_id, plate, plate_normalized, at, status, should_fine, checked_at"
_FIELDS = ("tenant", "key", "facility", "plate", "normalized", "at", "status", "fine", "checked")
_statements: dict[int, str] = {}


@dataclass(frozen=True)
class CheckLogRow:
    tenant_id: UUID
    key_id: UUID | None  # None: an operator user's check in the admin view
    facility_id: str
    plate: str  # as typed
    plate_normalized: str
    at: datetime
    status: str
    should_fine: bool
    checked_at: datetime

    def values(self) -> tuple:
        return (
            str(self.tenant_id),
            None if self.key_id is None else str(self.key_id),
            self.facility_id,
            self.plate[:40],
            self.plate_normalized,
            self.at,
            self.status,
            self.should_fine,
            self.checked_at,
        )


def _statement(rows: int) -> str:
    """`INSERT ... VALUES (...), (...)` with `rows` groups of named parameters (no values inside)."""
    found = _statements.get(rows)
    if found is None:
        groups = ", ".join("(" + ", ".join(f":{name}_{i}" for name in _FIELDS) + ")" for i in range(rows))
        found = _statements[rows] = f"INSERT INTO enforcement_check ({_COLUMNS}) VALUES {groups}"  # noqa: S608
    return found


async def insert_checks(rows: list[CheckLogRow]) -> None:
    params = {
        f"{name}_{i}": value
        for i, row in enumerate(rows)
        for name, value in zip(_FIELDS, row.values(), strict=True)
    }
    await execute(_statement(len(rows)), params)


def _retrieved(done: asyncio.Future[None]) -> None:
    # A caller that went away never reads its outcome; reading it here keeps asyncio from warning.
    if not done.cancelled():
        done.exception()


class CheckLog:
    def __init__(self) -> None:
        self._waiting: list[tuple[CheckLogRow, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, row: CheckLogRow) -> None:
        """Return once `row` is committed (raises what the INSERT raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.add_done_callback(_retrieved)
        self._waiting.append((row, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        await done  # a caller that goes away cancels only its wait: the row is written all the same

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                await insert_checks([row for row, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
