"""Pass products: put on sale, changed, taken off sale (sold passes are never affected)."""

from tests.backend.admin.conftest import ADMIN, Operator, created

PRODUCTS = f"{ADMIN}/facilities/alpha-p1/pass-products"


async def test_put_a_pass_on_sale_and_change_it(client, tenant_a: Operator) -> None:
    body = {"slug": "weekly", "name": "Weekly pass", "amount": 2900, "days": 7}
    made = await created(await client.post(PRODUCTS, json=body, headers=tenant_a.admin))
    assert made == {**body, "currency": "EUR", "is_active": True}

    changed = await client.patch(f"{PRODUCTS}/weekly", json={"amount": 3100}, headers=tenant_a.admin)
    assert changed.status_code == 200
    assert (changed.json()["amount"], changed.json()["days"]) == (3100, 7)

    listed = await client.get(PRODUCTS, headers=tenant_a.enforcement)
    assert [(p["slug"], p["amount"]) for p in listed.json()] == [("alpha-monthly", 9900), ("weekly", 3100)]


async def test_a_taken_product_slug_is_a_409(client, tenant_a: Operator) -> None:
    body = {"slug": "alpha-monthly", "name": "Again", "amount": 1, "days": 30}
    response = await client.post(PRODUCTS, json=body, headers=tenant_a.admin)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


async def test_deleting_takes_a_product_off_sale(client, tenant_a: Operator) -> None:
    response = await client.delete(f"{PRODUCTS}/alpha-monthly", headers=tenant_a.admin)
    assert response.status_code == 204
    listed = await client.get(PRODUCTS, headers=tenant_a.admin)
    assert [(p["slug"], p["is_active"]) for p in listed.json()] == [("alpha-monthly", False)]

    # The slug stays reserved, and the answer says how to sell it again.
    again = await client.post(
        PRODUCTS, json={"slug": "alpha-monthly", "name": "M", "amount": 1, "days": 30}, headers=tenant_a.admin
    )
    assert again.status_code == 409
    assert "is_active" in again.json()["detail"]
    back = await client.patch(f"{PRODUCTS}/alpha-monthly", json={"is_active": True}, headers=tenant_a.admin)
    assert back.json()["is_active"] is True


async def test_bad_product_input(client, tenant_a: Operator) -> None:
    cases = [
        ({"slug": "x", "name": "X", "amount": -1, "days": 30}, "'amount'"),
        ({"slug": "x", "name": "X", "amount": 100, "days": 0}, "'days'"),
        ({"slug": "x", "name": "X", "amount": 1.5, "days": 30}, "'amount'"),
    ]
    for body, field in cases:
        response = await client.post(PRODUCTS, json=body, headers=tenant_a.admin)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
        assert response.json()["detail"].startswith(field)
    nulled = await client.patch(f"{PRODUCTS}/alpha-monthly", json={"amount": None}, headers=tenant_a.admin)
    assert nulled.status_code == 422
    assert nulled.json()["code"] == "validation_error"


async def test_unknown_products_and_facilities_are_404(client, tenant_a: Operator) -> None:
    response = await client.patch(f"{PRODUCTS}/yearly", json={"amount": 1}, headers=tenant_a.admin)
    assert response.status_code == 404
    assert response.json() == {"detail": "No pass product 'yearly' at 'alpha-p1'.", "code": "not_found"}
    missing = await client.get(f"{ADMIN}/facilities/alpha-p9/pass-products", headers=tenant_a.admin)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
