"""Reading an onboarding file (JSON or YAML) into the contract model, with errors a person can act on.

Pydantic reports `('tenants', 0, 'facilities', 2, 'geometry')`; an operator needs
`tenants[0] (helsinki-parking) › facilities[2] (kamppi-p9) › geometry`, so each error location is
walked through the raw data to name the entries by their slug, e-mail or name.
"""

import difflib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from backend.onboarding.problems import SEP, OnboardingError, item
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.onboarding import (
    ApiKeyEntry,
    FacilityEntry,
    FacilityProviderRef,
    OnboardingFile,
    PassProductEntry,
    ProviderConnectionEntry,
    SuperAdminEntry,
    TenantEntry,
    UserEntry,
)
from shared.schemas.tariff import ServiceFee, Tariff, TariffSegment

# The model behind each key, to suggest the field a misspelt key was meant to be.
_MODEL_OF_KEY: dict[str, type[BaseModel]] = {
    "": OnboardingFile,
    "super_admins": SuperAdminEntry,
    "tenants": TenantEntry,
    "users": UserEntry,
    "api_keys": ApiKeyEntry,
    "providers": ProviderConnectionEntry,
    "facilities": FacilityEntry,
    "pass_products": PassProductEntry,
    "provider": FacilityProviderRef,
    "tariff": Tariff,
    "segments": TariffSegment,
    "service_fee": ServiceFee,
    "geometry": GeoJSONGeometry,
}
# Values never echoed back in an error message.
_SECRET_KEYS = {"password", "key", "client_secret", "api_key", "webhook_tokens"}
_FORMAT_HINTS = {
    "slug": "use lower-case letters, digits and hyphens, starting with a letter or digit (e.g. kamppi-p1)",
    "zone_number": "use letters, digits and hyphens only (e.g. 1234)",
    "currency": "use an ISO 4217 code in capitals (e.g. EUR)",
    "facilities": "facility slugs use lower-case letters, digits and hyphens (e.g. kamppi-p1)",
}
_UNION_HINTS = {
    "provider": 'use "native" (sessions live here) or {"connection": "<provider slug>", "zone_id": "<id>"}',
}
_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def read_onboarding_file(file: Path) -> OnboardingFile:
    """Read and validate a file; JSON or YAML by extension (`.json`, `.yaml`, `.yml`) or by content."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise OnboardingError(
            [], f"{file} is not a UTF-8 text file; save it as UTF-8 JSON or YAML."
        ) from None
    except OSError as exc:
        raise OnboardingError([], f"{file} cannot be read: {exc.strerror or exc}.") from None
    suffix = file.suffix.lower()
    if suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip().startswith("{")):
        raw = _parse_json(text, file)
    else:
        raw = _parse_yaml(text, file)
    return parse_onboarding(raw)


def parse_onboarding(raw: Any) -> OnboardingFile:
    """Validate already-decoded data; raises OnboardingError naming every bad entry."""
    if not isinstance(raw, dict):
        raise OnboardingError(
            [], 'An onboarding file holds one object with "super_admins" and "tenants" (CONTRACT §3).'
        )
    try:
        return OnboardingFile.model_validate(raw)
    except ValidationError as exc:
        raise OnboardingError(_describe_errors(raw, exc)) from None


def _parse_json(text: str, file: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise OnboardingError(
            [], f"{file} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def _parse_yaml(text: str, file: Path) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "it cannot be parsed"
        raise OnboardingError([], f"{file} is not valid JSON or YAML: {problem}{where}.") from None


def _describe_errors(raw: dict, exc: ValidationError) -> list[str]:
    problems: list[str] = []
    seen_unions: set[str] = set()
    for error in exc.errors(include_url=False):
        where, key, parent_key, union = _walk(raw, error["loc"])
        if union is not None:
            union_where, union_value = union
            # A value that fits no branch of a union gets one message, not one per branch. An
            # object is meant for the object branch: its own errors are kept, the others dropped.
            if isinstance(union_value, dict):
                if not isinstance(error["loc"][-1], str) or not _FIELD_NAME.match(error["loc"][-1]):
                    continue
            elif union_where in seen_unions:
                continue
            else:
                seen_unions.add(union_where)
                hint = _UNION_HINTS.get(key, "the value has the wrong shape")
                problems.append(f"{union_where}: {_shown(union_value, key)} is not allowed here; {hint}.")
                continue
        message = _message(error, key, parent_key)
        problems.append(f"{where}: {message}" if where else message)
    return problems


def _walk(raw: Any, loc: tuple) -> tuple[str, str, str, tuple[str, Any] | None]:
    """(readable path, last key, the key of the enclosing object, and the path and
    value where a union branch was entered, if one was)."""
    parts: list[str] = []
    keys = [""]
    node: Any = raw
    union: tuple[str, Any] | None = None
    for segment in loc:
        if isinstance(segment, int):
            node = node[segment] if isinstance(node, list) and 0 <= segment < len(node) else None
            name = parts.pop() if parts else ""
            parts.append(item(name, segment, _label(node)))
        elif not _FIELD_NAME.match(segment):
            # A union branch tag such as "literal['native']" or "FacilityProviderRef".
            union = union or (SEP.join(parts), node)
        else:
            keys.append(segment)
            node = node.get(segment) if isinstance(node, dict) else None
            parts.append(segment)
    parent_key = keys[-2] if len(keys) > 1 else ""
    return SEP.join(parts), keys[-1], parent_key, union


def _label(node: Any) -> str | None:
    if isinstance(node, dict):
        for field in ("slug", "email", "name"):
            value = node.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _shown(value: Any, key: str) -> str:
    if key in _SECRET_KEYS:
        return "the value"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: dict, key: str, parent_key: str) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "This field is required but missing."
    if kind == "extra_forbidden":
        return _unknown_field(key, parent_key)
    if kind == "string_pattern_mismatch":
        hint = (
            _FORMAT_HINTS.get(key) or _FORMAT_HINTS.get(parent_key) or "it does not have the expected format"
        )
        return _sentence(f"{_shown(value, key)} is not valid here: {hint}")
    if key in _SECRET_KEYS:
        return _sentence(str(error["msg"]))
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f'Expected text but got the number {value}; put it in quotes ("{value}").'
    if kind in ("value_error", "assertion_error"):
        return _sentence(str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, "))
    message = str(error["msg"])
    if kind.endswith(("_type", "_parsing", "literal_error", "enum")):
        message = f"{message}, got {_shown(value, key)}"
    return _sentence(message)


def _unknown_field(key: str, parent_key: str) -> str:
    model = _MODEL_OF_KEY.get(parent_key)
    if model is None:
        return f"Unknown field '{key}'; check the spelling (CONTRACT §3)."
    allowed = list(model.model_fields)
    close = [name for name in allowed if name.startswith(key) or key.startswith(name)]
    close = close if len(close) == 1 else difflib.get_close_matches(key, allowed, n=1)
    suggestion = f" Did you mean '{close[0]}'?" if close else ""
    return f"Unknown field '{key}'.{suggestion} Allowed here: {', '.join(allowed)}."


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
