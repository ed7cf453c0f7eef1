"""A small operator world for camera-event tests: two operators, a facility each, webhook tokens,
and drivers with plates and cards made through the driver API."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from backend.kit.secrets import display_prefix, generate_secret, hash_secret
from backend.models import Facility, Job, Tenant, WebhookToken
from tests.backend.helpers import app_of, bearer, driver_token, make_tenant

# First 15 minutes free, then 0.75 per started 15 minutes, at most 24.00 a day.
TARIFF = {
    "increment_minutes": 15,
    "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
    "daily_max_amount": 2400,
    "max_stay_minutes": 1440,
}
PLATE = "ABC-123"
ENTRY_IMAGE = "https://cam.example/entry.jpg"
EXIT_IMAGE = "https://cam.example/exit.jpg"


@dataclass
class Operator:
    tenant: Tenant
    facility: Facility
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


async def make_operator(slug: str, facility_slug: str, zone_number: str = "1234") -> Operator:
    tenant = await make_tenant(slug, timezone="Europe/Helsinki")
    facility = await Facility.create(
        tenant=tenant,
        slug=facility_slug,
        name=facility_slug.replace("-", " ").title(),
        name_lower=facility_slug.replace("-", " "),
        zone_number=zone_number,
        timezone="Europe/Helsinki",
        capacity=120,
        detection="anpr",
        tariff=TARIFF,
    )
    token = generate_secret("whk_")
    await WebhookToken.create(tenant=tenant, prefix=display_prefix(token), secret_hash=hash_secret(token))
    return Operator(tenant=tenant, facility=facility, token=token)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def send(
    client: httpx.AsyncClient,
    operator: Operator,
    event: str,
    timestamp: str | datetime,
    plate: str = PLATE,
    *,
    facility: str | None = None,
    image_url: str | None = None,
) -> httpx.Response:
    body = {
        "event": event,
        "plate": plate,
        "facility_id": facility or operator.facility.slug,
        "timestamp": timestamp if isinstance(timestamp, str) else iso(timestamp),
    }
    if image_url is not None:
        body["image_url"] = image_url
    return await client.post("/webhook", json=body, headers=operator.headers)


async def accepted(response: httpx.Response) -> dict:
    assert response.status_code == 202, response.text
    return response.json()


async def driver_with_plate(
    client: httpx.AsyncClient,
    email: str = "aino@example.test",
    plate: str = PLATE,
    card: str | None = "tok_visa",
) -> dict[str, str]:
    """A driver with `plate` registered and (unless None) `card` as their default: their headers."""
    headers = bearer(await driver_token(client, email))
    response = await client.post("/api/v1/me/vehicles", json={"license_plate": plate}, headers=headers)
    assert response.status_code == 201, response.text
    if card is not None:
        response = await client.post("/api/v1/me/payment-methods", json={"token": card}, headers=headers)
        assert response.status_code == 201, response.text
    return headers


async def run_jobs(app: FastAPI, kinds: tuple[str, ...] = ("charge_stay_exit", "send_receipt")) -> None:
    """Run due jobs until none of `kinds` is due or running (the in-process runner may hold one)."""
    jobs = app.state.services.jobs
    for _ in range(200):
        await jobs.drain()
        now = datetime.now(UTC)
        busy = await Job.filter(kind__in=kinds, status="running", locked_until__gt=now).exists()
        due = await Job.filter(kind__in=kinds, status="pending", run_at__lte=now).exists()
        if not busy and not due:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("jobs did not settle")


def ago(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


__all__ = ["app_of"]
