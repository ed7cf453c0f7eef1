"""An invoice as a printable HTML page (A4, the browser's "Print" or "Save as PDF").

Every value from the database is HTML-escaped (`bill_to` is typed by operators). Times are the
facility's local time; amounts carry no VAT (parking here is billed VAT-free), so the total is the
VAT-free total. A paid or void invoice carries a large watermark saying so.
"""

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from backend.invoices.numbers import invoice_number
from backend.models import Invoice
from shared.money import format_amount

_STYLE = """
@page { size: A4; margin: 18mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, sans-serif; color: #1d2329; margin: 0; font-size: 11pt; }
.sheet { max-width: 180mm; margin: 24px auto; padding: 0 12px; position: relative; }
header { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 2px solid #1d2329; padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 20pt; margin: 0 0 4px; }
.muted { color: #5b6670; }
.meta { text-align: right; }
.meta div { margin: 2px 0; }
section { margin-bottom: 18px; }
h2 { font-size: 10pt; text-transform: uppercase; letter-spacing: .06em; color: #5b6670; margin: 0 0 6px; }
table { width: 100%; border-collapse: collapse; }
td, th { padding: 6px 4px; text-align: left; vertical-align: top; }
th { font-weight: 600; color: #5b6670; width: 35%; }
.amounts td { border-bottom: 1px solid #d8dde2; }
.amounts td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.amounts tr.total td { border-bottom: none; border-top: 2px solid #1d2329; font-weight: 700;
  font-size: 13pt; }
.note { font-size: 9pt; color: #5b6670; margin-top: 6px; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 110pt;
  font-weight: 800; letter-spacing: .1em; transform: rotate(-24deg); opacity: .12; pointer-events: none;
  z-index: 0; }
.watermark.paid { color: #1a7f37; }
.watermark.void { color: #b42318; }
.toolbar { text-align: right; margin-bottom: 12px; }
.toolbar button { font-size: 11pt; padding: 6px 14px; }
@media print { .toolbar { display: none; } .sheet { margin: 0; padding: 0; max-width: none; } }
"""


def _local(moment: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt) if moment else "—"


def _row(label: str, value: str, numeric: bool = False, css: str = "") -> str:
    cls = ' class="num"' if numeric else ""
    row_cls = f' class="{css}"' if css else ""
    return f"<tr{row_cls}><td>{escape(label)}</td><td{cls}>{escape(value)}</td></tr>"


def render(invoice: Invoice) -> str:
    """`invoice` with its stay, the stay's facility and the facility's operator loaded."""
    stay = invoice.stay
    facility = stay.facility
    tenant = facility.tenant
    tz = facility.timezone
    currency = invoice.currency
    number = invoice_number(invoice.number)
    previously_paid = max(0, stay.total_amount - invoice.amount)
    bill_to = invoice.bill_to or f"Keeper of the vehicle {invoice.plate}"
    place = f"{facility.name}, {facility.address}" if facility.address else facility.name

    amounts = [
        _row("Parking", format_amount(stay.parking_amount, currency), numeric=True),
        _row("Service fee", format_amount(stay.service_fee_amount, currency), numeric=True),
    ]
    if previously_paid:
        amounts.append(_row("Paid before", "−" + format_amount(previously_paid, currency), numeric=True))
    amounts.append(_row("VAT 0 %", format_amount(0, currency), numeric=True))
    amounts.append(
        _row("Total (VAT-free)", format_amount(invoice.amount, currency), numeric=True, css="total")
    )

    status_line = {
        "paid": f"Paid on {_local(invoice.paid_at, tz, '%Y-%m-%d')}"
        + (f", reference {invoice.paid_reference}" if invoice.paid_reference else ""),
        "void": f"Void since {_local(invoice.voided_at, tz, '%Y-%m-%d')}"
        + (f": {invoice.void_reason}" if invoice.void_reason else ""),
    }.get(invoice.status, "")  # an issued invoice: the due date above says it all
    watermark = (
        f'<div class="watermark {invoice.status}" aria-hidden="true">{escape(invoice.status.upper())}</div>'
        if invoice.status in ("paid", "void")
        else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(number)} · {escape(tenant.name)}</title>
<style>{_STYLE}</style>
</head>
<body>
{watermark}
<div class="sheet">
<div class="toolbar"><button onclick="window.print()">Print</button></div>
<header>
  <div><h1>{escape(tenant.name)}</h1><div class="muted">Parking invoice</div></div>
  <div class="meta">
    <div><strong>Invoice {escape(number)}</strong></div>
    <div>Issued {escape(_local(invoice.issued_at, tz, "%Y-%m-%d"))}</div>
    <div>Due {escape(_local(invoice.due_at, tz, "%Y-%m-%d"))}</div>
    {f'<div class="status">{escape(status_line)}</div>' if status_line else ""}
  </div>
</header>
<section>
  <h2>Bill to</h2>
  <div>{escape(bill_to)}</div>
</section>
<section>
  <h2>Parking</h2>
  <table>
    <tr><th>Vehicle</th><td>{escape(invoice.plate)}</td></tr>
    <tr><th>Facility</th><td>{escape(place)}</td></tr>
    <tr><th>Entry</th><td>{escape(_local(stay.entered_at, tz))}</td></tr>
    <tr><th>Exit</th><td>{escape(_local(stay.exited_at, tz))}</td></tr>
    <tr><th>Times in</th><td>{escape(tz)}</td></tr>
  </table>
</section>
<section>
  <h2>Amounts ({escape(currency)})</h2>
  <table class="amounts">{"".join(amounts)}</table>
  <div class="note">Please pay by the due date quoting the invoice number {escape(number)}.</div>
</section>
</div>
</body>
</html>
"""


def refusal(message: str) -> str:
    """The page a refused print link opens on: what happened and what to do."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice not available</title>'
        f'<style>{_STYLE}</style></head><body><div class="sheet"><h1>Invoice not available</h1>'
        f'<p class="muted">{escape(message)}</p></div></body></html>'
    )
