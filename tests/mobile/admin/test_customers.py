"""Customer lookup on the operator's screen against the real backend: search by plate, e-mail or name,
a driver's page with the balance counting each debt once, a plate without an account with its stays,
and who may look (roles, other operators, previews). The world is the backend customer tests' own."""

from mobile.admin.state.customers import CustomersState, hit_title
from shared.schemas.admin_customers import CustomerKind
from tests.backend.customers.test_customers import world  # noqa: F401  (fixture)
from tests.mobile.admin.conftest import signed_in


async def test_search_by_plate_email_and_name_lists_the_driver(alpha_operator, world) -> None:  # noqa: F811
    state = CustomersState(alpha_operator.api)
    for query in ("abc 1", "AINO@", "ino"):
        await state.search(query)
        assert [(h.kind, h.email, h.plates) for h in state.hits] == [
            (CustomerKind.driver, "aino@example.test", ["ABC-123"])
        ], query
    assert hit_title(state.hits[0]) == "Aino · aino@example.test"

    await state.search("zz")
    assert [hit_title(h) for h in state.hits] == ["Plate ZZA-900 (no account)", "Plate ZZZ-111 (no account)"]

    await state.search("x")
    assert state.error == "Type at least two characters of a plate, an e-mail or a name."


async def test_a_drivers_page_shows_everything_here_and_owes_each_debt_once(
    alpha_operator,
    world,  # noqa: F811
) -> None:
    state = CustomersState(alpha_operator.api)
    await state.search("aino")
    await state.open(state.hits[0])

    page = state.customer
    assert page is not None
    assert state.error is None
    assert (page.kind, page.email, page.name, page.plates) == (
        CustomerKind.driver,
        "aino@example.test",
        "Aino",
        ["ABC-123"],
    )
    # The stay with an issued invoice owes the invoice (6.00), not the stay's own 10.00 - 4.00 again;
    # the upheld dispute's stay owes nothing; Bravo's unpaid stay is not Alpha's.
    assert (page.balance.owed_amount, page.balance.paid_amount, page.balance.currency) == (1965, 1315, "EUR")
    assert len(page.stays) == 7
    assert len(page.sessions) == 1
    assert [p.product for p in page.passes] == ["alpha-monthly"]
    assert [(t.number, t.kind.value, t.outcome) for t in page.tickets] == [(1, "dispute", "upheld")]
    assert sorted(p.amount for p in page.payments) == [400, 615, 999, 1000]

    state.back()
    assert state.customer is None
    assert [h.email for h in state.hits] == ["aino@example.test"]  # the results are still there


async def test_a_plate_without_an_account_shows_its_stays(alpha_operator, world) -> None:  # noqa: F811
    state = CustomersState(alpha_operator.api)
    await state.search("zzz")
    await state.open(state.hits[0])

    page = state.customer
    assert page is not None
    assert (page.kind, page.plates, page.drivers, page.email) == (CustomerKind.plate, ["ZZZ-111"], [], None)
    assert [s.status for s in page.stays] == ["unpaid", "paid"]
    assert page.balance.owed_amount == 450

    await state.open_plate("ABC123")
    assert state.customer is not None
    assert [d.email for d in state.customer.drivers] == ["aino@example.test"]


async def test_other_operators_roles_and_previews(client, alpha, bravo, platform_admin, world) -> None:  # noqa: F811
    aino = world["aino"].driver

    bravo_state = CustomersState((await signed_in(client, "operator@bravo.example.test")).api)
    await bravo_state.search("lindqvist")
    assert bravo_state.hits == []
    await bravo_state.open_plate("ZZZ-111")
    assert bravo_state.customer is None
    assert bravo_state.error is not None

    enforcement = CustomersState((await signed_in(client, "enforcement@alpha.example.test")).api)
    await enforcement.search("aino")
    assert enforcement.hits == []
    assert enforcement.error is not None

    await platform_admin.switch("alpha", preview=True)
    preview = CustomersState(platform_admin.api)
    await preview.open_driver(str(aino.id))
    assert preview.customer is not None
    assert preview.customer.balance.owed_amount == 1965
    await platform_admin.switch("bravo", preview=True)
    await preview.reload()
    assert preview.customer is not None
    assert preview.customer.balance.owed_amount == 777  # Bravo's own stay, none of Alpha's
    assert preview.customer.tickets == []
