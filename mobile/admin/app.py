"""The operator admin view's root: one API client and session per browser tab, the routes, the frame."""

from collections.abc import Callable

import flet as ft

from mobile.admin.context import AdminContext, AdminStates, use_admin
from mobile.admin.state.session import AdminSession, Section
from mobile.admin.views.audit import Audit
from mobile.admin.views.credentials import Credentials
from mobile.admin.views.customers import Customers
from mobile.admin.views.dashboard import Dashboard
from mobile.admin.views.facilities import Facilities
from mobile.admin.views.invoices import Invoices
from mobile.admin.views.login import Login
from mobile.admin.views.passes import Passes
from mobile.admin.views.plate_check import PlateCheck
from mobile.admin.views.sessions import Sessions
from mobile.admin.views.shell import Shell
from mobile.admin.views.support import Support
from mobile.admin.views.tenants import TenantPicker
from mobile.admin.views.users import Users
from mobile.config import AppConfig
from mobile.services.admin_api import HttpAdminApi
from mobile.services.http import HttpTransport
from mobile.services.tokens import MemoryTokenStore


def http_api(config: AppConfig) -> HttpAdminApi:
    # Operator sessions last for the visit: a shared office laptop should not keep anyone signed in.
    return HttpAdminApi(HttpTransport(config.api_url, MemoryTokenStore()))


@ft.component
def Home() -> ft.Control:
    """The first screen a role sees: the operator list for super admins, else the role's first section."""
    session = use_admin().session
    if session.is_super_admin and not session.acting:
        return TenantPicker()
    sections = session.sections
    first = sections[0] if sections else None
    screen = SCREENS.get(first) if first else None
    return screen() if screen else ft.Text("Nothing to show for this role.")


SCREENS: dict[Section, Callable[[], ft.Control]] = {
    Section.credentials: Credentials,
    Section.support: Support,
    Section.customers: Customers,
    Section.sessions: Sessions,
    Section.invoices: Invoices,
    Section.dashboard: Dashboard,
    Section.passes: Passes,
    Section.plate_check: PlateCheck,
    Section.facilities: Facilities,
    Section.users: Users,
    Section.audit: Audit,
}


def _routes() -> list[ft.Route]:
    children = [ft.Route(index=True, component=Home), ft.Route(path="operators", component=TenantPicker)]
    children += [ft.Route(path=section.value, component=screen) for section, screen in SCREENS.items()]
    return [ft.Route(component=Shell, outlet=True, children=children)]


@ft.component
def AdminApp(make_api: Callable[[], HttpAdminApi]) -> ft.View | list[ft.View]:
    states, _ = ft.use_state(lambda: _states(make_api()))
    ft.use_state(states.session)
    return AdminContext(states, lambda: Gate())


def _states(api: HttpAdminApi) -> AdminStates:
    session = AdminSession(api)
    api.transport.on_signed_out = session.expired
    return AdminStates(api=api, session=session)


@ft.component
def Gate() -> ft.View | list[ft.View]:
    session = use_admin().session
    if not session.signed_in:
        return Login(route="/")
    return ft.Router(_routes(), manage_views=True)


def run_admin_app(page: ft.Page, make_api: Callable[[], HttpAdminApi]) -> None:
    page.title = "Parkflow for operators"
    page.theme = ft.Theme(color_scheme_seed=ft.Colors.INDIGO)
    page.render_views(lambda: AdminApp(make_api))


def main(page: ft.Page) -> None:
    """Entry point for `flet run mobile/admin_main.py` (desktop) and the web server."""
    config = AppConfig.from_env()
    run_admin_app(page, lambda: http_api(config))
