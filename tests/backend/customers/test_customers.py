"""Customer lookup: drivers found by plate, e-mail or name only when they have something at this
operator, plates without a driver account, and a balance that counts each debt once."""

from datetime import timedelta

import pytest

from backend.models import Facility, Invoice, ParkingPass, PassProduct, Ticket
from shared.plates import normalize_plate
from tests.backend.admin.conftest import ADMIN
from tests.backend.helpers import bearer, operator_token
from tests.backend.support.conftest import add_payment, add_session, add_stay, ago, make_person, open_ticket

CUSTOMERS = f"{ADMIN}/customers"


async def _invoice(operator, stay, number: int, amount: int, status: str = "issued") -> Invoice:
    return await Invoice.create(
        tenant_id=operator.tenant.id,
        stay=stay,
        number=number,
        plate=stay.plate,
        currency="EUR",
        amount=amount,
        status=status,
        live_slot=None if status == "void" else "live",
        issued_at=ago(days=3),
        due_at=ago(days=-11),
    )


async def _pass(operator, plate: str, driver=None) -> ParkingPass:
    facility = await Facility.get(slug=operator.facility)
    product = await PassProduct.get(facility=facility, slug=operator.product)
    return await ParkingPass.create(
        tenant_id=operator.tenant.id,
        facility=facility,
        product=product,
        driver=driver,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        valid_from=ago(days=5),
        valid_until=ago(days=-25),
        amount=9900,
        currency="EUR",
    )


@pytest.fixture
async def world(client, alpha, bravo):
    aino = await make_person(client, "aino@example.test", "ABC-123")
    bo = await make_person(client, "bo@example.test", "BOB-555")
    await make_person(client, "carl@example.test", "CAR-777")  # has nothing anywhere
    dora = await make_person(client, "dora.lindqvist@example.test")

    def unpaid(total: int, paid: int = 0, status: str = "unpaid", hours: int = 48):
        return add_stay(
            alpha,
            "ABC-123",
            ago(hours=hours),
            driver=aino.driver,
            exited_at=ago(hours=hours - 1),
            status=status,
            total=total,
            paid=paid,
        )

    await unpaid(615)  # owes 615
    await _invoice(alpha, await unpaid(1000, 400, hours=47), 1, 600)  # the invoice counts: 600
    await _invoice(alpha, await unpaid(900, hours=46), 2, 900, status="paid")  # paid by invoice: 0
    await _invoice(alpha, await unpaid(500, hours=45), 3, 500, status="void")  # void: the stay owes 500
    paid_stay = await unpaid(615, 615, status="paid", hours=44)
    waived = await unpaid(300, hours=43)  # an upheld dispute: 0
    await _invoice(alpha, await unpaid(250, status="needs_review", hours=42), 4, 250)  # issued: 250
    disputed = await open_ticket(client, aino, kind="dispute", stay_id=str(waived.id))
    await Ticket.filter(id=disputed["id"]).update(status="resolved", outcome="upheld")
    session = await add_session(alpha, "ABC-123", ago(hours=30), 60, driver=aino.driver)
    await add_payment(alpha, 615, driver=aino.driver, stay=paid_stay, key="k1")
    await add_payment(
        alpha, 1000, driver=aino.driver, session=session, key="k2", status="partially_refunded", refunded=300
    )
    await add_payment(alpha, 999, driver=aino.driver, stay=paid_stay, key="k3", status="failed")
    await add_payment(
        alpha, 400, driver=aino.driver, key="k4", status="refunded", refunded=400, purpose="pass"
    )
    await add_stay(
        bravo,
        "ABC-123",
        ago(hours=20),
        driver=aino.driver,
        exited_at=ago(hours=19),
        status="unpaid",
        total=777,
    )
    await add_payment(bravo, 5000, driver=aino.driver, key="k5", purpose="pass")
    await _pass(alpha, "ABC-123", aino.driver)

    await add_stay(bravo, "BOB-555", ago(hours=10), driver=bo.driver)  # Bo only ever parked with Bravo
    await open_ticket(client, dora, facility="alpha-p1", subject="Invoice address")

    await add_stay(alpha, "ZZZ-111", ago(hours=8), exited_at=ago(hours=7), status="unpaid", total=450)
    await add_stay(
        alpha, "ZZZ-111", ago(hours=30), exited_at=ago(hours=29), status="paid", total=300, paid=300
    )
    await _pass(alpha, "zzz 111")
    await add_stay(alpha, "ZZA-900", ago(hours=3))
    await add_stay(bravo, "ZZB-000", ago(hours=2))
    return {"aino": aino, "bo": bo, "dora": dora, "session": session}


async def _search(client, headers, q: str) -> list[tuple]:
    response = await client.get(CUSTOMERS, params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return [(h["kind"], h["email"], h["plates"]) for h in response.json()["items"]]


async def test_find_by_plate_email_and_name(client, alpha, world) -> None:
    headers = alpha.operator
    aino = ("driver", "aino@example.test", ["ABC-123"])

    assert await _search(client, headers, "abc 1") == [aino]
    assert await _search(client, headers, "ABC-123") == [aino]
    assert await _search(client, headers, "AINO@") == [aino]
    assert await _search(client, headers, "ino") == [aino]  # the name "Aino" contains it
    assert await _search(client, headers, "lindqvist") == [("driver", "dora.lindqvist@example.test", [])]
    assert await _search(client, headers, "example.test") == [
        aino,
        ("driver", "dora.lindqvist@example.test", []),
    ]


async def test_drivers_of_other_operators_are_never_found(client, alpha, bravo, world) -> None:
    assert await _search(client, alpha.operator, "bo@example") == []
    assert await _search(client, alpha.operator, "BOB") == []
    assert await _search(client, alpha.operator, "carl") == []
    assert await _search(client, alpha.operator, "zzb") == []
    assert await _search(client, bravo.operator, "bo@example") == [("driver", "bo@example.test", ["BOB-555"])]
    assert await _search(client, bravo.operator, "lindqvist") == []


async def test_plates_without_a_driver_account(client, alpha, world) -> None:
    response = await client.get(CUSTOMERS, params={"q": "zz"}, headers=alpha.operator)

    hits = response.json()["items"]
    assert [(h["kind"], h["plates"], h["driver_id"]) for h in hits] == [
        ("plate", ["ZZA-900"], None),
        ("plate", ["ZZZ-111"], None),
    ]
    assert hits[1]["last_seen_at"] is not None


async def test_a_drivers_page_with_the_exact_balance(client, alpha, world) -> None:
    aino = world["aino"]

    response = await client.get(f"{CUSTOMERS}/{aino.driver.id}", headers=alpha.operator)

    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["kind"], page["email"], page["name"], page["plates"]) == (
        "driver",
        "aino@example.test",
        "Aino",
        ["ABC-123"],
    )
    # 615 + 600 (invoice, not the stay's 1000 - 400 again) + 0 (paid invoice) + 500 (void invoice) + 0 (paid)
    # + 0 (upheld dispute) + 250 (issued invoice); Bravo's 777 is not Alpha's.
    assert page["balance"] == {"owed_amount": 1965, "paid_amount": 1315, "currency": "EUR"}
    assert len(page["stays"]) == 7
    assert page["stays"][0]["facility"] == "alpha-p1"
    assert [s["id"] for s in page["sessions"]] == [str(world["session"].id)]
    assert [(p["product"], p["plate"]) for p in page["passes"]] == [("alpha-monthly", "ABC-123")]
    assert [(t["number"], t["kind"], t["outcome"]) for t in page["tickets"]] == [(1, "dispute", "upheld")]
    assert sorted(p["amount"] for p in page["payments"]) == [400, 615, 999, 1000]


async def test_a_plates_page(client, alpha, world) -> None:
    response = await client.get(f"{CUSTOMERS}/plates/zzz-111", headers=alpha.operator)

    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["kind"], page["plates"], page["drivers"], page["email"]) == ("plate", ["ZZZ-111"], [], None)
    assert page["balance"] == {"owed_amount": 450, "paid_amount": 0, "currency": "EUR"}
    assert [s["status"] for s in page["stays"]] == ["unpaid", "paid"]
    assert [p["plate"] for p in page["passes"]] == ["zzz 111"]

    linked = (await client.get(f"{CUSTOMERS}/plates/ABC123", headers=alpha.operator)).json()
    assert [d["email"] for d in linked["drivers"]] == ["aino@example.test"]
    assert linked["balance"]["owed_amount"] == 1965
    # By plate: the payments of its stays, sessions and passes (the refunded one was for no pass here).
    assert linked["balance"]["paid_amount"] == 1315


async def test_unknown_and_other_operators_customers_are_404(client, alpha, bravo, world) -> None:
    for path in (
        f"/{world['bo'].driver.id}",
        "/00000000-0000-0000-0000-000000000000",
        "/not-an-id",
        "/plates/BOB-555",
        "/plates/ZZB000",
        "/plates/NEVER1",
    ):
        response = await client.get(CUSTOMERS + path, headers=alpha.operator)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    bo = await client.get(f"{CUSTOMERS}/{world['bo'].driver.id}", headers=bravo.operator)
    assert bo.status_code == 200
    assert bo.json()["balance"] == {"owed_amount": 0, "paid_amount": 0, "currency": "EUR"}


async def test_bad_input_is_a_clear_422(client, alpha, world) -> None:
    short = await client.get(CUSTOMERS, params={"q": "a"}, headers=alpha.operator)
    assert short.status_code == 422
    assert "'q'" in short.json()["detail"]
    missing = await client.get(CUSTOMERS, headers=alpha.operator)
    assert missing.status_code == 422
    plate = await client.get(f"{CUSTOMERS}/plates/{'X' * 25}", headers=alpha.operator)
    assert (plate.status_code, plate.json()["code"]) == (422, "invalid_plate")
    wildcard = await client.get(CUSTOMERS, params={"q": "%_"}, headers=alpha.operator)
    assert wildcard.json()["items"] == []  # the search text is matched literally


async def test_roles(client, alpha, world) -> None:
    aino = world["aino"]
    root = bearer(await operator_token(client, role="super_admin"))
    paths = ["?q=abc", f"/{aino.driver.id}", "/plates/ZZZ111"]
    for path in paths:
        refused = await client.get(CUSTOMERS + path, headers=alpha.enforcement)
        assert refused.status_code == 403
        assert (await client.get(CUSTOMERS + path)).status_code == 401
        assert (await client.get(CUSTOMERS + path, headers=aino.headers)).status_code == 401
        for headers in (alpha.admin, alpha.operator, {**root, "X-Tenant": "alpha", "X-Preview": "true"}):
            assert (await client.get(CUSTOMERS + path, headers=headers)).status_code == 200


async def test_a_drivers_lists_stop_at_fifty(client, alpha, world) -> None:
    aino = world["aino"]
    for i in range(55):
        await add_stay(
            alpha,
            "ABC-123",
            ago(days=10, minutes=i),
            driver=aino.driver,
            exited_at=ago(days=10, minutes=i) + timedelta(minutes=1),
        )

    page = (await client.get(f"{CUSTOMERS}/{aino.driver.id}", headers=alpha.operator)).json()

    assert len(page["stays"]) == 50
