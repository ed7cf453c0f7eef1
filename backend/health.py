from fastapi import APIRouter
from fastapi.responses import JSONResponse
from tortoise import connections

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    responses={
        503: {
            "description": "The database does not answer",
            "content": {
                "application/json": {
                    "example": {"status": "unavailable", "detail": "The database does not answer."}
                }
            },
        }
    },
)
async def health() -> JSONResponse:
    """200 `{"status": "ok"}` once the database answers."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any driver error means "not healthy", which is what the probe asks
        return JSONResponse(
            {"status": "unavailable", "detail": "The database does not answer."}, status_code=503
        )
    return JSONResponse({"status": "ok"})
