"""Print links: an invoice's printable page opened in a browser tab without the operator's token,
for one invoice of one operator, for a few minutes; anything else is refused with a page saying so."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from backend.models import Invoice
from tests.backend.helpers import app_of
from tests.backend.records.world import ADMIN, unpaid_stay

INVOICES = f"{ADMIN}/invoices"


async def _invoice(client, world, plate: str = "ABC-123") -> dict:
    stay = await unpaid_stay(client, world, plate)
    response = await client.post(f"{ADMIN}/stays/{stay.id}/invoice", json={}, headers=world.operator)
    assert response.status_code == 201, response.text
    return response.json()


async def _link(client, headers, invoice_id: str):
    return await client.post(f"{INVOICES}/{invoice_id}/print-link", headers=headers)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_a_print_link_opens_the_invoice_without_signing_in(client, world) -> None:
    invoice = await _invoice(client, world)
    link = await _link(client, world.operator, invoice["id"])
    assert link.status_code == 200, link.text
    body = link.json()
    settings = app_of(client).state.services.settings
    assert body["url"].startswith(f"{settings.public_base_url.rstrip('/')}/api/v1/invoices/print?token=")

    page = await client.get(_path(body["url"]))  # no Authorization header: a browser tab
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Invoice INV-000001" in page.text
    assert "ABC-123" in page.text
    assert "window.print()" in page.text


async def test_a_print_link_is_for_its_own_operator_only(client, world, other) -> None:
    theirs = await _invoice(client, other, "XYZ-987")
    refused = await _link(client, world.operator, theirs["id"])
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert (await _link(client, world.enforcement, theirs["id"])).status_code == 403


async def test_expired_forged_and_other_tokens_are_refused_with_a_page(client, world) -> None:
    invoice = await _invoice(client, world)
    tokens = app_of(client).state.services.tokens
    expired, _ = tokens.issue(invoice["id"], "invoice_print", timedelta(seconds=-5), {"tid": "x"})
    good = parse_qs(urlsplit((await _link(client, world.operator, invoice["id"])).json()["url"]).query)[
        "token"
    ][0]
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    sign_in_token = world.operator["Authorization"].removeprefix("Bearer ")
    for token in (expired, forged, sign_in_token, "nonsense"):
        page = await client.get("/api/v1/invoices/print", params={"token": token})
        assert page.status_code == 401, token
        assert page.headers["content-type"].startswith("text/html")
        assert "This print link has expired or is not valid" in page.text
        assert "INV-000001" not in page.text
    missing = await client.get("/api/v1/invoices/print")
    assert missing.status_code == 422


async def test_a_link_to_an_invoice_since_deleted_says_so(client, world) -> None:
    invoice = await _invoice(client, world)
    url = (await _link(client, world.operator, invoice["id"])).json()["url"]
    await Invoice.filter(id=invoice["id"]).delete()
    page = await client.get(_path(url))
    assert page.status_code == 404
    assert "no longer exists" in page.text
