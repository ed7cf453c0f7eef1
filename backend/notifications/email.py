"""Sending e-mail: through a real SMTP server, or into a local outbox folder.

`PARKFLOW_SMTP_URL` chooses the server:

* `smtp://user:pass@host:587`: plain SMTP, upgraded with STARTTLS when the server offers it;
* `smtp+starttls://...`: STARTTLS required;
* `smtps://user:pass@host:465`: TLS from the first byte.

User and password are optional and percent-decoded. Without a URL (the demo), every message is
written as an `.eml` file into `<PARKFLOW_DATA_DIR>/outbox/`, which any mail program opens.
"""

import asyncio
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from backend.config import Settings

EXTRAS_KEY = "mail_sender"


class MailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver the message or raise (the caller's job retries later)."""
        ...


class MailConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SmtpSender:
    hostname: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None  # None: when the server offers it
    timeout_seconds: float = 30.0

    @classmethod
    def from_url(cls, url: str, timeout_seconds: float = 30.0) -> "SmtpSender":
        parts = urlsplit(url)
        schemes = {
            "smtp": (False, None, 25),
            "smtp+starttls": (False, True, 587),
            "smtps": (True, False, 465),
        }
        if parts.scheme not in schemes or not parts.hostname:
            raise MailConfigError(
                "PARKFLOW_SMTP_URL must look like smtp://user:pass@host:587, smtp+starttls://... or "
                "smtps://user:pass@host:465."
            )
        use_tls, start_tls, default_port = schemes[parts.scheme]
        return cls(
            hostname=parts.hostname,
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=use_tls,
            start_tls=start_tls,
            timeout_seconds=timeout_seconds,
        )

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=self.timeout_seconds,
        )


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class OutboxSender:
    """Writes each message to `<directory>/<UTC time>-<message id>.eml` (atomically)."""

    directory: Path

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id = _UNSAFE.sub("-", str(message.get("Message-ID", "")).strip("<>")).strip("-")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"{stamp}-{message_id or os.urandom(6).hex()}.eml"
        partial = path.with_suffix(".eml.partial")
        partial.write_bytes(message.as_bytes())
        partial.replace(path)
        return path


def build_mail_sender(settings: Settings) -> MailSender:
    if settings.smtp_url is not None and settings.smtp_url.get_secret_value().strip():
        return SmtpSender.from_url(
            settings.smtp_url.get_secret_value().strip(), settings.smtp_timeout_seconds
        )
    return OutboxSender(Path(settings.data_dir) / "outbox")
