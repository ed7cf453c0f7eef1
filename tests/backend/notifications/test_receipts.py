"""Receipts by e-mail: rendered from the payment, sent by a job through a real SMTP server on
loopback (or into the outbox folder), retried when the server is down, never sent twice."""

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from tortoise.transactions import in_transaction

from backend.models import DriverEvent, Job, OutboundEmail, Payment
from backend.notifications.email import OutboxSender, SmtpSender, build_mail_sender
from backend.notifications.receipts import SEND_RECEIPT, queue_receipt, receipt_number
from tests.backend.conftest import make_settings
from tests.backend.helpers import app_of
from tests.backend.notifications.conftest import free_port
from tests.backend.notifications.factories import make_stay_payment, signed_in_driver


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


async def queue_and_run(client, payment: Payment) -> None:
    async with in_transaction():
        await queue_receipt(payment.id)
    await app_of(client).state.services.jobs.drain()


async def test_a_captured_payment_is_receipted_by_smtp(client, smtp_server, use_mail_sender) -> None:
    use_mail_sender(SmtpSender.from_url(smtp_server.url))
    driver, _ = await signed_in_driver(client)
    payment = await make_stay_payment(driver)

    await queue_and_run(client, payment)

    [envelope] = smtp_server.mailbox.envelopes
    assert envelope.rcpt_tos == ["aino@example.test"]
    assert envelope.mail_from == "receipts@parkflow.test"
    message = parse(envelope.original_content)
    number = receipt_number(payment.id)
    assert number == f"PF-{payment.id.hex[:8].upper()}"
    assert message["Subject"] == f"Receipt {number}: Kamppi P1, 6.15 EUR"
    assert message["From"] == "Parkflow <receipts@parkflow.test>"
    assert message["Message-ID"] == f"<receipt.{payment.id}@parkflow.test>"
    text = " ".join(text_of(message).split())  # the columns' padding aside
    for line in [
        "Hello Aino,",
        f"Receipt number: {number}",
        "Operator: Helsinki Parking Oy",
        "Facility: Kamppi P1",
        "Vehicle: ABC-123",
        "Period: 2026-03-30 17:23 – 19:05 EEST",  # the facility's local time
        "Payment method: Visa ending in 4242",
        "Parking: 6.00 EUR Service fee: 0.15 EUR Total: 6.15 EUR",
    ]:
        assert line in text, f"{line!r} not in:\n{text_of(message)}"
    html = html_of(message)
    assert "<td>Service fee</td><td align='right'>0.15 EUR</td>" in html
    assert "Helsinki Parking Oy" in html

    await payment.refresh_from_db()
    assert payment.receipt_sent_at is not None
    outbound = await OutboundEmail.get(to_address="aino@example.test")
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 1, None)
    assert outbound.sent_at is not None
    event = await DriverEvent.get(driver_id=driver.id, kind="receipt_sent")
    assert event.payload == {"payment_id": str(payment.id), "receipt_number": number, "email": driver.email}


async def test_a_receipt_is_mailed_once_however_often_it_is_queued(
    client, smtp_server, use_mail_sender
) -> None:
    use_mail_sender(SmtpSender.from_url(smtp_server.url))
    driver, _ = await signed_in_driver(client)
    payment = await make_stay_payment(driver)

    await queue_and_run(client, payment)
    await queue_and_run(client, payment)
    # Even a fresh job for an already receipted payment (e.g. re-queued by hand) mails nothing.
    await Job.filter(kind=SEND_RECEIPT).delete()
    await queue_and_run(client, payment)

    assert len(smtp_server.mailbox.envelopes) == 1
    assert await OutboundEmail.all().count() == 1
    assert await DriverEvent.filter(kind="receipt_sent").count() == 1


async def test_smtp_down_is_retried_later_and_then_sent_once(client, smtp_server, use_mail_sender) -> None:
    nothing_there = f"smtp://127.0.0.1:{free_port()}"
    use_mail_sender(SmtpSender.from_url(nothing_there, timeout_seconds=2))
    driver, _ = await signed_in_driver(client)
    payment = await make_stay_payment(driver)

    before = datetime.now(UTC)
    await queue_and_run(client, payment)  # the job fails; nothing raises to the caller

    outbound = await OutboundEmail.get(to_address=driver.email)
    assert (outbound.status, outbound.attempts) == ("failed", 1)
    assert "connect" in outbound.last_error.lower()
    job = await Job.get(kind=SEND_RECEIPT)
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.run_at > before + timedelta(seconds=1)  # backoff
    await payment.refresh_from_db()
    assert payment.receipt_sent_at is None
    assert not await DriverEvent.filter(kind="receipt_sent").exists()

    use_mail_sender(SmtpSender.from_url(smtp_server.url))
    await Job.filter(id=job.id).update(run_at=datetime.now(UTC))  # the backoff has passed
    await app_of(client).state.services.jobs.drain()
    await app_of(client).state.services.jobs.drain()

    assert len(smtp_server.mailbox.envelopes) == 1
    await outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 2, None)
    await job.refresh_from_db()
    assert job.status == "done"
    await payment.refresh_from_db()
    assert payment.receipt_sent_at is not None


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_smtp_with_login(client, use_mail_sender) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.backend.notifications.conftest import Mailbox

    mailbox = Mailbox()

    def authenticate(server, session, envelope, mechanism, auth_data):
        mailbox.logins.append(f"{auth_data.login.decode()}:{auth_data.password.decode()}")
        return AuthResult(success=auth_data.password == b"s3cret/pw")

    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        use_mail_sender(SmtpSender.from_url(f"smtp://mailer:s3cret%2Fpw@127.0.0.1:{controller.port}"))
        driver, _ = await signed_in_driver(client)
        await queue_and_run(client, await make_stay_payment(driver))
    finally:
        controller.stop()
    assert mailbox.logins == ["mailer:s3cret/pw"]
    assert len(mailbox.envelopes) == 1


async def test_without_smtp_the_receipt_lands_in_the_outbox(client, tmp_path, use_mail_sender) -> None:
    use_mail_sender(OutboxSender(tmp_path / "outbox"))
    driver, _ = await signed_in_driver(client)
    payment = await make_stay_payment(driver)

    await queue_and_run(client, payment)

    [path] = (tmp_path / "outbox").glob("*.eml")
    message = parse(path.read_bytes())
    assert message["To"] == driver.email
    assert message["Subject"].startswith(f"Receipt {receipt_number(payment.id)}")
    assert "Total: 6.15 EUR" in " ".join(text_of(message).split())
    assert not list((tmp_path / "outbox").glob("*.partial"))


@pytest.mark.parametrize("status", ["failed", "voided"])
async def test_nothing_is_mailed_for_a_payment_that_took_no_money(
    client, smtp_server, use_mail_sender, status
) -> None:
    use_mail_sender(SmtpSender.from_url(smtp_server.url))
    driver, _ = await signed_in_driver(client)
    payment = await make_stay_payment(driver, status=status)
    await queue_and_run(client, payment)
    assert smtp_server.mailbox.envelopes == []
    assert (await Job.get(kind=SEND_RECEIPT)).status == "done"


async def test_an_uncaptured_payment_waits(client, smtp_server, use_mail_sender) -> None:
    use_mail_sender(SmtpSender.from_url(smtp_server.url))
    driver, _ = await signed_in_driver(client)
    payment = await make_stay_payment(driver, status="authorized")
    await queue_and_run(client, payment)
    assert smtp_server.mailbox.envelopes == []
    job = await Job.get(kind=SEND_RECEIPT)
    assert job.status == "pending"
    assert "not captured yet" in job.last_error

    await Payment.filter(id=payment.id).update(status="captured")
    await Job.filter(id=job.id).update(run_at=datetime.now(UTC))
    await app_of(client).state.services.jobs.drain()
    assert len(smtp_server.mailbox.envelopes) == 1


def test_the_mail_backend_follows_the_settings(tmp_path) -> None:
    outbox = build_mail_sender(make_settings("sqlite://:memory:", data_dir=str(tmp_path)))
    assert outbox == OutboxSender(tmp_path / "outbox")
    smtp = build_mail_sender(make_settings("sqlite://:memory:", smtp_url="smtps://u%40x:p@mail.example:2465"))
    assert smtp == SmtpSender("mail.example", 2465, "u@x", "p", use_tls=True, start_tls=False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:1025", SmtpSender("127.0.0.1", 1025)),
        ("smtp://mail.example", SmtpSender("mail.example", 25)),
        ("smtp+starttls://u:p@mail.example", SmtpSender("mail.example", 587, "u", "p", start_tls=True)),
        ("smtps://mail.example", SmtpSender("mail.example", 465, use_tls=True, start_tls=False)),
    ],
)
def test_smtp_urls(url, expected) -> None:
    assert SmtpSender.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_a_bad_smtp_url_says_what_it_should_look_like(url) -> None:
    with pytest.raises(ValueError, match="PARKFLOW_SMTP_URL must look like"):
        SmtpSender.from_url(url)
