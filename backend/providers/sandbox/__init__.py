"""`parkflow provider-sandbox`: a real HTTP server that emulates parking providers (CONTRACT §6).

One port serves several provider *flavours* under path prefixes, each with its own auth, plus an
INRIX/ParkMe-style parking data API and an admin API for scripting faults. Everything lives in
memory; restart (or `POST /_sandbox/reset`) to start over.

URL layout on a server at ROOT (default http://127.0.0.1:9100):

| flavour    | auth                                | base_url                 | token_url                 |
|------------|-------------------------------------|--------------------------|---------------------------|
| passport   | OAuth2 client credentials -> Bearer | ROOT/passport/parking/v2 | ROOT/passport/oauth/token |
| paybyphone | `Authorization: Bearer <api_key>`   | ROOT/paybyphone/v1       |                           |
| easypark   | `X-Api-Key: <api_key>`              | ROOT/easypark/v1         |                           |
| data       | `X-Api-Key: <api_key>`              | ROOT/data/v1 (GET /lots) |                           |

Built-in demo connections (used when no config file is given; printed on start):

| connection      | credentials                                                            |
|-----------------|------------------------------------------------------------------------|
| passport-demo   | client_id `passport-demo`, client_secret `pp_demo_secret_0123456789`; tokens live 300 s |
| paybyphone-demo | api_key `pbp_demo_key_0123456789`                                      |
| easypark-demo   | api_key `ep_demo_key_0123456789`                                       |
| data-demo       | api_key `data_demo_key_0123456789`                                     |

Every connection accepts any zone unless its config lists `zones`. Sessions belong to the
connection that created them: another connection's session id is a 404.

Provider API under each base_url (times are UTC ISO 8601 with Z, `duration` in minutes):
`POST /sessions` -> 201, `GET /sessions/{id}`, `POST /sessions/{id}/stop`,
`POST /sessions/{id}/extend`, `GET /rights?license_plate=`; errors are `{"detail", "code"}`
(401 invalid_token/invalid_api_key/missing_credentials, 404 session_not_found, 409 already_parked or
session_not_active, 422 validation_error/invalid_plate/unknown_zone). The token endpoint takes the
client credentials as a form or JSON body or HTTP Basic and answers OAuth2 errors
(`{"error", "error_description"}`, 401 invalid_client).

Admin API (no auth; loopback only): `POST/GET/DELETE /_sandbox/faults` (see `faults.py`),
`DELETE /_sandbox/faults/{id}`, `GET /_sandbox/sessions`, `POST /_sandbox/reset`,
`GET/DELETE /_sandbox/stats`, `GET/POST /_sandbox/clock`, `GET /_sandbox/connections`.
"""

from backend.providers.sandbox.app import create_sandbox_app
from backend.providers.sandbox.config import ConnectionConfig, SandboxConfig, SandboxConfigError, load_config
from backend.providers.sandbox.faults import FaultSpec
from backend.providers.sandbox.server import SandboxServer, run_sandbox

__all__ = [
    "ConnectionConfig",
    "FaultSpec",
    "SandboxConfig",
    "SandboxConfigError",
    "SandboxServer",
    "create_sandbox_app",
    "load_config",
    "run_sandbox",
]
