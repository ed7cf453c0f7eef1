"""Every tortoise model; one module per aggregate."""

from backend.models.audit import AuditEntry
from backend.models.billing import EnforcementCheck, ParkingPass, ParkingSession, Payment
from backend.models.drivers import Driver, PaymentMethod, RefreshToken, Vehicle
from backend.models.facilities import Facility, PassProduct
from backend.models.identities import ApiKey, OperatorUser, WebhookToken
from backend.models.invoices import Invoice
from backend.models.jobs import DriverEvent, Job, OutboundEmail
from backend.models.payments import SandboxCharge
from backend.models.providers import ProviderConnection
from backend.models.quotes import Quote
from backend.models.stays import Stay, StayEvent
from backend.models.support import Ticket, TicketMessage
from backend.models.tenants import Tenant, TenantCounter

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Driver",
    "DriverEvent",
    "EnforcementCheck",
    "Facility",
    "Invoice",
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
    "TenantCounter",
    "Ticket",
    "TicketMessage",
    "Vehicle",
    "WebhookToken",
]
