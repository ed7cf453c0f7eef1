"""Types used across the contract."""

from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _require_offset(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            "timestamp has no UTC offset; send ISO 8601 with an offset, e.g. 2026-03-30T14:23:00Z"
        )
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before the first representable UTC moment
        raise ValueError("timestamp is out of range; send a date from year 1 to 9999 in UTC") from None


AwareDatetime = Annotated[datetime, AfterValidator(_require_offset)]
"""A timestamp that must carry an offset; converted to UTC. Naive input is a 422 naming the field."""


def _check_email(value: str) -> str:
    # Syntax only (no DNS at validation time); reserved test domains such as `example.test`
    # (CONTRACT §3's own example) are accepted. The domain is lower-cased, the local part kept.
    try:
        result = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(f"'{value}' is not a valid e-mail address: {exc}") from None
    return result.normalized.rsplit("@", 1)[0] + "@" + result.ascii_domain.lower()


EmailAddress = Annotated[
    str, Field(max_length=254, examples=["ops@example.test"]), AfterValidator(_check_email)
]
"""An e-mail address, syntax-checked; reserved test domains allowed."""

T = TypeVar("T")

Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
Amount = Annotated[int, Field(ge=0, description="Money in minor units (1250 = 12.50)")]


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorBody(BaseModel):
    detail: str = Field(examples=["The facility 'kamppi-p9' does not exist."])
    code: str = Field(examples=["not_found"])


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
