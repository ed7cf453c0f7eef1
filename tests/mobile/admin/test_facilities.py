"""Facilities: the list, the rates editor with its live preview, details for drivers, the outline
upload, the sign's QR code, pass products and branding, as a tenant admin, an operator and a super
admin's preview see them."""

import asyncio
import json

import cv2
import numpy as np

from backend.facilities.values import facility_values
from backend.models import Facility
from mobile.admin.state.facilities import PAGE_SIZE, FacilitiesState, FacilityRow
from mobile.admin.state.facility_editor import FacilityEditorState
from shared.qr import parse_sign_payload
from shared.schemas.onboarding import FacilityEntry
from tests.backend.admin.conftest import ADMIN, created, facility_body, square

HELSINKI_SQUARE = square(24.95, 60.17)  # 0.001° x 0.001°: about 55 m east-west, 111 m north-south


async def opened(session, slug: str = "alpha-p1") -> FacilityEditorState:
    editor = FacilityEditorState(session.api)
    assert await editor.open(slug), editor.error
    return editor


def totals(editor: FacilityEditorState) -> list[tuple[str, int, int, int]]:
    assert editor.preview is not None, editor.preview_error
    return [
        (p.label, p.parking_amount, p.service_fee_amount, p.total_amount) for p in editor.preview.prices[:3]
    ]


async def test_the_list_shows_each_facility_with_what_an_hour_costs(
    alpha, alpha_admin, bravo, client
) -> None:
    hourly = {"increment_minutes": 60, "segments": [{"from_minute": 0, "amount": 300}]}
    body = facility_body(
        "alpha-garage", "2345", name="Alpha Garage", geometry=None, tariff=hourly, grace_minutes=5
    )
    await created(await client.post(f"{ADMIN}/facilities", json=body, headers=alpha.admin))
    state = FacilitiesState(alpha_admin.api)
    await state.load("alpha")
    assert state.error is None
    # By name; bravo's facility (same zone number as alpha-p1) is not listed.
    assert state.rows == [
        FacilityRow(
            slug="alpha-garage",
            name="Alpha Garage",
            zone_number="2345",
            detection="anpr",
            capacity=120,
            grace_minutes=5,
            hour_amount=300,
            currency="EUR",
            has_outline=False,
        ),
        FacilityRow(
            slug="alpha-p1",
            name="Alpha P1",
            zone_number="1234",
            detection="anpr",
            capacity=120,
            grace_minutes=15,
            hour_amount=225,  # first 15 min free, then 0.75 per started 15 min: an hour is 3 x 0.75
            currency="EUR",
            has_outline=True,
        ),
    ]
    assert state.total == 2
    assert state.tenant is not None
    assert state.tenant.name == "Alpha Parking Ltd"


async def test_a_big_operators_list_is_read_to_the_last_page(alpha, alpha_admin) -> None:
    count = PAGE_SIZE + 5  # and alpha-p1
    entries = [
        FacilityEntry.model_validate(
            facility_body(f"alpha-x{n:03}", f"9{n:03}", geometry=None, grace_minutes=n % 60)
        )
        for n in range(count)
    ]
    await Facility.bulk_create(
        [
            Facility(tenant=alpha.tenant, slug=e.slug, **facility_values(e, "Europe/Helsinki", None))
            for e in entries
        ]
    )
    state = FacilitiesState(alpha_admin.api)
    await state.load()
    assert state.error is None
    assert state.total == len(state.rows) == count + 1
    assert len({r.slug for r in state.rows}) == count + 1
    last = next(r for r in state.rows if r.slug == f"alpha-x{count - 1:03}")  # on the second page
    assert (last.grace_minutes, last.hour_amount, last.currency, last.has_outline) == (
        (count - 1) % 60,
        225,
        "EUR",
        False,
    )


async def test_the_rates_preview_prices_the_draft_and_follows_edits(alpha_admin) -> None:
    editor = await opened(alpha_admin)
    assert [(s.from_minute, s.amount) for s in editor.tariff.segments] == [("0", "0.00"), ("15", "0.75")]
    assert (editor.tariff.increment_minutes, editor.tariff.daily_max) == ("15", "24.00")
    # 2.5 % service fee on top; none on a free stay.
    assert totals(editor) == [("15 min", 0, 0, 0), ("1 h", 225, 6, 231), ("3 h", 825, 21, 846)]
    assert editor.preview.tariff_text.startswith("First 15 min free, then 0.75 per 15 min")

    # Typing: only the last of a burst is priced, once typing pauses.
    await asyncio.gather(
        editor.set_segment(1, amount="1"),
        editor.set_segment(1, amount="1.0"),
        editor.set_segment(1, amount="1.00"),
    )
    assert totals(editor)[1] == ("1 h", 300, 8, 308)

    await editor.add_segment()  # a third rate from minute 75 on
    await editor.set_segment(2, from_minute="60", amount="2.00")
    await editor.refresh_preview()
    assert totals(editor)[2] == ("3 h", 100 * 3 + 200 * 8, 48, 1948)
    await editor.remove_segment(2)
    assert totals(editor)[1] == ("1 h", 300, 8, 308)

    await editor.set_tariff_field("daily_max", "")
    await editor.set_tariff_field("max_stay_minutes", "120")
    await editor.refresh_preview()
    assert [p.exceeds_max_stay for p in editor.preview.prices] == [False, False, True, True]


async def test_an_invalid_tariff_shows_the_apis_sentence(alpha_admin) -> None:
    editor = await opened(alpha_admin)
    await editor.set_segment(0, from_minute="5")
    await editor.refresh_preview()
    assert editor.preview is None
    assert editor.preview_error == "'tariff': the first tariff segment must start at from_minute 0"

    await editor.set_segment(0, from_minute="0")
    await editor.set_tariff_field("increment_minutes", "a quarter")
    await editor.refresh_preview()
    assert editor.preview_error == "The increment must be a whole number of minutes."
    await editor.save_tariff()
    assert editor.error == "The increment must be a whole number of minutes."

    await editor.set_tariff_field("increment_minutes", "15")
    await editor.set_segment(1, amount="0.755")
    await editor.refresh_preview()
    assert (
        editor.preview_error
        == "The amount on rate row 2 has too many decimals (EUR amounts have 2 decimals)."
    )


async def test_saved_rates_notices_and_grace_are_what_the_facility_has_next_time(alpha_admin) -> None:
    editor = await opened(alpha_admin)
    await editor.set_segment(1, amount="1.20")
    await editor.save_tariff()
    assert editor.error is None
    assert editor.notice.startswith("Rates saved")
    await editor.save_details(
        name="Alpha P1 (north)",
        capacity="140",
        grace_minutes="10",
        notices="Height limit 2.1 m\n\n  No trailers  ",
        rules="Park within the marked bays.",
    )
    assert editor.error is None

    again = await opened(alpha_admin)
    facility = again.facility
    assert (facility.name, facility.capacity, facility.grace_minutes) == ("Alpha P1 (north)", 140, 10)
    assert facility.notices == ["Height limit 2.1 m", "No trailers"]
    assert facility.rules == "Park within the marked bays."
    assert again.tariff.segments[1].amount == "1.20"
    assert totals(again)[1] == ("1 h", 360, 9, 369)

    await again.save_details(name="Alpha P1", capacity="140", grace_minutes="150", notices="", rules="")
    assert again.error == "The grace period must be a whole number from 0 to 120."
    await again.save_details(name="  ", capacity="140", grace_minutes="5", notices="", rules="")
    assert again.error == "Give the facility a name drivers recognise."
    assert (await opened(alpha_admin)).facility.grace_minutes == 10  # nothing was saved


async def test_a_geojson_outline_is_accepted_and_a_bad_one_refused_with_a_sentence(alpha_admin) -> None:
    editor = await opened(alpha_admin)
    before = editor.outline
    assert before is not None
    assert 5_000 < before.area_m2 < 7_000

    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "P1"}, "geometry": HELSINKI_SQUARE}],
    }
    await editor.upload_outline("p1.geojson", json.dumps(collection).encode())
    assert editor.error is None
    assert editor.notice.startswith("Outline from p1.geojson saved")
    assert editor.facility.geometry == HELSINKI_SQUARE
    assert 60.170 < editor.facility.center.lat < 60.171
    outline = editor.outline
    assert 5_500 < outline.area_m2 < 6_700
    assert 320 < outline.perimeter_m < 340  # 2 x (55 m + 111 m)
    drawn = outline.fit(200, 200)[0][0]
    assert all(0 <= x <= 200 and 0 <= y <= 200 for x, y in drawn)

    ring = [[24.95, 60.17], [24.951, 60.171], [24.951, 60.17], [24.95, 60.171], [24.95, 60.17]]
    await editor.upload_outline(
        "bowtie.geojson", json.dumps({"type": "Polygon", "coordinates": [ring]}).encode()
    )
    assert editor.error.startswith("The lot outline (coordinates[0]) crosses itself near (lon 24.9505")
    await editor.upload_outline("notes.geojson", b'{"type": "Polygon", ')
    assert editor.error.startswith("notes.geojson is not valid JSON (line 1")
    await editor.upload_outline("empty.geojson", b"")
    assert editor.error == "empty.geojson is empty; choose a GeoJSON file."
    assert (await opened(alpha_admin)).facility.geometry == HELSINKI_SQUARE


async def test_the_sign_qr_is_a_png_of_the_facilitys_signed_url(alpha_admin, client) -> None:
    editor = await opened(alpha_admin)
    png = editor.qr_png
    assert png is not None
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert editor.qr_file_name == "sign-alpha-p1.png"
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    sign = parse_sign_payload(text)
    assert (sign.slug, sign.zone_number) == ("alpha-p1", "1234")
    resolved = await client.post("/api/v1/qr/resolve", json={"payload": text})
    assert resolved.status_code == 200
    assert resolved.json()["facility"]["slug"] == "alpha-p1"


async def test_pass_products_are_added_changed_taken_off_sale_and_restored(alpha_admin) -> None:
    editor = await opened(alpha_admin)
    assert [(p.name, p.amount, p.days, p.is_active) for p in editor.products] == [
        ("Monthly pass", 9900, 30, True)
    ]

    assert await editor.add_product(name="Weekend pass", price="12.50", days="3")
    assert editor.notice == "'Weekend pass' is on sale at Alpha P1 from now on."
    weekend = next(p for p in editor.products if p.name == "Weekend pass")
    assert (weekend.slug, weekend.amount, weekend.days, weekend.currency) == ("weekend-pass", 1250, 3, "EUR")
    assert not await editor.add_product(name="Weekend pass", price="10", days="3")
    assert "already has a pass product" in editor.error
    assert not await editor.add_product(name="Year pass", price="lots", days="365")
    assert editor.error == "The price must be an amount like 0.75."
    assert not await editor.add_product(name="Year pass", price="500", days="400")
    assert editor.error == "The length of the pass in days must be a whole number from 1 to 366."

    assert await editor.update_product(weekend, name="Weekend pass", price="14", days="2")
    weekend = next(p for p in editor.products if p.slug == "weekend-pass")
    assert (weekend.amount, weekend.days) == (1400, 2)
    assert await editor.withdraw_product(weekend)
    assert not next(p for p in editor.products if p.slug == "weekend-pass").is_active
    assert await editor.restore_product(weekend)
    assert next(p for p in editor.products if p.slug == "weekend-pass").is_active


async def test_branding_colours_the_portal_header_at_once(alpha_admin) -> None:
    state = FacilitiesState(alpha_admin.api)
    await state.load("alpha")
    assert alpha_admin.primary_color == "#1F5FAD"  # Parkflow's blue until the operator picks one
    await state.save_branding(alpha_admin, display_name="AlphaPark", primary_color="0b5fff")
    assert state.error is None
    assert alpha_admin.primary_color == "#0B5FFF"
    assert alpha_admin.tenant_name == "AlphaPark"
    await state.save_branding(alpha_admin, display_name="Alpha Parking Ltd", primary_color="#12345")
    assert state.error == "Write the colour as six hex digits, like #0B5FFF."
    await state.save_branding(alpha_admin, display_name="", primary_color="#00695C")
    assert (alpha_admin.primary_color, alpha_admin.tenant_name) == ("#00695C", "Alpha Parking Ltd")


async def test_an_operator_sees_facilities_but_cannot_change_them(alpha_operator) -> None:
    assert not alpha_operator.can_edit()
    state = FacilitiesState(alpha_operator.api)
    await state.load("alpha")
    assert [r.name for r in state.rows] == ["Alpha P1"]
    editor = await opened(alpha_operator)
    assert totals(editor)[1] == ("1 h", 225, 6, 231)  # pricing a draft changes nothing: allowed
    assert editor.qr_png is not None
    await editor.save_details(name="Mine now", capacity="1", grace_minutes="0", notices="", rules="")
    assert editor.error
    assert "admin" in editor.error.lower()
    assert not await editor.add_product(name="Free pass", price="0", days="1")
    await state.save_branding(alpha_operator, display_name="Mine", primary_color="#000000")
    assert state.error
    assert (await opened(alpha_operator)).facility.name == "Alpha P1"


async def test_a_super_admins_preview_prices_but_refuses_every_change(platform_admin) -> None:
    await platform_admin.switch("alpha", preview=True)
    assert not platform_admin.can_edit()
    editor = await opened(platform_admin)
    assert totals(editor)[1] == ("1 h", 225, 6, 231)
    await editor.save_tariff()
    assert editor.error
    assert "preview" in editor.error.lower()
    await editor.upload_outline("p1.geojson", json.dumps(HELSINKI_SQUARE).encode())
    assert editor.error
    assert "preview" in editor.error.lower()
    assert not await editor.withdraw_product(editor.products[0])
    assert (await opened(platform_admin)).facility.geometry != HELSINKI_SQUARE


async def test_another_operators_facility_is_not_found(alpha_admin, bravo) -> None:
    editor = FacilityEditorState(alpha_admin.api)
    assert not await editor.open("bravo-p1")
    assert editor.facility is None
    assert editor.error == "No facility 'bravo-p1'."  # the same as a facility that does not exist
