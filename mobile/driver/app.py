"""The driver app's root: services and state for one app session, routes, and the event listener."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from mobile.config import AppConfig
from mobile.driver.context import DriverStates, StatesContext
from mobile.driver.state.account import AccountState
from mobile.driver.state.auth import AuthState
from mobile.driver.state.checkout import CheckoutState
from mobile.driver.state.finder import FinderState, ImageDecoder
from mobile.driver.state.garage import GarageState
from mobile.driver.state.geofence import GeofenceState, GeofenceTuning
from mobile.driver.state.inbox import InboxState
from mobile.driver.state.parking import ParkingState
from mobile.driver.state.passes import PassesState
from mobile.driver.state.support import SupportState
from mobile.driver.views.account import History, Settings
from mobile.driver.views.checkout import Checkout
from mobile.driver.views.garage import Garage
from mobile.driver.views.home import Home
from mobile.driver.views.passes import BuyPass, Passes
from mobile.driver.views.scan import Scan, SignLink
from mobile.driver.views.session import SessionScreen
from mobile.driver.views.support import Help, NewTicket, TicketChat
from mobile.driver.views.welcome import Welcome
from mobile.services.driver_api import DriverApi, HttpDriverApi
from mobile.services.events import EventSource, HttpEventSource
from mobile.services.http import HttpTransport
from mobile.services.location import GeolocatorLocator, Locator, NoLocator
from mobile.services.tokens import MemoryTokenStore, SecureTokenStore, TokenStore

log = logging.getLogger(__name__)


@dataclass
class DriverServices:
    """The I/O one app session uses; tests build it with fakes."""

    api: DriverApi
    events: EventSource
    locator: Locator
    decode_image: ImageDecoder
    app_url: str = ""
    geofence: GeofenceTuning = field(default_factory=GeofenceTuning)


def decode_qr(image: bytes) -> list[str]:
    from mobile.services.qr_decode import NoQrDecoderError, UnreadableImageError, decode_qr

    try:
        return decode_qr(image)
    except (UnreadableImageError, NoQrDecoderError):  # the driver is told to type the zone instead
        return []


def _token_store() -> TokenStore:
    try:
        import flet_secure_storage as fss

        return SecureTokenStore(fss.SecureStorage())
    except Exception:  # the plugin is optional: sign-ins then last for the visit
        return MemoryTokenStore()


def _locator() -> Locator:
    try:
        import flet_geolocator as ftg

        return GeolocatorLocator(ftg.Geolocator())
    except Exception:
        return NoLocator()


def http_services(config: AppConfig) -> DriverServices:
    transport = HttpTransport(config.api_url, _token_store())
    tuning = GeofenceTuning(
        entry_dwell_s=config.geofence_entry_dwell_s,
        exit_dwell_s=config.geofence_exit_dwell_s,
        near_interval_s=config.geofence_near_interval_s,
    )
    return DriverServices(
        HttpDriverApi(transport),
        HttpEventSource(transport),
        _locator(),
        decode_qr,
        config.public_app_url,
        tuning,
    )


def build_states(services: DriverServices) -> DriverStates:
    api = services.api
    parking = ParkingState(api)
    support = SupportState(api)
    return DriverStates(
        api=api,
        auth=AuthState(api),
        garage=GarageState(api),
        finder=FinderState(api, services.locator, services.decode_image, app_url=services.app_url),
        checkout=CheckoutState(api),
        parking=parking,
        inbox=InboxState(services.events, on_change=parking.refresh, on_ticket=support.refresh),
        passes=PassesState(api),
        account=AccountState(api),
        geofence=GeofenceState(api, services.locator, services.geofence),
        support=support,
    )


ROUTES = [
    ft.Route(index=True, component=Home),
    ft.Route(path="pay/:slug", component=Checkout),
    ft.Route(path="session/:session_id", component=SessionScreen),
    ft.Route(path="scan", component=Scan),
    ft.Route(path="s/:slug", component=SignLink),
    ft.Route(path="garage", component=Garage),
    ft.Route(path="passes", component=Passes),
    ft.Route(path="history", component=History),
    ft.Route(path="settings", component=Settings),
    ft.Route(path="pass/:slug/:product", component=BuyPass),
    ft.Route(path="help", component=Help),
    ft.Route(path="help/new", component=NewTicket),
    ft.Route(path="help/:ticket_id", component=TicketChat),
]


@ft.component
def DriverApp(make_services: Callable[[], DriverServices]) -> list[ft.View] | ft.View:
    states, _ = ft.use_state(lambda: build_states(make_services()))
    ft.use_state(states.auth)  # re-render (and re-run the sign-in effect) when the sign-in changes
    listener = ft.use_ref(None)
    auth = states.auth

    async def start() -> None:
        await auth.start()

    ft.use_effect(start, [])

    async def on_sign_in_change() -> None:
        if listener.current is not None:
            listener.current.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener.current
            listener.current = None
        if not auth.signed_in:
            await states.geofence.disable()
        if auth.signed_in:
            await asyncio.gather(states.garage.load(), states.parking.refresh())
            listener.current = asyncio.create_task(states.inbox.listen())

    ft.use_effect(on_sign_in_change, [auth.status])

    return StatesContext(states, lambda: Gate())


@ft.component
def Gate() -> list[ft.View] | ft.View:
    """The welcome screen until signed in, then the routes."""
    from mobile.driver.context import use_states

    auth = use_states().auth
    if auth.signed_in:
        return ft.Router(ROUTES, manage_views=True)
    if auth.status == "checking":
        return ft.View(route="/", controls=[ft.ProgressRing()])
    return Welcome(route="/")


def run_driver_app(page: ft.Page, make_services: Callable[[], DriverServices]) -> None:
    page.title = "Parkflow"
    page.theme = ft.Theme(color_scheme_seed=ft.Colors.INDIGO)
    page.render_views(lambda: DriverApp(make_services))


def main(page: ft.Page) -> None:
    """Entry point for `flet run` / `flet build` and the web server: the backend from PARKFLOW_API_URL."""
    config = AppConfig.from_env()
    run_driver_app(page, lambda: http_services(config))
