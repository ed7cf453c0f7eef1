"""The operator's ticket list (filters, search, paging) and the changes an operator makes by hand
(status, assignment), each with its 409 or 422 when it makes no sense."""

from backend.models import AuditEntry, Ticket
from tests.backend.helpers import bearer, operator_token
from tests.backend.support.conftest import ME, TICKETS, add_session, add_stay, ago, make_person, open_ticket


async def _numbers(client, headers, **params) -> list[int]:
    response = await client.get(TICKETS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [row["number"] for row in response.json()["items"]]


async def _desk(client, alpha, aino):
    """#1 question about a stay (ABC-123), #2 dispute of a session (ABC-123), #3 Bo's question about
    the facility, #4 Bo's question about his stay (XYZ-987); then #2 answered, #3 resolved."""
    bo = await make_person(client, "bo@example.test", "XYZ-987")
    stay = await add_stay(alpha, "ABC-123", ago(hours=3), driver=aino.driver)
    session = await add_session(alpha, "ABC-123", ago(hours=2), 60, driver=aino.driver)
    bo_stay = await add_stay(alpha, "XYZ-987", ago(hours=1), driver=bo.driver)
    await open_ticket(client, aino, stay_id=str(stay.id), subject="Gate did not open")
    await open_ticket(client, aino, kind="dispute", session_id=str(session.id), subject="Fined while paid")
    await open_ticket(client, bo, facility="alpha-p1", subject="Opening hours")
    await open_ticket(client, bo, stay_id=str(bo_stay.id), subject="Receipt please")
    await client.post(f"{TICKETS}/2/messages", json={"body": "Looking."}, headers=alpha.operator)
    await client.post(f"{TICKETS}/3/resolve", json={"resolution": "24/7."}, headers=alpha.operator)
    return bo


async def test_newest_activity_first_with_paging(client, alpha, aino) -> None:
    await _desk(client, alpha, aino)

    page = (await client.get(TICKETS, params={"limit": 2}, headers=alpha.operator)).json()
    assert [r["number"] for r in page["items"]] == [3, 2]
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 0)
    assert await _numbers(client, alpha.operator, limit=2, offset=2) == [4, 1]


async def test_filters_by_status_and_kind(client, alpha, aino) -> None:
    await _desk(client, alpha, aino)
    headers = alpha.operator

    assert await _numbers(client, headers, status="open") == [4, 1]
    assert await _numbers(client, headers, status=["pending", "resolved"]) == [3, 2]
    assert await _numbers(client, headers, kind="dispute") == [2]
    assert await _numbers(client, headers, kind="question", status="open") == [4, 1]
    bad = await client.get(TICKETS, params={"status": "waiting"}, headers=headers)
    assert bad.status_code == 422
    assert "'status.0'" in bad.json()["detail"] or "'status'" in bad.json()["detail"]


async def test_search_by_subject_plate_email_and_number(client, alpha, aino) -> None:
    await _desk(client, alpha, aino)
    headers = alpha.operator

    assert await _numbers(client, headers, q="gate") == [1]
    assert await _numbers(client, headers, q="abc 1") == [2, 1]  # the plate's normalised beginning
    assert await _numbers(client, headers, q="ABC-123") == [2, 1]
    assert await _numbers(client, headers, q="BO@example") == [3, 4]
    assert await _numbers(client, headers, q="#2") == [2]
    assert await _numbers(client, headers, q="#9") == []
    assert await _numbers(client, headers, q="nothing like this") == []


async def test_assignment_and_the_assigned_to_me_filter(client, alpha, aino) -> None:
    await _desk(client, alpha, aino)

    mine = await client.patch(f"{TICKETS}/1", json={"assign_to_me": True}, headers=alpha.operator)
    assert mine.status_code == 200, mine.text
    assert mine.json()["assignee"] == "operator@alpha.example.test"
    to_admin = await client.patch(
        f"{TICKETS}/2", json={"assignee_email": "Tenant-Admin@alpha.example.test"}, headers=alpha.operator
    )
    assert to_admin.json()["assignee"] == "tenant-admin@alpha.example.test"

    assert await _numbers(client, alpha.operator, assignee="me") == [1]
    assert await _numbers(client, alpha.admin, assignee="me") == [2]
    assert await _numbers(client, alpha.admin, assignee="none") == [3, 4]

    unassigned = await client.patch(f"{TICKETS}/1", json={"assignee_email": None}, headers=alpha.operator)
    assert unassigned.json()["assignee"] is None
    entries = await AuditEntry.filter(action="ticket.updated").order_by("id")
    assert [e.details.get("assignee") for e in entries] == [
        {"from": None, "to": "operator@alpha.example.test"},
        {"from": None, "to": "tenant-admin@alpha.example.test"},
        {"from": "operator@alpha.example.test", "to": None},
    ]
    driver_view = (await client.get(ME, headers=aino.headers)).json()["items"]
    assert all("assignee" not in t for t in driver_view)


async def test_only_this_operators_support_users_can_be_assigned(client, alpha, bravo, aino) -> None:
    await open_ticket(client, aino, facility="alpha-p1")

    for email in (
        "enforcement@alpha.example.test",
        "operator@bravo.example.test",
        "nobody@alpha.example.test",
    ):
        response = await client.patch(f"{TICKETS}/1", json={"assignee_email": email}, headers=alpha.operator)
        assert response.status_code == 422, email
        assert "'assignee_email'" in response.json()["detail"]
    both = await client.patch(
        f"{TICKETS}/1", json={"assign_to_me": True, "assignee_email": None}, headers=alpha.operator
    )
    assert both.status_code == 422
    assert (await Ticket.get(number=1, tenant_id=alpha.tenant.id)).assignee_id is None


async def test_status_changes_that_make_sense_and_those_that_do_not(client, alpha, aino) -> None:
    await open_ticket(client, aino, facility="alpha-p1")
    headers = alpha.operator

    pending = await client.patch(f"{TICKETS}/1", json={"status": "pending"}, headers=headers)
    assert pending.json()["status"] == "pending"
    resolved = await client.post(f"{TICKETS}/1/resolve", json={"resolution": "Done."}, headers=headers)
    assert resolved.json()["ticket"]["status"] == "resolved"

    to_pending = await client.patch(f"{TICKETS}/1", json={"status": "pending"}, headers=headers)
    assert to_pending.status_code == 409
    assert "reopen it as 'open'" in to_pending.json()["detail"]
    to_resolved = await client.patch(f"{TICKETS}/1", json={"status": "resolved"}, headers=headers)
    assert to_resolved.status_code == 422  # resolving needs a resolution: POST /resolve

    closed = await client.patch(f"{TICKETS}/1", json={"status": "closed"}, headers=headers)
    assert closed.json()["status"] == "closed"
    assert closed.json()["resolved_at"] is not None
    reopen = await client.patch(f"{TICKETS}/1", json={"status": "open"}, headers=headers)
    assert reopen.status_code == 409
    assert reopen.json()["code"] == "conflict"
    assert "send the driver a message to reopen" in reopen.json()["detail"]

    message = await client.post(f"{TICKETS}/1/messages", json={"body": "One more thing."}, headers=headers)
    assert (message.json()["status"], message.json()["resolved_at"]) == ("pending", None)
    assert await AuditEntry.filter(action="ticket.reopened").count() == 1

    statuses = [
        e.details.get("status") for e in await AuditEntry.filter(action="ticket.updated").order_by("id")
    ]
    assert statuses == [{"from": "open", "to": "pending"}, {"from": "resolved", "to": "closed"}]


async def test_a_resolved_question_can_be_reopened_by_hand(client, alpha, aino) -> None:
    await open_ticket(client, aino, facility="alpha-p1")
    await client.post(f"{TICKETS}/1/resolve", json={"resolution": "Done."}, headers=alpha.operator)

    reopened = await client.patch(f"{TICKETS}/1", json={"status": "open"}, headers=alpha.operator)

    assert (reopened.json()["status"], reopened.json()["resolved_at"]) == ("open", None)


async def test_unknown_numbers_are_404_and_bad_ones_422(client, alpha) -> None:
    for method, path, body in (
        ("GET", "/7", None),
        ("POST", "/7/messages", {"body": "x"}),
        ("PATCH", "/7", {"status": "open"}),
        ("POST", "/7/resolve", {"resolution": "x"}),
    ):
        response = await client.request(method, TICKETS + path, json=body, headers=alpha.operator)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "No ticket #7.", "code": "not_found"}
    assert (await client.get(f"{TICKETS}/0", headers=alpha.operator)).status_code == 422
    assert (await client.get(f"{TICKETS}/twelve", headers=alpha.operator)).status_code == 422
    empty = await client.post(f"{TICKETS}/7/messages", json={"body": "  "}, headers=alpha.operator)
    assert empty.status_code == 422


async def test_a_super_admin_preview_reads_but_never_answers(client, alpha, aino) -> None:
    await open_ticket(client, aino, facility="alpha-p1")
    root = bearer(await operator_token(client, role="super_admin"))
    preview = {**root, "X-Tenant": "alpha", "X-Preview": "true"}

    listed = await client.get(TICKETS, headers=preview)
    assert listed.json() == (await client.get(TICKETS, headers=alpha.operator)).json()
    refused = await client.post(f"{TICKETS}/1/messages", json={"body": "hi"}, headers=preview)
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_preview"
    acting = await client.post(
        f"{TICKETS}/1/messages", json={"body": "hi"}, headers={**root, "X-Tenant": "alpha"}
    )
    assert acting.status_code == 200
    assert acting.json()["messages"][-1]["author_name"] == "Super Admin"
