"""Scanning a sign's QR code (CONTRACT §5 `POST /qr/resolve`)."""

from pydantic import Field

from shared.qr import MAX_PAYLOAD_CHARS
from shared.schemas.common import ContractModel
from shared.schemas.facilities import FacilityDetail


class QrResolveRequest(ContractModel):
    payload: str = Field(
        min_length=1,
        max_length=MAX_PAYLOAD_CHARS,
        description="The text the QR code holds, exactly as decoded",
        examples=["http://127.0.0.1:8550/driver/s/kamppi-p1?z=1234&k=k0&s=q7GJ6V0kx2n3bR8cLk0mZA"],
    )


class QrResolution(ContractModel):
    """The facility a genuine sign points to."""

    facility: FacilityDetail
    zone_number: str = Field(description="The zone number the sign was printed with", examples=["1234"])
    sign_outdated: bool = Field(
        description="True when the facility's zone number has changed since the sign was printed: "
        "`facility.zone_number` is the current one and the operator should reprint the sign",
        examples=[False],
    )
