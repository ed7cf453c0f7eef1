"""Scriptable faults: what the sandbox does wrong, on purpose, and how often.

A fault matches requests by connection (omitted: every connection) and endpoint (`any`: every
endpoint, the token endpoint included). Each request fires at most one fault: the oldest matching
one. `times` counts down per firing (omitted/null: until deleted). Kinds:

* `latency` — wait `latency_ms`, then answer normally.
* `status` — answer `status` (e.g. 500, 503, 429) *without* doing anything. 429 always carries
  `Retry-After` (`retry_after`, default 1 s); other statuses carry it when `retry_after` is given.
* `timeout_after_create` — do the work (the session is created / stopped / extended, the token
  issued), then stall `hold_seconds` (default 30) before answering, or until `POST /_sandbox/reset`
  or `DELETE /_sandbox/faults` releases it: the client times out although the change happened.
* `expire_token` — OAuth2 connections only: revoke every token issued to the connection so far;
  the request that fired it is answered 401 like any later call with an old token.
"""

from dataclasses import dataclass, field
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Endpoint = Literal["token", "start", "get", "stop", "extend", "rights", "lots"]
FaultEndpoint = Literal["any", "token", "start", "get", "stop", "extend", "rights", "lots"]
FaultKind = Literal["latency", "status", "timeout_after_create", "expire_token"]


class FaultSpec(BaseModel):
    """A fault as posted to `POST /_sandbox/faults` or listed under `faults:` in the config file."""

    model_config = ConfigDict(extra="forbid")

    connection: str | None = Field(
        default=None, description="Connection name; omitted = every connection", examples=["passport-demo"]
    )
    endpoint: FaultEndpoint = Field(default="any", examples=["start"])
    kind: FaultKind = Field(examples=["status"])
    status: int | None = Field(default=None, ge=400, le=599, examples=[503])
    retry_after: int | None = Field(default=None, ge=0, le=3600, description="Seconds, sent as Retry-After")
    latency_ms: int | None = Field(default=None, ge=0, le=120_000, examples=[300])
    hold_seconds: float = Field(
        default=30.0, gt=0, le=600, description="How long `timeout_after_create` stalls at most"
    )
    times: int | None = Field(default=1, ge=1, description="How many requests it hits; null = until deleted")

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind == "status" and self.status is None:
            raise ValueError("a 'status' fault needs the HTTP status to answer, e.g. \"status\": 503")
        if self.kind == "latency" and self.latency_ms is None:
            raise ValueError("a 'latency' fault needs latency_ms, e.g. \"latency_ms\": 300")
        if self.kind == "expire_token" and self.endpoint in ("token", "lots"):
            raise ValueError("an 'expire_token' fault fires on session endpoints (start, get, ...), not here")
        return self


@dataclass
class Fault:
    id: str
    spec: FaultSpec
    remaining: int | None
    fired: int = 0

    def as_dict(self) -> dict:
        return {"id": self.id, **self.spec.model_dump(), "remaining": self.remaining, "fired": self.fired}


@dataclass
class FaultBook:
    """The active faults, oldest first. Mutated only from the event loop, never across an await."""

    faults: list[Fault] = field(default_factory=list)
    _next_id: int = 1

    def add(self, spec: FaultSpec) -> Fault:
        fault = Fault(id=f"flt_{self._next_id}", spec=spec, remaining=spec.times)
        self._next_id += 1
        self.faults.append(fault)
        return fault

    def remove(self, fault_id: str) -> bool:
        before = len(self.faults)
        self.faults = [fault for fault in self.faults if fault.id != fault_id]
        return len(self.faults) != before

    def clear(self) -> None:
        self.faults = []

    def take(self, connection: str, endpoint: Endpoint, *, oauth: bool) -> FaultSpec | None:
        """The fault this request fires, counted down (and dropped when used up), or None."""
        for fault in self.faults:
            spec = fault.spec
            if spec.connection not in (None, connection) or spec.endpoint not in ("any", endpoint):
                continue
            if spec.kind == "expire_token" and (not oauth or endpoint in ("token", "lots")):
                continue
            fault.fired += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
            return spec
        return None


_STATUS_CODES = {
    409: ("already_parked", "The vehicle is already parked in this zone; extend that session instead."),
    422: ("validation_error", "The provider refused the request as invalid."),
    429: ("rate_limited", "Too many requests; slow down and retry after the Retry-After delay."),
    500: ("internal_error", "The provider failed while handling the request; try again later."),
    502: ("bad_gateway", "The provider's upstream failed; try again later."),
    503: ("service_unavailable", "The provider is temporarily unavailable; try again later."),
    504: ("gateway_timeout", "The provider's upstream timed out; try again later."),
}


def injected_error(spec: FaultSpec) -> tuple[int, str, str, dict[str, str]]:
    """(status, code, detail, headers) for a `status` fault."""
    status = spec.status or 503
    code, detail = _STATUS_CODES.get(status, ("injected_fault", f"The sandbox answered {status} on purpose."))
    headers: dict[str, str] = {}
    if status == 429 or spec.retry_after is not None:
        headers["Retry-After"] = str(spec.retry_after if spec.retry_after is not None else 1)
    return status, code, detail, headers
