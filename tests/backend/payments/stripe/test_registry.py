"""Settings decide whether Stripe is registered and which processor new payment methods go to."""

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from backend.config import Settings
from backend.payments.gateways import GatewayRegistry, SandboxGateway
from backend.payments.gateways.registry import build_gateway_registry
from backend.payments.gateways.stripe import StripeGateway


def _registry(**settings) -> GatewayRegistry:
    return build_gateway_registry(SimpleNamespace(settings=Settings(_env_file=None, **settings)))


def test_without_a_stripe_key_only_the_sandbox_exists() -> None:
    registry = _registry()
    assert registry.names == ["sandbox"]
    assert registry.default.name == "sandbox"
    assert registry.for_new_token("pm_1VisaSaved").name == "sandbox"  # which then refuses it


def test_a_blank_key_is_no_key() -> None:
    assert _registry(stripe_secret_key="  ").names == ["sandbox"]


def test_a_stripe_key_registers_stripe_and_the_sandbox_stays_the_default() -> None:
    registry = _registry(stripe_secret_key="sk_test_abc")
    assert set(registry.names) == {"sandbox", "stripe"}
    assert isinstance(registry.get("stripe"), StripeGateway)
    assert registry.default.name == "sandbox"
    assert registry.for_new_token("pm_1VisaSaved").name == "stripe"
    assert registry.for_new_token("cus_A/pm_B").name == "stripe"
    assert registry.for_new_token("tok_visa").name == "sandbox"
    assert registry.for_new_token("something").name == "sandbox"


def test_stripe_as_the_default() -> None:
    registry = _registry(stripe_secret_key="sk_test_abc", payment_gateway="stripe")
    assert registry.default.name == "stripe"
    assert registry.for_new_token("something").name == "stripe"
    assert registry.for_new_token("tok_visa").name == "sandbox"  # still there for demos and tests
    assert isinstance(registry.get("sandbox"), SandboxGateway)  # methods saved with it keep working


def test_in_production_with_stripe_new_sandbox_tokens_go_to_stripe() -> None:
    registry = _registry(stripe_secret_key="sk_live_abc", payment_gateway="stripe", environment="production")
    assert registry.for_new_token("tok_visa").name == "stripe"  # which refuses it: no free parking
    assert "sandbox" in registry


def test_choosing_stripe_without_a_key_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="PARKFLOW_STRIPE_SECRET_KEY"):
        Settings(_env_file=None, payment_gateway="stripe")
    with pytest.raises(ValidationError):
        Settings(_env_file=None, payment_gateway="adyen")


def test_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PARKFLOW_STRIPE_SECRET_KEY", "sk_test_env")
    monkeypatch.setenv("PARKFLOW_STRIPE_API_BASE", "http://127.0.0.1:12111")
    monkeypatch.setenv("PARKFLOW_PAYMENT_GATEWAY", "stripe")
    settings = Settings(_env_file=None)
    assert settings.stripe_secret_key.get_secret_value() == "sk_test_env"
    assert "sk_test_env" not in repr(settings)
    assert settings.stripe_api_base == "http://127.0.0.1:12111"
    assert settings.payment_gateway == "stripe"
