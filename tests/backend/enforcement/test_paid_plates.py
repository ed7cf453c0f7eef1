"""`GET /api/enforcement/facility/{facility}/paid-plates`: exactly the plates a check would call
`paid` or `pass_active` right now."""

from datetime import UTC, datetime, timedelta

from tests.backend.enforcement.conftest import KEY_A_P2, KEY_B, add_pass, add_session, add_stay, headers

M = timedelta(minutes=1)
H = timedelta(hours=1)


def url(facility: str) -> str:
    return f"/api/enforcement/facility/{facility}/paid-plates"


async def seed(world) -> tuple[set[str], set[str]]:
    """Rights of every kind at A's Kamppi P1 (and decoys); returns (paid plates, others)."""
    now = datetime.now(UTC)
    p1 = world.p1
    await add_pass(p1, world.monthly_p1, "PASS-1", now - 24 * H)
    await add_session(p1, "SESS-1", now - H, now + H)
    await add_session(p1, "GRACE-1", now - 2 * H, now - 10 * M, status="expired")
    await add_stay(p1, "FREE-1", now - 5 * M)
    await add_stay(p1, "APP-1", now - 2 * H, paid_until=now + H)
    await add_stay(p1, "LEFT-1", now - 2 * H, exited_at=now - 5 * M, status="paid")
    # Not paid now:
    await add_session(p1, "LATE-1", now - 3 * H, now - H, status="expired")
    await add_session(p1, "STOP-1", now - 3 * H, now + H, status="stopped", stopped_at=now - 2 * H)
    await add_session(p1, "PEND-1", now - H, now + H, status="pending")
    await add_stay(p1, "OVER-1", now - 2 * H)
    await add_stay(p1, "GONE-1", now - 5 * H, exited_at=now - 3 * H, status="paid")
    await add_pass(p1, world.monthly_p1, "SOON-1", now + 24 * H)
    await add_pass(p1, world.monthly_p1, "OLD-1", now - 40 * 24 * H)
    await add_pass(world.p2, world.monthly_p2, "ELSE-1", now - 24 * H)
    await add_session(world.p2, "ELSE-2", now - H, now + H)
    await add_session(world.b1, "THEIRS-1", now - H, now + H)
    paid = {"PASS-1", "SESS-1", "GRACE-1", "FREE-1", "APP-1", "LEFT-1"}
    others = {"LATE-1", "STOP-1", "PEND-1", "OVER-1", "GONE-1", "SOON-1", "OLD-1", "ELSE-1", "ELSE-2"}
    return paid, others


async def test_lists_passes_sessions_free_and_paid_stays_and_grace(client, world) -> None:
    paid, _ = await seed(world)
    await add_session(world.p1, "SESS-1", datetime.now(UTC) - H, datetime.now(UTC) + 2 * H)  # twice: once
    response = await client.get(url("kamppi-p1"), headers=headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["facility"] == "Kamppi P1"
    assert body["paidPlates"] == sorted(paid)
    assert body["count"] == len(paid)
    assert body["generatedAt"].endswith("Z")
    generated = datetime.fromisoformat(body["generatedAt"])
    assert abs(generated - datetime.now(UTC)) < timedelta(minutes=1)


async def test_agrees_with_the_check_plate_by_plate(client, world) -> None:
    paid, others = await seed(world)
    listed = set((await client.get(url("kamppi-p1"), headers=headers())).json()["paidPlates"])
    for plate in sorted(paid | others):
        check = await client.get(
            f"/api/enforcement/check/{plate}", params={"facility": "kamppi-p1"}, headers=headers()
        )
        status = check.json()["status"]
        assert (status in ("paid", "pass_active")) is (plate in listed), (plate, status)


async def test_facility_by_name_any_case_and_plus(client, world) -> None:
    await seed(world)
    for facility in ("kAMPPI+p1", "KAMPPI%20P1", "Kamppi P1"):
        response = await client.get(url(facility), headers=headers())
        assert response.status_code == 200, facility
        assert response.json()["facility"] == "Kamppi P1"
        assert "PASS-1" in response.json()["paidPlates"]


async def test_other_tenants_facility_and_key_limits(client, world) -> None:
    await seed(world)
    for facility, key in (("bravo-p1", None), ("kamppi-p1", KEY_A_P2), ("kamppi-p9", None)):
        response = await client.get(url(facility), headers=headers(*([key] if key else [])))
        assert response.status_code == 404, facility
        assert response.json()["code"] == "not_found"
    # B's key and B's facility of the same name: only B's plates.
    theirs = await client.get(url("Kamppi P1"), headers=headers(KEY_B))
    assert theirs.json()["paidPlates"] == ["THEIRS-1"]


async def test_needs_a_key(client, world) -> None:
    response = await client.get(url("kamppi-p1"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_empty_facility(client, world) -> None:
    body = (await client.get(url("forum-p2"), headers=headers())).json()
    assert (body["paidPlates"], body["count"], body["facility"]) == ([], 0, "Forum P2")
