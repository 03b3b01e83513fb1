"""How much time a deadline leaves, in the words a reviewer reads beside its date:
"còn 3 ngày làm việc", "đến hạn hôm nay", "quá hạn 5 ngày làm việc".

Counted in working days on the engine's calendar (engine/workdays.py: weekends and
Vietnamese public holidays do not count), on Việt Nam's local days, as the procedure's
deadlines are.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import ngettext

from engine import clock
from engine.inbox import workdays_left

from .i18n import LOCAL


def time_left(due_at: datetime | None, now: datetime | None = None) -> str:
    """The phrase for ``due_at`` seen at ``now`` (the clock's now); "" without a deadline."""
    if due_at is None:
        return ""
    days = workdays_left(due_at, now or clock.now(), tz=LOCAL)
    if days > 0:
        return ngettext("còn %(num)s ngày làm việc", "còn %(num)s ngày làm việc", days)
    if days == 0:
        return _("đến hạn hôm nay")
    return ngettext("quá hạn %(num)s ngày làm việc", "quá hạn %(num)s ngày làm việc", -days)


def install(app: Flask) -> None:
    app.jinja_env.filters["time_left"] = time_left
