"""Every domain's routers, in the order they appear in the API docs."""

from functools import partial

from backend.anpr.endpoints import router as anpr_router
from backend.audit.endpoints import router as admin_audit_router
from backend.auth.endpoints import admin_router as admin_auth_router
from backend.auth.endpoints import router as auth_router
from backend.customers.endpoints import router as admin_customers_router
from backend.drivers.endpoints import router as drivers_router
from backend.enforcement.endpoints import router as enforcement_router
from backend.facilities.admin_endpoints import router as admin_facilities_router
from backend.facilities.admin_endpoints import tariffs_router as admin_tariffs_router
from backend.facilities.endpoints import router as facilities_router
from backend.geofence.endpoints import router as geofence_router
from backend.identities.endpoints import router as admin_identities_router
from backend.invoices.endpoints import print_router as invoice_print_router
from backend.invoices.endpoints import router as admin_invoices_router
from backend.kit.services import AppServices
from backend.notifications.endpoints import router as notifications_router
from backend.notifications.setup import install_notifications
from backend.operations.endpoints import router as admin_operations_router
from backend.passes.endpoints import router as passes_router
from backend.payments.gateways.registry import EXTRAS_KEY as GATEWAYS_KEY
from backend.payments.gateways.registry import build_gateway_registry
from backend.privacy.endpoints import router as privacy_router
from backend.providers.setup import install_providers
from backend.qr.endpoints import admin_router as admin_qr_router
from backend.qr.endpoints import router as qr_router
from backend.records.endpoints import router as admin_records_router
from backend.sessions.endpoints import quotes_router
from backend.sessions.endpoints import router as sessions_router
from backend.sessions.jobs import install_sessions
from backend.stays.endpoints import router as stays_router
from backend.stays.settle import CHARGE_STAY_EXIT, charge_stay_exit, give_up_stay_exit
from backend.support.admin_endpoints import router as admin_support_router
from backend.support.endpoints import router as support_router
from backend.support.refunds import install_support
from backend.tenants.endpoints import router as admin_tenants_router

ROUTERS = [
    auth_router,
    admin_auth_router,
    drivers_router,
    facilities_router,
    qr_router,
    stays_router,
    quotes_router,
    sessions_router,
    anpr_router,
    geofence_router,
    admin_tenants_router,
    admin_identities_router,
    admin_facilities_router,
    admin_tariffs_router,
    admin_qr_router,
    admin_audit_router,
    admin_operations_router,
    admin_records_router,
    admin_invoices_router,
    invoice_print_router,
    admin_support_router,
    admin_customers_router,
    passes_router,
    enforcement_router,
    notifications_router,
    privacy_router,
    support_router,
]


async def on_startup(services: AppServices) -> None:
    """Domain start-up hooks (warm caches, register gateways)."""
    services.extras[GATEWAYS_KEY] = build_gateway_registry(services)
    install_providers(services)
    install_notifications(services)
    install_sessions(services)
    install_support(services)
    services.jobs.register(
        CHARGE_STAY_EXIT, partial(charge_stay_exit, services), on_give_up=give_up_stay_exit
    )
