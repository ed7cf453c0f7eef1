"""`PassportProvider`: Passport (Passport Labs) parking sessions over OAuth2 client credentials.

Covered here, against the sandbox's `passport` flavour (CONTRACT §6): client-credentials tokens
fetched once and reused until shortly before `expires_in` (Authlib), one renewal on a 401; start,
get, stop, extend and rights by plate, with the retry and reconciliation rules of
`common/adapter.py`.

Where Passport's documented partner API (developer.passportinc.com) differs from the sandbox —
the places a production integration must change `PassportWire` / this adapter:

* Starting is quote-first: look the zone and its rates up, `POST /quotes` for the duration, then
  `POST /sessions` with the `quote_id`, a `payment` object (a Passport payment token or a network
  token, depending on how payment is set up with Passport), a `location`, and `receipt_email`
  (required when Passport sends the receipts). The sandbox takes zone, plate and duration at once.
* Sessions are identified by `id` (plus a human `reference_id` and the `account_id`), carry
  `duration`, and times are RFC 3339 in UTC; the sandbox's `session_id` becomes `id`.
* Some on-street zones are space-based (`session_type` space vs vehicle) and need a space number.
* The token endpoint belongs to Passport's identity provider (a different host from the API);
  `token_url` is stored per connection for that reason.
* Session providers can also push `parking_session_started/extended/stopped` events to Passport,
  which is how a native operator's sessions could reach Passport-run enforcement.
* We found no public rights-by-plate lookup; a production `rights` would list the partner's
  recent sessions for the vehicle instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from backend.providers.common.adapter import AdapterContext, SessionApiProvider
from backend.providers.common.connection import check_auth, label, required, secret
from backend.providers.common.wire import WireFormat
from backend.providers.oauth import ClientCredentialsSession
from backend.providers.passport.client import PassportClient

if TYPE_CHECKING:
    from backend.models import ProviderConnection


class PassportWire(WireFormat):
    """The sandbox's Passport flavour speaks CONTRACT §6 as is."""


class PassportProvider(SessionApiProvider):
    kind = "passport"
    vendor = "Passport"
    wire = PassportWire()

    @classmethod
    def from_connection(cls, connection: ProviderConnection, context: AdapterContext) -> Self:
        check_auth(connection, "oauth2")
        oauth = ClientCredentialsSession(
            token_url=required(connection, "token_url"),
            client_id=required(connection, "client_id"),
            client_secret=secret(connection, "client_secret", context),
            transport=context.shared.borrowed_transport(),
            timeout=context.policy.timeout,
            leeway_max_seconds=context.token_leeway_seconds,
            vendor=cls.vendor,
            label=label(connection),
        )
        client = PassportClient(
            base_url=required(connection, "base_url"),
            http=context.shared.client,
            timeout=context.policy.timeout,
            label=label(connection),
            oauth=oauth,
        )
        return cls(client, context.policy)
