"""A receipt's content: plain text and HTML, from plain data (no database access here)."""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from html import escape
from zoneinfo import ZoneInfo

from shared.money import format_amount


@dataclass(frozen=True)
class ReceiptData:
    receipt_number: str
    operator: str
    facility: str
    timezone: str
    plate: str
    description: str
    period_start: datetime | None
    period_end: datetime | None
    paid_at: datetime
    parking_amount: int
    service_fee_amount: int
    total_amount: int
    refunded_amount: int
    currency: str
    card: str | None
    driver_name: str


@dataclass(frozen=True)
class RenderedReceipt:
    subject: str
    text: str
    html: str


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def format_period(start: datetime | None, end: datetime | None, timezone: str) -> str:
    """`2026-03-30 17:23 – 19:05 EEST` in the facility's local time (the end's date when it differs)."""
    zone = ZoneInfo(timezone)
    if start is None and end is None:
        return "-"
    if start is None or end is None:
        only = _local(start or end, zone)  # type: ignore[arg-type]
        return f"{only:%Y-%m-%d %H:%M} {only.tzname()}"
    first, last = _local(start, zone), _local(end, zone)
    end_text = f"{last:%H:%M}" if first.date() == last.date() else f"{last:%Y-%m-%d %H:%M}"
    return f"{first:%Y-%m-%d %H:%M} – {end_text} {last.tzname()}"


def _lines(data: ReceiptData) -> list[tuple[str, str]]:
    money = [
        (data.description, format_amount(data.parking_amount, data.currency)),
        ("Service fee", format_amount(data.service_fee_amount, data.currency)),
        ("Total", format_amount(data.total_amount, data.currency)),
    ]
    if data.refunded_amount:
        money.append(("Refunded", format_amount(-data.refunded_amount, data.currency)))
    return money


def _details(data: ReceiptData) -> list[tuple[str, str]]:
    paid_at = _local(data.paid_at, ZoneInfo(data.timezone))
    details = [
        ("Receipt number", data.receipt_number),
        ("Operator", data.operator),
        ("Facility", data.facility),
        ("Vehicle", data.plate),
        ("Period", format_period(data.period_start, data.period_end, data.timezone)),
        ("Paid", f"{paid_at:%Y-%m-%d %H:%M} {paid_at.tzname()}"),
    ]
    if data.card:
        details.append(("Payment method", data.card))
    return details


def render_receipt(data: ReceiptData) -> RenderedReceipt:
    total = format_amount(data.total_amount, data.currency)
    subject = f"Receipt {data.receipt_number}: {data.facility}, {total}"
    greeting = f"Hello {data.driver_name}," if data.driver_name else "Hello,"
    width = max(len(label) for label, _ in _details(data) + _lines(data)) + 2
    text = "\n".join(
        [
            greeting,
            "",
            f"Thank you for parking with {data.operator}. Here is your receipt.",
            "",
            *(f"{label + ':':<{width}}{value}" for label, value in _details(data)),
            "",
            *(f"{label + ':':<{width}}{value:>14}" for label, value in _lines(data)),
            "",
            f"All amounts in {data.currency}. Keep this e-mail as your receipt.",
            "",
        ]
    )
    detail_rows = "".join(
        f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in _details(data)
    )
    bold = " style='font-weight:bold'"
    money_rows = "".join(
        f"<tr{bold if label == 'Total' else ''}>"
        f"<td>{escape(label)}</td><td align='right'>{escape(value)}</td></tr>"
        for label, value in _lines(data)
    )
    html = (
        "<!DOCTYPE html><html><body style='font-family:sans-serif'>"
        f"<p>{escape(greeting)}</p>"
        f"<p>Thank you for parking with {escape(data.operator)}. Here is your receipt.</p>"
        f"<table cellpadding='4'>{detail_rows}</table>"
        f"<table cellpadding='4' style='margin-top:1em'>{money_rows}</table>"
        f"<p>All amounts in {escape(data.currency)}. Keep this e-mail as your receipt.</p>"
        "</body></html>"
    )
    return RenderedReceipt(subject=subject, text=text, html=html)


def compose(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_key: str,
    date: datetime,
) -> EmailMessage:
    """The MIME message (text, plus HTML as the alternative). `message_key` makes the Message-ID
    stable, so a retried send is recognisable as the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "parkflow.invalid"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{message_key}@{domain}>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message
