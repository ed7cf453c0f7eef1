import pytest

from tests.backend.anpr.world import Operator, make_operator


@pytest.fixture
async def operator(client) -> Operator:
    return await make_operator("helsinki-parking", "kamppi-p1")


@pytest.fixture
async def other_operator(client, operator) -> Operator:
    return await make_operator("tampere-parking", "tampere-p1")
