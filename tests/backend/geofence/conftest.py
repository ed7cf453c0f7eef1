import pytest

from backend.models import Facility
from tests.backend.anpr.world import driver_with_plate
from tests.backend.geofence.world import load_demo_tenant
from tests.backend.notifications.conftest import live_url  # noqa: F401 - the SSE tests' real server


@pytest.fixture
async def helsinki(client) -> dict[str, Facility]:
    """The demo's Helsinki operator: hietalahdentori and hakaniementori are geofence lots, kamppi-p1
    has cameras, katajanokanlaituri is paid by zone."""
    return await load_demo_tenant("helsinki-parking")


@pytest.fixture
async def aino(client) -> dict[str, str]:
    """A driver with ABC-123 and a Visa as default card (auto-pay is on by default): her headers."""
    return await driver_with_plate(client)
