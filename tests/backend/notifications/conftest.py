"""Real peers on loopback: the app served by uvicorn (httpx's ASGI transport buffers whole
responses, so it cannot show an event stream) and an SMTP server (aiosmtpd)."""

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from backend.notifications.email import EXTRAS_KEY as MAIL_KEY
from backend.notifications.email import MailSender


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def live_url(app, client) -> AsyncIterator[str]:
    """The test app (its lifespan already running) behind a real uvicorn server on 127.0.0.1."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="warning", timeout_graceful_shutdown=2)
    )
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
        listener.close()


@dataclass
class Mailbox:
    """What the SMTP server received (it runs in its own thread)."""

    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    hostname: str
    port: int
    mailbox: Mailbox

    @property
    def url(self) -> str:
        return f"smtp://{self.hostname}:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, mailbox)
    finally:
        controller.stop()


@pytest.fixture
def use_mail_sender(app):
    """Swap the app's mail sender for one test (what the jobs use), restoring it afterwards."""
    services = app.state.services
    original = services.extras[MAIL_KEY]

    def use(sender: MailSender) -> None:
        services.extras[MAIL_KEY] = sender

    yield use
    services.extras[MAIL_KEY] = original
