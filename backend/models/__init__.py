"""Every tortoise model; one module per aggregate."""

from backend.models.billing import EnforcementCheck, ParkingPass, ParkingSession, Payment
from backend.models.drivers import Driver, PaymentMethod, RefreshToken, Vehicle
from backend.models.facilities import Facility, PassProduct
from backend.models.identities import ApiKey, OperatorUser, WebhookToken
from backend.models.jobs import DriverEvent, Job, OutboundEmail
from backend.models.payments import SandboxCharge
from backend.models.providers import ProviderConnection
from backend.models.quotes import Quote
from backend.models.stays import Stay, StayEvent
from backend.models.tenants import Tenant

__all__ = [
    "ApiKey",
    "Driver",
    "DriverEvent",
    "EnforcementCheck",
    "Facility",
    "Job",
    "OperatorUser",
    "OutboundEmail",
    "ParkingPass",
    "ParkingSession",
    "PassProduct",
    "Payment",
    "PaymentMethod",
    "ProviderConnection",
    "Quote",
    "RefreshToken",
    "SandboxCharge",
    "Stay",
    "StayEvent",
    "Tenant",
    "Vehicle",
    "WebhookToken",
]
