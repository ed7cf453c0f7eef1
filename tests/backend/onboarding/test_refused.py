"""A bad entry refuses the whole file: the error names the entry, and nothing in the database changes,
even when the bad entry comes last, after good ones that would have been written."""

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from backend.onboarding import OnboardingError
from shared.errors import ErrorCode
from shared.geo import InvalidGeometryError, parse_lot_geometry
from tests.backend.onboarding.conftest import PRN_LOTS, all_rows, facility, load, row_counts, tenant

HELSINKI = "tenants[1] (helsinki-parking)"


@cache
def invalid_real_lot() -> dict[str, Any]:
    """The one lot of the US downtown data set whose outline is unusable (found, not hard-coded)."""
    for feature in json.loads(PRN_LOTS.read_text(encoding="utf-8"))["features"]:
        try:
            parse_lot_geometry(feature["geometry"])
        except InvalidGeometryError:
            return feature["geometry"]
    raise AssertionError("the data set has no invalid lot any more")


def _new_facility(slug: str, zone: str, **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "zone_number": zone,
        "tariff": {"increment_minutes": 60, "segments": [{"from_minute": 0, "amount": 200}]},
        **extra,
    }


def bad_geometry(raw: dict) -> None:
    tenant(raw, "helsinki-parking")["facilities"].append(
        _new_facility("fayetteville-71", "1299", geometry=invalid_real_lot())
    )


def unknown_provider(raw: dict) -> None:
    facility(raw, "pohjoisesplanadi")["provider"] = {"connection": "parkmobile", "zone_id": "4101"}


def duplicate_zone_in_file(raw: dict) -> None:
    facility(raw, "pohjoisesplanadi")["zone_number"] = "1234"


def zone_taken_in_database(raw: dict) -> None:
    facilities = tenant(raw, "helsinki-parking")["facilities"]
    facilities[:] = [f for f in facilities if f["slug"] != "hietalahdentori"]
    facilities.append(_new_facility("ruoholahti", "1240"))


def facility_slug_of_another_operator(raw: dict) -> None:
    """A slug stored for Cleveland (and not in this file) cannot be given to another operator."""
    cleveland = tenant(raw, "cleveland-parking")["facilities"]
    cleveland[:] = [f for f in cleveland if f["slug"] != "the-halle-garage"]
    espoo = {"slug": "espoo-parking", "name": "Espoo", "currency": "EUR", "timezone": "Europe/Helsinki"}
    raw["tenants"].append({**espoo, "facilities": [_new_facility("the-halle-garage", "1")]})


def facility_slug_twice_in_the_file(raw: dict) -> None:
    espoo = {"slug": "espoo-parking", "name": "Espoo", "currency": "EUR", "timezone": "Europe/Helsinki"}
    raw["tenants"].append({**espoo, "facilities": [_new_facility("kamppi-p1", "1")]})


def email_of_another_operator(raw: dict) -> None:
    tenant(raw, "helsinki-parking")["users"].append(
        {"email": "ops@cleveland.test", "password": "long-enough-1", "role": "operator"}
    )


def api_key_for_a_foreign_facility(raw: dict) -> None:
    tenant(raw, "helsinki-parking")["api_keys"][-1]["facilities"] = ["kamppi-p1", "gateway-east"]


def duplicate_pass_product(raw: dict) -> None:
    products = facility(raw, "pohjoisesplanadi")["pass_products"]
    products += [{"slug": "day", "name": "Day", "amount": 900, "days": 1}] * 2


def unknown_timezone(raw: dict) -> None:
    facility(raw, "pohjoisesplanadi")["timezone"] = "Europe/Helsingfors"


def provider_without_credentials(raw: dict) -> None:
    tenant(raw, "helsinki-parking")["providers"] = [
        {"slug": "passport", "kind": "passport", "auth": "oauth2", "client_id": "helsinki"}
    ]


def super_admin_inside_a_tenant(raw: dict) -> None:
    tenant(raw, "helsinki-parking")["users"][-1]["role"] = "super_admin"


CASES: list[tuple[Callable[[dict], None], str]] = [
    (bad_geometry, f"{HELSINKI} › facilities[5] (fayetteville-71) › geometry: "),
    (
        unknown_provider,
        f"{HELSINKI} › facilities[4] (pohjoisesplanadi) › provider › connection: There is no ",
    ),
    (
        duplicate_zone_in_file,
        f"{HELSINKI} › facilities[4] (pohjoisesplanadi): Zone number 1234 is also used by",
    ),
    (zone_taken_in_database, f"{HELSINKI} › facilities[4] (ruoholahti) › zone_number: Zone number 1240 is"),
    (
        facility_slug_of_another_operator,
        "tenants[2] (espoo-parking) › facilities[0] (the-halle-garage) › slug: The facility slug",
    ),
    (facility_slug_twice_in_the_file, "tenants[2] (espoo-parking) › facilities[0] (kamppi-p1): The facility"),
    (email_of_another_operator, f"{HELSINKI} › users[3] (ops@cleveland.test): This e-mail "),
    (
        api_key_for_a_foreign_facility,
        f"{HELSINKI} › api_keys[1] (kamppi-hietalahti) › facilities: 'gateway-east'",
    ),
    (duplicate_pass_product, f"{HELSINKI} › facilities[4] (pohjoisesplanadi) › pass_products[1] (day): "),
    (
        unknown_timezone,
        f"{HELSINKI} › facilities[4] (pohjoisesplanadi) › timezone: 'Europe/Helsingfors' is not",
    ),
    (
        provider_without_credentials,
        f"{HELSINKI} › providers[0] (passport): A passport connection needs base_url, token_url",
    ),
    (super_admin_inside_a_tenant, f"{HELSINKI} › users[2] (valvoja@helsinki.test) › role: A super admin"),
]


def _good_edits(raw: dict) -> None:
    """Changes early in the file that would be written if the file were not refused as a whole."""
    facility(raw, "gateway-east")["name"] = "Gateway East (renamed)"
    tenant(raw, "cleveland-parking")["users"][0]["password"] = "another-password-1"
    tenant(raw, "cleveland-parking")["facilities"].insert(0, _new_facility("cle-new-lot", "4999"))


@pytest.mark.parametrize(("spoil", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
async def test_a_bad_last_entry_refuses_the_whole_file(services, demo, spoil, expected) -> None:
    await load(demo, services)
    before = await all_rows()
    _good_edits(demo)
    spoil(demo)

    with pytest.raises(OnboardingError) as refused:
        await load(demo, services)

    assert refused.value.code == ErrorCode.onboarding_invalid
    assert any(p.startswith(expected) for p in refused.value.problems), refused.value.problems
    assert "nothing was changed" in refused.value.detail
    assert sorted(map(repr, await all_rows())) == sorted(map(repr, before))


@pytest.mark.parametrize("spoil", [bad_geometry, unknown_provider, facility_slug_twice_in_the_file])
async def test_a_refused_file_leaves_an_empty_database_empty(services, demo, spoil) -> None:
    spoil(demo)
    if spoil is facility_slug_twice_in_the_file:
        facility(demo, "pohjoisesplanadi")["zone_number"] = "1234"  # and a duplicate zone
    with pytest.raises(OnboardingError):
        await load(demo, services)
    assert set((await row_counts()).values()) == {0}


async def test_every_problem_is_reported_at_once(services, demo) -> None:
    unknown_provider(demo)
    api_key_for_a_foreign_facility(demo)
    unknown_timezone(demo)
    bad_geometry(demo)
    with pytest.raises(OnboardingError) as refused:
        await load(demo, services)
    # Schema problems come first (the file is not read further); both are named.
    assert len(refused.value.problems) == 2

    demo2 = json.loads(json.dumps(demo))
    facility(demo2, "pohjoisesplanadi").pop("timezone")
    tenant(demo2, "helsinki-parking")["facilities"].pop()
    with pytest.raises(OnboardingError) as refused:
        await load(demo2, services)
    assert len(refused.value.problems) == 2
    assert refused.value.detail.startswith(
        "The onboarding file was not loaded (nothing was changed): 2 problems."
    )


async def test_checks_missed_are_still_rolled_back(services, demo, monkeypatch) -> None:
    """The transaction is the second line of defence: with the checks switched off, a clash the
    database itself refuses (the last facility repeats a zone number) still leaves nothing behind."""

    async def no_checks(_data: Any) -> None:
        return None

    monkeypatch.setattr("backend.onboarding.loader.check_onboarding", no_checks)
    duplicate_zone_in_file(demo)
    with pytest.raises(OnboardingError) as refused:
        await load(demo, services)
    assert "The database refused a change" in refused.value.problems[0]
    assert set((await row_counts()).values()) == {0}
