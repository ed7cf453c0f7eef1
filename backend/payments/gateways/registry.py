"""Payment gateways by name, built once at start-up and injected with the `Gateways` dependency."""

import logging
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends

from backend.kit.services import AppServices, Services
from backend.payments.gateways.base import PaymentGateway, PaymentGatewayUnavailableError
from backend.payments.gateways.sandbox import SandboxGateway

EXTRAS_KEY = "gateways"
SANDBOX_TOKEN_PREFIXES = ("tok_",)

logger = logging.getLogger("backend.payments")


class GatewayRegistry:
    """name -> gateway, plus the `default` one new payment methods are saved with.

    A payment method remembers its gateway's name, so switching the default to a real processor
    leaves existing sandbox methods working until they are replaced.
    """

    def __init__(self, gateways: Iterable[PaymentGateway] = (), default: str | None = None) -> None:
        self._gateways: dict[str, PaymentGateway] = {}
        self._default: str | None = None
        self._token_prefixes: dict[str, tuple[str, ...]] = {}
        for gateway in gateways:
            self.register(gateway)
        if default is not None:
            self.set_default(default)

    def register(
        self, gateway: PaymentGateway, *, default: bool = False, token_prefixes: tuple[str, ...] = ()
    ) -> None:
        """`token_prefixes`: new tokens starting like this are saved with this gateway whatever the
        default is (`pm_` is Stripe's, `tok_` the sandbox's)."""
        self._gateways[gateway.name] = gateway
        self._token_prefixes[gateway.name] = token_prefixes
        if default or self._default is None:
            self._default = gateway.name

    def set_default(self, name: str) -> None:
        self.get(name)
        self._default = name

    def get(self, name: str) -> PaymentGateway:
        gateway = self._gateways.get(name)
        if gateway is None:
            raise PaymentGatewayUnavailableError(
                f"The payment processor '{name}' is not configured here; nothing was charged."
            )
        return gateway

    def for_new_token(self, token: str) -> PaymentGateway:
        """The gateway a payment method being saved belongs to: the one claiming the token's shape,
        else the default (whose `describe_token` then refuses what it does not know)."""
        for name, prefixes in self._token_prefixes.items():
            if prefixes and token.strip().startswith(prefixes):
                return self._gateways[name]
        return self.default

    @property
    def default(self) -> PaymentGateway:
        if self._default is None:
            raise PaymentGatewayUnavailableError("No payment processor is configured; nothing was charged.")
        return self._gateways[self._default]

    @property
    def names(self) -> list[str]:
        return list(self._gateways)

    def __contains__(self, name: object) -> bool:
        return name in self._gateways


def build_gateway_registry(services: AppServices) -> GatewayRegistry:
    """The gateways this deployment uses: always the sandbox (methods saved with it keep working),
    Stripe when PARKFLOW_STRIPE_SECRET_KEY is set; PARKFLOW_PAYMENT_GATEWAY picks the default.

    Sandbox tokens "pay" with nothing: in production, once a real processor is the default, new
    `tok_` methods are no longer routed to the sandbox (the real processor refuses them)."""
    settings = services.settings
    registry = GatewayRegistry()
    sandbox_open = settings.payment_gateway == SandboxGateway.name or settings.environment != "production"
    registry.register(SandboxGateway(), token_prefixes=SANDBOX_TOKEN_PREFIXES if sandbox_open else ())
    key = settings.stripe_secret_key.get_secret_value() if settings.stripe_secret_key else ""
    if key:
        # Imported only when configured: the SDK takes ~0.3 s to import.
        from backend.payments.gateways.stripe import TOKEN_PREFIXES, StripeGateway

        gateway = StripeGateway(
            key,
            api_base=settings.stripe_api_base,
            timeout_seconds=settings.stripe_timeout_seconds,
            max_network_retries=settings.stripe_max_network_retries,
        )
        registry.register(gateway, token_prefixes=TOKEN_PREFIXES)
        mode = "live" if "_live_" in key else "test"
        logger.info("Stripe payment gateway registered (%s mode)", mode)
    registry.set_default(settings.payment_gateway)
    return registry


def get_gateways(services: Services) -> GatewayRegistry:
    return services.extras[EXTRAS_KEY]


Gateways = Annotated[GatewayRegistry, Depends(get_gateways)]
"""The app's payment gateways; tests swap them with `app.dependency_overrides[get_gateways]`."""
