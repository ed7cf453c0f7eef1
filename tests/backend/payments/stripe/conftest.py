"""A Stripe stand-in on loopback for the whole session, reset before each test, and a gateway on it."""

from collections.abc import AsyncIterator, Iterator

import pytest

from backend.payments.gateways.stripe import StripeGateway
from tests.backend.payments.stripe.fake_stripe import SECRET_KEY, FakeStripe, FakeStripeServer


@pytest.fixture(scope="session")
def stripe_server() -> Iterator[FakeStripe]:
    server = FakeStripeServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def fake_stripe(stripe_server: FakeStripe) -> FakeStripe:
    stripe_server.reset()
    return stripe_server


@pytest.fixture
async def gateway(fake_stripe: FakeStripe) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(SECRET_KEY, api_base=fake_stripe.url, timeout_seconds=5, max_network_retries=2)
    try:
        yield gateway
    finally:
        await gateway.aclose()
