"""A small Stripe API stand-in on loopback: the REST shapes of api.stripe.com (v1, form-encoded in,
JSON out), its idempotency rules and its error bodies, recorded from the API reference.

Not a mock of the SDK: the real `stripe` library talks HTTP to it. It records every request so
tests can assert what went over the wire, and can be told to fail (5xx, slowness) for a while.
"""

import asyncio
import itertools
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SECRET_KEY = "sk_test_51ParkflowFakeKey0123456789"
CUSTOMER = "cus_PkfDriver0001"

# Test payment methods and how charging them ends (like Stripe's pm_card_* test methods).
CARDS: dict[str, dict[str, Any]] = {
    "pm_1VisaSaved": {"brand": "visa", "last4": "4242", "customer": CUSTOMER},
    "pm_1MastercardLoose": {"brand": "mastercard", "last4": "4444", "customer": None},
    "pm_1AmexSaved": {"brand": "amex", "last4": "8431", "customer": CUSTOMER},
    "pm_1Declined": {"brand": "visa", "last4": "0002", "customer": CUSTOMER, "decline": "generic_decline"},
    "pm_1NoFunds": {"brand": "visa", "last4": "9995", "customer": CUSTOMER, "decline": "insufficient_funds"},
    "pm_1Expired": {"brand": "visa", "last4": "0069", "customer": CUSTOMER, "exp_year": 2020},
}
DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]
    query: dict[str, str]


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotent: dict[str, tuple[str, dict[str, str], int, dict[str, Any]]] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    generation: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def reset(self) -> None:
        self.requests.clear()
        self.intents.clear()
        self.idempotent.clear()
        self.failures.clear()
        self.delay_seconds = 0.0
        self.generation += 1

    def fail_next(self, count: int, status: int = 500) -> None:
        self.failures.extend([status] * count)

    def posts(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_3Pkf{next(self._ids):06d}{secrets.token_hex(4)}"


def _error(status: int, type_: str, message: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": type_, "message": message, **extra}}


def _missing(kind: str, object_id: str, param: str) -> tuple[int, dict[str, Any]]:
    return _error(
        404 if param != "payment_method" else 400,
        "invalid_request_error",
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param,
        doc_url="https://stripe.com/docs/error-codes/resource-missing",
    )


def _render_intent(intent: dict[str, Any], expand: set[str]) -> dict[str, Any]:
    body = {k: v for k, v in intent.items() if not k.startswith("_")}
    if "latest_charge" in expand and intent["_charge"] is not None:
        body["latest_charge"] = dict(intent["_charge"])
    return body


def _expand(params: dict[str, str]) -> set[str]:
    return {v for k, v in params.items() if k.startswith("expand[")}


class _Api:
    def __init__(self, state: FakeStripe) -> None:
        self.state = state

    def payment_method(self, pm_id: str) -> tuple[int, dict[str, Any]]:
        card = CARDS.get(pm_id)
        if card is None:
            return _missing("PaymentMethod", pm_id, "payment_method")
        return 200, {
            "id": pm_id,
            "object": "payment_method",
            "type": "card",
            "customer": card["customer"],
            "livemode": False,
            "created": 1711800000,
            "billing_details": {"address": None, "email": None, "name": None, "phone": None},
            "card": {
                "brand": card["brand"],
                "last4": card["last4"],
                "exp_month": 12,
                "exp_year": card.get("exp_year", 2034),
                "country": "FI",
                "funding": "credit",
                "fingerprint": "Xt5EWLLDS7FJjR1c",
                "checks": {"address_line1_check": None, "cvc_check": "pass"},
            },
            "metadata": {},
        }

    def create_intent(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        pm_id = params.get("payment_method", "")
        card = CARDS.get(pm_id)
        if card is None:
            return _missing("PaymentMethod", pm_id, "payment_method")
        if card["customer"] and params.get("customer") != card["customer"]:
            return _error(
                400,
                "invalid_request_error",
                f"The provided PaymentMethod belongs to a Customer; pass customer={card['customer']}.",
                param="payment_method",
            )
        amount = int(params["amount"])
        if amount < 50:
            return _error(
                400,
                "invalid_request_error",
                "Amount must be at least €0.50 eur",
                code="amount_too_small",
                param="amount",
            )
        intent_id = self.state.new_id("pi")
        intent: dict[str, Any] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "capture_method": params.get("capture_method", "automatic_async"),
            "confirmation_method": "automatic",
            "currency": params["currency"],
            "customer": params.get("customer"),
            "livemode": False,
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "payment_method": pm_id,
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
            "created": int(time.time()),
            "canceled_at": None,
            "cancellation_reason": None,
            "latest_charge": None,
            "last_payment_error": None,
            "_charge": None,
        }
        decline = card.get("decline")
        charge_id = self.state.new_id("ch")
        intent["latest_charge"] = charge_id
        if decline:
            self.state.intents[intent_id] = intent
            intent["last_payment_error"] = {"code": "card_declined", "decline_code": decline}
            body = _error(
                402,
                "card_error",
                DECLINE_MESSAGES[decline],
                code="card_declined",
                decline_code=decline,
                charge=charge_id,
                doc_url="https://stripe.com/docs/error-codes/card-declined",
                payment_intent=_render_intent(intent, set()),
            )
            return body
        intent.update(status="requires_capture", amount_capturable=amount)
        intent["_charge"] = {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_captured": 0,
            "amount_refunded": 0,
            "captured": False,
            "currency": params["currency"],
            "paid": True,
            "payment_intent": intent_id,
            "refunded": False,
            "status": "succeeded",
        }
        self.state.intents[intent_id] = intent
        return 200, _render_intent(intent, _expand(params))

    def capture(self, intent: dict[str, Any], params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if intent["status"] != "requires_capture":
            return _error(
                400,
                "invalid_request_error",
                f"This PaymentIntent could not be captured because it has a status of {intent['status']}. "
                "Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                code="payment_intent_unexpected_state",
                payment_intent=_render_intent(intent, set()),
            )
        amount = int(params.get("amount_to_capture", intent["amount_capturable"]))
        if amount > intent["amount_capturable"]:
            return _error(
                400,
                "invalid_request_error",
                "The amount to capture must not exceed the amount capturable.",
                code="amount_too_large",
                param="amount_to_capture",
            )
        intent.update(status="succeeded", amount_capturable=0, amount_received=amount)
        intent["_charge"].update(amount_captured=amount, captured=True)
        return 200, _render_intent(intent, _expand(params))

    def cancel(self, intent: dict[str, Any], params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if intent["status"] in ("succeeded", "canceled"):
            return _error(
                400,
                "invalid_request_error",
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}. "
                "Only a PaymentIntent with one of the following statuses may be canceled: "
                "requires_payment_method, requires_capture, requires_confirmation, requires_action, "
                "processing.",
                code="payment_intent_unexpected_state",
                payment_intent=_render_intent(intent, set()),
            )
        intent.update(status="canceled", amount_capturable=0, canceled_at=int(time.time()))
        return 200, _render_intent(intent, _expand(params))

    def refund(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent = self.state.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent", params.get("payment_intent", ""), "payment_intent")
        if intent["status"] != "succeeded":
            return _error(
                400,
                "invalid_request_error",
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
            )
        charge = intent["_charge"]
        left = charge["amount_captured"] - charge["amount_refunded"]
        amount = int(params.get("amount", left))
        if left == 0:
            return _error(
                400,
                "invalid_request_error",
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        if amount > left:
            return _error(
                400,
                "invalid_request_error",
                f"Refund amount (€{amount / 100:.2f}) is greater than unrefunded amount on charge "
                f"(€{left / 100:.2f})",
                code="amount_too_large",
                param="amount",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount_captured"]
        expanded = "charge" in _expand(params)
        return 200, {
            "id": self.state.new_id("re"),
            "object": "refund",
            "amount": amount,
            "charge": dict(charge) if expanded else charge["id"],
            "currency": charge["currency"],
            "payment_intent": intent["id"],
            "reason": None,
            "status": "succeeded",
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
        }


def build_app(state: FakeStripe) -> Starlette:
    api = _Api(state)

    async def handle(request: Request) -> JSONResponse:
        raw = (await request.body()).decode()
        record = Recorded(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            form=dict(parse_qsl(raw, keep_blank_values=True)),
            query=dict(request.query_params),
        )
        state.requests.append(record)
        failure = state.failures.pop(0) if state.failures else None
        if state.delay_seconds:
            generation = state.generation
            await asyncio.sleep(state.delay_seconds)
            if generation != state.generation:  # the test that was waiting for this is over
                return JSONResponse({}, status_code=499)
        if failure is not None:
            status = failure
            if status >= 500:
                _, body = _error(status, "api_error", "An unknown error occurred")
            else:
                message = "Too many requests in a period of time."
                _, body = _error(status, "invalid_request_error", message, code="rate_limit")
            return JSONResponse(body, status_code=status)
        if request.headers.get("authorization") != f"Bearer {SECRET_KEY}":
            _, body = _error(401, "invalid_request_error", "Invalid API Key provided: sk_test_***")
            return JSONResponse(body, status_code=401)
        key = request.headers.get("idempotency-key")
        if request.method == "POST" and key in state.idempotent:
            path, form, status, body = state.idempotent[key]
            if (path, form) != (record.path, record.form):
                status, body = _error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were "
                    "first used with. Try using a key other than "
                    f"'{key}' if you meant to execute a different request.",
                )
                return JSONResponse(body, status_code=status)
            return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})
        status, body = route(record)
        if request.method == "POST" and key and status < 500:
            state.idempotent[key] = (record.path, record.form, status, body)
        return JSONResponse(body, status_code=status, headers={"Request-Id": f"req_{secrets.token_hex(7)}"})

    def route(record: Recorded) -> tuple[int, dict[str, Any]]:
        parts = record.path.strip("/").split("/")
        params = record.form if record.method == "POST" else record.query
        if parts[:2] == ["v1", "payment_methods"] and len(parts) == 3 and record.method == "GET":
            return api.payment_method(parts[2])
        if parts == ["v1", "payment_intents"] and record.method == "POST":
            return api.create_intent(params)
        if parts == ["v1", "refunds"] and record.method == "POST":
            return api.refund(params)
        if parts[:2] == ["v1", "payment_intents"] and len(parts) in (3, 4):
            intent = state.intents.get(parts[2])
            if intent is None:
                return _missing("payment_intent", parts[2], "intent")
            if len(parts) == 3 and record.method == "GET":
                return 200, _render_intent(intent, _expand(params))
            if parts[3:] == ["capture"]:
                return api.capture(intent, params)
            if parts[3:] == ["cancel"]:
                return api.cancel(intent, params)
        unknown = f"Unrecognized request URL ({record.method}: {record.path})."
        return _error(404, "invalid_request_error", unknown)

    routes = [Route("/{path:path}", handle, methods=["GET", "POST", "DELETE"])]
    return Starlette(routes=routes)


class FakeStripeServer:
    """The app under uvicorn in a thread, on a free loopback port."""

    def __init__(self) -> None:
        self.state = FakeStripe()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        self.state.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(build_app(self.state), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> FakeStripe:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake Stripe server did not start")
            time.sleep(0.01)
        return self.state

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
