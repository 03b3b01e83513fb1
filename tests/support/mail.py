"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the web app
over a seeded database on SQLite and on PostgreSQL, for the notification tests."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.support.seeding import clear_postgres
from tests.support.webapp import seed_users_and_process, seeded_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the server received: each message as parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def mail_app(request, tmp_path, monkeypatch, smtp):
    """The app, mailing through ``smtp``, over the demo tree, the process and the web
    tests' users, on each back end."""
    monkeypatch.chdir(tmp_path)
    config = {"TESTING": True, "SMTP_URL": smtp.url, "BASE_URL": "http://ketnap.test"}
    if request.param == "sqlite":
        return seeded_app(tmp_path, **config)
    engine = request.getfixturevalue("pg_database")
    from tests.conftest import _tables

    clear_postgres(engine, _tables())
    seed_users_and_process(engine)
    url = engine.url.render_as_string(hide_password=False)
    return seeded_app(tmp_path, DATABASE_URL=url, **config)
