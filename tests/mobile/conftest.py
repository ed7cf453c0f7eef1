"""Fake services for the driver app's state classes (tests/mobile/fakes.py)."""

import pytest

from tests.mobile.fakes import FakeDriverApi

EMAIL = "aino@example.test"
PASSWORD = "correct horse battery"


@pytest.fixture
async def api() -> FakeDriverApi:
    """A driver who signed up and is signed in, with nothing saved yet."""
    fake = FakeDriverApi()
    await fake.register(EMAIL, PASSWORD, "Aino Virtanen")
    fake.calls.clear()
    return fake


@pytest.fixture
async def ready_api(api: FakeDriverApi) -> FakeDriverApi:
    """The signed-in driver with one vehicle (ABC-123) and one card (Visa 4242), both default."""
    await api.add_vehicle("ABC-123")
    await api.add_payment_method("tok_visa")
    api.calls.clear()
    return api
