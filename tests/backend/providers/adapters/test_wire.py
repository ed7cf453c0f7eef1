"""The CONTRACT §6 session shape: timestamps must carry an offset; anything else is unreadable."""

from datetime import UTC, datetime

import httpx
import pytest

from backend.providers.base import AlreadyParkedError, ProviderRejectedError, ProviderSessionNotFoundError
from backend.providers.common.wire import CONTRACT_WIRE, MalformedResponseError
from backend.providers.http import retry_after_seconds

SESSION = {
    "session_id": "ep_1",
    "zone_number": "1234",
    "start_time": "2026-03-30T14:23:00Z",
    "end_time": "2026-03-30T15:23:00+00:00",
    "status": "active",
}


def test_a_session_with_offsets_parses_to_aware_datetimes() -> None:
    session = CONTRACT_WIRE.parse_session(SESSION)
    assert session.starts_at == datetime(2026, 3, 30, 14, 23, tzinfo=UTC)
    assert session.ends_at == datetime(2026, 3, 30, 15, 23, tzinfo=UTC)
    assert session.zone_number == "1234"


@pytest.mark.parametrize(
    "change",
    [
        {"start_time": "2026-03-30T14:23:00"},  # naive: refused, never guessed as UTC
        {"end_time": "soon"},
        {"status": "parked"},
        {"session_id": ""},
        {"end_time": None},
    ],
)
def test_an_unreadable_session_is_malformed(change: dict) -> None:
    with pytest.raises(MalformedResponseError):
        CONTRACT_WIRE.parse_session({**SESSION, **change})


def test_rights_must_be_a_list() -> None:
    assert CONTRACT_WIRE.parse_rights({"rights": [SESSION]})[0].session_id == "ep_1"
    with pytest.raises(MalformedResponseError):
        CONTRACT_WIRE.parse_rights({"sessions": []})


def _answer(status: int, body: dict) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("POST", "http://provider.test/sessions"))


def test_refusals_map_to_the_protocols_rejections() -> None:
    parked = CONTRACT_WIRE.rejection(
        _answer(409, {"detail": "Parked.", "code": "already_parked"}), starting=True
    )
    over = CONTRACT_WIRE.rejection(
        _answer(409, {"detail": "Over.", "code": "session_not_active"}), starting=False
    )
    invalid = CONTRACT_WIRE.rejection(_answer(422, {"message": "email must not be blank"}), starting=True)
    missing = CONTRACT_WIRE.rejection(_answer(404, {}), starting=False)
    assert isinstance(parked, AlreadyParkedError)
    assert type(over) is ProviderRejectedError
    assert over.code == "session_not_active"
    assert invalid is not None
    assert invalid.detail == "email must not be blank"
    assert isinstance(missing, ProviderSessionNotFoundError)
    assert CONTRACT_WIRE.rejection(_answer(503, {}), starting=True) is None


def test_retry_after_reads_seconds_and_http_dates() -> None:
    def with_header(value: str) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value})

    assert retry_after_seconds(with_header("3")) == 3
    assert retry_after_seconds(with_header("Wed, 21 Oct 2015 07:28:00 GMT")) == 0
    assert retry_after_seconds(with_header("later")) is None
    assert retry_after_seconds(httpx.Response(429)) is None
