"""Error codes of the public contract: clients switch on these, never on message text."""

from enum import StrEnum


class ErrorCode(StrEnum):
    validation_error = "validation_error"
    malformed_json = "malformed_json"
    naive_timestamp = "naive_timestamp"
    invalid_plate = "invalid_plate"
    invalid_geometry = "invalid_geometry"
    invalid_tariff = "invalid_tariff"
    max_stay_exceeded = "max_stay_exceeded"
    quote_expired = "quote_expired"
    not_authenticated = "not_authenticated"
    invalid_credentials = "invalid_credentials"
    invalid_token = "invalid_token"
    token_expired = "token_expired"
    forbidden = "forbidden"
    read_only_preview = "read_only_preview"
    not_found = "not_found"
    conflict = "conflict"
    email_taken = "email_taken"
    weak_password = "weak_password"
    duplicate_vehicle = "duplicate_vehicle"
    parking_in_progress = "parking_in_progress"
    rate_limited = "rate_limited"
    payment_declined = "payment_declined"
    insufficient_funds = "insufficient_funds"
    payment_failed = "payment_failed"
    unknown_payment_token = "unknown_payment_token"
    onboarding_invalid = "onboarding_invalid"
    method_not_allowed = "method_not_allowed"
    provider_unavailable = "provider_unavailable"
    provider_rejected = "provider_rejected"
    already_parked = "already_parked"
    session_not_active = "session_not_active"
    idempotency_conflict = "idempotency_conflict"
    qr_not_signed = "qr_not_signed"
    not_a_geofence_facility = "not_a_geofence_facility"
    position_outside_facility = "position_outside_facility"
    position_inaccurate = "position_inaccurate"
    event_in_future = "event_in_future"
    event_too_old = "event_too_old"
    plate_not_yours = "plate_not_yours"
    no_open_stay = "no_open_stay"
    internal_error = "internal_error"


class ParkflowError(Exception):
    """A domain error with a contract code; pure so shared code can raise it too."""

    code: ErrorCode = ErrorCode.validation_error

    def __init__(self, detail: str, code: ErrorCode | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
