"""The demo's history has the shape an operator's charts need, agrees with the product's own rules,
and is made once."""

from collections import Counter, defaultdict
from datetime import timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from tortoise.transactions import in_transaction

from backend.demo.anpr_images import install_anpr_media
from backend.demo.build_onboarding import DEMO_PASSWORD
from backend.demo.history import DEMO_DRIVER_EMAIL, HISTORY_MARKER, load_history
from backend.models import (
    AuditEntry,
    Driver,
    EnforcementCheck,
    Facility,
    Invoice,
    Job,
    ParkingPass,
    ParkingSession,
    Payment,
    Stay,
    StayEvent,
    Tenant,
    TenantCounter,
    Ticket,
    TicketMessage,
)
from backend.tenants.counters import next_number
from tests.backend.demo.conftest import MEDIA_BASE

SETTLED = ("captured", "partially_refunded", "refunded")


def test_the_time_it_takes(history, engine, capsys) -> None:
    report = history.report
    with capsys.disabled():
        print(f"\n[{engine}] {report.line()}")
    assert report.counts["stays"] > 3000
    assert report.seconds > 0


async def test_every_one_of_the_28_days_has_stays_and_revenue(history) -> None:
    for tenant in await Tenant.filter(slug__in=history.slugs):
        entries = await Stay.filter(tenant_id=tenant.id, entered_at__not_isnull=True).values_list(
            "entered_at", flat=True
        )
        paid = await Payment.filter(tenant_id=tenant.id, status__in=SETTLED).values_list(
            "created_at", "amount"
        )
        stays_by_day, revenue_by_day = Counter(), Counter()
        for moment in entries:
            stays_by_day[(history.now - moment) // timedelta(days=1)] += 1
        for moment, amount in paid:
            revenue_by_day[(history.now - moment) // timedelta(days=1)] += amount
        for day in range(28):
            assert stays_by_day[day] > 0, (tenant.slug, day)
            assert revenue_by_day[day] > 0, (tenant.slug, day)
        assert min(stays_by_day) >= 0
        # The first of the 28 calendar days (operator time) starts up to a day before now - 28 d.
        assert max(stays_by_day) <= 28


async def test_weekdays_are_busier_than_weekends_and_days_than_nights(history) -> None:
    for tenant in await Tenant.filter(slug__in=history.slugs):
        tz = ZoneInfo(tenant.timezone)
        closed = await Stay.filter(tenant_id=tenant.id, entered_at__not_isnull=True).exclude(status="open")
        by_hour, by_weekday, days_per_weekday = Counter(), Counter(), Counter()
        for stay in closed:
            local = stay.entered_at.astimezone(tz)
            by_hour[local.hour] += 1
            by_weekday[local.weekday() >= 5] += 1
        for back in range(28):
            days_per_weekday[(history.now - timedelta(days=back)).astimezone(tz).weekday() >= 5] += 1
        day = sum(by_hour[h] for h in range(8, 18)) / 10
        night = sum(by_hour[h] for h in range(0, 5)) / 5
        assert day > 4 * night, (tenant.slug, day, night)
        weekday = by_weekday[False] / days_per_weekday[False]
        weekend = by_weekday[True] / days_per_weekday[True]
        assert weekday > 1.2 * weekend, (tenant.slug, weekday, weekend)


async def test_cars_inside_now_fill_camera_lots_to_a_realistic_share_and_never_beyond_capacity(
    history,
) -> None:
    open_stays = Counter(await Stay.filter(status="open").values_list("facility_id", flat=True))
    running = Counter(await ParkingSession.filter(status="active").values_list("facility_id", flat=True))
    geofence_inside = 0
    for facility in await Facility.all():
        inside = open_stays[facility.id] + running[facility.id]
        assert inside <= facility.capacity, facility.slug
        if facility.detection == "anpr":
            assert 0.25 * facility.capacity <= inside <= 0.85 * facility.capacity, (facility.slug, inside)
        if facility.detection == "geofence":
            geofence_inside += inside
    assert geofence_inside > 20
    assert sum(running.values()) > 10


async def test_every_paid_stay_is_charged_once_for_exactly_what_it_cost(history) -> None:
    captured: dict[object, list[Payment]] = defaultdict(list)
    failed = 0
    stay_payments = await Payment.filter(stay_id__not_isnull=True)
    for payment in stay_payments:
        assert payment.purpose == "stay"
        if payment.status == "captured":
            captured[payment.stay_id].append(payment)
        else:
            assert payment.status == "failed"
            assert payment.failure_code in ("payment_declined", "insufficient_funds")
            assert payment.failure_reason
            failed += 1
    assert 0.01 < failed / len(stay_payments) < 0.06
    statuses = Counter()
    for stay in await Stay.all():
        statuses[stay.status] += 1
        payments = captured.get(stay.id, [])
        if stay.status == "paid":
            assert len(payments) == (1 if stay.total_amount else 0), stay.id
            assert stay.paid_amount == stay.total_amount == sum(p.amount for p in payments)
            if payments:
                assert payments[0].parking_amount == stay.parking_amount
                assert payments[0].service_fee_amount == stay.service_fee_amount
        else:
            assert payments == [], stay.id
            assert stay.paid_amount == 0, stay.id
        if stay.status == "unpaid":
            assert stay.failure_reason
            assert stay.total_amount > 0
        if stay.status == "needs_review":
            assert stay.review_reason
    closed = sum(statuses.values()) - statuses["open"]
    assert statuses["paid"] > 0.75 * closed
    assert statuses["unpaid"] > 0
    assert statuses["needs_review"] > 0


async def test_no_car_is_in_two_places_at_once(history) -> None:
    visits = defaultdict(list)
    for plate, start, end in await Stay.filter(entered_at__not_isnull=True).values_list(
        "plate_normalized", "entered_at", "exited_at"
    ):
        visits[plate].append((start, end or history.now))
    for plate, start, end, stopped in await ParkingSession.exclude(status="failed").values_list(
        "plate_normalized", "starts_at", "ends_at", "stopped_at"
    ):
        visits[plate].append((start, min(stopped or end, history.now)))
    assert max(len(v) for v in visits.values()) > 20  # regulars come back
    for plate, spans in visits.items():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            assert end <= start, plate


async def test_stays_have_their_camera_events_with_photos(history) -> None:
    events = defaultdict(dict)
    for event in await StayEvent.all():
        events[event.stay_id][event.event] = event
    for stay in await Stay.all().limit(3000):
        seen = events[stay.id]
        assert ("entry" in seen) == (stay.entered_at is not None)
        assert ("exit" in seen) == (stay.exited_at is not None)
        for name, event in seen.items():
            assert event.source == stay.source
            assert event.occurred_at == (stay.entered_at if name == "entry" else stay.exited_at)
            if stay.source == "anpr":
                assert event.image_url.startswith(f"{MEDIA_BASE}/media/anpr/")
                assert getattr(stay, f"{name}_image_url") == event.image_url
            else:
                assert event.image_url is None


async def test_sessions_passes_and_their_payments(history) -> None:
    sessions = await ParkingSession.all()
    statuses = Counter(s.status for s in sessions)
    assert {"active", "expired", "stopped", "failed"} <= set(statuses)
    payments = defaultdict(list)
    for payment in await Payment.filter(session_id__not_isnull=True):
        payments[payment.session_id].append(payment)
    jobs = set(await Job.filter(kind="session_expire").values_list("dedupe_key", flat=True))
    for session in sessions:
        mine = payments[session.id]
        starts = [p for p in mine if p.purpose == "session"]
        if session.status == "failed":
            assert [p.status for p in starts] == ["failed"]
            assert session.failure_code
            continue
        settled = sum(p.amount for p in mine if p.status in SETTLED)
        assert settled == session.total_amount, session.id
        assert sum(p.refunded_amount for p in mine) == session.refunded_amount
        if session.status == "active":
            assert session.live_slot == "live"
            assert session.ends_at > history.now
            assert f"session-expire:{session.id}:{session.ends_at.isoformat()}" in jobs
        else:
            assert session.live_slot is None
    assert any(p.purpose == "extension" for ps in payments.values() for p in ps)
    passes = await ParkingPass.filter(status="active")
    assert any(p.valid_from <= history.now < p.valid_until for p in passes)
    for parking_pass in passes:
        payment = await Payment.get(parking_pass_id=parking_pass.id)
        assert payment.purpose == "pass"
        assert payment.status == "captured"
        assert payment.parking_amount == parking_pass.amount


async def test_invoice_and_ticket_numbers_run_on_from_the_counters(history) -> None:
    for tenant in await Tenant.filter(slug__in=history.slugs):
        invoices = await Invoice.filter(tenant_id=tenant.id).order_by("issued_at", "number")
        tickets = await Ticket.filter(tenant_id=tenant.id).order_by("created_at", "number")
        assert [i.number for i in invoices] == list(range(1, len(invoices) + 1))
        assert [t.number for t in tickets] == list(range(1, len(tickets) + 1))
        counters = dict(await TenantCounter.filter(tenant_id=tenant.id).values_list("name", "value"))
        assert counters == {"invoice": len(invoices), "ticket": len(tickets)}
        async with in_transaction() as connection:
            assert await next_number(tenant.id, "invoice") == len(invoices) + 1
            await connection.rollback()
        statuses = Counter(i.status for i in invoices)
        assert {"issued", "paid", "void"} <= set(statuses)
        assert any(i.status == "issued" and i.due_at < history.now for i in invoices)  # overdue
        for invoice in invoices:
            stay = await Stay.get(id=invoice.stay_id)
            assert stay.status == "unpaid"
            assert invoice.amount == stay.total_amount
        assert len({t.status for t in tickets}) >= 3


async def test_tickets_are_answered_within_ten_minutes_to_two_days(history) -> None:
    tickets = await Ticket.all()
    answered = [t for t in tickets if t.first_response_at]
    assert len(answered) > 0.6 * len(tickets)
    for ticket in answered:
        assert timedelta(minutes=10) <= ticket.first_response_at - ticket.created_at <= timedelta(days=2)
        assert ticket.assignee_id is not None
    disputes = [t for t in tickets if t.kind == "dispute"]
    assert disputes
    assert all(t.stay_id for t in disputes)
    assert {t.outcome for t in disputes if t.status in ("resolved", "closed")} <= {"upheld", "rejected"}
    for ticket in tickets:
        messages = await TicketMessage.filter(ticket_id=ticket.id).order_by("id")
        assert messages[0].author_kind == "driver"
        assert messages[0].created_at == ticket.created_at
        assert messages[-1].created_at == ticket.last_message_at
        assert [m.created_at for m in messages] == sorted(m.created_at for m in messages)


async def test_the_check_log_and_the_audit_log(history) -> None:
    checks = await EnforcementCheck.all()
    assert {c.status for c in checks} == {"paid", "parked_unpaid", "pass_active", "not_found"}
    assert all(c.should_fine == (c.status == "parked_unpaid") for c in checks)
    assert len({(history.now - c.checked_at) // timedelta(days=1) for c in checks}) >= 25
    corrections = await AuditEntry.filter(action="stay.plate_corrected")
    assert corrections
    for entry in corrections:
        stay = await Stay.get(id=entry.object_id)
        read = await StayEvent.filter(stay_id=stay.id).values_list("plate", flat=True)
        assert stay.plate == entry.details["to"]
        assert set(read) == {entry.details["from"]}
        assert stay.driver_id is not None
        assert stay.status == "paid"
        assert entry.actor_id is not None
    markers = await AuditEntry.filter(action=HISTORY_MARKER).values_list("actor_label", flat=True)
    assert markers == ["system"] * len(history.slugs)


async def test_every_moment_that_happened_is_aware_and_not_in_the_future(history) -> None:
    happened = {
        Stay: ("entered_at", "exited_at", "created_at", "updated_at"),
        StayEvent: ("occurred_at", "received_at"),
        ParkingSession: ("starts_at", "stopped_at", "created_at"),
        ParkingPass: ("valid_from", "created_at"),
        Payment: ("created_at", "updated_at", "refunded_at", "receipt_sent_at"),
        Invoice: ("issued_at", "paid_at", "voided_at", "created_at"),
        Ticket: ("created_at", "first_response_at", "resolved_at", "last_message_at"),
        TicketMessage: ("created_at",),
        EnforcementCheck: ("at", "checked_at"),
        AuditEntry: ("created_at",),
        Driver: ("created_at",),
    }
    for model, names in happened.items():
        for row in await model.all().values_list(*names):
            for name, value in zip(names, row, strict=True):
                if value is not None:
                    assert value.tzinfo is not None, (model.__name__, name)
                    assert value <= history.now, (model.__name__, name, value)


async def test_a_pool_of_drivers_and_the_demo_driver_who_logs_in_and_sees_their_history(history) -> None:
    assert 120 <= await Driver.all().count() <= 180
    async with history.http() as http:
        login = await http.post(
            "/api/v1/auth/token", data={"username": DEMO_DRIVER_EMAIL, "password": DEMO_PASSWORD}
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        mine = await http.get("/api/v1/sessions", params={"limit": 200}, headers=auth)
        assert mine.status_code == 200, mine.text
        items = mine.json()["items"]
        assert len(items) >= 5
        assert all(item["status"] not in ("open", "active") for item in items)  # free to park now


async def test_enforcement_agrees_with_what_is_parked_now(history) -> None:
    session = await ParkingSession.filter(
        status="active", ends_at__gt=history.now + timedelta(minutes=5)
    ).first()
    facility = await Facility.get(id=session.facility_id)
    key = {"cleveland-parking": "ek_demo_cleveland_0123456789abcdef"}.get(
        (await Tenant.get(id=facility.tenant_id)).slug, "ek_demo_helsinki_0123456789abcdef"
    )
    async with history.http() as http:
        answer = await http.get(
            f"/api/enforcement/check/{session.plate}",
            params={"facility": facility.slug},
            headers={"x-api-key": key},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "paid"


async def test_loading_again_adds_nothing(history) -> None:
    before = {model: await model.all().count() for model in (Stay, Payment, Invoice, Ticket, Driver)}
    again = await load_history(
        history.slugs, passwords=history.app.state.services.passwords, media_base=MEDIA_BASE
    )
    assert again is None
    assert {model: await model.all().count() for model in before} == before


@pytest.mark.parametrize("unknown", [["no-such-tenant"], []])
async def test_unknown_or_no_tenants_make_nothing(history, unknown) -> None:
    assert (
        await load_history(unknown, passwords=history.app.state.services.passwords, media_base=MEDIA_BASE)
        is None
    )


async def test_a_stays_photo_url_is_served_by_the_demos_api(history, tmp_path) -> None:
    app = FastAPI()
    install_anpr_media(app, tmp_path)
    stay = await Stay.filter(source="anpr", exited_at__not_isnull=True, entered_at__not_isnull=True).first()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=MEDIA_BASE) as http:
        for url in (stay.entry_image_url, stay.exit_image_url):
            answer = await http.get(url.removeprefix(MEDIA_BASE))
            assert answer.status_code == 200, url
            assert answer.headers["content-type"] == "image/jpeg"
