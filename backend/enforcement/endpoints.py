"""`/api/enforcement/...` for officers' handhelds (CONTRACT §4), authenticated by `x-api-key`."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import APIKeyHeader

from backend.auth.dependencies import EnforcementKey
from backend.enforcement import service
from backend.kit.errors import AuthenticationError
from backend.kit.openapi import errors
from backend.kit.secrets import hash_secret
from backend.kit.services import AppServices
from shared.schemas.enforcement import EnforcementCheckResult, PaidPlates, QueryTimestamp

router = APIRouter(prefix="/api/enforcement", tags=["enforcement"], responses=errors(401, 404))

# The same `x-api-key` scheme as `EnforcementKey`; the check verifies the key inside its one query.
_api_key = APIKeyHeader(name="x-api-key", scheme_name="EnforcementKey", auto_error=False)


async def _key_hash(key: Annotated[str | None, Depends(_api_key)]) -> str:
    if not key or not key.strip():
        raise AuthenticationError("The enforcement API key is missing; send it as the x-api-key header.")
    return hash_secret(key.strip())


KeyHash = Annotated[str, Depends(_key_hash)]


async def _services(request: Request) -> AppServices:
    # Async on purpose: a plain `def` dependency runs in the thread pool, a hop the hot path avoids.
    return request.app.state.services


HotServices = Annotated[AppServices, Depends(_services)]


@router.get("/check/{plate}", response_model=EnforcementCheckResult, responses=errors(422))
async def check_plate(
    services: HotServices,
    key_hash: KeyHash,
    plate: Annotated[
        str, Path(max_length=100, description="As read from the car; case, spaces and '-' do not matter")
    ],
    facility: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="The facility's slug or name, case-insensitive (`Kamppi+P1` works)",
            examples=["kamppi-p1"],
        ),
    ],
    at: Annotated[
        QueryTimestamp | None,
        Query(
            description="The moment to judge (default now), with an offset: for disputes",
            examples=["2026-03-30T14:23:00Z"],
        ),
    ] = None,
) -> Response:
    """May this plate be parked here now (or at `at`)? The status is the first that holds:
    `pass_active` (a valid pass), `paid` (a prepaid session or a stay's free or paid time covers
    the moment, or ended within the facility's grace period), `parked_unpaid` (a stay past its free
    period and unpaid, or the last right ended more than the grace period but less than 12 hours
    ago), `not_found`. `shouldFine` is true only for `parked_unpaid`: `not_found` is no proof of
    non-payment. Every check is logged for disputes. A facility of another operator, or one the key
    is not limited to, is a 404; a plate that cannot be one is a 422 `invalid_plate`, an `at`
    without an offset a 422 `naive_timestamp`."""
    result = await service.check_plate(services, key_hash, plate, facility, at)
    # Serialized here, once: the model was validated when built (FastAPI would validate it again).
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/facility/{facility}/paid-plates", response_model=PaidPlates)
async def paid_plates(
    key: EnforcementKey,
    facility: Annotated[
        str,
        Path(
            max_length=200,
            description="The facility's slug or name, case-insensitive",
            examples=["kamppi-p1"],
        ),
    ],
) -> Response:
    """Every plate whose check would answer `paid` or `pass_active` right now (grace period
    included), sorted: for a handheld to work through a car park offline."""
    result = await service.list_paid_plates(key, facility)
    return Response(result.model_dump_json(), media_type="application/json")
