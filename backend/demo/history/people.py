"""The demo's drivers: a pool of named accounts with cars and cards, and the demo driver's login.

Plates follow the local formats (CONTRACT data, `plates/MANIFEST`): Finnish `ABC-123` (mostly),
`AB-123`, `ABC-12`; Ohio `ABC 1234`. Every pool driver logs in with the demo password (one argon2
hash shared by all: hashing 150 passwords would take ~20 s). A car is busy while parked: the fleet
hands out a car only when it is free, so one plate is never in two places at once.
"""

import random
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from backend.demo.history.bulk import Rows
from backend.models import Driver, PaymentMethod, Vehicle
from shared.plates import normalize_plate

DEMO_DRIVER_EMAIL = "driver@parkflow.test"
DEMO_DRIVER_NAME = "Emma Virtanen"
DEMO_DRIVER_PLATE = "YLH-371"  # a Finnish-format test plate of the plates MANIFEST
# The README's curl examples: never given to a pool driver, so they stay anonymous in the demo.
RESERVED_PLATES = {"ABC123", "XYZ987"}

_FINNISH_FIRST = (
    "Aino", "Eero", "Elina", "Juha", "Kaisa", "Lauri", "Mikko", "Noora", "Oskari", "Pia", "Riikka",
    "Sami", "Tiina", "Ville", "Anni", "Jussi", "Laura", "Matti", "Sanna", "Teemu", "Helmi", "Onni",
)  # fmt: skip
_FINNISH_LAST = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Lindholm", "Heinonen", "Niemi",
)  # fmt: skip
_US_FIRST = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Emily",
    "William", "Sarah", "Daniel", "Jessica", "Marcus", "Ashley", "Tyrone", "Megan", "Kevin", "Nicole",
    "Brian", "Latoya", "Jose", "Maria", "Anthony", "Rachel",
)  # fmt: skip
_US_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Thomas", "Jackson", "White", "Harris", "Kowalski", "Novak", "Sanchez", "Clark", "Lewis",
    "Robinson", "Walker", "Young", "Hughes", "Kucinich", "Murphy",
)  # fmt: skip
_LETTERS = "ABCDEFGHJKLMNOPRSTUVXYZ"  # no I, Q, W: rarely issued, and I reads like 1
_CARDS = (("tok_visa", "Visa", "4242"), ("tok_mastercard", "Mastercard", "4444"))


def make_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded generator, so a rerun gives the same ids."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def plate_for(rng: random.Random, country: str) -> str:
    if country == "US":
        return f"{''.join(rng.choices(_LETTERS, k=3))} {rng.randrange(1000, 10000)}"
    shape = rng.random()
    if shape < 0.85:
        return f"{''.join(rng.choices(_LETTERS, k=3))}-{rng.randrange(1, 1000)}"
    if shape < 0.95:
        return f"{''.join(rng.choices(_LETTERS, k=2))}-{rng.randrange(1, 1000)}"
    return f"{''.join(rng.choices(_LETTERS, k=3))}-{rng.randrange(1, 100)}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


@dataclass
class Car:
    """A pool vehicle and what the history needs of its driver."""

    plate: str
    plate_normalized: str
    driver_id: uuid.UUID
    driver_name: str
    driver_email: str
    auto_pay: bool
    method_id: uuid.UUID  # the default card
    other_method_id: uuid.UUID | None  # a second card, used to pay a declined charge later
    favourites: tuple[uuid.UUID, ...]  # facilities this driver uses most
    gap: timedelta = timedelta(minutes=10)  # the demo driver parks at most once a day
    is_demo: bool = False  # the demo driver is never parked now: the app's flows start clean
    busy_until: datetime | None = None

    def free_at(self, moment: datetime) -> bool:
        return self.busy_until is None or self.busy_until + self.gap <= moment


@dataclass
class Fleet:
    """A tenant's pool cars, and plates the cameras see that belong to nobody."""

    country: str
    cars: list[Car]
    taken_plates: set[str]
    regular_strangers: list[str] = field(default_factory=list)
    stranger_busy: dict[str, datetime] = field(default_factory=dict)

    def by_favourite(self, facility_id: uuid.UUID) -> list[Car]:
        return [car for car in self.cars if facility_id in car.favourites]

    def take(
        self,
        rng: random.Random,
        facility_id: uuid.UUID,
        start: datetime,
        end: datetime,
        regulars: list[Car] | None = None,
        now: datetime | None = None,
    ) -> Car | None:
        """A car free from `start` (a regular of the lot first), now busy until `end`; None if none.
        With `now`, the demo driver is not handed out for a visit that lasts past it."""
        for pool in (regulars or [], self.cars):
            for _ in range(6 if pool else 0):
                car = rng.choice(pool)
                if car.free_at(start) and not (car.is_demo and now is not None and end > now):
                    car.busy_until = end
                    return car
        return None

    def stranger(self, rng: random.Random, start: datetime, end: datetime) -> str:
        """A plate with no account: a returning visitor now and then, mostly someone new."""
        if self.regular_strangers and rng.random() < 0.4:
            plate = rng.choice(self.regular_strangers)
            busy = self.stranger_busy.get(plate)
            if busy is None or busy <= start:
                self.stranger_busy[plate] = end
                return plate
        return self.new_plate(rng)

    def new_plate(self, rng: random.Random) -> str:
        while True:
            plate = plate_for(rng, self.country)
            normalized = normalize_plate(plate)
            if normalized not in self.taken_plates and normalized not in RESERVED_PLATES:
                self.taken_plates.add(normalized)
                return plate


def _name(rng: random.Random, country: str) -> str:
    first, last = (_US_FIRST, _US_LAST) if country == "US" else (_FINNISH_FIRST, _FINNISH_LAST)
    return f"{rng.choice(first)} {rng.choice(last)}"


def make_fleet(
    rng: random.Random,
    rows: Rows,
    *,
    country: str,
    size: int,
    facility_ids: list[uuid.UUID],
    password_hash: str,
    since: datetime,
    taken_emails: set[str],
    taken_plates: set[str],
    demo_driver: bool,
) -> Fleet:
    """`size` drivers (1-2 cars, 1-2 cards each) added to `rows`, and the fleet of their cars."""
    fleet = Fleet(country, [], taken_plates)
    domains = ("example.com", "example.net", "example.org")
    for index in range(size):
        demo = demo_driver and index == 0
        name = DEMO_DRIVER_NAME if demo else _name(rng, country)
        email = DEMO_DRIVER_EMAIL if demo else f"{_ascii(name).replace(' ', '.')}@{rng.choice(domains)}"
        serial = 1
        while email in taken_emails:
            serial += 1
            local, domain = email.split("@")
            email = f"{local.rstrip('0123456789')}{serial}@{domain}"
        taken_emails.add(email)
        driver_id = make_uuid(rng)
        joined = since - timedelta(days=rng.randrange(3, 400), seconds=rng.randrange(86400))
        auto_pay = demo or rng.random() > 0.08
        rows.add(
            Driver,
            {
                "id": driver_id,
                "email": email,
                "name": name,
                "password_hash": password_hash,
                "auto_pay": auto_pay,
                "reminder_minutes": 10,
                "created_at": joined,
            },
        )
        methods = []
        for card_index in range(2 if demo or rng.random() < 0.25 else 1):
            token, brand, last4 = _CARDS[(card_index + (0 if demo else rng.randrange(2))) % 2]
            methods.append(make_uuid(rng))
            rows.add(
                PaymentMethod,
                {
                    "id": methods[-1],
                    "driver_id": driver_id,
                    "gateway": "sandbox",
                    "processor_token": token,
                    "brand": brand,
                    "last4": last4,
                    "exp_month": rng.randrange(1, 13),
                    "exp_year": rng.randrange(2027, 2032),
                    "is_default": card_index == 0,
                    "created_at": joined + timedelta(minutes=3 + card_index * rng.randrange(60, 90000)),
                },
            )
        favourites = tuple(rng.sample(facility_ids, k=min(len(facility_ids), rng.randrange(1, 4))))
        for car_index in range(1 if demo or rng.random() > 0.2 else 2):
            plate = DEMO_DRIVER_PLATE if demo else fleet.new_plate(rng)
            normalized = normalize_plate(plate)
            taken_plates.add(normalized)
            rows.add(
                Vehicle,
                {
                    "id": make_uuid(rng),
                    "driver_id": driver_id,
                    "plate": plate,
                    "plate_normalized": normalized,
                    "is_default": car_index == 0,
                    "created_at": joined + timedelta(minutes=1 + car_index * rng.randrange(60, 90000)),
                },
            )
            fleet.cars.append(
                Car(
                    plate=plate,
                    plate_normalized=normalized,
                    driver_id=driver_id,
                    driver_name=name,
                    driver_email=email,
                    auto_pay=auto_pay,
                    method_id=methods[0],
                    other_method_id=methods[1] if len(methods) > 1 else None,
                    favourites=favourites,
                    gap=timedelta(hours=20) if demo else timedelta(minutes=10),
                    is_demo=demo,
                )
            )
    fleet.regular_strangers = [fleet.new_plate(rng) for _ in range(size * 2)]
    return fleet
