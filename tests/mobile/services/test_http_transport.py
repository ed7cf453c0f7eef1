"""The apps' HTTP transport against a real server on 127.0.0.1: errors people can read, and the access
token renewed once, for every concurrent caller, when it expires."""

import asyncio
import json

import httpx
import pytest

from mobile.services.errors import NETWORK, SIGNED_OUT, ApiError
from mobile.services.http import HttpTransport
from mobile.services.tokens import MemoryTokenStore
from tests.mobile.services.wire_backend import V1, Wire


async def signed_in(transport: HttpTransport, wire: Wire, *, stale: bool = False) -> None:
    """Tokens as after a sign-in; with `stale`, the access token has expired since."""
    await transport.set_tokens("access-0" if stale else wire.access, wire.refresh)


async def test_a_signed_in_call_carries_the_token_params_and_headers(
    transport: HttpTransport, wire: Wire
) -> None:
    await signed_in(transport, wire)

    response = await transport.request(
        "GET", f"{V1}/echo", params={"zone_number": "1234", "lat": None}, headers={"Idempotency-Key": "k-1"}
    )

    seen = response.json()
    assert seen["authorization"] == "Bearer access-1"
    assert seen["params"] == {"zone_number": "1234"}  # None is left out, not sent as "None"
    assert seen["idempotency_key"] == "k-1"


async def test_json_and_form_bodies_are_sent_as_such(transport: HttpTransport, wire: Wire) -> None:
    as_json = (await transport.request("POST", f"{V1}/echo", json={"a": 1}, auth=False)).json()
    as_form = (await transport.request("POST", f"{V1}/echo", data={"username": "a@b.c"}, auth=False)).json()

    assert as_json["content_type"] == "application/json"
    assert json.loads(as_json["body"]) == {"a": 1}
    assert as_form["content_type"] == "application/x-www-form-urlencoded"
    assert as_form["body"] == "username=a%40b.c"


async def test_an_anonymous_call_sends_no_token(transport: HttpTransport, wire: Wire) -> None:
    await signed_in(transport, wire)

    seen = (await transport.request("GET", f"{V1}/echo", auth=False)).json()

    assert seen["authorization"] is None


async def test_the_contracts_error_body_becomes_code_message_and_status(
    transport: HttpTransport, wire: Wire
) -> None:
    with pytest.raises(ApiError) as caught:
        await transport.request("GET", f"{V1}/fail/contract", auth=False)

    assert (caught.value.code, caught.value.status) == ("duplicate_vehicle", 409)
    assert caught.value.message == "ABC-123 is already one of your vehicles."
    assert str(caught.value) == caught.value.message


async def test_a_detail_without_code_keeps_the_detail(transport: HttpTransport, wire: Wire) -> None:
    with pytest.raises(ApiError) as caught:
        await transport.request("GET", f"{V1}/fail/no-code", auth=False)

    assert (caught.value.code, caught.value.message, caught.value.status) == ("error", "Not Found", 404)


async def test_a_500_that_is_not_json_reads_as_a_friendly_sentence(
    transport: HttpTransport, wire: Wire
) -> None:
    with pytest.raises(ApiError) as caught:
        await transport.request("GET", f"{V1}/fail/html", auth=False)

    assert caught.value.code == "server"
    assert caught.value.status == 500
    assert caught.value.message == "Something went wrong on our side. Please try again."
    assert "<html>" not in caught.value.message


async def test_another_non_json_failure_names_its_status(transport: HttpTransport, wire: Wire) -> None:
    with pytest.raises(ApiError) as caught:
        await transport.request("GET", f"{V1}/fail/teapot", auth=False)

    assert (caught.value.code, caught.value.status) == ("error", 418)
    assert caught.value.message == "The request failed (418)."


async def test_no_server_is_a_network_error_with_a_sentence(closed_port_url: str) -> None:
    transport = HttpTransport(closed_port_url, MemoryTokenStore())
    try:
        with pytest.raises(ApiError) as caught:
            await transport.request("GET", f"{V1}/auth/me", auth=False)
    finally:
        await transport.aclose()

    assert (caught.value.code, caught.value.status) == (NETWORK, 0)
    assert "connection" in caught.value.message


async def test_an_expired_token_is_renewed_once_and_the_call_retried(
    transport: HttpTransport, wire: Wire, store: MemoryTokenStore
) -> None:
    await signed_in(transport, wire, stale=True)

    response = await transport.request("GET", f"{V1}/auth/me")

    assert response.json()["email"] == "aino@example.test"
    assert wire.refresh_calls == 1
    assert transport.tokens is not None
    assert transport.tokens.access_token == "access-2"
    assert store.refresh_token == "rt-2"  # the rotated refresh token is kept for the next app start


async def test_twenty_calls_with_an_expired_token_renew_it_exactly_once(
    transport: HttpTransport, wire: Wire
) -> None:
    await signed_in(transport, wire, stale=True)
    wire.refresh_delay_s = 0.1  # every call gets its 401 before the renewal answers

    responses = await asyncio.gather(*(transport.request("GET", f"{V1}/auth/me") for _ in range(20)))

    assert all(r.status_code == 200 for r in responses)
    assert wire.refresh_calls == 1


async def test_a_401_after_renewing_is_an_error_not_a_loop(transport: HttpTransport, wire: Wire) -> None:
    await signed_in(transport, wire)

    with pytest.raises(ApiError) as caught:
        await transport.request("GET", f"{V1}/always-401")

    assert (caught.value.code, caught.value.status) == ("not_authenticated", 401)
    assert wire.refresh_calls == 1
    assert transport.signed_in  # the renewal itself worked: the driver stays signed in


async def test_a_refused_renewal_signs_out_and_forgets_the_tokens(
    transport: HttpTransport, wire: Wire, store: MemoryTokenStore
) -> None:
    signed_out: list[bool] = []
    transport.on_signed_out = lambda: signed_out.append(True)
    await signed_in(transport, wire, stale=True)
    wire.refresh_ok = False

    with pytest.raises(ApiError) as caught:
        await transport.request("GET", f"{V1}/auth/me")

    assert (caught.value.code, caught.value.status) == (SIGNED_OUT, 401)
    assert caught.value.message == "Your sign-in has expired. Please sign in again."
    assert not transport.signed_in
    assert transport.tokens is None
    assert store.refresh_token is None
    assert signed_out == [True]


async def test_a_refused_renewal_for_many_callers_is_asked_once(transport: HttpTransport, wire: Wire) -> None:
    await signed_in(transport, wire, stale=True)
    wire.refresh_ok, wire.refresh_delay_s = False, 0.05

    results = await asyncio.gather(
        *(transport.request("GET", f"{V1}/auth/me") for _ in range(10)), return_exceptions=True
    )

    assert all(isinstance(r, ApiError) and r.code == SIGNED_OUT for r in results)
    assert wire.refresh_calls == 1


async def test_no_answer_while_renewing_keeps_the_driver_signed_in(
    base_url: str, wire: Wire, store: MemoryTokenStore
) -> None:
    client = httpx.AsyncClient(base_url=base_url, timeout=0.3)
    transport = HttpTransport(base_url, store, client=client)
    await signed_in(transport, wire, stale=True)
    wire.refresh_delay_s = 1.0  # the renewal times out: the phone went into a tunnel
    try:
        with pytest.raises(ApiError) as caught:
            await transport.request("GET", f"{V1}/auth/me")
    finally:
        await transport.aclose()

    assert caught.value.code == NETWORK
    assert transport.signed_in
    assert store.refresh_token == "rt-1"


async def test_app_start_signs_in_again_from_the_stored_refresh_token(
    transport: HttpTransport, wire: Wire, store: MemoryTokenStore
) -> None:
    store.refresh_token = "rt-1"

    assert await transport.restore()

    assert transport.signed_in
    assert transport.tokens is not None
    assert transport.tokens.access_token == "access-2"
    assert (await transport.request("GET", f"{V1}/auth/me")).status_code == 200
    assert wire.refresh_calls == 1


async def test_app_start_without_a_stored_token_asks_nothing(transport: HttpTransport, wire: Wire) -> None:
    assert not await transport.restore()

    assert not transport.signed_in
    assert wire.refresh_calls == 0


async def test_app_start_with_a_revoked_token_is_signed_out(
    transport: HttpTransport, wire: Wire, store: MemoryTokenStore
) -> None:
    store.refresh_token = "rt-revoked"

    assert not await transport.restore()

    assert not transport.signed_in
    assert store.refresh_token is None


async def test_signing_out_forgets_both_tokens(
    transport: HttpTransport, wire: Wire, store: MemoryTokenStore
) -> None:
    await signed_in(transport, wire)

    await transport.forget_tokens()

    assert not transport.signed_in
    assert store.refresh_token is None
    assert transport.auth_headers() == {}
