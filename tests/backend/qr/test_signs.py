"""Operators download their facilities' signs; the printed code scans back to the facility."""

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from tests.backend.helpers import bearer, driver_token, operator_token
from tests.backend.qr.conftest import ADMIN_FACILITIES, RESOLVE, decode_png

SVG = "{http://www.w3.org/2000/svg}"
KAMPPI_SIGN = f"{ADMIN_FACILITIES}/kamppi-p1/sign"


async def test_the_png_sign_scans_back_to_its_facility(client, demo, helsinki_staff) -> None:
    response = await client.get(f"{KAMPPI_SIGN}.png", headers=helsinki_staff)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert 'filename="sign-kamppi-p1.png"' in response.headers["content-disposition"]
    image = Image.open(io.BytesIO(response.content))
    assert image.width == 1200
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)

    [payload] = decode_png(response.content)
    resolved = await client.post(RESOLVE, json={"payload": payload})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["facility"]["slug"] == "kamppi-p1"
    assert resolved.json()["zone_number"] == "1234"


async def test_the_zone_number_is_printed_below_the_code(client, demo, helsinki_staff) -> None:
    png = (await client.get(f"{KAMPPI_SIGN}.png", headers=helsinki_staff)).content
    image = Image.open(io.BytesIO(png)).convert("L")
    [code] = zxingcpp.read_barcodes(image)
    code_bottom = max(code.position.bottom_left.y, code.position.bottom_right.y)
    below = image.crop((0, code_bottom + 60, image.width, image.height))  # past the quiet zone
    dark_rows = np.flatnonzero(np.asarray(below).min(axis=1) < 100)
    # Two lines of text: "Zone 1234" (large) and "Kamppi P1" (smaller).
    assert dark_rows.size, "nothing is printed under the code"
    assert dark_rows[-1] - dark_rows[0] > 0.12 * image.width


async def test_the_png_width_can_be_chosen_within_print_limits(client, demo, helsinki_staff) -> None:
    small = await client.get(f"{KAMPPI_SIGN}.png", params={"size": 400}, headers=helsinki_staff)
    assert Image.open(io.BytesIO(small.content)).width == 400
    assert len(decode_png(small.content)) == 1
    for size in (100, 10_000, "big"):
        refused = await client.get(f"{KAMPPI_SIGN}.png", params={"size": size}, headers=helsinki_staff)
        assert refused.status_code == 422
        assert refused.json()["code"] == "validation_error"


def _raster(svg: ET.Element, scale: int = 10) -> Image.Image:
    """Draw the SVG's QR path (squares: `Mx,yHx2Vy2Hxz`) the way a printer would."""
    width = float(svg.get("viewBox", "").split()[2])
    path = svg.find(f"{SVG}path")
    assert path is not None
    image = Image.new("L", (int(width * scale), int(width * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, x2, y2 in re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", path.get("d", "")):
        box = [float(x) * scale, float(y) * scale, float(x2) * scale - 1, float(y2) * scale - 1]
        draw.rectangle(box, fill=0)
    return image


async def test_the_svg_sign_is_valid_xml_with_the_zone_and_name_and_scans_back(
    client, demo, helsinki_staff
) -> None:
    response = await client.get(f"{KAMPPI_SIGN}.svg", headers=helsinki_staff)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert svg.tag == f"{SVG}svg"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Zone 1234", "Kamppi P1"]
    zone, name = svg.iter(f"{SVG}text")
    assert float(zone.get("font-size", 0)) > 2 * float(name.get("font-size", 0))

    [payload] = [r.text for r in zxingcpp.read_barcodes(_raster(svg))]
    resolved = await client.post(RESOLVE, json={"payload": payload})
    assert resolved.json()["facility"]["slug"] == "kamppi-p1"


async def test_a_name_with_markup_characters_stays_text_in_the_svg(client, demo, helsinki_admin) -> None:
    name = 'Kamppi <P1> & "Co"'
    patched = await client.patch(f"{ADMIN_FACILITIES}/kamppi-p1", json={"name": name}, headers=helsinki_admin)
    assert patched.status_code == 200, patched.text
    response = await client.get(f"{KAMPPI_SIGN}.svg", headers=helsinki_admin)
    svg = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert [t.text for t in svg.iter(f"{SVG}text")][1] == name
    png = await client.get(f"{KAMPPI_SIGN}.png", headers=helsinki_admin)
    assert png.status_code == 200


async def test_another_operators_facility_has_no_sign(client, demo) -> None:
    cleveland = bearer(await operator_token(client, tenant=demo["cleveland-parking"], role="tenant_admin"))
    for extension in ("png", "svg"):
        response = await client.get(f"{KAMPPI_SIGN}.{extension}", headers=cleveland)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    own = await client.get(f"{ADMIN_FACILITIES}/gateway-east/sign.svg", headers=cleveland)
    assert own.status_code == 200
    assert b"Zone 4101" in own.content


async def test_signs_need_an_operator_sign_in(client, demo) -> None:
    driver = bearer(await driver_token(client))
    for extension in ("png", "svg"):
        anonymous = await client.get(f"{KAMPPI_SIGN}.{extension}")
        assert anonymous.status_code == 401
        assert anonymous.json()["code"] == "not_authenticated"
        as_driver = await client.get(f"{KAMPPI_SIGN}.{extension}", headers=driver)
        assert as_driver.status_code == 401


async def test_a_super_admin_prints_signs_for_the_operator_chosen(client, demo) -> None:
    root = bearer(await operator_token(client, role="super_admin"))
    unchosen = await client.get(f"{KAMPPI_SIGN}.png", headers=root)
    assert unchosen.status_code == 403
    chosen = await client.get(f"{KAMPPI_SIGN}.png", headers={**root, "X-Tenant": "helsinki-parking"})
    assert chosen.status_code == 200
    assert len(decode_png(chosen.content)) == 1
