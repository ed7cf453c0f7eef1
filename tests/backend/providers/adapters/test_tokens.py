"""Passport's OAuth2 tokens: fetched once, reused, fetched again once per expiry or revocation.

The sandbox counts every token it issues (`/_sandbox/stats`), which is what these tests assert on.
`passport-short` issues tokens that live TOKEN_SECONDS (2 s).
"""

import asyncio

import pytest

from backend.providers.base import ProviderUnavailableError
from backend.providers.oauth import ClientCredentialsSession
from tests.backend.providers.adapters.support import BOX, TOKEN_SECONDS, add_fault, stats

CONCURRENT = 20


async def _session(adapter, name: str = "passport-short", **overrides: object):
    provider = adapter(name, **overrides)
    started = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    return provider, started


async def test_one_token_serves_many_calls_until_it_nears_expiry(admin, adapter) -> None:
    provider, started = await _session(adapter, "passport-a")
    for _ in range(5):
        await provider.get(started.session_id)
    counts = await stats(admin, "passport-a")
    assert counts["tokens_issued"] == 1
    assert counts["get"] == 5


async def test_twenty_concurrent_first_calls_fetch_one_token(admin, adapter) -> None:
    provider = adapter("passport-a")
    answers = await asyncio.gather(*(provider.rights(f"CAR{i}") for i in range(CONCURRENT)))
    assert answers == [[]] * CONCURRENT
    assert (await stats(admin, "passport-a"))["tokens_issued"] == 1


async def test_after_expiry_the_next_call_fetches_exactly_one_new_token(admin, adapter) -> None:
    provider, started = await _session(adapter)
    assert (await stats(admin, "passport-short"))["tokens_issued"] == 1
    # Leeway is a tenth of the 2 s lifetime: the token is replaced before the provider refuses it.
    assert provider.client.oauth._client.leeway == pytest.approx(TOKEN_SECONDS / 10)

    await asyncio.sleep(TOKEN_SECONDS + 0.2)
    assert (await provider.get(started.session_id)).status == "active"
    await provider.get(started.session_id)

    counts = await stats(admin, "passport-short")
    assert counts["tokens_issued"] == 2
    assert counts.get("unauthorized", 0) == 0  # renewed ahead of time, never refused


async def test_twenty_concurrent_calls_after_expiry_fetch_one_token(admin, adapter) -> None:
    provider, started = await _session(adapter)
    await asyncio.sleep(TOKEN_SECONDS + 0.2)

    answers = await asyncio.gather(*(provider.get(started.session_id) for _ in range(CONCURRENT)))

    assert {answer.session_id for answer in answers} == {started.session_id}
    counts = await stats(admin, "passport-short")
    assert counts["tokens_issued"] == 2
    assert counts["get"] == CONCURRENT


async def test_a_token_revoked_mid_flight_is_fetched_again_once_and_the_call_succeeds(admin, adapter) -> None:
    provider, started = await _session(adapter, "passport-a")
    await add_fault(admin, connection="passport-a", endpoint="extend", kind="expire_token")

    extended = await provider.extend(started.session_id, 15)

    assert extended.ends_at > started.ends_at
    counts = await stats(admin, "passport-a")
    assert counts["tokens_issued"] == 2
    assert counts["unauthorized"] == 1
    assert counts["extend"] == 2  # the refused one and the resend


async def test_twenty_calls_refused_together_share_one_new_token(admin, adapter) -> None:
    provider, started = await _session(adapter, "passport-a")
    await add_fault(admin, connection="passport-a", endpoint="get", kind="expire_token")

    answers = await asyncio.gather(*(provider.get(started.session_id) for _ in range(CONCURRENT)))

    assert len(answers) == CONCURRENT
    counts = await stats(admin, "passport-a")
    assert counts["tokens_issued"] == 2


async def test_refused_again_after_a_new_token_is_a_credentials_problem(admin, adapter, caplog) -> None:
    provider, started = await _session(adapter, "passport-a")
    await add_fault(admin, connection="passport-a", endpoint="get", kind="expire_token", times=2)

    with pytest.raises(ProviderUnavailableError) as failed:
        await provider.get(started.session_id)

    assert "credentials" in failed.value.detail
    assert "refused the credentials of provider connection passport-a" in caplog.text
    counts = await stats(admin, "passport-a")
    assert counts["tokens_issued"] == 2  # one renewal, no loop
    assert counts["get"] == 2


async def test_a_wrong_client_secret_is_unavailable_and_logged(admin, adapter, caplog) -> None:
    provider = adapter("passport-a", client_secret_encrypted=BOX.seal("wrong-secret"))
    with pytest.raises(ProviderUnavailableError) as failed:
        await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)
    assert failed.value.code == "provider_unavailable"
    assert "invalid_client" in caplog.text
    counts = (await admin.get("/_sandbox/stats")).json()
    assert counts["total"]["unauthorized"] == 1  # asked once, not in a loop
    assert counts["total"].get("start", 0) == 0


async def test_a_token_endpoint_outage_is_retried_and_nothing_is_started_twice(admin, adapter) -> None:
    await add_fault(admin, connection="passport-a", endpoint="token", kind="status", status=503)
    provider = adapter("passport-a")

    started = await provider.start(zone_id="1234", plate="ABC123", duration_minutes=60)

    counts = await stats(admin, "passport-a")
    assert started.status == "active"
    assert counts["token"] == 2
    assert counts["tokens_issued"] == 1
    assert counts["start"] == 1
    assert counts.get("rights", 0) == 0  # a start never sent needs no reconciliation


def test_the_leeway_is_capped_by_the_setting() -> None:
    import httpx

    session = ClientCredentialsSession(
        token_url="http://127.0.0.1:9/token",
        client_id="x",
        client_secret="y",
        transport=httpx.AsyncHTTPTransport(),
        timeout=httpx.Timeout(1),
        leeway_max_seconds=30,
        vendor="Passport",
        label="test",
    )
    session._client.token = {"access_token": "t", "token_type": "bearer", "expires_in": 3600}
    session._adjust_leeway()
    assert session._client.leeway == 30
    session._client.token = {"access_token": "t", "token_type": "bearer", "expires_in": 60}
    session._adjust_leeway()
    assert session._client.leeway == 6
