"""Build `assets/demo/onboarding.json`, the onboarding file (CONTRACT §3) that `parkflow demo` loads.

Run from the repository root:

    python -m backend.demo.build_onboarding [--output PATH]

The output is deterministic (same input, same bytes) and committed; the test
`tests/backend/test_demo_onboarding.py` checks that the committed file is up to date.

Two tenants:

- `cleveland-parking` (USD, America/New_York): the 30 real downtown Cleveland lots of
  `assets/polygons/fixture_cleveland_parking_lots_30.geojson` (© OpenStreetMap contributors, ODbL),
  with their real polygons. Zones 4101..4130 in file order.
- `helsinki-parking` (EUR, Europe/Helsinki): five hand-made zones placed around real Helsinki
  pay-terminal positions (City-of-Helsinki/parkkihubi, MIT). `kamppi-p1` is the CONTRACT §3 example.
  `pohjoisesplanadi` also has zone number 4101, so a zone lookup finds candidates of two operators.

Every secret here is a demo value, printed by `parkflow demo`; never reuse them anywhere real.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from shared.schemas.onboarding import OnboardingFile

REPO_ROOT = Path(__file__).resolve().parents[2]
CLEVELAND_SOURCE = REPO_ROOT / "assets" / "polygons" / "fixture_cleveland_parking_lots_30.geojson"
OUTPUT = REPO_ROOT / "assets" / "demo" / "onboarding.json"

DEMO_PASSWORD = "parkflow-demo"  # noqa: S105 - demo login, printed by `parkflow demo`
ROOT_EMAIL = "root@parkflow.test"
ROOT_PASSWORD = "parkflow-root-demo"  # noqa: S105 - demo login

CLEVELAND_TZ = "America/New_York"
CLEVELAND_FIRST_ZONE = 4101
HELSINKI_TZ = "Europe/Helsinki"

# Metres per degree of latitude (spherical approximation; fine for demo outlines of ~100 m).
_M_PER_DEG_LAT = 111_320.0

# --------------------------------------------------------------------------------------------------
# Tariffs (amounts in minor units). Each is a complete CONTRACT §3 tariff.
# --------------------------------------------------------------------------------------------------


def _tariff(
    increment: int,
    segments: list[tuple[int, int]],
    daily_max: int | None = None,
    max_stay: int | None = None,
    min_charge: int | None = None,
) -> dict[str, Any]:
    tariff: dict[str, Any] = {
        "increment_minutes": increment,
        "segments": [{"from_minute": start, "amount": amount} for start, amount in segments],
    }
    if daily_max is not None:
        tariff["daily_max_amount"] = daily_max
    if max_stay is not None:
        tariff["max_stay_minutes"] = max_stay
    if min_charge is not None:
        tariff["min_charge_minutes"] = min_charge
    return tariff


CLEVELAND_TARIFFS: dict[str, dict[str, Any]] = {
    # First 15 min free, then 0.75 per started 15 min (3.00/h), at most 18.00 a day.
    "garage_first15": _tariff(15, [(0, 0), (15, 75)], daily_max=1800, max_stay=1440),
    # 3.00 per started hour, at most 24.00 a day.
    "garage_hourly": _tariff(60, [(0, 300)], daily_max=2400, max_stay=1440),
    # First 15 min free, 1.00 per 15 min for the first two hours, 1.50 per 15 min after; cap 30.00.
    "garage_tiered": _tariff(15, [(0, 0), (15, 100), (120, 150)], daily_max=3000, max_stay=1440),
    # Event garage, flat-ish: 10.00 per started 3 hours, 20.00 a day.
    "event_garage": _tariff(180, [(0, 1000)], daily_max=2000, max_stay=1440),
    # Surface lot: 2.00 per started hour, at most 10.00 a day.
    "surface_hourly": _tariff(60, [(0, 200)], daily_max=1000, max_stay=1440),
    # Pay-by-zone lot like a meter: 0.50 per 15 min, charged as at least 30 min, cap 12.00.
    "meter": _tariff(15, [(0, 50)], daily_max=1200, max_stay=1440, min_charge=30),
    # Campus lot: 1.50 per started 30 min, at most 10.00 a day, 16 h max.
    "campus": _tariff(30, [(0, 150)], daily_max=1000, max_stay=960),
    # Airport long-term: 3.00 per hour, 14.00 a day, up to 14 days.
    "airport_long_term": _tariff(60, [(0, 300)], daily_max=1400, max_stay=20160),
    # Visitor lot (free in OSM): first 2 h free, then 2.50 per 30 min, 4 h max.
    "visitor_2h_free": _tariff(30, [(0, 0), (120, 250)], max_stay=240),
}

MONTHLY_USD = {"slug": "monthly", "name": "Monthly pass", "amount": 12000, "days": 30}
WEEKLY_USD = {"slug": "weekly", "name": "Weekly pass", "amount": 4000, "days": 7}

# --------------------------------------------------------------------------------------------------
# Cleveland: one profile per lot of the fixture, keyed by its OSM id (the fixture's `id`).
# (detection, tariff, grace_minutes, early_stop, pass products). 12 anpr, 8 geofence, 10 none.
# Garages with barriers get cameras; large open surface lots use the phone's geofence; the rest
# (and the two unnamed garages) are pay-by-zone.
# --------------------------------------------------------------------------------------------------

_R, _N = "refund_unused", "no_refund"

CLEVELAND_PROFILES: dict[str, tuple[str, str, int, str, tuple[dict[str, Any], ...]]] = {
    "way-94452248": ("anpr", "event_garage", 15, _N, (MONTHLY_USD, WEEKLY_USD)),  # Gateway East
    "way-99653020": ("geofence", "surface_hourly", 10, _R, (WEEKLY_USD,)),  # Muni Lot
    "way-111821510": ("anpr", "garage_hourly", 15, _R, (MONTHLY_USD,)),  # North Point Parking Garage
    "way-113495328": ("anpr", "garage_first15", 15, _R, ()),  # 515 Garage
    "way-115175894": ("anpr", "garage_tiered", 15, _R, (MONTHLY_USD,)),  # Fifth Third Center
    "way-115798752": ("anpr", "garage_hourly", 15, _N, ()),  # Ontario Street Parking Garage
    "way-116484451": ("anpr", "garage_first15", 15, _R, ()),  # The Halle Garage
    "way-116620439": ("anpr", "event_garage", 15, _N, ()),  # PlayhouseSquare Parking
    "way-122815144": ("anpr", "garage_hourly", 15, _N, ()),  # Collection Auto Group Centre
    "way-132045695": ("geofence", "surface_hourly", 10, _R, ()),  # Muni Lot (the second one)
    "way-135935689": ("geofence", "campus", 10, _R, (MONTHLY_USD,)),  # CSU Lot AA
    "way-151116367": ("anpr", "garage_tiered", 15, _R, (MONTHLY_USD, WEEKLY_USD)),  # KeyBank Garage
    "way-154145718": ("anpr", "garage_first15", 15, _R, (MONTHLY_USD,)),  # Reserve Square Parking
    "way-169446113": ("anpr", "garage_tiered", 15, _N, ()),  # Huntington Garage
    "way-177041927": ("geofence", "airport_long_term", 15, _N, (WEEKLY_USD,)),  # Burke Long-term
    "way-368667525": ("anpr", "garage_hourly", 15, _R, ()),  # 1100 Superior Garage
    "way-374459699": ("geofence", "visitor_2h_free", 10, _R, ()),  # Burke Short-term
    "way-374572143": ("none", "visitor_2h_free", 10, _R, ()),  # USS Cod Visitor Parking
    "way-132221601": ("geofence", "surface_hourly", 10, _R, ()),
    "way-116484454": ("geofence", "surface_hourly", 10, _N, ()),
    "way-162917761": ("geofence", "meter", 10, _R, ()),
    "way-107493145": ("none", "meter", 10, _R, ()),
    "way-299704794": ("none", "surface_hourly", 10, _N, ()),
    "way-53640767": ("none", "visitor_2h_free", 10, _R, ()),
    "way-489617874": ("none", "garage_hourly", 15, _R, ()),
    "way-162917498": ("none", "meter", 10, _N, ()),
    "way-53639440": ("none", "surface_hourly", 10, _R, ()),
    "way-41020262": ("none", "garage_first15", 15, _N, ()),
    "way-134312349": ("none", "meter", 10, _R, ()),
    "way-101535927": ("none", "surface_hourly", 10, _N, ()),
}

# Used if the fixture ever gains a lot without a profile above.
_DEFAULT_PROFILE: tuple[str, str, int, str, tuple[dict[str, Any], ...]] = ("none", "meter", 10, _R, ())

# Assumed levels of a multi-storey garage whose capacity OSM does not give.
_GARAGE_LEVELS = 3
_M2_PER_SPACE = 25


def slugify(text: str) -> str:
    """'The Halle Garage' -> 'the-halle-garage' (ASCII, lowercase, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _capacity(props: dict[str, Any]) -> int:
    if props.get("capacity") is not None:
        return int(props["capacity"])
    spaces = int(float(props.get("area_m2") or 0) // _M2_PER_SPACE)
    if props.get("parking") == "multi-storey":
        spaces *= _GARAGE_LEVELS
    return max(spaces, 1)


def _kind_label(parking: str | None) -> str:
    return {"multi-storey": "garage", "underground": "underground"}.get(parking or "", "surface")


def cleveland_facilities(source: Path = CLEVELAND_SOURCE) -> list[dict[str, Any]]:
    """The 30 Cleveland lots of the fixture as facility entries, in file order."""
    collection = json.loads(source.read_text(encoding="utf-8"))
    facilities: list[dict[str, Any]] = []
    seen_slugs: set[str] = set()
    seen_names: set[str] = set()
    unnamed = 0
    for index, feature in enumerate(collection["features"]):
        props = feature["properties"]
        raw_name = (props.get("name") or "").strip()
        if raw_name:
            name, slug = raw_name, slugify(raw_name) or "cle-lot"
        else:
            unnamed += 1
            name = f"Lot {unnamed} ({_kind_label(props.get('parking'))})"
            slug = f"cle-lot-{unnamed}"
        # Two lots are both called "Muni Lot": the second becomes "Muni Lot 2" / "muni-lot-2",
        # so that lookups by name or slug stay unambiguous.
        base_slug, base_name, n = slug, name, 1
        while slug in seen_slugs or name.lower() in seen_names:
            n += 1
            slug, name = f"{base_slug}-{n}", f"{base_name} {n}"
        seen_slugs.add(slug)
        seen_names.add(name.lower())

        detection, tariff_key, grace, early_stop, passes = CLEVELAND_PROFILES.get(
            str(props.get("id")), _DEFAULT_PROFILE
        )
        facilities.append(
            {
                "slug": slug,
                "name": name,
                "zone_number": str(CLEVELAND_FIRST_ZONE + index),
                "timezone": CLEVELAND_TZ,
                "capacity": _capacity(props),
                "detection": detection,
                "geometry": {
                    "type": feature["geometry"]["type"],
                    "coordinates": feature["geometry"]["coordinates"],
                },
                "tariff": copy.deepcopy(CLEVELAND_TARIFFS[tariff_key]),
                "grace_minutes": grace,
                "early_stop": early_stop,
                "provider": "native",
                "pass_products": [dict(p) for p in passes],
            }
        )
    return facilities


# --------------------------------------------------------------------------------------------------
# Helsinki: hand-made outlines around real pay-terminal positions (parkkihubi, terminal numbers given).
# --------------------------------------------------------------------------------------------------


def _offset(lon: float, lat: float, east_m: float, north_m: float) -> list[float]:
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat))
    return [round(lon + east_m / m_per_deg_lon, 7), round(lat + north_m / _M_PER_DEG_LAT, 7)]


def rectangle(lon: float, lat: float, width_m: float, height_m: float, angle_deg: float = 0.0) -> dict:
    """A closed, counter-clockwise rectangle centred on (lon, lat), rotated by angle_deg."""
    a = math.radians(angle_deg)
    cos_a, sin_a = math.cos(a), math.sin(a)
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    ring = [
        _offset(
            lon,
            lat,
            sx * width_m / 2 * cos_a - sy * height_m / 2 * sin_a,
            sx * width_m / 2 * sin_a + sy * height_m / 2 * cos_a,
        )
        for sx, sy in corners
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def strip(start: tuple[float, float], end: tuple[float, float], half_width_m: float) -> dict:
    """A closed, counter-clockwise quad of ±half_width_m around the segment start -> end (a street)."""
    lat0 = (start[1] + end[1]) / 2
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat0))
    dx = (end[0] - start[0]) * m_per_deg_lon
    dy = (end[1] - start[1]) * _M_PER_DEG_LAT
    length = math.hypot(dx, dy)
    nx, ny = -dy / length * half_width_m, dx / length * half_width_m  # left normal
    ring = [
        _offset(*start, -nx, -ny),
        _offset(*end, -nx, -ny),
        _offset(*end, nx, ny),
        _offset(*start, nx, ny),
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def helsinki_facilities() -> list[dict[str, Any]]:
    return [
        {
            # The CONTRACT §3 example facility. Around Kamppi (terminals 181, 183, 249 nearby).
            "slug": "kamppi-p1",
            "name": "Kamppi P1",
            "zone_number": "1234",
            "timezone": HELSINKI_TZ,
            "capacity": 120,
            "detection": "anpr",
            "geometry": rectangle(24.9310, 60.1680, 110, 70),
            "tariff": _tariff(15, [(0, 0), (15, 75)], daily_max=2400, max_stay=1440),
            "grace_minutes": 15,
            "early_stop": "refund_unused",
            "provider": "native",
            "pass_products": [{"slug": "monthly", "name": "Monthly pass", "amount": 9900, "days": 30}],
            "address": "Urho Kekkosen katu 1",
        },
        {
            # Market-square lot centred on terminals 10-13 "Hietalahdentori 1..4".
            "slug": "hietalahdentori",
            "name": "Hietalahdentori",
            "zone_number": "1240",
            "timezone": HELSINKI_TZ,
            "capacity": 60,
            "detection": "geofence",
            "geometry": rectangle(24.9304744, 60.1623917, 90, 60),
            # 0.25 per started 5 min (3.00/h), charged as at least 15 min, 18.00 a day, 10 h max.
            "tariff": _tariff(5, [(0, 25)], daily_max=1800, max_stay=600, min_charge=15),
            "grace_minutes": 10,
            "early_stop": "refund_unused",
            "provider": "native",
            "pass_products": [],
            "address": "Hietalahdentori",
        },
        {
            # Market-square lot centred on terminal 7 "Hakaniemenranta torin puoli".
            "slug": "hakaniementori",
            "name": "Hakaniementori",
            "zone_number": "1250",
            "timezone": HELSINKI_TZ,
            "capacity": 80,
            "detection": "geofence",
            "geometry": rectangle(24.9548287, 60.1780868, 120, 60),
            # First 30 min free, then 0.70 per started 15 min, 15.00 a day.
            "tariff": _tariff(15, [(0, 0), (30, 70)], daily_max=1500, max_stay=1440),
            "grace_minutes": 10,
            "early_stop": "no_refund",
            "provider": "native",
            "pass_products": [{"slug": "weekly", "name": "Weekly pass", "amount": 3500, "days": 7}],
            "address": "Hakaniemenranta",
        },
        {
            # Quay-side street zone along terminals 17 -> 15 "Katajanokanlaituri 3..1".
            "slug": "katajanokanlaituri",
            "name": "Katajanokanlaituri",
            "zone_number": "1260",
            "timezone": HELSINKI_TZ,
            "capacity": 25,
            "detection": "none",
            "geometry": strip((24.9612204, 60.1667887), (24.9629142, 60.1662237), 10),
            # 0.25 per started 5 min (3.00/h), 4 h max.
            "tariff": _tariff(5, [(0, 25)], max_stay=240),
            "grace_minutes": 10,
            "early_stop": "refund_unused",
            "provider": "native",
            "pass_products": [],
            "address": "Katajanokanlaituri",
        },
        {
            # Street zone along Pohjoisesplanadi, terminals 277 (no. 39) -> 230 (no. 19). Zone 4101 on
            # purpose: Cleveland's Gateway East has it too (zone lookup returns two candidates).
            "slug": "pohjoisesplanadi",
            "name": "Pohjoisesplanadi",
            "zone_number": "4101",
            "timezone": HELSINKI_TZ,
            "capacity": 40,
            "detection": "none",
            "geometry": strip((24.9436031, 60.1677697), (24.9503935, 60.1679429), 8),
            # Per minute, 0.07 (4.20/h), 4 h max.
            "tariff": _tariff(1, [(0, 7)], max_stay=240),
            "grace_minutes": 10,
            "early_stop": "refund_unused",
            "provider": "native",
            "pass_products": [],
            "address": "Pohjoisesplanadi 19-39",
        },
    ]


# --------------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------------


def _users(domain: str, enforcement_local: str, city: str) -> list[dict[str, Any]]:
    return [
        {
            "email": f"admin@{domain}",
            "password": DEMO_PASSWORD,
            "role": "tenant_admin",
            "name": f"{city} Admin",
        },
        {
            "email": f"ops@{domain}",
            "password": DEMO_PASSWORD,
            "role": "operator",
            "name": f"{city} Operations",
        },
        {
            "email": f"{enforcement_local}@{domain}",
            "password": DEMO_PASSWORD,
            "role": "enforcement",
            "name": f"{city} Enforcement",
        },
    ]


# The provider sandbox that `parkflow demo` starts (backend/providers/sandbox: its demo credentials).
SANDBOX_ROOT = "http://127.0.0.1:9100"
HELSINKI_PROVIDERS = [
    {
        "slug": "passport",
        "kind": "passport",
        "auth": "oauth2",
        "base_url": f"{SANDBOX_ROOT}/passport/parking/v2",
        "token_url": f"{SANDBOX_ROOT}/passport/oauth/token",
        "client_id": "passport-demo",
        "client_secret": "pp_demo_secret_0123456789",
    },
    {
        "slug": "easypark",
        "kind": "easypark",
        "auth": "x-api-key",
        "base_url": f"{SANDBOX_ROOT}/easypark/v1",
        "api_key": "ep_demo_key_0123456789",
    },
]
CLEVELAND_PROVIDERS = [
    {
        "slug": "paybyphone",
        "kind": "paybyphone",
        "auth": "bearer",
        "base_url": f"{SANDBOX_ROOT}/paybyphone/v1",
        "api_key": "pbp_demo_key_0123456789",
    },
]
# Pay-by-zone facilities whose sessions live at a provider (the sandbox) rather than here.
PROVIDER_FACILITIES = {
    "pohjoisesplanadi": "passport",
    "katajanokanlaituri": "easypark",
    "cle-lot-4": "paybyphone",
    "cle-lot-5": "paybyphone",
}


def _connect_providers(facilities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for facility in facilities:
        connection = PROVIDER_FACILITIES.get(facility["slug"])
        if connection is not None:
            facility["provider"] = {"connection": connection, "zone_id": facility["zone_number"]}
    return facilities


def build(cleveland_source: Path = CLEVELAND_SOURCE) -> dict[str, Any]:
    """The demo onboarding file as a plain dict, in the order it is written."""
    return {
        "super_admins": [{"email": ROOT_EMAIL, "password": ROOT_PASSWORD, "name": "Parkflow Root"}],
        "tenants": [
            {
                "slug": "cleveland-parking",
                "name": "Cleveland Downtown Parking",
                "currency": "USD",
                "timezone": CLEVELAND_TZ,
                "service_fee": {"percent": "2.5", "fixed_amount": 25},
                "webhook_tokens": ["whk_demo_cleveland_0123456789abcdef"],
                "api_keys": [
                    {"name": "handhelds", "key": "ek_demo_cleveland_0123456789abcdef"},
                    {
                        "name": "event-garages",
                        "key": "ek_demo_cleveland_events_0123456789",
                        "facilities": ["gateway-east", "playhousesquare-parking"],
                    },
                ],
                "users": _users("cleveland.test", "officer", "Cleveland"),
                "providers": CLEVELAND_PROVIDERS,
                "facilities": _connect_providers(cleveland_facilities(cleveland_source)),
            },
            {
                "slug": "helsinki-parking",
                "name": "Helsinki Parking Oy",
                "currency": "EUR",
                "timezone": HELSINKI_TZ,
                "service_fee": {"percent": "2.5", "fixed_amount": 0},
                "webhook_tokens": ["whk_demo_helsinki_0123456789abcdef"],
                "api_keys": [
                    {"name": "handhelds", "key": "ek_demo_helsinki_0123456789abcdef"},
                    {
                        "name": "kamppi-hietalahti",
                        "key": "ek_demo_helsinki_kamppi_0123456789",
                        "facilities": ["kamppi-p1", "hietalahdentori"],
                    },
                ],
                "users": _users("helsinki.test", "valvoja", "Helsinki"),
                "providers": HELSINKI_PROVIDERS,
                "facilities": _connect_providers(helsinki_facilities()),
            },
        ],
    }


def validate(data: dict[str, Any]) -> OnboardingFile:
    """Validate against the contract model."""
    return OnboardingFile.model_validate(data)


def render(data: dict[str, Any]) -> str:
    """Validate against the contract and serialise.

    Stable: insertion order, indent 1, final newline. Geometry coordinates stay on one line each so
    that the file reads as a list of facilities rather than a column of numbers.
    """
    validate(data)
    data = copy.deepcopy(data)
    compact: dict[str, str] = {}
    for tenant in data["tenants"]:
        for facility in tenant["facilities"]:
            geometry = facility.get("geometry")
            if geometry:
                marker = f"@@coordinates-{len(compact)}@@"
                compact[json.dumps(marker)] = json.dumps(geometry["coordinates"], separators=(",", ":"))
                geometry["coordinates"] = marker
    text = json.dumps(data, indent=1, ensure_ascii=False)
    for marker, coordinates in compact.items():
        text = text.replace(marker, coordinates, 1)
    return text + "\n"


def write(output: Path = OUTPUT, cleveland_source: Path = CLEVELAND_SOURCE) -> Path:
    text = render(build(cleveland_source))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(text.encode("utf-8"))
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the demo onboarding file (CONTRACT §3).")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default: {OUTPUT})")
    parser.add_argument(
        "--source",
        type=Path,
        default=CLEVELAND_SOURCE,
        help="the Cleveland lots GeoJSON (default: assets copy)",
    )
    args = parser.parse_args(argv)
    path = write(args.output, args.source)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
