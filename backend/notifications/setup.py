"""Start-up wiring for notifications: the event broker, the mail sender and the job handlers."""

from functools import partial

from backend.kit.services import AppServices
from backend.notifications.broker import EXTRAS_KEY as BROKER_KEY
from backend.notifications.broker import EventBroker
from backend.notifications.email import EXTRAS_KEY as MAIL_KEY
from backend.notifications.email import build_mail_sender
from backend.notifications.receipts import SEND_RECEIPT, send_receipt
from backend.notifications.reminders import FREE_PERIOD_ENDING, send_free_period_reminder


def install_notifications(services: AppServices) -> None:
    settings = services.settings
    postgres = settings.database_url if settings.database_url.startswith("postgres") else None
    broker = EventBroker(poll_seconds=settings.events_poll_seconds, postgres_dsn=postgres)
    services.extras[BROKER_KEY] = broker
    services.on_shutdown(broker.close)
    services.extras[MAIL_KEY] = build_mail_sender(settings)
    services.jobs.register(SEND_RECEIPT, partial(send_receipt, services))
    services.jobs.register(FREE_PERIOD_ENDING, partial(send_free_period_reminder, services))
