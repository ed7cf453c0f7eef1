"""Is an entry or exit reported by a phone believable? Checks on the facility, the time and the fix.

A phone is not a camera: its clock may be wrong, its position is an estimate with a stated
accuracy, and anyone can send anything. An event is refused (nothing changes) unless

* the facility detects entry and exit by geofence (cameras and pay-by-zone lots are not the phone's
  to report) and has an outline to check against;
* `occurred_at` is at most `geofence_max_clock_skew_seconds` ahead of our clock and at most
  `geofence_max_event_age_minutes` old, so a stay's times come from reports made while it happened;
* the fix's accuracy is `geofence_max_accuracy_m` or better;
* an entry's fix lies inside the outline, or no farther outside it than its accuracy plus
  `geofence_position_margin_m`: the car may be anywhere in the phone's circle of uncertainty;
* an exit's fix is no farther from the outline than its accuracy plus `geofence_exit_radius_m`: the
  phone knows it has left only after it has been clearly outside for a while, and the first fix after
  a gap (an underground ramp, a tunnel, the app in the background) may already be down the road. A
  report from farther away is not about leaving this lot.
The distance is measured in metres (`shared.geo`), never in degrees.
"""

from datetime import datetime, timedelta

from shapely.geometry import shape

from backend.config import Settings
from backend.models import Facility
from shared.errors import ErrorCode, ParkflowError
from shared.geo import distance_to_geometry_m
from shared.schemas.geofence import GeofenceEvent, GeofenceEventKind


def check_facility(facility: Facility) -> None:
    """409 `not_a_geofence_facility` unless the phone is the one to report entry and exit here."""
    if facility.detection == "anpr":
        raise ParkflowError(
            f"{facility.name} has cameras at its entrances: entry and exit are recorded from the number "
            "plate, so the app does not report them.",
            ErrorCode.not_a_geofence_facility,
        )
    if facility.detection != "geofence":
        raise ParkflowError(
            f"{facility.name} is paid by zone: start a parking session for zone {facility.zone_number} "
            "in the app instead; entry and exit are not detected there.",
            ErrorCode.not_a_geofence_facility,
        )
    if not facility.geometry:
        raise ParkflowError(
            f"{facility.name} has no outline on the map yet, so entry and exit cannot be checked; start "
            f"a parking session for zone {facility.zone_number} in the app instead.",
            ErrorCode.not_a_geofence_facility,
        )


def check_time(settings: Settings, event: GeofenceEvent, now: datetime) -> None:
    """422 `event_in_future` or `event_too_old` unless `occurred_at` is about now."""
    ahead = event.occurred_at - now
    if ahead > timedelta(seconds=settings.geofence_max_clock_skew_seconds):
        raise ParkflowError(
            f"'occurred_at' is {_duration(ahead)} ahead of the current time; check the phone's date, "
            "time and time zone settings.",
            ErrorCode.event_in_future,
        )
    age = now - event.occurred_at
    limit = timedelta(minutes=settings.geofence_max_event_age_minutes)
    if age > limit:
        raise ParkflowError(
            f"This {event.event.value} happened {_duration(age)} ago; the app must report entering and "
            f"leaving within {_duration(limit)}, so it was not recorded.",
            ErrorCode.event_too_old,
        )


def check_fix(settings: Settings, facility: Facility, event: GeofenceEvent) -> None:
    """422 `position_inaccurate` or `position_outside_facility` unless the fix can be at the lot."""
    limit = settings.geofence_max_accuracy_m
    if event.accuracy_m > limit:
        raise ParkflowError(
            f"The position is accurate to {event.accuracy_m:.0f} m only; at most {limit:.0f} m is "
            "accepted. Wait for a better GPS fix (outdoors, with precise location allowed).",
            ErrorCode.position_inaccurate,
        )
    outside_m = distance_to_geometry_m(event.lon, event.lat, shape(facility.geometry))
    if event.event is GeofenceEventKind.exit:
        if outside_m > event.accuracy_m + settings.geofence_exit_radius_m:
            raise ParkflowError(
                f"The position is {outside_m:.0f} m from {facility.name} (accurate to "
                f"{event.accuracy_m:.0f} m); leaving is recorded only within "
                f"{settings.geofence_exit_radius_m:.0f} m of the lot.",
                ErrorCode.position_outside_facility,
            )
        return
    if outside_m > event.accuracy_m + settings.geofence_position_margin_m:
        raise ParkflowError(
            f"The position is {outside_m:.0f} m outside {facility.name} (accurate to "
            f"{event.accuracy_m:.0f} m); entering counts only at the lot itself.",
            ErrorCode.position_outside_facility,
        )


def _duration(delta: timedelta) -> str:
    seconds = round(delta.total_seconds())
    if seconds < 120:
        return _count(seconds, "second")
    minutes = round(seconds / 60)
    if minutes < 120:
        return _count(minutes, "minute")
    return _count(round(minutes / 60), "hour")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
