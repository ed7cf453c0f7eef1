"""`create_sandbox_app(config)`: the provider sandbox as one FastAPI app (no database, all in memory)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.providers.sandbox import admin
from backend.providers.sandbox.config import LAYOUTS, SandboxConfig
from backend.providers.sandbox.data_api import data_router, load_lots
from backend.providers.sandbox.guard import SandboxError
from backend.providers.sandbox.provider_api import sessions_router, token_router
from backend.providers.sandbox.state import SandboxState

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def create_sandbox_app(config: SandboxConfig | None = None) -> FastAPI:
    """A fresh sandbox (its own sessions, tokens, faults and counters) serving `config`'s connections."""
    config = config or SandboxConfig()
    state = SandboxState(config)
    state.lots = load_lots(config.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.loop = asyncio.get_running_loop()
        yield
        state.release_stalls()

    app = FastAPI(
        title="Parkflow provider sandbox",
        summary="Emulates parking providers (CONTRACT §6) with scriptable faults, and a parking data API.",
        version="1",
        lifespan=lifespan,
        exception_handlers={
            SandboxError: _sandbox_error,
            RequestValidationError: _validation_error,
            StarletteHTTPException: _http_error,
        },
    )
    app.state.sandbox = state
    app.include_router(token_router)
    for flavour, layout in LAYOUTS.items():
        if flavour != "data":
            app.include_router(sessions_router(flavour), prefix=layout.base_path)
    app.include_router(data_router)
    app.include_router(admin.router)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict:
        return {"status": "ok"}

    @app.get("/", summary="What this sandbox serves")
    async def index(request: Request) -> dict:
        return {
            "service": "parkflow provider sandbox",
            "connections": admin.connections_listing(state, str(request.base_url)),
            "admin": "/_sandbox",
            "docs": "/docs",
        }

    return app


async def _sandbox_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SandboxError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
        if error.get("type") == "missing":
            problems.append(f"{where} is required")
        elif error.get("type") == "json_invalid":
            problems.append("the body is not valid JSON")
        else:
            problems.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg")))
    detail = "The request is not valid: " + ("; ".join(problems) or "check the fields") + "."
    return JSONResponse({"detail": detail, "code": "validation_error"}, 422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else "The request failed."
    if exc.status_code == 404:
        detail = f"There is nothing at {request.url.path} on the provider sandbox."
    return JSONResponse({"detail": detail, "code": code}, exc.status_code, headers=exc.headers)
