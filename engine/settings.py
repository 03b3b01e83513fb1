"""Every setting of ketnap in one place: its environment variable, type, default and
meaning.

``Settings.from_env()`` reads them all at once, for the CLI, the web app and the timer
workers alike; a value that cannot be used stops the program with an error naming the
variable, rather than being taken for the default. An unset or empty variable means
the default. The README's Configuration table is ``markdown_table()``
(``tests/engine/test_settings.py`` keeps the two the same).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MIB = 1024 * 1024
LOG_FORMATS = ("kv", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """An environment variable holds a value ketnap cannot use."""


def normalised_url(value: str) -> str:
    """The URL as SQLAlchemy is to read it: ``postgresql://`` (and Heroku-style
    ``postgres://``) would pick psycopg2, which we do not ship, so they mean psycopg 3."""
    for scheme in ("postgresql://", "postgres://"):
        if value.startswith(scheme):
            return "postgresql+psycopg://" + value[len(scheme) :]
    return value


def _flag(value: str) -> bool:
    words = {
        "1": True,
        "true": True,
        "yes": True,
        "on": True,
        "0": False,
        "false": False,
        "no": False,
        "off": False,
    }
    try:
        return words[value.strip().lower()]
    except KeyError:
        raise ValueError("expected 1 or 0 (or true/false, yes/no, on/off)") from None


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError("expected a whole number") from None
        if number < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}")
        return number

    return parse


def _one_of(choices: tuple[str, ...], upper: bool = False) -> Callable[[str], str]:
    def parse(value: str) -> str:
        chosen = value.strip().upper() if upper else value.strip()
        if chosen not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return chosen

    return parse


def _smtp_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("expected smtp://[user:password@]host[:port][?starttls=1] or smtps://")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise ValueError("the port is not a number") from None
    return value.strip()


def _base_url(value: str) -> str:
    text = value.strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise ValueError("expected an address starting with http:// or https://")
    return text


def _hour(value: str) -> int:
    hour = _whole(0)(value)
    if hour > 23:
        raise ValueError("expected an hour from 0 to 23")
    return hour


def _setting(
    env: str,
    default: Any,
    meaning: str,
    parse: Callable[[str], Any] = str,
    shown: str | None = None,
    secret: bool = False,
) -> Any:
    """A field read from ``env`` with ``parse``; ``shown`` is the default as the README
    states it, when the value itself would not say it (a derived or absent default)."""
    return field(
        default=default,
        repr=not secret,
        metadata={
            "env": env,
            "meaning": meaning,
            "parse": parse,
            "shown": shown if shown is not None else f"`{default}`",
        },
    )


@dataclass(frozen=True)
class Settings:
    database_url: str | None = _setting(
        "DATABASE_URL",
        None,
        "the database, as a SQLAlchemy URL; `postgresql://` and `postgres://` are read "
        "as `postgresql+psycopg://` (psycopg 3)",
        normalised_url,
        shown="SQLite file `ketnap.sqlite3` in the instance folder",
        secret=True,
    )
    secret_key: str | None = _setting(
        "KETNAP_SECRET_KEY",
        None,
        "signs the session cookies and CSRF tokens; the same on every server of one site",
        shown="random, kept in the instance folder's `secret_key` file",
        secret=True,
    )
    secure_cookies: bool = _setting(
        "KETNAP_SECURE_COOKIES",
        False,
        "1: the browser sends the session cookie over HTTPS only (production)",
        _flag,
        shown="`0`",
    )
    proxy_hops: int = _setting(
        "KETNAP_PROXY_HOPS",
        0,
        "reverse proxies in front of the app (werkzeug's ProxyFix): the client address "
        "(sign-in and API limits, audit log) and scheme are read from the "
        "`X-Forwarded-For` and `X-Forwarded-Proto` they set; `1` behind the README's "
        "nginx, `0` when clients reach the app directly (those headers are then ignored)",
        _whole(0),
    )
    instance_dir: Path = _setting(
        "KETNAP_INSTANCE_DIR",
        Path("instance"),
        "the folder of local state (SQLite file, secret key, attachments); relative to "
        "the working directory",
        Path,
    )
    attachments_dir: Path | None = _setting(
        "KETNAP_ATTACHMENTS_DIR",
        None,
        "where attached files are stored",
        Path,
        shown="`attachments` in the instance folder",
    )
    page_size: int = _setting(
        "KETNAP_PAGE_SIZE", 20, "rows per page of the inbox, case, audit and admin lists", _whole(1)
    )
    max_request_bytes: int = _setting(
        "KETNAP_MAX_REQUEST_BYTES",
        12 * MIB,
        "the largest request body the web app reads (larger: 413)",
        _whole(1),
        shown="`12582912` (12 MiB)",
    )
    max_attachment_bytes: int = _setting(
        "KETNAP_MAX_ATTACHMENT_BYTES",
        10 * MIB,
        "the largest file a task accepts",
        _whole(1),
        shown="`10485760` (10 MiB)",
    )
    sign_in_limit: int = _setting(
        "KETNAP_SIGN_IN_LIMIT",
        20,
        "failed sign-ins per client address per window, then 429 (0: no limit); counted "
        "in the database, so all workers share it",
        _whole(0),
    )
    sign_in_window: int = _setting(
        "KETNAP_SIGN_IN_WINDOW", 600, "the sign-in limit's window, in seconds", _whole(1)
    )
    session_idle_minutes: int = _setting(
        "KETNAP_SESSION_IDLE_MINUTES",
        30,
        "a signed-in session ends after this many minutes without a request",
        _whole(1),
    )
    session_max_hours: int = _setting(
        "KETNAP_SESSION_MAX_HOURS",
        12,
        "a signed-in session ends this many hours after sign-in, however busy",
        _whole(1),
    )
    api_token_limit: int = _setting(
        "KETNAP_API_TOKEN_LIMIT", 600, "API requests per token per window (0: no limit)", _whole(0)
    )
    api_token_window: int = _setting(
        "KETNAP_API_TOKEN_WINDOW", 60, "the API token limit's window, in seconds", _whole(1)
    )
    api_auth_failure_limit: int = _setting(
        "KETNAP_API_AUTH_FAILURE_LIMIT",
        20,
        "API requests with a bad token per client address per window (0: no limit)",
        _whole(0),
    )
    api_auth_failure_window: int = _setting(
        "KETNAP_API_AUTH_FAILURE_WINDOW", 600, "the bad-token limit's window, in seconds", _whole(1)
    )
    reopen_workdays: int = _setting(
        "KETNAP_REOPEN_WORKDAYS",
        10,
        "working days after a step closed a case (a vote below two thirds, say) during "
        "which the board may still reopen that step to correct it (0: never)",
        _whole(0),
    )
    max_instances: int = _setting(
        "KETNAP_MAX_INSTANCES",
        200,
        "the most instances one multi-instance or loop step may run: a literal cardinality "
        "above it is refused when a diagram is checked, a computed one or a longer "
        "collection when the step starts",
        _whole(1),
    )
    max_value_bytes: int = _setting(
        "KETNAP_MAX_VALUE_BYTES",
        64 * 1024,
        "the largest one field of case data may be, as JSON, when a form, a script or a "
        "message writes it",
        _whole(1),
        shown="`65536` (64 KiB)",
    )
    max_case_bytes: int = _setting(
        "KETNAP_MAX_CASE_BYTES",
        MIB,
        "the largest a case's data may grow, all fields together, as JSON",
        _whole(1),
        shown="`1048576` (1 MiB)",
    )
    operation_seconds: int = _setting(
        "KETNAP_OPERATION_SECONDS",
        10,
        "the wall-clock ceiling of one case operation (start, task completion, timers, "
        "...): past it the operation is rolled back and answered 503",
        _whole(1),
    )
    smtp_url: str | None = _setting(
        "KETNAP_SMTP_URL",
        None,
        "the mail server notifications are sent through, as "
        "`smtp://user:password@host:587?starttls=1` (`smtps://` for TLS from the start); "
        "unset: no mail, notifications stay in the app",
        _smtp_url,
        shown="unset (mail off)",
        secret=True,
    )
    mail_from: str = _setting(
        "KETNAP_MAIL_FROM",
        "ketnap <ketnap@localhost>",
        "the sender of notification mail",
    )
    base_url: str = _setting(
        "KETNAP_BASE_URL",
        "http://127.0.0.1:5000",
        "the site's address as users reach it: the links in mail start with it",
        _base_url,
    )
    digest_hour: int = _setting(
        "KETNAP_DIGEST_HOUR",
        7,
        "the hour (local time, 0-23) on each working day when the daily digest is mailed",
        _hour,
    )
    remind_workdays: int = _setting(
        "KETNAP_REMIND_WORKDAYS",
        3,
        "a task's holder (or else its unit) is reminded when its deadline is this many "
        "working days away or fewer, and again once it is overdue",
        _whole(0),
    )
    notify_interval: int = _setting(
        "KETNAP_NOTIFY_INTERVAL",
        30,
        "seconds the notification worker (`ketnap notify run --loop`) waits when it has "
        "nothing to send",
        _whole(1),
    )
    party_above_top: str = _setting(
        "KETNAP_PARTY_ABOVE_TOP",
        "",
        "the party organisation a document heading prints above the tree's top committee "
        "(`Đảng bộ tỉnh Lâm Đồng` above Thành ủy Đà Lạt); empty: that committee alone",
        str,
        shown="empty",
    )
    font_dir: Path = _setting(
        "KETNAP_FONT_DIR",
        Path("/usr/share/fonts/truetype/dejavu"),
        "a folder searched first for the TrueType fonts the PDFs embed (Liberation Serif, "
        "DejaVu Sans), before the Debian packages' folders",
        Path,
    )
    log_format: str = _setting(
        "KETNAP_LOG_FORMAT",
        "kv",
        "log lines as `kv` (key=value) or `json` (one object per line), on standard error",
        _one_of(LOG_FORMATS),
    )
    log_level: str = _setting(
        "KETNAP_LOG_LEVEL",
        "INFO",
        f"the least level logged: {', '.join(LOG_LEVELS)}",
        _one_of(LOG_LEVELS, upper=True),
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The settings the environment gives; SettingsError names a bad variable."""
        values: dict[str, Any] = {}
        for setting in fields(cls):
            env = setting.metadata["env"]
            raw = environ.get(env, "")
            if not raw.strip():
                continue
            try:
                values[setting.name] = setting.metadata["parse"](raw)
            except ValueError as err:
                raise SettingsError(f"{env}={raw!r}: {err}") from None
        return cls(**values)

    @property
    def attachments(self) -> Path:
        """The folder of attached files: the one set, or the instance folder's."""
        return self.attachments_dir or self.instance_dir / "attachments"


def markdown_table() -> str:
    """The README's Configuration table: one row per variable."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [
        f"| `{s.metadata['env']}` | {s.metadata['shown']} | {s.metadata['meaning']} |"
        for s in fields(Settings)
    ]
    return "\n".join(rows)
