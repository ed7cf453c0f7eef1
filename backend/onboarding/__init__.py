"""Onboarding: `parkflow load FILE` (CONTRACT §3) reads operators, their people, keys and facilities
from one JSON or YAML file into the database, all or nothing, idempotently."""

from backend.onboarding.loader import LoaderServices, load_onboarding
from backend.onboarding.parse import parse_onboarding, read_onboarding_file
from backend.onboarding.problems import OnboardingError
from backend.onboarding.report import GeneratedSecret, LoadReport

__all__ = [
    "GeneratedSecret",
    "LoadReport",
    "LoaderServices",
    "OnboardingError",
    "load_onboarding",
    "parse_onboarding",
    "read_onboarding_file",
]
