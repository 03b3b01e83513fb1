"""Sending one message through the SMTP server of ``KETNAP_SMTP_URL`` (the standard
library's ``smtplib``; one connection per message, so a server that went away meanwhile
costs one failed message, retried later, and nothing else)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

#: Seconds to wait for the server before a send counts as failed.
TIMEOUT = 30
#: What a failed send raises: the server refused, went away or could not be reached.
SEND_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False  # smtps://: TLS from the first byte

    @classmethod
    def from_url(cls, url: str, sender: str) -> Mailer:
        """``smtp://user:password@host:port?starttls=1`` or ``smtps://...`` (checked by
        engine.settings)."""
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if tls else 25),
            sender=sender,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=(query.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes", "on"),
            tls=tls,
        )

    def send(self, message: EmailMessage) -> None:
        """Send ``message`` (From is set here); SEND_ERRORS when it could not be."""
        if "From" not in message:
            message["From"] = self.sender
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        with smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


def from_config(config) -> Mailer | None:
    """The app's mailer, or None when mail is off (no ``SMTP_URL``)."""
    url = config.get("SMTP_URL")
    return Mailer.from_url(url, config["MAIL_FROM"]) if url else None
