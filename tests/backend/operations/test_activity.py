"""The activity feed: one list, newest first, of entries, exits, payments and sessions started."""

from datetime import UTC, datetime, timedelta

from backend.models import Facility
from tests.backend.operations import factory as f

URL = "/api/v1/admin/activity"


async def seed(tenant_a, tenant_b) -> dict[str, str]:
    """Seven alpha events a minute apart (the newest 1 min ago); bravo's two are newer than all."""
    now = datetime.now(UTC)
    minute = timedelta(minutes=1)
    p1 = await Facility.get(slug="alpha-p1")
    p2 = await f.facility(tenant_a.tenant, "alpha-p2", "Alpha P2")
    visit = await f.stay(p1, plate="ABC-123", status="paid", entered_at=now - 7 * minute)
    await f.stay_event(visit, "entry", now - 7 * minute, image_url="https://cam.example/in.jpg")
    await f.stay_event(
        visit, "exit", now - 6 * minute, outcome="closed", image_url="https://cam.example/out.jpg"
    )
    paid = await f.payment(tenant_a.tenant, 450, now - 5 * minute, for_stay=visit)
    orphan = await f.stay(p2, plate="XYZ-9", status="needs_review", entered_at=None)
    await f.stay_event(orphan, "exit", now - 4 * minute, outcome="exit_without_entry")
    session = await f.session(p2, now - 3 * minute, now + timedelta(hours=1), plate="SES-1", total=615)
    await f.payment(
        tenant_a.tenant,
        615,
        now - 2 * minute,
        status="failed",
        purpose="session",
        for_session=session,
        failure_reason="The card was declined.",
    )
    await f.payment(tenant_a.tenant, 990, now - minute, purpose="pass")  # the pass row is not kept here
    await f.session(p1, now - 2 * minute, now + minute, plate="PEND-1", status="pending")  # never started
    b1 = await Facility.get(slug="bravo-p1")
    other = await f.stay(b1, plate="BRAVO-1", entered_at=now)
    await f.stay_event(other, "entry", now)
    await f.payment(tenant_b.tenant, 100, now - timedelta(seconds=30), for_stay=other)
    made = {"visit": visit, "paid": paid, "orphan": orphan, "session": session}
    return {name: str(row.id) for name, row in made.items()}


async def test_merged_newest_first(client, tenant_a, tenant_b) -> None:
    ids = await seed(tenant_a, tenant_b)

    response = await client.get(URL, headers=tenant_a.operator)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["kind"], i["title"], i["severity"]) for i in items] == [
        ("payment_captured", "9.90 EUR paid for a pass", "success"),
        (
            "payment_failed",
            "Payment of 6.15 EUR for a session by SES-1 at Alpha P2 failed: The card was declined.",
            "error",
        ),
        ("session_started", "SES-1 started a prepaid session at Alpha P2", "info"),
        (
            "stay_exit",
            "XYZ-9 left Alpha P2 (without a recorded entry; needs review)",
            "warning",
        ),
        ("payment_captured", "4.50 EUR paid for parking by ABC-123 at Alpha P1", "success"),
        ("stay_exit", "ABC-123 left Alpha P1", "info"),
        ("stay_entry", "ABC-123 entered Alpha P1", "info"),
    ]
    times = [datetime.fromisoformat(i["at"]) for i in items]
    assert times == sorted(times, reverse=True)
    entry = items[-1]
    assert entry["facility"] == "alpha-p1"
    assert entry["facility_name"] == "Alpha P1"
    assert entry["plate"] == "ABC-123"
    assert entry["image_url"] == "https://cam.example/in.jpg"
    assert entry["outcome"] == "opened"
    assert (entry["ref_type"], entry["ref_id"]) == ("stay", ids["visit"])
    paid = items[4]
    assert (paid["amount"], paid["currency"]) == (450, "EUR")
    assert (paid["ref_type"], paid["ref_id"]) == ("stay", ids["visit"])  # opens the stay's timeline
    assert (items[1]["ref_type"], items[1]["ref_id"]) == ("session", ids["session"])
    assert (items[2]["ref_type"], items[2]["ref_id"]) == ("session", ids["session"])
    assert items[0]["ref_type"] == "payment"
    assert items[0]["facility"] is None
    assert (items[3]["ref_type"], items[3]["ref_id"]) == ("stay", ids["orphan"])


async def test_limit_and_facility_filter(client, tenant_a, tenant_b) -> None:
    await seed(tenant_a, tenant_b)

    latest_two = (await client.get(URL, params={"limit": 2}, headers=tenant_a.operator)).json()["items"]
    at_p2 = (await client.get(URL, params={"facility": "alpha-p2"}, headers=tenant_a.admin)).json()["items"]

    assert [i["kind"] for i in latest_two] == ["payment_captured", "payment_failed"]
    assert [i["kind"] for i in at_p2] == ["payment_failed", "session_started", "stay_exit"]
    assert {i["facility"] for i in at_p2} == {"alpha-p2"}


async def test_bad_limit_and_other_operators_facility(client, tenant_a, tenant_b) -> None:
    too_many = await client.get(URL, params={"limit": 500}, headers=tenant_a.operator)
    theirs = await client.get(URL, params={"facility": "bravo-p1"}, headers=tenant_a.operator)

    assert too_many.status_code == 422
    assert too_many.json()["code"] == "validation_error"
    assert "'limit'" in too_many.json()["detail"]
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "not_found"


async def test_other_operator_sees_only_its_own(client, tenant_a, tenant_b) -> None:
    await seed(tenant_a, tenant_b)

    items = (await client.get(URL, headers=tenant_b.operator)).json()["items"]

    assert [(i["kind"], i["title"]) for i in items] == [
        ("stay_entry", "BRAVO-1 entered Bravo P1"),
        ("payment_captured", "1.00 EUR paid for parking by BRAVO-1 at Bravo P1"),
    ]
