"""A driver scans a sign: ours opens the facility, anything else is refused with a phishing warning."""

import httpx

from shared.qr import make_sign_payload, parse_sign_payload
from tests.backend.qr.conftest import (
    ADMIN_FACILITIES,
    RESOLVE,
    app_settings,
    signed_by_app,
    use_signing_keys,
)

ATTACKER_KEY = b"the-scammer's-own-key-0123456789"


def assert_refused_as_not_ours(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "qr_not_signed"
    detail = body["detail"]
    assert "not made by Parkflow" in detail
    assert "sticker" in detail
    assert "do not pay" in detail
    assert "zone number printed on the sign" in detail


async def test_a_genuine_sign_opens_its_facility_without_signing_in(client, demo) -> None:
    response = await client.post(RESOLVE, json={"payload": signed_by_app(client)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["zone_number"] == "1234"
    assert body["sign_outdated"] is False
    page = await client.get("/api/v1/facilities/kamppi-p1")
    assert body["facility"] == page.json()
    assert body["facility"]["name"] == "Kamppi P1"
    assert body["facility"]["operator"] == "Helsinki Parking Oy"


async def test_a_forged_signature_is_refused(client, demo) -> None:
    settings = app_settings(client)
    key_id = next(iter(settings.qr_keys))
    forged = make_sign_payload(settings.public_app_url, "kamppi-p1", "1234", key_id, ATTACKER_KEY)
    assert_refused_as_not_ours(await client.post(RESOLVE, json={"payload": forged}))


async def test_a_genuine_signature_moved_to_another_facility_is_refused(client, demo) -> None:
    genuine = signed_by_app(client, "kamppi-p1", "1234")
    moved = genuine.replace("/s/kamppi-p1?z=1234", "/s/hakaniementori?z=1250")
    assert_refused_as_not_ours(await client.post(RESOLVE, json={"payload": moved}))


async def test_an_unknown_key_id_is_refused(client, demo) -> None:
    settings = app_settings(client)
    real_key = next(iter(settings.qr_keys.values()))
    unknown = make_sign_payload(settings.public_app_url, "kamppi-p1", "1234", "k9", real_key)
    assert_refused_as_not_ours(await client.post(RESOLVE, json={"payload": unknown}))


async def test_signs_printed_with_the_old_key_still_work_during_a_rotation(client, demo) -> None:
    old_key, new_key = "old:old-secret-for-signs-0123456789", "new:new-secret-for-signs-0123456789"
    use_signing_keys(client, old_key)
    old_sign = signed_by_app(client)
    assert parse_sign_payload(old_sign).key_id == "old"
    retired = make_sign_payload(
        app_settings(client).public_app_url, "kamppi-p1", "1234", "k-2024", b"retired-key-0123456789abcdef"
    )

    use_signing_keys(client, f"{new_key},{old_key}")  # new signs are being put up
    new_sign = signed_by_app(client)
    assert parse_sign_payload(new_sign).key_id == "new"
    assert (await client.post(RESOLVE, json={"payload": old_sign})).status_code == 200
    assert (await client.post(RESOLVE, json={"payload": new_sign})).status_code == 200
    assert_refused_as_not_ours(await client.post(RESOLVE, json={"payload": retired}))

    use_signing_keys(client, new_key)  # every sign is reprinted: the old key is dropped
    assert (await client.post(RESOLVE, json={"payload": new_sign})).status_code == 200
    assert_refused_as_not_ours(await client.post(RESOLVE, json={"payload": old_sign}))


async def test_plain_text_and_other_sites_are_refused(client, demo) -> None:
    genuine = signed_by_app(client)
    for payload in [
        "1234",
        "kamppi-p1",
        "https://evil.example/pay?zone=1234",
        "https://evil.example/driver/s/kamppi-p1?z=1234",
        # A genuine signature copied onto a sticker that sends phone cameras to another site.
        genuine.replace("http://127.0.0.1:8550", "https://evil.example"),
        "WIFI:T:WPA;S:cafe;P:secret;;",
    ]:
        assert_refused_as_not_ours(await client.post(RESOLVE, json={"payload": payload}))


async def test_an_empty_or_missing_payload_is_a_validation_error(client) -> None:
    for body in [{}, {"payload": ""}, {"payload": "x" * 5000}]:
        response = await client.post(RESOLVE, json=body)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"


async def test_a_genuine_sign_of_a_deleted_facility_is_a_404(client, demo, helsinki_admin) -> None:
    sign = signed_by_app(client, "kamppi-p1", "1234")
    deleted = await client.delete(f"{ADMIN_FACILITIES}/kamppi-p1", headers=helsinki_admin)
    assert deleted.status_code == 204, deleted.text
    response = await client.post(RESOLVE, json={"payload": sign})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "no longer on Parkflow" in response.json()["detail"]
    assert "zone number printed on the sign" in response.json()["detail"]


async def test_a_sign_printed_before_the_zone_number_changed_is_flagged(client, demo, helsinki_admin) -> None:
    sign = signed_by_app(client, "kamppi-p1", "1234")
    patched = await client.patch(
        f"{ADMIN_FACILITIES}/kamppi-p1", json={"zone_number": "1299"}, headers=helsinki_admin
    )
    assert patched.status_code == 200, patched.text
    body = (await client.post(RESOLVE, json={"payload": sign})).json()
    assert body["sign_outdated"] is True
    assert body["zone_number"] == "1234"
    assert body["facility"]["zone_number"] == "1299"
