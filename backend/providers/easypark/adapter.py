"""`EasyParkProvider`: EasyPark parking sessions with an API key in `X-Api-Key`.

Covered here, against the sandbox's `easypark` flavour (CONTRACT §6): `X-Api-Key: <api key>`;
start, get, stop, extend and rights by plate, with the retry and reconciliation rules of
`common/adapter.py`. A 401 is a credentials problem at once (a static key cannot be renewed).

Where EasyPark's public developer documentation (developer.easyparkgroup.com) differs from the
sandbox — the places a production integration must change `EasyParkWire` / this adapter:

* The public Partner API manages parking users and cars on billing accounts; it authenticates with
  a JWT from a login endpoint (`Authorization: Bearer <JWT>`), not a static `X-Api-Key`. Starting
  and stopping sessions for a plate is not part of the public API: it is agreed per partnership,
  and the sandbox models it in the CONTRACT §6 shape.
* Parking transactions reach partners by webhook (retried hourly until accepted), with
  `parkingId` (an integer), `licenseNumber`, `startDate`/`endDate` (ISO 8601), `parkingAreaId`
  and prices as decimal numbers with VAT split out — not minor units. Our platform polls instead
  (CONTRACT §6: nothing is pushed back).
* Errors are `{timestamp, path, status, error, message, requestId}`; `WireFormat.error_detail`
  already reads `message`. Endpoints time out after 60 s on EasyPark's side.
* Plates are at most 10 upper-case letters and digits there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from backend.providers.common.adapter import AdapterContext, SessionApiProvider
from backend.providers.common.connection import check_auth, label, required, secret
from backend.providers.common.wire import WireFormat
from backend.providers.easypark.client import EasyParkClient

if TYPE_CHECKING:
    from backend.models import ProviderConnection


class EasyParkWire(WireFormat):
    """The sandbox's EasyPark flavour speaks CONTRACT §6 as is."""


class EasyParkProvider(SessionApiProvider):
    kind = "easypark"
    vendor = "EasyPark"
    wire = EasyParkWire()

    @classmethod
    def from_connection(cls, connection: ProviderConnection, context: AdapterContext) -> Self:
        check_auth(connection, "x-api-key")
        client = EasyParkClient(
            base_url=required(connection, "base_url"),
            http=context.shared.client,
            timeout=context.policy.timeout,
            label=label(connection),
            api_key=secret(connection, "api_key", context),
        )
        return cls(client, context.policy)
