"""A case whose timer fails to fire says so on its page, and the boards see it in their
list of incidents (only the cases they may see; anyone else gets 404 for the list)."""

from __future__ import annotations

import re
from datetime import timedelta

from engine import clock, timers
from engine.cases import Actor, unit_of_work
from engine.models import Case
from tests.support.driving import DOSSIER, do, factory, start
from web.i18n import format_datetime

from .test_inbox import as_user

ERROR = "wait_18: quy tắc tính tuổi bị lỗi"


def _failing_case(app) -> tuple[int, str]:
    """A student's case waiting for the 18th birthday, whose timer then failed; with the
    time of its next try as the pages show it."""
    case_id = start(app)
    do(app, case_id, *DOSSIER)
    with unit_of_work(factory(app)) as s:
        due = s.get(Case, case_id).next_due_at
    with clock.frozen_at(due + timedelta(minutes=1)):
        retry_at = timers.mark_incident(factory(app), case_id, RuntimeError(ERROR), Actor("timer"))
    return case_id, format_datetime(retry_at)


def test_the_case_page_says_the_timer_failed_and_when_it_is_retried(app):
    case_id, retry_at = _failing_case(app)
    html = as_user(app, "cb_tp").get(f"/ho-so/{case_id}").get_data(True)
    [alert] = re.findall(r'data-testid="incident">(.*?)</div>', html, re.S)
    assert "Sự cố: hẹn giờ của hồ sơ không chạy được: " + ERROR in alert
    assert f"Hệ thống sẽ thử lại lúc {retry_at}." in alert
    assert "Hẹn giờ không chạy được: " + ERROR in html  # the history line


def test_the_boards_list_the_incidents_they_may_see(app):
    case_id, retry_at = _failing_case(app)
    other = start(app, full_name="Trần Văn Bình")  # no incident
    for name in ("btc", "btv", "auditor"):
        page = as_user(app, name).get("/ho-so/su-co")
        assert page.status_code == 200, name
        html = page.get_data(True)
        rows = re.findall(r'data-testid="incident-row" data-case-id="(\d+)"', html)
        assert rows == [str(case_id)] and ERROR in html and retry_at in html, name
        assert str(other) not in rows
    listing = as_user(app, "btc").get("/ho-so").get_data(True)
    assert re.search(r'data-testid="incidents-alert">\s*1 hồ sơ gặp sự cố hẹn giờ', listing)


def test_the_incident_list_is_404_for_everyone_else(app):
    _failing_case(app)
    for name in ("cb_tp", "dt_tp", "p1", "designer", "admin"):
        assert as_user(app, name).get("/ho-so/su-co").status_code == 404, name
    assert 'data-testid="incidents-alert"' not in as_user(app, "cb_tp").get("/ho-so").get_data(True)
