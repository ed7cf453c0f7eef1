"""Payment gateways by name, built once at start-up and injected with the `Gateways` dependency."""

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends

from backend.kit.services import AppServices, Services
from backend.payments.gateways.base import PaymentGateway, PaymentGatewayUnavailableError
from backend.payments.gateways.sandbox import SandboxGateway

EXTRAS_KEY = "gateways"


class GatewayRegistry:
    """name -> gateway, plus the `default` one new payment methods are saved with.

    A payment method remembers its gateway's name, so switching the default to a real processor
    leaves existing sandbox methods working until they are replaced.
    """

    def __init__(self, gateways: Iterable[PaymentGateway] = (), default: str | None = None) -> None:
        self._gateways: dict[str, PaymentGateway] = {}
        self._default: str | None = None
        for gateway in gateways:
            self.register(gateway)
        if default is not None:
            self.set_default(default)

    def register(self, gateway: PaymentGateway, *, default: bool = False) -> None:
        self._gateways[gateway.name] = gateway
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
    """The gateways this deployment uses. Only the sandbox exists so far; a Stripe gateway would be
    registered here (as the default) when its keys are configured."""
    return GatewayRegistry([SandboxGateway()], default=SandboxGateway.name)


def get_gateways(services: Services) -> GatewayRegistry:
    return services.extras[EXTRAS_KEY]


Gateways = Annotated[GatewayRegistry, Depends(get_gateways)]
"""The app's payment gateways; tests swap them with `app.dependency_overrides[get_gateways]`."""
