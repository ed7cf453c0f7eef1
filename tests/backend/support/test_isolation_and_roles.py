"""Who sees which ticket: drivers only their own, operators only their own operator's (another's
number is a 404), enforcement users none; and a driver opens tickets only on their own stays."""

import pytest

from backend.models import Ticket
from tests.backend.helpers import bearer, operator_token
from tests.backend.support.conftest import ME, TICKETS, add_session, add_stay, ago, make_person, open_ticket

ADMIN_CALLS = [
    ("GET", "", None),
    ("GET", "/sla", None),
    ("GET", "/export.csv", None),
    ("GET", "/1", None),
    ("POST", "/1/messages", {"body": "Hi"}),
    ("PATCH", "/1", {"status": "pending"}),
    ("POST", "/1/resolve", {"resolution": "Done"}),
]


async def test_a_driver_opens_tickets_only_on_their_own_stays_and_sessions(
    client, alpha, bravo, aino
) -> None:
    bo = await make_person(client, "bo@example.test", "XYZ-987")
    bos_stay = await add_stay(bravo, "XYZ-987", ago(hours=2), driver=bo.driver)
    bos_session = await add_session(alpha, "XYZ-987", ago(hours=1), 60, driver=bo.driver)
    # A stay of Aino's plate from before she registered it is not hers to see either.
    before = await add_stay(alpha, "ABC-123", ago(days=3), exited_at=ago(days=3, hours=-1))

    for body, what in (
        ({"stay_id": str(bos_stay.id)}, "stay"),
        ({"session_id": str(bos_session.id)}, "parking session"),
        ({"stay_id": str(before.id), "kind": "dispute"}, "stay"),
        ({"stay_id": "not-a-uuid"}, "stay"),
        ({"session_id": str(bos_stay.id)}, "parking session"),
    ):
        response = await client.post(ME, json={"subject": "s", "body": "b", **body}, headers=aino.headers)
        assert response.status_code == 404, body
        assert response.json()["code"] == "not_found"
        assert what in response.json()["detail"]
    unknown = await client.post(
        ME, json={"subject": "s", "body": "b", "facility": "nowhere"}, headers=aino.headers
    )
    assert unknown.status_code == 404
    assert await Ticket.all().count() == 0


async def test_a_ticket_goes_to_the_operator_of_its_stay(client, alpha, bravo, aino) -> None:
    stay_b = await add_stay(bravo, "ABC-123", ago(hours=1), driver=aino.driver)

    opened = await open_ticket(client, aino, stay_id=str(stay_b.id))

    assert opened["operator"] == "Bravo Parking Ltd"
    assert (await client.get(TICKETS, headers=alpha.operator)).json()["total"] == 0
    assert (await client.get(TICKETS, headers=bravo.operator)).json()["total"] == 1


async def test_another_operators_ticket_is_404_and_untouched(client, alpha, bravo, aino) -> None:
    stay = await add_stay(alpha, "ABC-123", ago(hours=1), driver=aino.driver)
    await open_ticket(client, aino, stay_id=str(stay.id), subject="Alpha's")

    for method, path, body in ADMIN_CALLS[3:]:
        response = await client.request(method, TICKETS + path, json=body, headers=bravo.operator)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
    assert (await client.get(TICKETS, headers=bravo.operator)).json()["items"] == []
    assert (await client.get(f"{TICKETS}/sla", headers=bravo.operator)).json()["total"] == 0
    export = await client.get(f"{TICKETS}/export.csv", headers=bravo.operator)
    assert len(export.text.splitlines()) == 1
    ticket = await Ticket.get(tenant_id=alpha.tenant.id, number=1)
    assert (ticket.status, ticket.first_response_at, ticket.resolved_at) == ("open", None, None)

    # Bravo's own #1 is Bravo's, not Alpha's.
    await open_ticket(client, aino, facility="bravo-p1", subject="Bravo's")
    assert (await client.get(f"{TICKETS}/1", headers=bravo.operator)).json()["subject"] == "Bravo's"
    assert (await client.get(f"{TICKETS}/1", headers=alpha.operator)).json()["subject"] == "Alpha's"


async def test_a_driver_never_sees_another_drivers_ticket(client, alpha, aino) -> None:
    bo = await make_person(client, "bo@example.test")
    opened = await open_ticket(client, aino, facility="alpha-p1")

    assert (await client.get(ME, headers=bo.headers)).json() == {"items": []}
    seen = await client.get(f"{ME}/{opened['id']}", headers=bo.headers)
    assert seen.status_code == 404
    assert seen.json()["detail"] == f"You have no ticket with id '{opened['id']}'."
    reply = await client.post(f"{ME}/{opened['id']}/messages", json={"body": "Hijack"}, headers=bo.headers)
    assert reply.status_code == 404
    assert (await client.get(f"{ME}/nope", headers=aino.headers)).status_code == 404
    messages = (await client.get(f"{ME}/{opened['id']}", headers=aino.headers)).json()["messages"]
    assert [m["author"] for m in messages] == ["system", "driver"]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
async def test_roles_on_the_support_desk(client, alpha, aino, method, path, body) -> None:
    await open_ticket(client, aino, facility="alpha-p1")
    root = bearer(await operator_token(client, role="super_admin"))

    refused = await client.request(method, TICKETS + path, json=body, headers=alpha.enforcement)
    assert refused.status_code == 403
    assert "tenant_admin" in refused.json()["detail"]
    assert "operator" in refused.json()["detail"]
    assert (await client.request(method, TICKETS + path, json=body)).status_code == 401
    assert (await client.request(method, TICKETS + path, json=body, headers=aino.headers)).status_code == 401
    no_tenant = await client.request(method, TICKETS + path, json=body, headers=root)
    assert no_tenant.status_code == 403
    assert "X-Tenant" in no_tenant.json()["detail"]
    for headers in (alpha.admin, alpha.operator, {**root, "X-Tenant": "alpha"}):
        allowed = await client.request(method, TICKETS + path, json=body, headers=headers)
        assert allowed.status_code in (200, 409), (headers, allowed.text)


async def test_the_driver_side_needs_a_driver(client, alpha, aino) -> None:
    opened = await open_ticket(client, aino, facility="alpha-p1")
    for method, path, body in (
        ("GET", "", None),
        ("POST", "", {"subject": "s", "body": "b", "facility": "alpha-p1"}),
        ("GET", f"/{opened['id']}", None),
        ("POST", f"/{opened['id']}/messages", {"body": "b"}),
    ):
        assert (await client.request(method, ME + path, json=body)).status_code == 401
        assert (await client.request(method, ME + path, json=body, headers=alpha.operator)).status_code == 401
