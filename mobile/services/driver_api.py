"""The driver API (CONTRACT §5) as the app sees it: a Protocol the state classes depend on, and its
HTTP implementation speaking `shared.schemas`."""

import uuid
from typing import Any, Protocol

from mobile.services.http import HttpTransport
from shared.schemas.account import DriverProfile
from shared.schemas.auth import DriverOut
from shared.schemas.drivers import PaymentMethodList, PaymentMethodOut, VehicleList, VehicleOut
from shared.schemas.facilities import FacilityDetail, FacilityList
from shared.schemas.passes import PassList, PassOut
from shared.schemas.qr import QrResolution
from shared.schemas.receipts import ReceiptPage
from shared.schemas.sessions import QuoteOut, SessionOut
from shared.schemas.stays import ParkingItem, ParkingList
from shared.schemas.support import DriverTicket, DriverTicketList, TicketKind

V1 = "/api/v1"


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


class DriverApi(Protocol):
    """Everything the driver app asks of the backend. Every method raises `ApiError` on failure."""

    @property
    def signed_in(self) -> bool: ...

    async def restore(self) -> bool: ...
    async def register(self, email: str, password: str, name: str) -> None: ...
    async def sign_in(self, email: str, password: str) -> None: ...
    async def sign_out(self) -> None: ...
    async def me(self) -> DriverOut: ...

    async def vehicles(self) -> VehicleList: ...
    async def add_vehicle(self, license_plate: str) -> VehicleOut: ...
    async def delete_vehicle(self, vehicle_id: str) -> None: ...
    async def make_default_vehicle(self, vehicle_id: str) -> VehicleOut: ...
    async def make_default_card(self, payment_method_id: str) -> PaymentMethodOut: ...
    async def payment_methods(self) -> PaymentMethodList: ...
    async def add_payment_method(self, token: str) -> PaymentMethodOut: ...

    async def facilities_by_zone(
        self, zone_number: str, lat: float | None = None, lon: float | None = None
    ) -> FacilityList: ...
    async def nearby(self, lat: float, lon: float, radius_m: int = 1500) -> FacilityList: ...
    async def facility(self, slug: str) -> FacilityDetail: ...
    async def resolve_qr(self, payload: str) -> QrResolution: ...

    async def quote(self, facility: str, license_plate: str, duration_minutes: int) -> QuoteOut: ...
    async def start_session(
        self, quote_id: str, payment_method_id: str, idempotency_key: str
    ) -> SessionOut: ...
    async def session(self, session_id: str) -> SessionOut: ...
    async def extend_session(
        self, session_id: str, duration_minutes: int, idempotency_key: str
    ) -> SessionOut: ...
    async def stop_session(self, session_id: str) -> SessionOut: ...
    async def parking(self, active_only: bool = True) -> ParkingList: ...
    async def pay_stay(
        self, stay_id: str, payment_method_id: str | None, idempotency_key: str
    ) -> ParkingItem: ...

    async def passes(self) -> PassList: ...
    async def geofence_event(self, **event: Any) -> dict: ...

    async def profile(self) -> DriverProfile: ...
    async def update_profile(self, **changes: Any) -> DriverProfile: ...
    async def receipts(self, limit: int = 20, offset: int = 0) -> ReceiptPage: ...
    async def export_data(self) -> bytes: ...
    async def delete_account(self, password: str) -> None: ...
    async def buy_pass(
        self, facility: str, product: str, license_plate: str, payment_method_id: str, idempotency_key: str
    ) -> PassOut: ...

    async def tickets(self) -> DriverTicketList: ...
    async def ticket(self, ticket_id: str) -> DriverTicket: ...
    async def open_ticket(
        self,
        subject: str,
        body: str,
        kind: TicketKind = TicketKind.question,
        *,
        stay_id: str | None = None,
        session_id: str | None = None,
        facility: str | None = None,
    ) -> DriverTicket: ...
    async def reply_ticket(self, ticket_id: str, body: str) -> DriverTicket: ...


class HttpDriverApi:
    """`DriverApi` over HTTP, exactly as the packaged phone app reaches the backend."""

    def __init__(self, transport: HttpTransport) -> None:
        self.http = transport

    @property
    def signed_in(self) -> bool:
        return self.http.signed_in

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return (await self.http.request(method, V1 + path, **kwargs)).json()

    async def restore(self) -> bool:
        return await self.http.restore()

    async def register(self, email: str, password: str, name: str) -> None:
        body = {"email": email, "password": password, "name": name}
        await self.http.request("POST", f"{V1}/auth/register", json=body, auth=False)
        await self.sign_in(email, password)

    async def sign_in(self, email: str, password: str) -> None:
        response = await self.http.request(
            "POST", f"{V1}/auth/token", data={"username": email, "password": password}, auth=False
        )
        body = response.json()
        await self.http.set_tokens(body["access_token"], body.get("refresh_token"))

    async def sign_out(self) -> None:
        await self.http.forget_tokens()

    async def me(self) -> DriverOut:
        return DriverOut.model_validate(await self._json("GET", "/auth/me"))

    async def vehicles(self) -> VehicleList:
        return VehicleList.model_validate(await self._json("GET", "/me/vehicles"))

    async def add_vehicle(self, license_plate: str) -> VehicleOut:
        body = {"license_plate": license_plate}
        return VehicleOut.model_validate(await self._json("POST", "/me/vehicles", json=body))

    async def delete_vehicle(self, vehicle_id: str) -> None:
        await self.http.request("DELETE", f"{V1}/me/vehicles/{vehicle_id}")

    async def make_default_vehicle(self, vehicle_id: str) -> VehicleOut:
        return VehicleOut.model_validate(await self._json("POST", f"/me/vehicles/{vehicle_id}/default"))

    async def make_default_card(self, payment_method_id: str) -> PaymentMethodOut:
        path = f"/me/payment-methods/{payment_method_id}/default"
        return PaymentMethodOut.model_validate(await self._json("POST", path))

    async def payment_methods(self) -> PaymentMethodList:
        return PaymentMethodList.model_validate(await self._json("GET", "/me/payment-methods"))

    async def add_payment_method(self, token: str) -> PaymentMethodOut:
        body = {"token": token}
        return PaymentMethodOut.model_validate(await self._json("POST", "/me/payment-methods", json=body))

    async def facilities_by_zone(
        self, zone_number: str, lat: float | None = None, lon: float | None = None
    ) -> FacilityList:
        params = {"zone_number": zone_number, "lat": lat, "lon": lon}
        return FacilityList.model_validate(await self._json("GET", "/facilities", params=params))

    async def nearby(self, lat: float, lon: float, radius_m: int = 1500) -> FacilityList:
        params = {"lat": lat, "lon": lon, "radius_m": radius_m}
        return FacilityList.model_validate(await self._json("GET", "/facilities/nearby", params=params))

    async def facility(self, slug: str) -> FacilityDetail:
        return FacilityDetail.model_validate(await self._json("GET", f"/facilities/{slug}"))

    async def resolve_qr(self, payload: str) -> QrResolution:
        body = {"payload": payload}
        return QrResolution.model_validate(await self._json("POST", "/qr/resolve", json=body, auth=False))

    async def quote(self, facility: str, license_plate: str, duration_minutes: int) -> QuoteOut:
        body = {"facility": facility, "license_plate": license_plate, "duration_minutes": duration_minutes}
        return QuoteOut.model_validate(await self._json("POST", "/quotes", json=body))

    async def start_session(self, quote_id: str, payment_method_id: str, idempotency_key: str) -> SessionOut:
        body = {"quote_id": quote_id, "payment_method_id": payment_method_id}
        headers = {"Idempotency-Key": idempotency_key}
        return SessionOut.model_validate(await self._json("POST", "/sessions", json=body, headers=headers))

    async def session(self, session_id: str) -> SessionOut:
        return SessionOut.model_validate(await self._json("GET", f"/sessions/{session_id}"))

    async def extend_session(
        self, session_id: str, duration_minutes: int, idempotency_key: str
    ) -> SessionOut:
        body = {"duration_minutes": duration_minutes}
        headers = {"Idempotency-Key": idempotency_key}
        path = f"/sessions/{session_id}/extend"
        return SessionOut.model_validate(await self._json("POST", path, json=body, headers=headers))

    async def stop_session(self, session_id: str) -> SessionOut:
        return SessionOut.model_validate(await self._json("POST", f"/sessions/{session_id}/stop"))

    async def parking(self, active_only: bool = True) -> ParkingList:
        params = {"status": "active" if active_only else "all"}
        return ParkingList.model_validate(await self._json("GET", "/sessions", params=params))

    async def pay_stay(
        self, stay_id: str, payment_method_id: str | None, idempotency_key: str
    ) -> ParkingItem:
        body = {"payment_method_id": payment_method_id}
        headers = {"Idempotency-Key": idempotency_key}
        path = f"/sessions/{stay_id}/pay"
        return ParkingItem.model_validate(await self._json("POST", path, json=body, headers=headers))

    async def passes(self) -> PassList:
        return PassList.model_validate(await self._json("GET", "/passes"))

    async def buy_pass(
        self, facility: str, product: str, license_plate: str, payment_method_id: str, idempotency_key: str
    ) -> PassOut:
        body = {
            "facility": facility,
            "product": product,
            "license_plate": license_plate,
            "payment_method_id": payment_method_id,
        }
        headers = {"Idempotency-Key": idempotency_key}
        return PassOut.model_validate(await self._json("POST", "/passes", json=body, headers=headers))

    async def profile(self) -> DriverProfile:
        return DriverProfile.model_validate(await self._json("GET", "/me"))

    async def update_profile(self, **changes: Any) -> DriverProfile:
        return DriverProfile.model_validate(await self._json("PATCH", "/me", json=changes))

    async def receipts(self, limit: int = 20, offset: int = 0) -> ReceiptPage:
        params = {"limit": limit, "offset": offset}
        return ReceiptPage.model_validate(await self._json("GET", "/me/receipts", params=params))

    async def export_data(self) -> bytes:
        return (await self.http.request("GET", f"{V1}/me/export")).content

    async def delete_account(self, password: str) -> None:
        await self.http.request("DELETE", f"{V1}/me", json={"password": password})
        await self.http.forget_tokens()

    async def geofence_event(self, **event: Any) -> dict:
        body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in event.items()}
        return await self._json("POST", "/geofence/events", json=body)

    async def tickets(self) -> DriverTicketList:
        return DriverTicketList.model_validate(await self._json("GET", "/me/tickets"))

    async def ticket(self, ticket_id: str) -> DriverTicket:
        return DriverTicket.model_validate(await self._json("GET", f"/me/tickets/{ticket_id}"))

    async def open_ticket(
        self,
        subject: str,
        body: str,
        kind: TicketKind = TicketKind.question,
        *,
        stay_id: str | None = None,
        session_id: str | None = None,
        facility: str | None = None,
    ) -> DriverTicket:
        about = {"stay_id": stay_id, "session_id": session_id, "facility": facility}
        payload = {"subject": subject, "body": body, "kind": kind.value} | {
            k: v for k, v in about.items() if v
        }
        return DriverTicket.model_validate(await self._json("POST", "/me/tickets", json=payload))

    async def reply_ticket(self, ticket_id: str, body: str) -> DriverTicket:
        path = f"/me/tickets/{ticket_id}/messages"
        return DriverTicket.model_validate(await self._json("POST", path, json={"body": body}))
