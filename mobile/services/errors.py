"""What the apps show when a call fails: a code to switch on and a sentence for people."""

from dataclasses import dataclass

NETWORK = "network"
SIGNED_OUT = "signed_out"


@dataclass
class ApiError(Exception):
    """A failed call: the contract's error `code`, its human `message` and the HTTP status (0: no answer)."""

    code: str
    message: str
    status: int = 0

    def __str__(self) -> str:
        return self.message


def network_error() -> ApiError:
    return ApiError(NETWORK, "Can't reach Parkflow right now. Check your connection and try again.")


def signed_out_error() -> ApiError:
    return ApiError(SIGNED_OUT, "Your sign-in has expired. Please sign in again.", 401)
