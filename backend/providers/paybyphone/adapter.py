"""`PayByPhoneProvider`: PayByPhone parking sessions with an API key sent as a bearer token.

Covered here, against the sandbox's `paybyphone` flavour (CONTRACT §6): `Authorization: Bearer
<api key>`; start, get, stop, extend and rights by plate, with the retry and reconciliation rules
of `common/adapter.py`. A 401 is a credentials problem at once (a static key cannot be renewed).

Where PayByPhone's published Parking API (v2) differs from the sandbox — the places a production
integration must change `PayByPhoneWire` / this adapter:

* Sessions belong to a parking account: `/parking/accounts/{accountId}/sessions`, and every request
  carries `X-Pbp-Version: 2`. The bearer token is an OAuth token of that account, not a static key.
* Start and extend are asynchronous: `POST` (start) and `PUT .../sessions/{id}` (extend) answer
  `202 Accepted` with a `Location` of an event workflow; the outcome arrives as an event
  (`ParkingSessionCreated`, or `StartParkingFailed` with a `FailureReason` such as
  `VehicleAlreadyParked`) that must be polled. The sandbox answers 201/200 with the session.
* The start body names `locationId`, `stall`, `licensePlate`, `duration` as `{timeUnit, quantity}`,
  a `startTime` that must be within 3 minutes of now, a `ratePolicyId` (from
  `GET .../quote`, which also prices the session) and the card's `cvv`: PayByPhone charges the
  driver's card itself.
* Validation failures are 400s with named errors (`LocationNotFound`, `LicensePlateInvalidFormat`,
  ...) rather than 422s; the adapter already treats 400 and 422 alike as rejections.
* Current and historic sessions are listed per account (`?periodType=Current`), not per plate:
  that listing is the closest thing to `rights`. The v2 docs we read show no stop-early call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from backend.providers.common.adapter import AdapterContext, SessionApiProvider
from backend.providers.common.connection import check_auth, label, required, secret
from backend.providers.common.wire import WireFormat
from backend.providers.paybyphone.client import PayByPhoneClient

if TYPE_CHECKING:
    from backend.models import ProviderConnection


class PayByPhoneWire(WireFormat):
    """The sandbox's PayByPhone flavour speaks CONTRACT §6 as is."""


class PayByPhoneProvider(SessionApiProvider):
    kind = "paybyphone"
    vendor = "PayByPhone"
    wire = PayByPhoneWire()

    @classmethod
    def from_connection(cls, connection: ProviderConnection, context: AdapterContext) -> Self:
        check_auth(connection, "bearer")
        client = PayByPhoneClient(
            base_url=required(connection, "base_url"),
            http=context.shared.client,
            timeout=context.policy.timeout,
            label=label(connection),
            api_key=secret(connection, "api_key", context),
        )
        return cls(client, context.policy)
