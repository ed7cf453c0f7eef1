"""Finding where to pay: a zone number typed from the sign, a scanned sign QR, or lots nearby."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from mobile.services.driver_api import DriverApi
from mobile.services.errors import ApiError
from mobile.services.location import Fix, Locator
from shared.schemas.facilities import FacilityDetail, FacilitySummary

ImageDecoder = Callable[[bytes], list[str]]
NEARBY_RADIUS_M = 2000


def ascii_digits(text: str) -> str:
    """'١٢٣٤' (an Arabic keyboard) -> '1234'; '' when anything is not a decimal digit."""
    digits = [unicodedata.decimal(ch, None) for ch in text]
    return "" if not digits or None in digits else "".join(str(d) for d in digits)


@ft.observable
@dataclass
class FinderState:
    """Candidates for what the driver typed or scanned, and the warning for a forged sign."""

    api: DriverApi
    locator: Locator
    decode_image: ImageDecoder
    zone: str = ""
    candidates: list[FacilitySummary] = field(default_factory=list)
    nearby: list[FacilitySummary] = field(default_factory=list)
    searched: bool = False
    loading: bool = False
    error: str | None = None
    qr_warning: str | None = None
    sign_notice: str | None = None  # a genuine sign printed before the zone number changed
    position: Fix | None = None
    app_url: str = ""

    async def resolve_link(self, route: str) -> FacilityDetail | None:
        """A sign's link opened in the app (`/s/<facility>?z=..&k=..&s=..`): verified by the backend like
        a scanned code, from the app's public address plus the route."""
        return await self.resolve_payload(f"{self.app_url}{route}")

    async def search_zone(self, zone: str) -> list[FacilitySummary]:
        """Every operator's facility with this zone number, nearest first when location is allowed."""
        zone = ascii_digits(zone.strip())
        self.zone, self.qr_warning = zone, None
        if not zone:
            self.error = "Type the zone number printed on the parking sign (digits only)."
            self.candidates, self.searched = [], False
            return []
        self.loading, self.error = True, None
        try:
            fix = self.position or await self.locator.current()
            self.position = fix
            found = await self.api.facilities_by_zone(
                zone, fix.lat if fix else None, fix.lon if fix else None
            )
            self.candidates = [f for f in found.items if f.source == "parkflow"]
        except ApiError as exc:
            self.error, self.candidates = exc.message, []
        finally:
            self.loading, self.searched = False, True
        return self.candidates

    async def resolve_payload(self, payload: str) -> FacilityDetail | None:
        """A scanned QR text: the facility when the platform signed it, else the phishing warning."""
        self.loading, self.error, self.qr_warning, self.sign_notice = True, None, None, None
        try:
            resolved = await self.api.resolve_qr(payload)
        except ApiError as exc:
            if exc.code == "qr_not_signed":
                self.qr_warning = exc.message
            else:
                self.error = exc.message
            return None
        finally:
            self.loading = False
        if resolved.sign_outdated:
            self.sign_notice = (
                f"This sign still shows zone {resolved.zone_number}; {resolved.facility.name} is zone "
                f"{resolved.facility.zone_number} now. The code is genuine: pay here as usual."
            )
        return resolved.facility

    async def resolve_image(self, image: bytes) -> FacilityDetail | None:
        """A photo or camera frame of a sign: decode the QR, then resolve it."""
        texts = self.decode_image(image)
        if not texts:
            self.qr_warning = None
            self.error = "No QR code found in that picture. Hold the camera closer, or type the zone number."
            return None
        return await self.resolve_payload(texts[0])

    async def load_nearby(self) -> None:
        self.loading, self.error = True, None
        try:
            fix = await self.locator.current()
            self.position = fix
            if fix is None:
                self.nearby = []
                self.error = "Allow location to see parking near you, or type the zone number."
                return
            found = await self.api.nearby(fix.lat, fix.lon, NEARBY_RADIUS_M)
            self.nearby = found.items
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    def clear(self) -> None:
        self.candidates, self.searched, self.error, self.qr_warning = [], False, None, None
