"""Payment processors behind one Protocol (`base.PaymentGateway`), a registry and a sandbox."""

from backend.payments.gateways.base import (
    Authorization,
    CardDetails,
    Charge,
    ChargeNotFoundError,
    ChargeStateError,
    ChargeStatus,
    InsufficientFundsError,
    InvalidChargeAmountError,
    PaymentDeclinedError,
    PaymentGateway,
    PaymentGatewayUnavailableError,
    UnknownPaymentTokenError,
)
from backend.payments.gateways.registry import GatewayRegistry, Gateways, build_gateway_registry, get_gateways
from backend.payments.gateways.sandbox import SandboxGateway

__all__ = [
    "Authorization",
    "CardDetails",
    "Charge",
    "ChargeNotFoundError",
    "ChargeStateError",
    "ChargeStatus",
    "GatewayRegistry",
    "Gateways",
    "InsufficientFundsError",
    "InvalidChargeAmountError",
    "PaymentDeclinedError",
    "PaymentGateway",
    "PaymentGatewayUnavailableError",
    "SandboxGateway",
    "UnknownPaymentTokenError",
    "build_gateway_registry",
    "get_gateways",
]
