"""What is wrong with an onboarding file, said so that a person finds the entry and fixes it.

Every problem starts with the path of the entry, naming list items by index *and* by their slug,
e-mail or name: `tenants[0] (helsinki-parking) › facilities[2] (kamppi-p9) › geometry: ...`.
"""

from shared.errors import ErrorCode, ParkflowError

SEP = " › "


def item(kind: str, index: int, label: str | None = None) -> str:
    """`facilities[2] (kamppi-p9)`: a list item by index and, when it has one, by what it is called."""
    return f"{kind}[{index}] ({label})" if label else f"{kind}[{index}]"


def path(*parts: str) -> str:
    return SEP.join(part for part in parts if part)


class OnboardingError(ParkflowError):
    """The file was refused as a whole; `problems` lists every bad entry found (one line each)."""

    code = ErrorCode.onboarding_invalid

    def __init__(self, problems: list[str], headline: str | None = None) -> None:
        self.problems = problems
        self.headline = headline or _headline(len(problems))
        super().__init__("\n".join([self.headline, *(f"  - {p}" for p in problems)]))


def _headline(count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"The onboarding file was not loaded (nothing was changed): {count} {noun}."


class Problems:
    """Collects problems so that one run reports all of them, not just the first."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise OnboardingError(self.items)
