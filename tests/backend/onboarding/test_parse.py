"""Reading a file: JSON or YAML, and schema errors that point at the entry in words, not tuples."""

from pathlib import Path

import pytest

from backend.onboarding import OnboardingError, parse_onboarding, read_onboarding_file
from tests.backend.onboarding.conftest import facility, tenant

KAMPPI = "tenants[1] (helsinki-parking) › facilities[0] (kamppi-p1)"


def _problems(raw: dict) -> list[str]:
    with pytest.raises(OnboardingError) as refused:
        parse_onboarding(raw)
    return refused.value.problems


def test_a_misspelt_field_gets_a_suggestion(demo) -> None:
    facility(demo, "kamppi-p1")["zone"] = facility(demo, "kamppi-p1").pop("zone_number")
    problems = _problems(demo)
    assert problems[0].startswith(f"{KAMPPI} › zone_number: This field is required but missing.")
    assert problems[1].startswith(f"{KAMPPI} › zone: Unknown field 'zone'. Did you mean 'zone_number'?")


def test_a_provider_that_is_neither_native_nor_a_connection_gets_one_message(demo) -> None:
    facility(demo, "kamppi-p1")["provider"] = "nativ"
    facility(demo, "hietalahdentori")["provider"] = {"connection": "passport", "zone": "1"}
    assert _problems(demo) == [
        f'{KAMPPI} › provider: "nativ" is not allowed here; use "native" (sessions live here) or '
        '{"connection": "<provider slug>", "zone_id": "<id>"}.',
        "tenants[1] (helsinki-parking) › facilities[1] (hietalahdentori) › provider › zone: Unknown field "
        "'zone'. Did you mean 'zone_id'? Allowed here: connection, zone_id.",
    ]


def test_formats_are_explained(demo) -> None:
    facility(demo, "kamppi-p1")["slug"] = "Kamppi P1"
    facility(demo, "hietalahdentori")["zone_number"] = 1240
    tenant(demo, "helsinki-parking")["currency"] = "eur"
    assert _problems(demo) == [
        'tenants[1] (helsinki-parking) › currency: "eur" is not valid here: use an ISO 4217 code in '
        "capitals (e.g. EUR).",
        'tenants[1] (helsinki-parking) › facilities[0] (Kamppi P1) › slug: "Kamppi P1" is not valid here: '
        "use lower-case letters, digits and hyphens, starting with a letter or digit (e.g. kamppi-p1).",
        "tenants[1] (helsinki-parking) › facilities[1] (hietalahdentori) › zone_number: Expected text but "
        'got the number 1240; put it in quotes ("1240").',
    ]


def test_secrets_are_never_echoed_in_errors(demo) -> None:
    tenant(demo, "helsinki-parking")["users"][0]["password"] = "hunter2"
    tenant(demo, "helsinki-parking")["api_keys"][0]["key"] = "ek_short"
    tenant(demo, "helsinki-parking")["webhook_tokens"] = [12345678901234567890]
    problems = _problems(demo)
    assert len(problems) == 3
    assert not any("hunter2" in p or "ek_short" in p or "12345678901234567890" in p for p in problems)
    assert problems[0] == "tenants[1] (helsinki-parking) › webhook_tokens[0]: Input should be a valid string."


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("broken.json", '{"tenants": [', "is not valid JSON: Expecting value at line 1, column 14."),
        (
            "broken.yaml",
            "tenants: [\n  - slug: x\n",
            "is not valid JSON or YAML: expected the node content, but found '-' at line 2, column 3.",
        ),
        ("list.yaml", "- a\n- b\n", 'holds one object with "super_admins" and "tenants"'),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name: str, text: str, expected: str) -> None:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    with pytest.raises(OnboardingError) as refused:
        read_onboarding_file(file)
    assert expected in refused.value.detail
