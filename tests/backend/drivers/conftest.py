"""Worlds for the account screens: the prepaid-session lot (a native facility and one run by the
provider sandbox over real HTTP, a signed-in driver with a Visa and a declining card), a monthly pass
on sale there, and a camera lot of another operator sending webhooks."""

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from backend.models import PassProduct
from tests.backend.anpr.world import Operator, make_operator
from tests.backend.sessions.conftest import Lot, lot, providers, sessions_sandbox  # noqa: F401 (fixtures)


@dataclass
class Lots:
    """`lot` (alpha-parking: kamppi-p1 native, forum-p2 at the sandbox) plus a camera lot."""

    lot: Lot
    camera: Operator  # helsinki-parking's anpr facility `camera-p3`

    @property
    def auth(self) -> dict[str, str]:
        return self.lot.auth


@pytest.fixture
async def lots(client, lot) -> Lots:  # noqa: F811 (the imported fixture)
    await PassProduct.create(facility=lot.native, slug="monthly", name="Monthly pass", amount=9900, days=30)
    camera = await make_operator("helsinki-parking", "camera-p3", zone_number="3003")
    response = await client.post("/api/v1/me/vehicles", json={"license_plate": "ABC-123"}, headers=lot.auth)
    assert response.status_code == 201, response.text
    return Lots(lot, camera)


class _SelectCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []
        self.task = asyncio.current_task()

    def emit(self, record: logging.LogRecord) -> None:
        # Both engines' clients log every statement once, as ("%s: %s", sql, values). Only this
        # task's: the in-process job runner queries in the background meanwhile.
        if asyncio.current_task() is not self.task:
            return
        if record.args and isinstance(record.args, tuple):
            sql = str(record.args[0]).lstrip()
            if sql.upper().startswith(("SELECT", "WITH")):
                self.statements.append(sql)


@contextmanager
def counting_selects() -> Iterator[list[str]]:
    """The SELECT statements this task runs inside the block (by the ORM or by hand-written SQL):
    a request sent through the `client` fixture runs in the caller's task."""
    logger = logging.getLogger("tortoise.db_client")
    counter = _SelectCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter.statements
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
