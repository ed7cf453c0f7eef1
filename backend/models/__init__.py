"""Every tortoise model; one module per aggregate."""

from backend.models.drivers import Driver, PaymentMethod, RefreshToken, Vehicle
from backend.models.facilities import Facility, PassProduct
from backend.models.identities import ApiKey, OperatorUser, WebhookToken
from backend.models.payments import SandboxCharge
from backend.models.providers import ProviderConnection
from backend.models.tenants import Tenant

__all__ = [
    "ApiKey",
    "Driver",
    "Facility",
    "OperatorUser",
    "PassProduct",
    "PaymentMethod",
    "ProviderConnection",
    "RefreshToken",
    "SandboxCharge",
    "Tenant",
    "Vehicle",
    "WebhookToken",
]
