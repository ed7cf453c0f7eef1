"""`GET /api/v1/me/receipts` and `GET /api/v1/me/receipts/{id}`: one receipt per money movement,
newest first, one query a page, and nobody else's."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from backend.models import Payment
from tests.backend.drivers.conftest import counting_selects
from tests.backend.drivers.history import make_history
from tests.backend.helpers import bearer, driver_token

RECEIPTS = "/api/v1/me/receipts"


async def _all(client, auth, limit: int = 100) -> list[dict]:
    response = await client.get(RECEIPTS, params={"limit": limit}, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _lines(receipt: dict) -> list[tuple[str, int]]:
    return [(line["label"], line["amount"]) for line in receipt["lines"]]


async def test_every_money_movement_is_a_receipt_newest_first(client, lots) -> None:
    history = await make_history(client, lots)
    receipts = await _all(client, lots.auth)
    described = [(r["kind"], r["purpose"], r["status"], r["total_amount"]) for r in receipts]
    pass_total = 9900 + 248  # 99.00 + 2.5 % fee (2.475 -> 2.48)
    prepaid = await Payment.get(stay_id=history.prepaid_stay_id)
    charged = await Payment.get(stay_id=history.exit_stay_id)
    declined = await Payment.get(status="failed")
    assert described == [
        ("charge", "stay_prepay", "captured", prepaid.amount),
        ("charge", "stay", "captured", charged.amount),
        ("charge", "pass", "captured", pass_total),
        ("charge", "session", "failed", declined.amount),  # the declined start: nothing was charged
        ("refund", "session", "refunded", -77),  # the start payment, refunded after the extension's
        ("refund", "extension", "refunded", -153),
        ("charge", "extension", "refunded", 153),  # given back in full
        ("charge", "session", "captured", 231),  # partly given back: still captured
    ]
    moments = [datetime.fromisoformat(r["occurred_at"]) for r in receipts]
    assert moments == sorted(moments, reverse=True)
    assert all(abs(m - datetime.now(UTC)) < timedelta(minutes=41) for m in moments)

    # What the receipts add up to is what the driver's card was really charged.
    settled = await Payment.filter(status__in=("captured", "partially_refunded", "refunded"))
    net = sum(p.amount - p.refunded_amount for p in settled)
    assert (
        sum(r["total_amount"] for r in receipts if r["status"] != "failed")
        == net
        == 231 + 153 - 230 + pass_total + prepaid.amount + charged.amount
    )


async def test_a_receipt_says_where_what_and_with_which_card(client, lots) -> None:
    history = await make_history(client, lots)
    by_purpose = {(r["kind"], r["purpose"]): r for r in await _all(client, lots.auth)}

    start = by_purpose[("charge", "session")]
    assert start["facility"] == {"slug": "kamppi-p1", "name": "Kamppi P1", "timezone": "Europe/Helsinki"}
    assert (start["operator"], start["timezone"]) == ("Alpha Parking Oy", "Europe/Helsinki")
    assert start["license_plate"] == "ABC-123"
    assert start["description"] == "Parking session"
    assert _lines(start) == [("Parking", 225), ("Service fee", 6), ("Total", 231)]
    assert (start["refunded_amount"], start["currency"]) == (77, "EUR")
    assert start["card"] == {"brand": "Visa", "last4": "4242"}
    assert start["session_id"] == history.session_id
    assert start["number"] == f"PF-{start['id'][:8].upper()}"
    period = datetime.fromisoformat(start["period_end"]) - datetime.fromisoformat(start["period_start"])
    assert timedelta(minutes=39) < period <= timedelta(minutes=41)  # paid for 60, stopped after 40

    refund = by_purpose[("refund", "session")]
    assert refund["id"] == f"{start['id']}-refund"
    assert refund["number"] == f"{start['number']}-R"
    assert refund["description"] == "Refund: session stopped early"
    assert _lines(refund) == [("Refund", -77), ("Total", -77)]
    assert refund["card"] == {"brand": "Visa", "last4": "4242"}

    bought = by_purpose[("charge", "pass")]
    assert bought["description"] == "Parking pass: Monthly pass"
    assert _lines(bought) == [("Monthly pass", 9900), ("Service fee", 248), ("Total", 10148)]
    assert bought["pass_id"] == history.pass_id

    exit_charge = by_purpose[("charge", "stay")]
    assert exit_charge["facility"]["slug"] == "camera-p3"
    assert exit_charge["facility"]["name"] == "Camera P3"
    assert exit_charge["operator"] == "Helsinki Parking"
    assert exit_charge["stay_id"] == history.exit_stay_id
    assert exit_charge["description"] == "Parking, charged when you left"
    assert by_purpose[("charge", "stay_prepay")]["description"] == "Parking, paid in the app"

    failed = next(r for r in await _all(client, lots.auth) if r["status"] == "failed")
    assert "declined" in failed["failure_reason"].lower()
    assert failed["facility"]["slug"] == "forum-p2"

    for receipt in (start, refund, bought, failed):
        one = await client.get(f"{RECEIPTS}/{receipt['id']}", headers=lots.auth)
        assert one.status_code == 200, one.text
        assert one.json() == receipt


async def test_pages_cover_the_list_once_in_order(client, lots) -> None:
    await make_history(client, lots)
    everything = await _all(client, lots.auth)
    seen, offset = [], 0
    while offset is not None:
        response = await client.get(RECEIPTS, params={"limit": 3, "offset": offset}, headers=lots.auth)
        assert response.status_code == 200, response.text
        page = response.json()
        assert (page["limit"], page["offset"]) == (3, offset)
        assert len(page["items"]) <= 3
        seen += page["items"]
        offset = page["next_offset"]
    assert seen == everything
    assert len(seen) == 8
    beyond = (await client.get(RECEIPTS, params={"offset": 50}, headers=lots.auth)).json()
    assert (beyond["items"], beyond["next_offset"]) == ([], None)
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        assert (await client.get(RECEIPTS, params=bad, headers=lots.auth)).status_code == 422


async def test_a_page_is_one_query_however_many_receipts(client, lots) -> None:
    with counting_selects() as empty:
        assert (await client.get(RECEIPTS, headers=lots.auth)).json()["items"] == []
    await make_history(client, lots)
    with counting_selects() as full:
        assert len((await client.get(RECEIPTS, headers=lots.auth)).json()["items"]) == 8
    with counting_selects() as one:
        receipt_id = (await _all(client, lots.auth, 1))[0]["id"]
    with counting_selects() as single:
        assert (await client.get(f"{RECEIPTS}/{receipt_id}", headers=lots.auth)).status_code == 200
    # The driver's account (the token check), then the page itself.
    assert len(empty) == len(full) == len(one) == len(single) == 2


async def test_a_new_driver_has_no_receipts(client, lots) -> None:
    await make_history(client, lots)
    other = bearer(await driver_token(client, "bo@example.test"))
    page = (await client.get(RECEIPTS, headers=other)).json()
    assert (page["items"], page["next_offset"]) == ([], None)


async def test_unknown_and_malformed_receipt_ids_are_404(client, lots) -> None:
    await make_history(client, lots)
    receipts = await _all(client, lots.auth)
    unrefunded = next(r for r in receipts if r["kind"] == "charge" and r["refunded_amount"] == 0)
    for receipt_id in (str(uuid4()), "not-a-receipt", f"{uuid4()}-refund", f"{unrefunded['id']}-refund"):
        response = await client.get(f"{RECEIPTS}/{receipt_id}", headers=lots.auth)
        assert response.status_code == 404, receipt_id
        assert response.json()["code"] == "not_found"
    assert (await client.get(f"{RECEIPTS}/{receipts[0]['id']}")).status_code == 401
