"""What every driver screen can reach: the state objects of this app session."""

from dataclasses import dataclass

import flet as ft

from mobile.components.handlers import act as act  # re-exported: the views import it from here
from mobile.driver.state.account import AccountState
from mobile.driver.state.auth import AuthState
from mobile.driver.state.checkout import CheckoutState
from mobile.driver.state.finder import FinderState
from mobile.driver.state.garage import GarageState
from mobile.driver.state.geofence import GeofenceState
from mobile.driver.state.inbox import InboxState
from mobile.driver.state.parking import ParkingState
from mobile.driver.state.passes import PassesState
from mobile.driver.state.support import SupportState
from mobile.services.driver_api import DriverApi


@dataclass
class DriverStates:
    """One per app session (one per browser tab in web mode)."""

    api: DriverApi
    auth: AuthState
    garage: GarageState
    finder: FinderState
    checkout: CheckoutState
    parking: ParkingState
    inbox: InboxState
    passes: PassesState
    account: AccountState
    geofence: GeofenceState
    support: SupportState


StatesContext = ft.create_context(None)


def use_states() -> DriverStates:
    """The session's states, with the calling component re-rendered whenever one of them changes.

    Flet subscribes a component to an observable held by its `use_state` (context values are not
    watched), so each state goes through one `use_state` here, in a fixed order.
    """
    states: DriverStates = ft.use_context(StatesContext)
    for observable in (
        states.auth,
        states.garage,
        states.finder,
        states.checkout,
        states.parking,
        states.inbox,
        states.passes,
        states.account,
        states.geofence,
        states.support,
    ):
        ft.use_state(observable)
    return states


async def go(route: str) -> None:
    await ft.context.page.push_route(route)
