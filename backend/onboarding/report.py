"""What a load did: created / updated / unchanged per kind, and the secrets it generated (shown once)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["created", "updated", "unchanged"]
KINDS = (
    "super admins",
    "tenants",
    "users",
    "webhook tokens",
    "api keys",
    "providers",
    "facilities",
    "pass products",
)


@dataclass(frozen=True)
class GeneratedSecret:
    """A secret the file left out and the loader made up. Only its hash is stored: print it now."""

    owner: str  # tenant slug, or "platform" for super admins
    what: str  # "webhook token", "api key handhelds", "password of ops@example.test"
    value: str


@dataclass
class LoadReport:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    secrets: list[GeneratedSecret] = field(default_factory=list)

    def record(self, kind: str, outcome: Outcome) -> None:
        self.counts[kind][outcome] += 1

    def total(self, outcome: Outcome) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated"))

    def summary(self) -> str:
        return (
            f"{self.total('created')} created, {self.total('updated')} updated, "
            f"{self.total('unchanged')} unchanged"
        )

    def lines(self) -> list[str]:
        """The report as printed by `parkflow load`: a table, then the generated secrets."""
        out = [f"  {'':<16}{'created':>9}{'updated':>9}{'unchanged':>11}"]
        for kind in KINDS:
            c = self.counts[kind]
            if c.total():
                out.append(f"  {kind:<16}{c['created']:>9}{c['updated']:>9}{c['unchanged']:>11}")
        if self.secrets:
            out += ["", "Generated secrets (shown only this once; only their hashes are stored):"]
            width = max(len(f"{s.owner} {s.what}") for s in self.secrets)
            out += [f"  {f'{s.owner} {s.what}':<{width}}  {s.value}" for s in self.secrets]
        return out
