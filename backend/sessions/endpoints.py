"""`POST /api/v1/quotes`, `POST /api/v1/sessions`, `POST /api/v1/sessions/{id}/extend|stop`.

Reading sessions (`GET /api/v1/sessions`, `GET /api/v1/sessions/{id}`) is `backend.stays.endpoints`:
one list of the driver's parking. The paths here never clash with those (other methods or paths).
"""

from typing import Annotated

from fastapi import APIRouter, Header, status

from backend.auth.dependencies import CurrentDriver
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.providers.registry import Providers
from backend.sessions import extend, quotes, start, stop
from shared.schemas.sessions import QuoteOut, QuoteRequest, SessionExtend, SessionOut, SessionStart

quotes_router = APIRouter(prefix="/api/v1/quotes", tags=["sessions"], responses=errors(401))
router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"], responses=errors(401))

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Makes retries safe: the same key and body answer the first result, and nothing is "
        "charged or started twice. Optional: without it every request is a new attempt.",
        examples=["7f3c9a2e-start-1"],
    ),
]


@quotes_router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=QuoteOut, responses=errors(404, 422)
)
async def create_quote(body: QuoteRequest, driver: CurrentDriver, services: Services) -> QuoteOut:
    """Price a prepaid session: the facility's tariff for `duration_minutes` (in the facility's
    timezone, daily cap included) and the operator's service fee as a separate line. The quote holds
    its price until `expires_at` (a few minutes); pay it with `POST /sessions`. A duration beyond the
    facility's maximum stay is a 422 `max_stay_exceeded`; an unknown facility a 404."""
    return await quotes.create_quote(services.settings, driver, body)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses=errors(402, 404, 409, 422, 502, 503),
)
async def start_session(
    body: SessionStart,
    driver: CurrentDriver,
    services: Services,
    providers: Providers,
    idempotency_key: IdempotencyKey = None,
) -> SessionOut:
    """Pay a quote and start the session, here or at the facility's parking provider.

    The payment is authorized first and captured only once the provider confirms the session; when
    the provider refuses or fails, the authorization is voided and you are not charged:

    * 402 `payment_declined` / `insufficient_funds`: the card was refused; no session.
    * 409 `already_parked`: the plate already has a session at this facility — extend it instead.
    * 409 `conflict`: the quote was already used; 422 `quote_expired`: ask for a new quote.
    * 422 `provider_rejected`: the provider refused (its reason is in `detail`).
    * 503 `provider_unavailable`: the provider did not answer; not started, not charged.

    The same `Idempotency-Key` and body answer the first result (the same session, or the same
    error); the same key with another body is a 409 `idempotency_conflict`.
    """
    return await start.start_session(services, providers, driver, body, idempotency_key)


@router.post(
    "/{session_id}/extend", response_model=SessionOut, responses=errors(402, 404, 409, 422, 502, 503)
)
async def extend_session(
    session_id: str,
    body: SessionExtend,
    driver: CurrentDriver,
    services: Services,
    providers: Providers,
    idempotency_key: IdempotencyKey = None,
) -> SessionOut:
    """Add `duration_minutes` to an active session. You pay the price of the whole new duration
    minus what the session cost so far (so the daily cap holds across extensions), with the service
    fee on the same basis; the facility's maximum stay counts the whole session (422
    `max_stay_exceeded`). A session that is not active is a 409 `session_not_active`; the provider
    refusing or failing voids the payment (409/422, 503)."""
    return await extend.extend_session(services, providers, driver, session_id, body, idempotency_key)


@router.post("/{session_id}/stop", response_model=SessionOut, responses=errors(404, 409, 503))
async def stop_session(
    session_id: str, driver: CurrentDriver, services: Services, providers: Providers
) -> SessionOut:
    """Stop an active session now. With the facility's `early_stop` = `refund_unused` you get back
    the whole increments you did not start (and the service fee on them: the fee of the time used
    is kept); with `no_refund`, nothing. `refunded_amount` says how much. Stopping a stopped session
    answers it again (nothing twice); an expired one is a 409 `session_not_active`; the provider not
    answering is a 503 and the session keeps running."""
    return await stop.stop_session(services, providers, driver, session_id)
