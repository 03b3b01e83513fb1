"""``ketnap notify run [--loop]``: the notification worker, beside gunicorn and the
timer worker (several at once are safe: each notification is sent once)."""

from __future__ import annotations

import logging

import click

log = logging.getLogger(__name__)


@click.group()
def notify():
    """Notifications: reminders, mail and the daily digest."""


@notify.command(name="run")
@click.option("--loop", is_flag=True, help="keep running (KETNAP_NOTIFY_INTERVAL between rounds)")
def notify_run(loop):
    """Write due reminders and mail what is due; once, or (--loop) until stopped."""
    from web import create_app

    from .worker import Worker

    app = create_app()
    worker = Worker(app)
    if worker.mailer is None:
        log.info("mail is off (KETNAP_SMTP_URL is not set): only reminders are written")
    if loop:
        worker.loop(interval=app.config["NOTIFY_INTERVAL"])
        return
    click.echo(f"handled: {worker.run_once()}")
