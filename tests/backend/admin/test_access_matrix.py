"""The admin view's access matrix: every admin route, every role, own operator vs another.

`test_roles.py` and `test_tenant_isolation.py` own the configuration routes (tenants, users, keys,
tokens, facilities); this matrix owns the rest — operations, records, invoices, support, customers,
the plate check and the audit log — and its coverage test fails when an admin route joins the API
without joining one of the matrices.

Each case names its objects by placeholder ({stay}, {invoice}, {ticket}, ...); `world()` makes one
of every kind for an operator, so the same request can address one's own or another's object.
"""

import re
from dataclasses import dataclass

import httpx
import pytest

from tests.backend.admin.conftest import ADMIN, Operator, created, make_operator_world
from tests.backend.admin.test_tenant_isolation import MATRIX_PREFIXES
from tests.backend.support.conftest import add_session, add_stay, ago, make_person, open_ticket

STAFF = ("tenant_admin", "operator", "enforcement")  # any operator user
OPERATIONS = ("tenant_admin", "operator")  # day to day
ADMINS = ("tenant_admin",)  # configuration and the audit log

# (method, path, body, roles allowed). Paths may name the world's objects.
CASES = [
    ("GET", "/dashboard", None, OPERATIONS),
    ("GET", "/dashboard?facility={facility}", None, OPERATIONS),
    ("GET", "/activity", None, OPERATIONS),
    ("GET", "/activity?facility={facility}", None, OPERATIONS),
    ("GET", "/passes/report", None, OPERATIONS),
    ("GET", "/enforcement/check/{plate}?facility={facility}", None, STAFF),
    ("GET", "/sessions", None, OPERATIONS),
    ("GET", "/sessions?facility={facility}", None, OPERATIONS),
    ("GET", "/sessions/export.csv", None, OPERATIONS),
    ("GET", "/stays/{stay}", None, OPERATIONS),
    ("GET", "/parking-sessions/{session}", None, OPERATIONS),
    ("POST", "/stays/{stay}/plate", {"plate": "ZZZ-999", "reason": "camera misread"}, OPERATIONS),
    ("POST", "/stays/{stay}/invoice", {}, OPERATIONS),
    ("GET", "/invoices", None, OPERATIONS),
    ("GET", "/invoices/{invoice}", None, OPERATIONS),
    ("POST", "/invoices/{invoice}/mark-paid", {"reference": "bank transfer 7"}, OPERATIONS),
    ("POST", "/invoices/{invoice}/void", {"reason": "issued twice"}, OPERATIONS),
    ("GET", "/invoices/{invoice}/print", None, OPERATIONS),
    ("POST", "/invoices/{invoice}/print-link", None, OPERATIONS),
    ("GET", "/tickets", None, OPERATIONS),
    ("GET", "/tickets/sla", None, OPERATIONS),
    ("GET", "/tickets/export.csv", None, OPERATIONS),
    ("GET", "/tickets/{ticket}", None, OPERATIONS),
    ("POST", "/tickets/{ticket}/messages", {"body": "We are looking into it."}, OPERATIONS),
    ("PATCH", "/tickets/{ticket}", {"status": "pending"}, OPERATIONS),
    (
        "POST",
        "/tickets/{ticket}/resolve",
        {"resolution": "The camera log shows the stay.", "outcome": "rejected"},
        OPERATIONS,
    ),
    ("GET", "/customers?q={plate}", None, OPERATIONS),
    ("GET", "/customers/{driver}", None, OPERATIONS),
    ("GET", "/customers/plates/{plate}", None, OPERATIONS),
    ("GET", "/audit", None, ADMINS),
]
# Routes that name one object: another operator's is a 404, whoever asks.
ADDRESSED = [
    case for case in CASES if re.search(r"\{(facility|stay|session|invoice|ticket|driver)\}", case[1])
]
ROLES = ("tenant_admin", "operator", "enforcement")


@dataclass
class World:
    operator: Operator
    ids: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        return {"tenant_admin": self.operator.admin, "operator": self.operator.operator}.get(
            role, self.operator.enforcement
        )


async def world(client: httpx.AsyncClient, slug: str, plate: str, tickets: int = 1) -> World:
    """An operator with a driver, two unpaid stays (one invoiced), a running session and disputes
    (ticket numbers count per operator: alpha's last number is one bravo does not have)."""
    operator = await make_operator_world(client, slug, f"{slug}-p1", "1234", f"{slug}-monthly")
    person = await make_person(client, f"{slug}.driver@example.test", plate)
    stays = [
        await add_stay(
            operator,
            plate,
            ago(hours=hours + 2),
            driver=person.driver,
            exited_at=ago(hours=hours),
            status="unpaid",
            total=800,
        )
        for hours in (1, 30)
    ]
    session = await add_session(operator, plate, ago(minutes=30), 60, driver=person.driver)
    invoice = await created(
        await client.post(f"{ADMIN}/stays/{stays[1].id}/invoice", json={}, headers=operator.admin)
    )
    for _ in range(tickets - 1):
        await open_ticket(client, person, facility=operator.facility, subject="Opening hours?")
    ticket = await open_ticket(
        client, person, kind="dispute", stay_id=str(stays[0].id), subject="Charged?", body="I paid."
    )
    return World(
        operator,
        {
            "facility": operator.facility,
            "plate": plate,
            "stay": str(stays[0].id),
            "session": str(session.id),
            "invoice": invoice["id"],
            "ticket": str(ticket["number"]),
            "driver": str(person.driver.id),
        },
    )


@pytest.fixture
async def alpha(client) -> World:
    return await world(client, "alpha", "AAA-111", tickets=2)


@pytest.fixture
async def bravo(client, alpha) -> World:
    return await world(client, "bravo", "BBB-222")


async def call(client: httpx.AsyncClient, case: tuple, ids: dict[str, str], headers: dict) -> httpx.Response:
    method, path, body, _ = case
    return await client.request(method, ADMIN + path.format(**ids), json=body, headers=headers)


def _id(case: tuple) -> str:
    return f"{case[0]} {case[1]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_each_role_reaches_exactly_its_own_routes(client, alpha: World, case: tuple) -> None:
    """Refused roles first (a 403 changes nothing), then the allowed ones: the first must succeed;
    after a change the next may meet its consequence (a voided invoice is a 409), never a refusal."""
    allowed = case[3]
    for role in sorted(ROLES, key=lambda r: r in allowed):
        response = await call(client, case, alpha.ids, alpha.headers(role))
        if role not in allowed:
            assert response.status_code == 403, f"{role}: {response.text}"
            assert response.json()["code"] == "forbidden"
        elif case[0] == "GET" or role == allowed[0]:
            assert response.status_code < 400, f"{role}: {response.text}"
        else:
            assert response.status_code not in (401, 403, 404), f"{role}: {response.text}"


@pytest.mark.parametrize("case", ADDRESSED, ids=_id)
async def test_another_operators_object_is_not_found(client, alpha: World, bravo: World, case: tuple) -> None:
    response = await call(client, case, alpha.ids, bravo.headers("tenant_admin"))
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "not_found"
    # ... and it was not touched: its owner still reads it as before.
    own = await client.get(f"{ADMIN}/stays/{alpha.ids['stay']}", headers=alpha.headers("tenant_admin"))
    assert own.json()["plate"] == "AAA-111"


@pytest.mark.parametrize("case", ADDRESSED, ids=_id)
async def test_a_super_admin_acting_for_one_operator_cannot_reach_anothers(
    client, alpha: World, bravo: World, super_admin: dict[str, str], case: tuple
) -> None:
    response = await call(client, case, alpha.ids, {**super_admin, "X-Tenant": "bravo"})
    assert response.status_code == 404, response.text


LISTS = [
    case
    for case in CASES
    if case[0] == "GET" and case not in ADDRESSED and "{plate}" not in case[1] and case[3] != ADMINS
]


@pytest.mark.parametrize("case", LISTS, ids=_id)
async def test_lists_and_figures_never_show_another_operators_records(
    client, alpha: World, bravo: World, case: tuple
) -> None:
    response = await call(client, case, bravo.ids, bravo.headers("tenant_admin"))
    assert response.status_code == 200, response.text
    for value in ("AAA-111", "AAA111", alpha.ids["stay"], alpha.ids["invoice"], "alpha-p1", "Alpha"):
        assert value not in response.text, f"{value} leaked into {case[1]}"


async def test_searching_another_operators_plate_or_driver_finds_nothing(
    client, alpha: World, bravo: World
) -> None:
    headers = bravo.headers("tenant_admin")
    found = await client.get(f"{ADMIN}/customers", params={"q": "AAA-111"}, headers=headers)
    assert found.status_code == 200
    assert "AAA" not in found.text
    plate = await client.get(f"{ADMIN}/customers/plates/AAA-111", headers=headers)
    assert (plate.status_code, plate.json()["code"]) == (404, "not_found")  # never seen at bravo
    assert alpha.ids["stay"] not in plate.text
    driver = await client.get(f"{ADMIN}/customers/{alpha.ids['driver']}", headers=headers)
    assert (driver.status_code, driver.json()["code"]) == (404, "not_found")
    check = await client.get(
        f"{ADMIN}/enforcement/check/AAA-111", params={"facility": "bravo-p1"}, headers=headers
    )
    assert check.status_code == 200
    assert check.json()["status"] == "not_found"


async def test_the_audit_log_is_the_operators_own(client, alpha: World, bravo: World) -> None:
    await client.post(
        f"{ADMIN}/stays/{alpha.ids['stay']}/plate",
        json={"plate": "AAA-112", "reason": "misread"},
        headers=alpha.headers("operator"),
    )
    own = await client.get(f"{ADMIN}/audit", headers=alpha.headers("tenant_admin"))
    assert "AAA-112" in own.text
    other = await client.get(f"{ADMIN}/audit", headers=bravo.headers("tenant_admin"))
    assert other.status_code == 200
    assert "AAA-112" not in other.text
    assert alpha.ids["stay"] not in other.text


# Routes other suites own (sign-in, the platform's operator list, configuration).
ELSEWHERE = ("/auth/", *MATRIX_PREFIXES, "/tariffs/preview")


def test_every_admin_route_is_in_a_matrix(app) -> None:
    covered = {(method, _template(path.split("?")[0])) for method, path, _, _ in CASES}
    routes = {
        (method.upper(), _template(path.removeprefix(ADMIN)))
        for path, operations in app.openapi()["paths"].items()
        if path.startswith(ADMIN)
        for method in operations
    }
    mine = {r for r in routes if not r[1].startswith(ELSEWHERE)}
    assert mine - covered == set(), "add these admin routes to CASES (with the roles that may call them)"
    assert covered - mine == set(), "CASES names routes that no longer exist"


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_cases_expect_real_refusals() -> None:
    # A matrix where every role may do everything would test nothing.
    assert any("enforcement" not in case[3] for case in CASES)
    assert any("operator" not in case[3] for case in CASES)
