"""The demo's tenants loaded from the committed onboarding file, with their generated history.

Generated once per engine for the module (it takes seconds): the tests read it and must not change
it. Tests of this directory that need an empty database use the `client` fixture as usual.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from backend.demo.build_onboarding import OUTPUT as DEMO_FILE
from backend.demo.history import HistoryReport, load_history
from backend.onboarding import load_onboarding, read_onboarding_file
from tests.backend.conftest import truncate_all

MEDIA_BASE = "http://127.0.0.1:8000"


@dataclass
class History:
    report: HistoryReport
    now: datetime
    slugs: list[str]
    app: object

    def http(self) -> httpx.AsyncClient:
        """The API itself, without the `client` fixture (which would empty the database)."""
        transport = httpx.ASGITransport(app=self.app, client=("127.0.0.11", 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://parkflow.test")


@pytest.fixture(scope="module")
async def history(app, engine: str) -> History:
    services = app.state.services
    await truncate_all(services.jobs)
    services.extras.pop("facility_index", None)
    data = read_onboarding_file(DEMO_FILE)
    await load_onboarding(data, services)
    slugs = [tenant.slug for tenant in data.tenants]
    now = datetime.now(UTC).replace(microsecond=0)
    report = await load_history(slugs, passwords=services.passwords, media_base=MEDIA_BASE, now=now)
    assert report is not None
    return History(report, now, slugs, app)
