"""Licence plates compare by a normalised form (CONTRACT §1)."""

from shared.errors import ErrorCode, ParkflowError

MAX_PLATE_LENGTH = 20
_REMOVED = str.maketrans("", "", " -.·\t")


class InvalidPlateError(ParkflowError):
    code = ErrorCode.invalid_plate


def normalize_plate(raw: str) -> str:
    """Unicode upper-case with spaces, '-', '.' and '·' removed; letters like ÅÄÖ kept.

    Raises InvalidPlateError for an empty result or one over 20 characters.
    """
    normalized = raw.strip().upper().translate(_REMOVED)
    if not normalized:
        raise InvalidPlateError("The licence plate is empty; enter it as it is written on the car.")
    if len(normalized) > MAX_PLATE_LENGTH:
        raise InvalidPlateError(
            f"The licence plate '{raw.strip()}' is longer than {MAX_PLATE_LENGTH} characters."
        )
    if not all(ch.isalnum() for ch in normalized):
        raise InvalidPlateError(
            f"The licence plate '{raw.strip()}' may hold only letters and digits "
            "(spaces, '-', '.' and '·' are ignored)."
        )
    return normalized
