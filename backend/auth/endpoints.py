from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from backend.auth import service
from backend.auth.dependencies import CurrentDriver, CurrentOperator
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.tenants.branding import branding_of
from shared.schemas.auth import DriverOut, OperatorMe, RefreshRequest, RegisterRequest, TokenResponse

router = APIRouter(prefix="/api/v1/auth", tags=["driver auth"])
admin_router = APIRouter(prefix="/api/v1/admin/auth", tags=["admin auth"])


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/register", status_code=status.HTTP_201_CREATED, response_model=DriverOut, responses=errors(409, 422)
)
async def register(body: RegisterRequest, services: Services) -> DriverOut:
    """Create a driver account. Passwords need 10+ characters; a taken e-mail is a 409."""
    driver = await service.register_driver(services, body)
    return DriverOut(id=str(driver.id), email=driver.email, name=driver.name)


@router.post("/token", response_model=TokenResponse, responses=errors(401, 422, 429))
async def token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], services: Services
) -> TokenResponse:
    """Log in with form fields `username` (the e-mail) and `password`. Rate-limited per account."""
    return await service.login_driver(services, form.username, form.password, _address(request))


@router.post("/refresh", response_model=TokenResponse, responses=errors(401, 422))
async def refresh(body: RefreshRequest, services: Services) -> TokenResponse:
    """Swap a refresh token for new tokens; each refresh token works once."""
    return await service.refresh_driver(services, body.refresh_token)


@router.get("/me", response_model=DriverOut, responses=errors(401))
async def me(driver: CurrentDriver) -> DriverOut:
    """The signed-in driver's account."""
    return DriverOut(id=str(driver.id), email=driver.email, name=driver.name)


@admin_router.post("/token", response_model=TokenResponse, responses=errors(401, 422, 429))
async def admin_token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], services: Services
) -> TokenResponse:
    """Operator users log in here (form `username` = e-mail, `password`). Rate-limited."""
    return await service.login_operator(services, form.username, form.password, _address(request))


@admin_router.get("/me", response_model=OperatorMe, responses=errors(401, 404))
async def admin_me(ctx: CurrentOperator) -> OperatorMe:
    """The signed-in operator user, their role, and the operator this request acts for with its name
    and branding (colours and logo text for the app; a super admin's X-Tenant chooses the operator,
    and `preview` is true in a read-only X-Preview)."""
    user = ctx.user
    return OperatorMe(
        id=str(user.id),
        email=user.email,
        name=user.name,
        role=user.role,
        tenant=user.tenant.slug if user.tenant else None,
        acting_tenant=ctx.tenant.slug if ctx.tenant else None,
        acting_tenant_name=ctx.tenant.name if ctx.tenant else None,
        branding=branding_of(ctx.tenant),
        preview=ctx.preview,
    )
