"""Stripe as a `PaymentGateway`: the official SDK, PaymentIntents with manual capture, pm_ ids only."""

from backend.payments.gateways.stripe.gateway import StripeGateway
from backend.payments.gateways.stripe.tokens import TOKEN_PREFIXES, StripeToken, parse_token

__all__ = ["TOKEN_PREFIXES", "StripeGateway", "StripeToken", "parse_token"]
