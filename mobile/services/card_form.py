"""Where a new card comes from. Card numbers never pass through Parkflow: the processor's own form turns
the card into a token, and the app sends only that token to `POST /me/payment-methods`.

- `SandboxCardForm` (the default, and the demo): the sandbox processor's test tokens, chosen by name.
- A real processor plugs in here. For Stripe: open Stripe's hosted page (a Checkout Session in `setup`
  mode created by the backend, or Stripe.js Elements on a small page of ours) with `page.launch_url` or a
  WebView, and return the `pm_…` id Stripe hands back on the success redirect. The backend's Stripe
  gateway already accepts `pm_…`/`cus_…` tokens (backend/payments/gateways/stripe). Selected with
  `PARKFLOW_CARD_FORM=stripe` once that page exists; until then the sandbox form is the only one.
"""

from typing import Protocol

# The sandbox processor's test cards (CONTRACT §5).
SANDBOX_CARDS: dict[str, str] = {
    "tok_visa": "Visa ending 4242",
    "tok_mastercard": "Mastercard ending 4444",
    "tok_chargeDeclined": "Visa ending 0002 (always declined)",
    "tok_insufficientFunds": "Visa ending 9995 (insufficient funds)",
}


class CardForm(Protocol):
    """Lists the ways to add a card; each choice yields a processor token."""

    def choices(self) -> dict[str, str]: ...


class SandboxCardForm:
    def choices(self) -> dict[str, str]:
        return dict(SANDBOX_CARDS)
