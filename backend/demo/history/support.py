"""Invoices for unpaid stays and the support desk: tickets with their chat, some of them disputes.

Numbers run per tenant in the order things happened, from the tenant's counter (`TenantCounter`,
as `backend.tenants.counters.next_number` keeps it), and the counter is left at the last one, so the
next invoice or ticket made in the demo continues the sequence.
"""

import math
from datetime import datetime, timedelta

from backend.demo.history.world import World
from backend.models import Invoice, Ticket, TicketMessage

VOID_REASONS = (
    "Paid at the pay station; receipt shown by the driver",
    "Duplicate of an earlier invoice",
    "Goodwill: first visit, charge waived",
)
QUESTIONS = (
    (
        "Receipt for my parking",
        "Hi, I need a receipt for my parking at {facility} on {date} for my expense report.",
        "Hello {first}, the receipt went to {email} right after the payment; I have sent it again. "
        "You also find it in the app under Sessions.",
    ),
    (
        "How do I add a second car?",
        "We have a second car. Can it be charged automatically too?",
        "Yes: open Vehicles in the app and tap Add vehicle. Every car of yours is charged to your "
        "default card.",
    ),
    (
        "Change the card used for auto-pay",
        "My card expires next month. How do I make the new one the default?",
        "Add the new card under Payment methods and tap Make default; the old one can then be removed.",
    ),
    (
        "Does the pass cover evenings?",
        "Is parking at {facility} in the evening included in the pass?",
        "It is: a pass is valid around the clock at {facility} from its start to its end date.",
    ),
    (
        "What is the service fee?",
        "There is a service fee on my last payment. What is it for?",
        "The service fee covers card processing and the app; it is shown as its own line before you "
        "pay and on every receipt.",
    ),
    (
        "Height limit at {facility}?",
        "Will a van of 2.3 m fit into {facility}?",
        "The clearance at {facility} is 2.1 m, so a 2.3 m van does not fit; the surface lots nearby "
        "have no limit.",
    ),
)
DISPUTE_SUBJECT = "Dispute: {facility} on {date}"
DISPUTE_OPENING = "I received an invoice of {amount} for {plate} at {facility}, but I do not think I owe it."
UPHELD = "You are right: the stay was covered. The invoice is void and nothing is owed."
REJECTED = (
    "The entry and exit photos show {plate} from {entry} to {exit}, and the enforcement check log has "
    "no paid session for that time, so the invoice stands."
)


def _number_base(world: World, name: str) -> int:
    return world.counters.get(name, 0)


def add_invoices(world: World) -> list[dict]:
    """Invoices for about half of the stays left unpaid for two days: issued, paid, void, overdue."""
    rng, now = world.rng, world.now
    rows: list[dict] = []
    owed = [s for s in world.stays if s["status"] == "unpaid" and s["exited_at"] < now - timedelta(days=2)]
    for stay in owed:
        if rng.random() > 0.55:
            continue
        issued_at = _office_hours(world, stay["exited_at"] + timedelta(days=rng.uniform(1, 2)))
        if issued_at >= now:
            continue
        car = stay["_car"]
        bill_to = f"{car.driver_name}, {car.driver_email}" if car else f"Registered keeper of {stay['plate']}"
        row = {
            "id": world.new_id(),
            "tenant_id": world.tenant.id,
            "stay_id": stay["id"],
            "driver_id": car.driver_id if car else None,
            "plate": stay["plate"],
            "bill_to": bill_to,
            "currency": stay["currency"],
            "amount": stay["total_amount"] - stay.get("paid_amount", 0),
            "status": "issued",
            "live_slot": "live",
            "issued_at": issued_at,
            "due_at": issued_at + timedelta(days=14),
            "created_at": issued_at,
            "_stay": stay,
        }
        outcome = rng.random()
        paid_at = issued_at + timedelta(days=rng.uniform(1, 13))
        voided_at = issued_at + timedelta(hours=rng.uniform(1, 120))
        if outcome < 0.45 and paid_at < now:
            row.update(
                status="paid", paid_at=paid_at, paid_reference=f"Bank transfer RF{rng.randrange(10**8)}"
            )
        elif 0.45 <= outcome < 0.53 and voided_at < now:
            row.update(
                status="void", live_slot=None, voided_at=voided_at, void_reason=rng.choice(VOID_REASONS)
            )
        rows.append(row)
    rows.sort(key=lambda r: r["issued_at"])
    for offset, row in enumerate(rows, start=1):
        row["number"] = _number_base(world, "invoice") + offset
        world.rows.add(Invoice, row)
    world.stats["invoices"] += len(rows)
    world.stats["overdue"] += sum(1 for r in rows if r["status"] == "issued" and r["due_at"] < now)
    return rows


def _office_hours(world: World, moment: datetime) -> datetime:
    local = moment.astimezone(world.lots[0].tz)
    if not 9 <= local.hour < 17:
        local = local.replace(hour=world.rng.randrange(9, 17))
    return local.astimezone(moment.tzinfo).replace(microsecond=0)


def _delay(world: World, median_minutes: float, sigma: float, low: float, high: float) -> timedelta:
    minutes = min(high, max(low, world.rng.lognormvariate(math.log(median_minutes), sigma)))
    return timedelta(minutes=minutes)


def add_tickets(world: World, invoices: list[dict]) -> None:
    """Questions and disputes over the four weeks, answered within 10 minutes to 2 days."""
    rng, now = world.rng, world.now
    cars = [c for c in world.fleet.cars if not c.is_demo]
    demo = [c for c in world.fleet.cars if c.is_demo]
    disputable = [i for i in invoices if i["driver_id"] and i["status"] == "issued"]
    tickets: list[tuple[dict, list[dict]]] = []
    count = 30 + len(world.lots) // 2
    for index in range(count):
        dispute_of = disputable.pop(rng.randrange(len(disputable))) if disputable and index % 4 == 3 else None
        car = (
            dispute_of["_stay"]["_car"]
            if dispute_of
            else (demo[0] if demo and index < 2 else rng.choice(cars))
        )
        if dispute_of:
            created = dispute_of["issued_at"] + timedelta(hours=rng.uniform(2, 96))
        elif rng.random() < 0.3:  # the desk's current queue
            created = now - timedelta(minutes=rng.uniform(5, 72 * 60))
        else:
            created = world.start + timedelta(seconds=rng.randrange(int((now - world.start).total_seconds())))
        created = created.replace(microsecond=0)
        if created >= now:
            continue
        tickets.append(_ticket(world, car, created, dispute_of))
    tickets.sort(key=lambda pair: pair[0]["created_at"])
    for offset, (ticket, messages) in enumerate(tickets, start=1):
        ticket["number"] = _number_base(world, "ticket") + offset
        if ticket.get("outcome") == "upheld":
            invoice = ticket["_invoice"]
            invoice.update(
                status="void",
                live_slot=None,
                paid_at=None,
                paid_reference=None,
                voided_at=max(ticket["resolved_at"], invoice["issued_at"]),
                void_reason=f"Dispute #{ticket['number']} upheld",
            )
        world.rows.add(Ticket, ticket)
        for message in messages:
            world.rows.add(TicketMessage, message)
    world.stats["tickets"] += len(tickets)


def _ticket(world: World, car, created: datetime, invoice: dict | None) -> tuple[dict, list[dict]]:
    rng, now, staff = world.rng, world.now, world.staff
    stay = invoice["_stay"] if invoice else None
    lot = stay["_lot"] if stay else rng.choice(world.lots)
    facts = {
        "facility": lot.facility.name,
        "date": _day((stay["entered_at"] if stay else created).astimezone(lot.tz)),
        "first": car.driver_name.split()[0],
        "email": car.driver_email,
        "plate": car.plate,
    }
    if stay:
        facts.update(
            amount=f"{invoice['amount'] / 100:.2f} {invoice['currency']}",
            entry=stay["entered_at"].astimezone(lot.tz).strftime("%H:%M"),
            exit=stay["exited_at"].astimezone(lot.tz).strftime("%H:%M"),
        )
        subject, opening = DISPUTE_SUBJECT.format(**facts), DISPUTE_OPENING.format(**facts)
        outcome = "upheld" if rng.random() < 0.35 else "rejected"
        answer = UPHELD if outcome == "upheld" else REJECTED.format(**facts)
    else:
        subject, opening, answer = (text.format(**facts) for text in rng.choice(QUESTIONS))
        outcome = None
    ticket = {
        "id": world.new_id(),
        "tenant_id": world.tenant.id,
        "driver_id": car.driver_id,
        "kind": "dispute" if stay else "question",
        "subject": subject,
        "status": "open",
        "stay_id": stay["id"] if stay else None,
        "plate": car.plate,
        "created_at": created,
        "_invoice": invoice,
    }
    messages = [_message(world, ticket, "driver", car.driver_name, opening, created)]
    responded = created + _delay(world, 180, 1.2, 10, 2 * 1440)
    if responded < now:
        ticket.update(first_response_at=responded, assignee_id=staff.ops_id)
        resolved = responded + _delay(world, 600, 1.0, 20, 4 * 1440)
        if resolved < now:
            ticket.update(status="resolved", outcome=outcome, resolved_at=resolved, resolution=answer)
            messages.append(_message(world, ticket, "operator", staff.ops_name, answer, resolved))
            if resolved + timedelta(days=3) < now:
                closed = resolved + timedelta(days=3)
                ticket["status"] = "closed"
                messages.append(
                    _message(world, ticket, "system", "", "Closed 3 days after it was resolved.", closed)
                )
        else:
            ask = "Thanks, I am looking into it. Could you tell me roughly when you arrived?"
            messages.append(_message(world, ticket, "operator", staff.ops_name, ask, responded))
            ticket["status"] = "pending"
            replied = responded + _delay(world, 90, 1.0, 5, 1440)
            if replied < now and rng.random() < 0.5:
                messages.append(_message(world, ticket, "driver", car.driver_name, "Around 9 am.", replied))
                ticket["status"] = "open"
    ticket["last_message_at"] = messages[-1]["created_at"]
    ticket["updated_at"] = ticket["last_message_at"]
    return ticket, messages


def _day(local: datetime) -> str:
    return f"{local.day} {local:%b}"


def _message(world: World, ticket: dict, kind: str, name: str, body: str, at: datetime) -> dict:
    return {
        "ticket_id": ticket["id"],
        "author_kind": kind,
        "author_user_id": world.staff.ops_id if kind == "operator" else None,
        "author_name": name,
        "body": body,
        "created_at": at,
    }
