"""`/api/v1/sessions`: the driver's parking, camera-detected stays and prepaid sessions together."""

from typing import Annotated

from fastapi import APIRouter, Body, Header, Query

from backend.auth.dependencies import CurrentDriver
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.stays import pay, service
from shared.schemas.stays import ListFilter, ParkingItem, ParkingList, StayPayment

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"], responses=errors(401))


@router.get("", response_model=ParkingList)
async def list_parking(
    driver: CurrentDriver,
    status: Annotated[
        ListFilter, Query(description="`active`: open stays and running sessions; `all`: everything")
    ] = ListFilter.all,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many, newest first")] = 50,
) -> ParkingList:
    """Your parking, newest first: stays of your plates (a camera saw the car enter; priced when it
    leaves) and your prepaid sessions.

    An open stay shows its free period end (`free_until`), what leaving now would cost
    (`running_amount`, parking and service fee) and what is due now (`amount_due`, after what you
    paid in the app). You see the stays of a plate from the moment you registered it, never before.
    """
    return await service.list_parking(driver, status, limit)


@router.get("/{session_id}", response_model=ParkingItem, responses=errors(404))
async def get_parking(session_id: str, driver: CurrentDriver) -> ParkingItem:
    """One stay or prepaid session of yours; anyone else's is a 404."""
    return await service.get_parking(driver, session_id)


@router.post("/{session_id}/pay", response_model=ParkingItem, responses=errors(402, 404, 409, 422, 502))
async def pay_stay(
    session_id: str,
    driver: CurrentDriver,
    services: Services,
    body: Annotated[StayPayment | None, Body()] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=100,
            description="The same key again returns the first result and charges nothing more",
        ),
    ] = None,
) -> ParkingItem:
    """Pay a stay in the app (your default card unless `payment_method_id` names another).

    * **Open stay**: pays every increment started so far (minus what you already paid); the stay is
      then paid up to the end of the last one (`paid_until`), and leaving later charges only the
      difference (nothing when you leave before `paid_until`). Inside the free period nothing is due.
    * **Unpaid stay** (your card was declined, or auto-pay is off): pays what is owed; the stay is
      then `paid`.

    A declined card is a 402 (`payment_declined` or `insufficient_funds`) and changes nothing; a stay
    that is neither open nor unpaid is a 409; the processor not answering is a 502 (nothing charged).
    """
    return await pay.pay_stay(services, driver, session_id, body or StayPayment(), idempotency_key)
