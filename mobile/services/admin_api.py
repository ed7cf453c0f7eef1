"""The operator admin API (`/api/v1/admin`) as the admin view sees it.

One client per app session. It carries the acting tenant (`X-Tenant`, super admins only) and the
read-only preview flag (`X-Preview`) on every call, so screens never think about them.
"""

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from mobile.services.http import HttpTransport
from shared.schemas.admin import TenantOut
from shared.schemas.auth import OperatorMe, TokenResponse

ADMIN = "/api/v1/admin"
M = TypeVar("M")


class HttpAdminApi:
    """The admin endpoints over HTTP. Every method raises `ApiError` on failure."""

    def __init__(self, transport: HttpTransport) -> None:
        self.transport = transport
        self.acting_tenant: str | None = None
        self.preview = False

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    @property
    def signed_in(self) -> bool:
        return self.transport.signed_in

    def act_for(self, tenant: str | None, *, preview: bool = False) -> None:
        self.acting_tenant, self.preview = tenant, bool(preview and tenant)

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.acting_tenant:
            headers["X-Tenant"] = self.acting_tenant
        if self.preview:
            headers["X-Preview"] = "true"
        return headers

    async def call(self, method: str, path: str, *, json: Any = None, params: dict | None = None):
        return await self.transport.request(
            method, ADMIN + path, json=json, params=params, headers=self.headers()
        )

    async def get(self, path: str, shape: type[M] | Any, **params: Any) -> M:
        response = await self.call("GET", path, params=params)
        return _parse(shape, response.json())

    async def send(self, method: str, path: str, shape: type[M] | Any = None, body: Any = None) -> M | None:
        payload = body.model_dump(mode="json", exclude_unset=True) if isinstance(body, BaseModel) else body
        response = await self.call(method, path, json=payload)
        if shape is None or response.status_code == 204 or not response.content:
            return None
        return _parse(shape, response.json())

    async def download(self, path: str, **params: Any) -> bytes:
        response = await self.call("GET", path, params=params)
        return response.content

    async def sign_in(self, email: str, password: str) -> None:
        response = await self.transport.request(
            "POST", f"{ADMIN}/auth/token", data={"username": email, "password": password}, auth=False
        )
        body = TokenResponse.model_validate(response.json())
        await self.transport.set_tokens(body.access_token, body.refresh_token)

    async def sign_out(self) -> None:
        self.act_for(None)
        await self.transport.forget_tokens()

    async def me(self) -> OperatorMe:
        return await self.get("/auth/me", OperatorMe)

    async def tenants(self) -> list[TenantOut]:
        return await self.get("/tenants", list[TenantOut])


def _parse(shape: Any, data: Any) -> Any:
    if isinstance(shape, type) and issubclass(shape, BaseModel):
        return shape.model_validate(data)
    return TypeAdapter(shape).validate_python(data)
