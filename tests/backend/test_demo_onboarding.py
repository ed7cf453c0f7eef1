"""The committed demo onboarding file (`assets/demo/onboarding.json`) and its generator."""

import json
from collections import Counter
from pathlib import Path

import pytest
from shapely.geometry import shape

from backend.demo import build_onboarding
from shared.schemas.onboarding import Detection, OnboardingFile
from tests.shared_data import SHARED_DATA, require_data

REPO_ROOT = Path(__file__).resolve().parents[2]
ONBOARDING = REPO_ROOT / "assets" / "demo" / "onboarding.json"
CLEVELAND = REPO_ROOT / "assets" / "polygons" / "fixture_cleveland_parking_lots_30.geojson"


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(ONBOARDING.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def onboarding(raw: dict) -> OnboardingFile:
    return build_onboarding.validate(raw)


def _tenant(onboarding: OnboardingFile, slug: str):
    return next(t for t in onboarding.tenants if t.slug == slug)


def test_generator_uses_the_assets_copy() -> None:
    assert build_onboarding.CLEVELAND_SOURCE == CLEVELAND
    assert build_onboarding.OUTPUT == ONBOARDING
    assert CLEVELAND.is_file()


def test_committed_file_validates(onboarding: OnboardingFile) -> None:
    assert len(onboarding.super_admins) == 1
    assert onboarding.super_admins[0].email == "root@parkflow.test"
    assert {t.slug for t in onboarding.tenants} == {"cleveland-parking", "helsinki-parking"}


def test_committed_file_validates_with_the_contract_model_alone(raw: dict) -> None:
    assert OnboardingFile.model_validate(raw).tenants[0].users


def test_committed_file_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "onboarding.json"
    assert build_onboarding.main(["--output", str(out)]) == 0
    assert out.read_bytes() == ONBOARDING.read_bytes(), (
        "assets/demo/onboarding.json is stale: run `python -m backend.demo.build_onboarding`"
    )


def test_generator_is_deterministic() -> None:
    assert build_onboarding.render(build_onboarding.build()) == build_onboarding.render(
        build_onboarding.build()
    )


def test_tenants_differ_in_currency_and_time_zone(onboarding: OnboardingFile) -> None:
    cleveland = _tenant(onboarding, "cleveland-parking")
    helsinki = _tenant(onboarding, "helsinki-parking")
    assert (cleveland.currency, cleveland.timezone) == ("USD", "America/New_York")
    assert (helsinki.currency, helsinki.timezone) == ("EUR", "Europe/Helsinki")
    for tenant in (cleveland, helsinki):
        assert {f.timezone for f in tenant.facilities} == {tenant.timezone}
        assert {u.role.value for u in tenant.users} == {"tenant_admin", "operator", "enforcement"}
        assert tenant.webhook_tokens
        assert tenant.api_keys


def test_slugs_unique(onboarding: OnboardingFile) -> None:
    # Facility slugs are unique on the whole platform (drivers look facilities up by slug).
    slugs = [f.slug for t in onboarding.tenants for f in t.facilities]
    assert [s for s, n in Counter(slugs).items() if n > 1] == []
    for tenant in onboarding.tenants:
        names = [f.name.lower() for f in tenant.facilities]
        assert len(names) == len(set(names)), f"duplicate facility names in {tenant.slug}"


def test_zone_numbers_unique_per_tenant(onboarding: OnboardingFile) -> None:
    for tenant in onboarding.tenants:
        zones = [f.zone_number for f in tenant.facilities]
        assert len(zones) == len(set(zones)), f"duplicate zone numbers in {tenant.slug}"


def test_a_zone_number_is_shared_by_two_operators(onboarding: OnboardingFile) -> None:
    per_tenant = [{f.zone_number for f in t.facilities} for t in onboarding.tenants]
    assert "4101" in set.intersection(*per_tenant)


def test_secrets_and_logins_unique(onboarding: OnboardingFile) -> None:
    emails = [a.email for a in onboarding.super_admins] + [
        u.email for t in onboarding.tenants for u in t.users
    ]
    assert len(emails) == len(set(emails))
    keys = [k.key for t in onboarding.tenants for k in t.api_keys]
    tokens = [w for t in onboarding.tenants for w in t.webhook_tokens or []]
    assert None not in keys
    assert len(keys + tokens) == len(set(keys + tokens))


def test_api_key_facilities_belong_to_the_tenant(onboarding: OnboardingFile) -> None:
    for tenant in onboarding.tenants:
        slugs = {f.slug for f in tenant.facilities}
        for key in tenant.api_keys:
            assert set(key.facilities or []) <= slugs
    assert any(
        k.facilities and len(k.facilities) == 2 for k in _tenant(onboarding, "cleveland-parking").api_keys
    )


def test_all_detection_kinds_present(onboarding: OnboardingFile) -> None:
    kinds = Counter(f.detection for t in onboarding.tenants for f in t.facilities)
    assert set(kinds) == set(Detection)
    cleveland = Counter(f.detection for f in _tenant(onboarding, "cleveland-parking").facilities)
    assert cleveland == {Detection.anpr: 12, Detection.geofence: 8, Detection.none: 10}


def test_every_cleveland_lot_appears(onboarding: OnboardingFile) -> None:
    features = json.loads(CLEVELAND.read_text(encoding="utf-8"))["features"]
    facilities = _tenant(onboarding, "cleveland-parking").facilities
    assert len(facilities) == len(features) == 30
    names = {f.name for f in facilities}
    source_names = {ft["properties"]["name"] for ft in features if ft["properties"]["name"]}
    assert source_names <= names
    # The real polygons, in file order.
    for feature, facility in zip(features, facilities, strict=True):
        assert facility.geometry is not None
        assert facility.geometry.model_dump() == feature["geometry"]
        assert facility.capacity > 0
        assert 10 <= facility.grace_minutes <= 15
        expected = build_onboarding.PROVIDER_FACILITIES.get(facility.slug)
        if expected is None:
            assert facility.provider == "native"
        else:
            assert facility.provider.connection == expected
    assert [f.zone_number for f in facilities] == [str(4101 + i) for i in range(30)]


def test_kamppi_is_the_contract_example(onboarding: OnboardingFile) -> None:
    kamppi = next(f for f in _tenant(onboarding, "helsinki-parking").facilities if f.slug == "kamppi-p1")
    assert (kamppi.name, kamppi.zone_number, kamppi.detection) == ("Kamppi P1", "1234", Detection.anpr)
    assert kamppi.tariff.model_dump(exclude_none=True) == {
        "increment_minutes": 15,
        "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
        "daily_max_amount": 2400,
        "max_stay_minutes": 1440,
    }
    assert kamppi.grace_minutes == 15
    assert kamppi.early_stop.value == "refund_unused"
    assert [(p.slug, p.amount, p.days) for p in kamppi.pass_products] == [("monthly", 9900, 30)]
    assert kamppi.geometry is not None
    centre = shape(kamppi.geometry.model_dump()).centroid
    assert abs(centre.x - 24.931) < 0.002
    assert abs(centre.y - 60.168) < 0.002


def test_every_polygon_is_valid(onboarding: OnboardingFile) -> None:
    for tenant in onboarding.tenants:
        for facility in tenant.facilities:
            assert facility.geometry is not None, facility.slug
            geometry = shape(facility.geometry.model_dump())
            assert geometry.is_valid, facility.slug
            assert not geometry.is_empty, facility.slug


def test_assets_copy_matches_shared_data() -> None:
    shared = SHARED_DATA / "polygons" / CLEVELAND.name
    if not shared.is_file():
        require_data("polygons/us_downtown_parking_lots_prn.geojson")  # skip locally, fail in CI
    assert CLEVELAND.read_bytes() == shared.read_bytes()


def test_attribution_kept() -> None:
    text = (CLEVELAND.parent / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in text
    assert "ODbL" in text
