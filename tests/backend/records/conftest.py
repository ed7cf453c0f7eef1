import pytest

from tests.backend.helpers import bearer, operator_token
from tests.backend.records.world import World, make_world


@pytest.fixture
async def world(client) -> World:
    return await make_world(client, "helsinki-parking", "kamppi-p1")


@pytest.fixture
async def other(client, world) -> World:
    return await make_world(client, "tampere-parking", "tampere-p1")


@pytest.fixture
async def super_admin(client) -> dict[str, str]:
    return bearer(await operator_token(client, role="super_admin"))
