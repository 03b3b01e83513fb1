"""Notifications by e-mail, through a real SMTP server on loopback (aiosmtpd), on SQLite
and PostgreSQL: written with the operation that gives the reason, sent once by the
worker (also by two at once), reminders on working days only, the digest, the signed
unsubscribe link, and a mail server that is down."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from engine import clock
from engine.cases import Actor, unit_of_work
from engine.models import Notification, WorkItem
from engine.outbox import REMINDERS, Reason, enqueue
from engine.workdays import LOCAL_TZ
from tests.support.driving import do, factory, item_id, set_item, start
from tests.support.mail import free_port
from tests.support.webapp import csrf_token, login
from web.accounts import User, create_user
from web.notifications.mailer import Mailer
from web.notifications.preferences import set_modes
from web.notifications.worker import Worker, retry_delay
from workflows.admission import rules, steps


def address(name: str) -> str:
    return f"{name}@ketnap.test"


def give_addresses(app, *names: str) -> None:
    with unit_of_work(factory(app)) as s:
        for user in s.execute(select(User).where(User.username.in_(names))).scalars():
            user.email = address(user.username)


def rows(app, **where) -> list[Notification]:
    with unit_of_work(factory(app)) as s:
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return list(s.execute(query).scalars())


def reminders(app) -> list[Notification]:
    return [row for row in rows(app) if row.kind in REMINDERS]


def link_in(message, pattern: str) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


def test_a_step_that_opens_a_task_in_another_unit_mails_its_reviewers_once(mail_app, smtp):
    with unit_of_work(factory(mail_app)) as s:  # the centre has two reviewers
        create_user(s, "ttct2", "pw", memberships=[("TTCT-DL", "reviewer")])
    give_addresses(mail_app, "dt_tp", "cb_tp", "cb_btx", "ttct", "ttct2")
    case_id = start(mail_app)  # the Youth Union proposes; the school's branch accepts
    do(mail_app, case_id, "accept_sympathiser", who="cb_tp")  # the branch hands over
    task = item_id(mail_app, case_id, "attend_class")  # to the political centre
    worker = Worker(mail_app)
    worker.run_once()
    worker.run_once()  # a second round sends nothing again
    [mail] = smtp.inbox.to(address("ttct"))
    [other] = smtp.inbox.to(address("ttct2"))
    assert other["Subject"] == mail["Subject"]
    assert "Việc mới cho" in mail["Subject"]
    assert link_in(mail, r"http://ketnap\.test/viec/\d+") == f"http://ketnap.test/viec/{task}"
    assert link_in(mail, r"http://ketnap\.test/thong-bao/tuy-chon/\S+")
    html = mail.get_body(("html",)).get_content()
    assert f'href="http://ketnap.test/viec/{task}"' in html
    # Who completed the step is not told of the task it opened; no other unit hears.
    assert [m["Subject"] for m in smtp.inbox.to(address("cb_btx"))] == []
    assert all("Bồi dưỡng" not in m["Subject"] for m in smtp.inbox.to(address("cb_tp")))


def test_a_rolled_back_operation_notifies_nobody(mail_app, smtp):
    give_addresses(mail_app, "ttct")
    case_id = start(mail_app)
    before = len(rows(mail_app))
    data = steps.step_data("accept_sympathiser", rules.today(), {})
    with pytest.raises(RuntimeError):
        with unit_of_work(factory(mail_app)) as s:
            steps.complete_step(s, case_id, "accept_sympathiser", data, Actor("cb_tp"))
            raise RuntimeError("the request failed after the step")
    assert len(rows(mail_app)) == before
    assert rows(mail_app, recipient="ttct") == []
    Worker(mail_app).run_once()
    assert smtp.inbox.to(address("ttct")) == []


def _reasons(app, count: int, kind: str = "task_new") -> None:
    with unit_of_work(factory(app)) as s:
        for number in range(count):
            enqueue(s, Reason(kind, users=("ttct", "cb_tp"), data={"title": f"Hồ sơ {number}"}))


def test_two_workers_send_each_notification_once(mail_app, smtp):
    give_addresses(mail_app, "ttct", "cb_tp")
    _reasons(mail_app, 15)
    workers = [Worker(mail_app), Worker(mail_app)]
    threads = [threading.Thread(target=w.deliver) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [m["X-Ketnap-Notification"] for _to, m in smtp.inbox.messages]
    assert len(sent) == 30
    assert sorted(sent) == sorted({*sent})
    assert {row.mail_status for row in rows(mail_app)} == {"sent"}


# Tết 2027: Thursday 4 to Wednesday 10 February are days off (the 29th of the last
# month to the fifth day of the new year); the 3rd is the last working day before.
def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2027, 2, day, hour, 0, tzinfo=LOCAL_TZ).astimezone(UTC)


def _due_on(app, item: int, day: int) -> None:
    set_item(app, item, due_at=datetime(2027, 2, day, 16, 59, tzinfo=UTC))  # 23:59 local


def test_reminders_due_soon_and_overdue_on_working_days_only(mail_app, smtp):
    soon = item_id(mail_app, start(mail_app), "accept_sympathiser")  # THPT-TP, unclaimed
    later = item_id(mail_app, start(mail_app, branch="THPT-BTX"), "accept_sympathiser")
    worker = Worker(mail_app)
    worker.deliver()  # the new tasks' notifications, to nobody's address yet
    give_addresses(mail_app, "cb_tp", "cb_btx", "ttct")
    with unit_of_work(factory(mail_app)) as s:
        s.execute(update(WorkItem).where(WorkItem.id == later).values(claimed_by="cb_btx"))
    _due_on(mail_app, soon, 12)  # two working days after the 3rd: Tết is not counted
    _due_on(mail_app, later, 16)  # four working days after the 3rd, three after the 11th
    with clock.frozen_at(_at(3)):
        worker.run_once()
    assert [(r.recipient, r.kind, r.work_item_id) for r in reminders(mail_app)] == [
        ("cb_tp", "task_due_soon", soon)
    ]
    [mail] = smtp.inbox.to(address("cb_tp"))
    assert "Sắp đến hạn 12/02/2027" in mail["Subject"]
    for day in (4, 6, 8, 10):  # Tết: nobody is reminded, not even of what is overdue
        with clock.frozen_at(_at(day)):
            worker.run_once()
    assert len(reminders(mail_app)) == 1
    _due_on(mail_app, soon, 5)  # now overdue since Tết
    with clock.frozen_at(_at(11)):
        worker.run_once()
        worker.run_once()  # once per task and recipient, however often computed
    assert sorted((r.recipient, r.kind, r.work_item_id) for r in reminders(mail_app)) == [
        ("cb_btx", "task_due_soon", later),  # the holder only, not the whole unit
        ("cb_tp", "task_due_soon", soon),
        ("cb_tp", "task_overdue", soon),
    ]
    assert "Đã quá hạn 05/02/2027" in smtp.inbox.to(address("cb_tp"))[-1]["Subject"]
    assert len(smtp.inbox.to(address("cb_btx"))) == 1


def test_the_digest_groups_by_unit_and_deadline_at_its_hour_on_working_days(mail_app, smtp):
    give_addresses(mail_app, "ttct")
    with unit_of_work(factory(mail_app)) as s:
        user = s.execute(select(User).where(User.username == "ttct")).scalar_one()
        set_modes(s, user.id, {"task_new": "digest", "task_assigned": "digest"})
    worker = Worker(mail_app)
    with clock.frozen_at(_at(3, hour=6)):  # before the digest hour (7)
        with unit_of_work(factory(mail_app)) as s:
            due = datetime(2027, 2, 12, 16, 59, tzinfo=UTC)
            enqueue(s, Reason("task_new", users=("ttct",), unit="TTCT-DL", due_at=due))
            enqueue(s, Reason("task_assigned", users=("ttct",), unit="TTCT-DL"))
            enqueue(s, Reason("task_new", users=("ttct",), unit="P1", due_at=due))
        worker.run_once()
    assert smtp.inbox.messages == []
    assert {r.mail_status for r in rows(mail_app)} == {"digest"}
    with clock.frozen_at(_at(6, hour=8)):  # Saturday (and Tết): no digest
        worker.run_once()
    assert smtp.inbox.messages == []
    with clock.frozen_at(_at(11, hour=7)):
        worker.run_once()
        worker.run_once()
    [mail] = smtp.inbox.to(address("ttct"))
    assert "3 mục" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    # Grouped by unit (by name), then by deadline: the task without one comes last.
    first, second = text.index("== Đảng ủy Phường 1"), text.index("== Trung tâm Chính trị")
    assert first < second
    centre = text[second:]
    assert centre.index("Hạn: 12/02/2027") < centre.index("Hạn: Không có hạn")
    assert {r.mail_status for r in rows(mail_app)} == {"sent"}


def test_unsubscribe_from_the_link_in_a_mail(mail_app, smtp):
    give_addresses(mail_app, "ttct")
    _reasons(mail_app, 1)
    Worker(mail_app).run_once()
    [mail] = smtp.inbox.to(address("ttct"))
    link = link_in(mail, r"http://ketnap\.test/thong-bao/tuy-chon/\S+\?tat=task_new")
    anonymous = mail_app.test_client()  # no sign-in
    page = anonymous.get(link.removeprefix("http://ketnap.test"))
    assert page.status_code == 200
    html = page.get_data(True)
    assert 'data-testid="turn-off"' in html
    form = {kind: "immediate" for kind in re.findall(r'<select[^>]*name="(\w+)"', html)}
    form.update(task_new="off", csrf_token=csrf_token(html))
    saved = anonymous.post(link.removeprefix("http://ketnap.test").split("?")[0], data=form)
    assert saved.status_code == 302
    smtp.inbox.clear()
    _reasons(mail_app, 1)
    _reasons(mail_app, 1, kind="task_assigned")
    Worker(mail_app).run_once()
    [still] = smtp.inbox.to(address("ttct"))  # the other kind still comes
    assert "giao cho bạn" in still["Subject"]
    [last_new] = [r for r in rows(mail_app, recipient="ttct", kind="task_new")][-1:]
    assert last_new.mail_status == "off" and last_new.read_at is None  # still in the app
    # A forged or altered link opens nothing.
    assert anonymous.get("/thong-bao/tuy-chon/forged-token").status_code == 404


def test_smtp_down_is_retried_later_and_nothing_is_lost(mail_app, smtp):
    give_addresses(mail_app, "ttct")
    _reasons(mail_app, 2)
    down = Mailer("127.0.0.1", free_port(), "ketnap@ketnap.test")  # nothing listens there
    started = datetime.now(UTC)
    with clock.frozen_at(started):
        Worker(mail_app, down).run_once()
        Worker(mail_app, down).run_once()  # not due again yet: no second attempt
    waiting = rows(mail_app, recipient="ttct")
    assert [(r.mail_status, r.mail_attempts) for r in waiting] == [("pending", 1)] * 2
    assert all(r.mail_error and r.mail_next_at == started + retry_delay(1) for r in waiting)
    admin = mail_app.test_client()
    login(admin, "admin")
    page = admin.get("/quan-tri/thong-bao").get_data(True)
    assert 'data-testid="mail-failures"' in page and "ConnectionRefusedError" in page
    with clock.frozen_at(started + timedelta(seconds=30)):
        Worker(mail_app).run_once()  # the server is back, but the retry is not due
    assert smtp.inbox.messages == []
    with clock.frozen_at(started + retry_delay(1)):
        Worker(mail_app).run_once()
        Worker(mail_app).run_once()
    assert len(smtp.inbox.to(address("ttct"))) == 2
    assert [(r.mail_status, r.mail_error) for r in rows(mail_app, recipient="ttct")] == [
        ("sent", None)
    ] * 2
    assert 'data-testid="no-failures"' in admin.get("/quan-tri/thong-bao").get_data(True)


def test_mail_is_in_english_for_who_chose_english(mail_app, smtp):
    give_addresses(mail_app, "ttct")
    with unit_of_work(factory(mail_app)) as s:
        s.execute(update(User).where(User.username == "ttct").values(language="en"))
    case_id = start(mail_app)
    do(mail_app, case_id, "accept_sympathiser", who="cb_tp")
    Worker(mail_app).run_once()
    [mail] = smtp.inbox.to(address("ttct"))
    assert mail["Subject"].startswith("[ketnap] New task for")
    assert "Open the task:" in mail.get_body(("plain",)).get_content()
    assert "Stop mails of this kind" in mail.get_body(("html",)).get_content()
