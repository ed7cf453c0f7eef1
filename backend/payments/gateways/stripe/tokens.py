"""What a Stripe payment-method token stored in `PaymentMethod.processor_token` looks like.

Stripe only lets a saved PaymentMethod be charged again off-session when it is attached to a
Customer, and a PaymentIntent on such a method must name that Customer too. Rather than add a
column, the token carries both: `cus_<customer>/pm_<payment method>` (what the app sends after a
SetupIntent for that customer). A bare `pm_...` is accepted as well; when Stripe reports it
attached to a customer, the gateway finds that customer itself before charging.

Only ids travel: card numbers and CVCs stay between the driver's device and Stripe.
"""

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"(?:(?P<customer>cus_[A-Za-z0-9]{1,100})/)?(?P<method>pm_[A-Za-z0-9_]{1,100})")

TOKEN_PREFIXES = ("pm_", "cus_")
"""Tokens starting like this are Stripe's (the registry routes new payment methods by them)."""


@dataclass(frozen=True)
class StripeToken:
    payment_method: str
    customer: str | None = None


def parse_token(token: object) -> StripeToken | None:
    """`cus_.../pm_...` or `pm_...` as ids; None for anything else (never sent to Stripe)."""
    if not isinstance(token, str):
        return None
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        return None
    return StripeToken(payment_method=match["method"], customer=match["customer"])
