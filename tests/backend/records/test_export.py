"""`GET /api/v1/admin/sessions/export.csv`: the list as a streamed CSV download."""

import csv
import io
from datetime import UTC, datetime, timedelta

from backend.models import Driver, ParkingSession, Stay
from backend.records.export import EXPORT_PAGE_SIZE, HEADER
from tests.backend.anpr.world import driver_with_plate
from tests.backend.records.world import ADMIN, unpaid_stay

EXPORT = f"{ADMIN}/sessions/export.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_the_export_streams_every_record_across_internal_pages(client, world) -> None:
    facility, tenant = world.camera.facility, world.camera.tenant
    start = datetime(2026, 5, 1, 12, tzinfo=UTC)
    count = EXPORT_PAGE_SIZE * 2 + 37
    stays, sessions = [], []
    for n in range(count):
        # Pairs of records share a start, so internal page boundaries fall between equal starts too.
        moment = start - timedelta(minutes=5 * (n // 2))
        plate = f"EXP{n:05d}"
        if n % 5 == 0:
            sessions.append(
                ParkingSession(
                    tenant_id=tenant.id,
                    facility_id=facility.id,
                    plate=plate,
                    plate_normalized=plate,
                    status="stopped",
                    starts_at=moment,
                    ends_at=moment + timedelta(hours=1),
                    stopped_at=moment + timedelta(minutes=30),
                    currency="EUR",
                    total_amount=231,
                    refunded_amount=75,
                )
            )
        else:
            stays.append(
                Stay(
                    tenant_id=tenant.id,
                    facility_id=facility.id,
                    plate=plate,
                    plate_normalized=plate,
                    status="unpaid",
                    entered_at=moment,
                    exited_at=moment + timedelta(minutes=65),
                    currency="EUR",
                    total_amount=308,
                )
            )
    await Stay.bulk_create(stays)
    await ParkingSession.bulk_create(sessions)

    response = await client.get(EXPORT, headers=world.operator)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="parkflow-sessions-helsinki-parking-')
    assert disposition.endswith('.csv"')
    assert response.text.splitlines()[0] == ",".join(HEADER)
    rows = _rows(response.text)
    assert len(rows) == count
    assert len({(r["kind"], r["id"]) for r in rows}) == count
    assert {r["plate"] for r in rows} == {f"EXP{n:05d}" for n in range(count)}
    assert [r["started_at"] for r in rows] == sorted((r["started_at"] for r in rows), reverse=True)

    first_stay = next(r for r in rows if r["plate"] == "EXP00001")
    # 12:00 UTC on 1 May is 15:00 in Helsinki (EEST, +03:00).
    assert first_stay == {
        "kind": "stay",
        "id": first_stay["id"],
        "plate": "EXP00001",
        "facility": "kamppi-p1",
        "facility_name": "Kamppi P1",
        "status": "unpaid",
        "started_at": "2026-05-01T15:00:00+03:00",
        "ended_at": "2026-05-01T16:05:00+03:00",
        "currency": "EUR",
        "owed": "3.08",
        "paid": "0.00",
        "due": "3.08",
        "driver_email": "",
        "source": "anpr",
        "has_photos": "no",
    }
    first_session = next(r for r in rows if r["plate"] == "EXP00000")
    assert (first_session["kind"], first_session["ended_at"]) == ("session", "2026-05-01T15:30:00+03:00")
    assert (first_session["owed"], first_session["paid"], first_session["due"]) == ("1.56", "1.56", "0.00")

    # The list's own pages and the export agree on the order.
    listed = (await client.get(f"{ADMIN}/sessions", params={"limit": 200}, headers=world.operator)).json()
    assert [i["id"] for i in listed["items"]] == [r["id"] for r in rows[:200]]


async def test_the_export_takes_the_list_filters(client, world) -> None:
    await driver_with_plate(client, plate="XYZ-9", card=None)
    await unpaid_stay(client, world, "XYZ-9")
    await unpaid_stay(client, world, "ABC-123", entry="2026-04-01T10:00:00Z", exit="2026-04-01T10:10:00Z")
    response = await client.get(EXPORT, params={"status": "unpaid"}, headers=world.operator)
    rows = _rows(response.text)
    assert [r["plate"] for r in rows] == ["XYZ-9"]
    driver = await Driver.get(email="aino@example.test")
    assert rows[0]["driver_email"] == driver.email
    everything = _rows((await client.get(EXPORT, headers=world.operator)).text)
    assert [(r["plate"], r["status"]) for r in everything] == [("ABC-123", "paid"), ("XYZ-9", "unpaid")]
    empty = await client.get(EXPORT, params={"plate": "QQQ"}, headers=world.operator)
    assert empty.text.splitlines() == [",".join(HEADER)]


async def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(client, world) -> None:
    await driver_with_plate(client, email="=cmd@example.test", plate="XYZ-9", card=None)
    await unpaid_stay(client, world, "XYZ-9")
    rows = _rows((await client.get(EXPORT, headers=world.operator)).text)
    assert rows[0]["driver_email"] == "'=cmd@example.test"


async def test_bad_filters_are_refused_before_anything_streams(client, world, other) -> None:
    naive = await client.get(EXPORT, params={"to": "2026-03-30T10:00:00"}, headers=world.operator)
    assert (naive.status_code, naive.json()["code"]) == (422, "naive_timestamp")
    foreign = await client.get(EXPORT, params={"facility": other.slug}, headers=world.operator)
    assert foreign.status_code == 404
    plate = await client.get(EXPORT, params={"plate": "#"}, headers=world.operator)
    assert (plate.status_code, plate.json()["code"]) == (422, "invalid_plate")


async def test_only_the_operators_own_records_and_roles(client, world, other) -> None:
    await unpaid_stay(client, world, "ABC-123")
    await unpaid_stay(client, other, "OTHER-1")
    rows = _rows((await client.get(EXPORT, headers=world.admin)).text)
    assert [r["plate"] for r in rows] == ["ABC-123"]
    refused = await client.get(EXPORT, headers=world.enforcement)
    assert refused.status_code == 403
    assert (await client.get(EXPORT)).status_code == 401
