"""Notifications in the app: who is told of what (a task reassigned, a comment on a held
task, a case ended or transferred), the bell, /thong-bao (read, read all, another's is
404), GET /api/v1/notifications, and e-mail addresses (account page with confirmation,
admin page, CLI)."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import select

from engine import cases
from engine.cases import Actor, unit_of_work
from engine.models import Notification
from tests.support.driving import do, factory, item_id, start
from tests.support.webapp import csrf_token, login
from web.accounts import User
from workflows.admission.ending import end_admission
from workflows.admission.transfer import transfer_case


def told(app, **where) -> list[tuple[str, str]]:
    with unit_of_work(factory(app)) as s:
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return [(n.recipient, n.kind) for n in s.execute(query).scalars()]


def test_a_reassigned_task_and_a_comment_on_it_tell_its_holder(app):
    case_id = start(app)
    task = item_id(app, case_id, "accept_sympathiser")
    with unit_of_work(factory(app)) as s:
        cases.reassign(s, task, "cb_tp", Actor("lead"))
    assert told(app, kind="task_assigned") == [("cb_tp", "task_assigned")]
    with unit_of_work(factory(app)) as s:
        from engine.attachments import add_comment

        add_comment(s, case_id, "Cần bổ sung lý lịch.", Actor("dt_tp"), work_item_id=task)
        add_comment(s, case_id, "Đã xem.", Actor("cb_tp"), work_item_id=task)  # own: untold
    with unit_of_work(factory(app)) as s:
        [row] = s.execute(select(Notification).where(Notification.kind == "comment")).scalars()
        assert (row.recipient, row.data["excerpt"]) == ("cb_tp", "Cần bổ sung lý lịch.")


def test_an_ended_case_tells_its_proposer_and_branch_and_a_transfer_both_branches(app):
    ended = start(app)
    with unit_of_work(factory(app)) as s:
        end_admission(s, ended, "withdrawn", "Xin rút.", Actor("btc"), units=None)
    ended_for = sorted(told(app, kind="case_ended"))
    assert ended_for == [("cb_tp", "case_ended"), ("dt_tp", "case_ended")]
    moved = start(app)
    do(app, moved, "accept_sympathiser", "attend_class", "application", who="x")
    with unit_of_work(factory(app)) as s:
        transfer_case(s, moved, "THPT-BTX", "Chuyển trường.", Actor("btc"), units={"BTC-DL"})
    assert sorted(told(app, kind="case_transferred")) == [
        ("cb_btx", "case_transferred"),
        ("cb_tp", "case_transferred"),
        ("dt_tp", "case_transferred"),
    ]


def test_the_bell_the_page_and_marking_read(app):
    case_id = start(app)
    task = item_id(app, case_id, "accept_sympathiser")
    start(app)
    client = app.test_client()
    login(client, "cb_tp")
    inbox = client.get("/").get_data(True)
    assert re.search(r'data-testid="bell-count">2<', inbox)
    page = client.get("/thong-bao").get_data(True)
    assert page.count('data-testid="notification"') == 2
    assert "Việc mới cho" in page
    mine = _ids(app, "cb_tp")
    opened = client.get(f"/thong-bao/{mine[0]}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/viec/{task}")
    assert re.search(r'data-testid="bell-count">1<', client.get("/thong-bao").get_data(True))
    token = csrf_token(client.get("/thong-bao").get_data(True))
    assert client.post("/thong-bao/da-doc", data={"csrf_token": token}).status_code == 302
    assert 'data-testid="bell-count"' not in client.get("/thong-bao").get_data(True)
    # Another's notification is as if it did not exist.
    other = app.test_client()
    login(other, "cb_btx")
    assert other.get(f"/thong-bao/{mine[0]}").status_code == 404
    token = csrf_token(other.get("/thong-bao").get_data(True))
    assert other.post(f"/thong-bao/{mine[1]}/da-doc", data={"csrf_token": token}).status_code == 404
    assert app.test_client().get("/thong-bao").status_code == 302  # sign in first


def _ids(app, name: str) -> list[int]:
    with unit_of_work(factory(app)) as s:
        return list(
            s.execute(
                select(Notification.id).where(Notification.recipient == name).order_by("id")
            ).scalars()
        )


def test_the_api_lists_my_notifications_and_the_unread_count(app):
    from web.tokens.store import issue

    start(app)
    with unit_of_work(factory(app)) as s:
        user = s.execute(select(User).where(User.username == "cb_tp")).scalar_one()
        _row, token = issue(s, user, "test")
    client = app.test_client()
    answer = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["unread"] == 1 and body["total"] == 1
    [item] = body["items"]
    assert item["kind"] == "task_new" and item["link"].endswith(f"/viec/{item['task_id']}")
    assert "Việc mới cho" in item["text"]
    assert client.get("/api/v1/notifications").status_code == 401


def test_an_address_from_the_account_page_counts_once_confirmed(mail_app, smtp):
    client = mail_app.test_client()
    login(client, "ttct")
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    bad = client.post("/tai-khoan/email", data={"email": "no-at-sign", "csrf_token": token})
    assert bad.status_code == 422 and "Địa chỉ thư điện tử không hợp lệ." in bad.get_data(True)
    sent = client.post("/tai-khoan/email", data={"email": "ttct@ketnap.test", "csrf_token": token})
    assert sent.status_code == 302
    assert _email(mail_app, "ttct") is None  # not before the link is followed
    [mail] = smtp.inbox.to("ttct@ketnap.test")
    body = mail.get_body(("plain",)).get_content()
    link = re.search(r"http://ketnap\.test(/tai-khoan/email/\S+)", body).group(1)
    assert app_get(mail_app, link + "x").status_code == 404  # altered: refused
    assert app_get(mail_app, link).status_code == 200
    assert _email(mail_app, "ttct") == "ttct@ketnap.test"


def app_get(app, path: str):
    return app.test_client().get(path)


def _email(app, name: str) -> str | None:
    with unit_of_work(factory(app)) as s:
        return s.execute(select(User.email).where(User.username == name)).scalar_one()


def test_without_mail_the_account_page_says_to_ask_the_administrator(app):
    client = app.test_client()
    login(client, "ttct")
    token = csrf_token(client.get("/tai-khoan").get_data(True))
    answer = client.post(
        "/tai-khoan/email",
        data={"email": "ttct@ketnap.test", "csrf_token": token},
        follow_redirects=True,
    )
    assert "quản trị viên" in answer.get_data(True)
    assert _email(app, "ttct") is None


def test_the_administrator_sets_an_address_and_the_cli_adds_one(app, monkeypatch):
    client = app.test_client()
    login(client, "admin")
    with unit_of_work(factory(app)) as s:
        user_id = s.execute(select(User.id).where(User.username == "p1")).scalar_one()
    page = client.get(f"/quan-tri/nguoi-dung/{user_id}").get_data(True)
    url = f"/quan-tri/nguoi-dung/{user_id}/email"
    token = csrf_token(page)
    assert client.post(url, data={"email": "x@", "csrf_token": token}).status_code == 422
    saved = client.post(url, data={"email": "p1@ketnap.test", "csrf_token": token})
    assert saved.status_code == 302
    assert _email(app, "p1") == "p1@ketnap.test"
    assert "Thư thông báo" in client.get("/quan-tri/thong-bao").get_data(True)

    from engine import cli

    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr(cli, "_factory", None)
    cli.load_plugins(cli.cli)
    runner = CliRunner()
    added = runner.invoke(
        cli.cli,
        ["users", "add", "newbie", "--unit", "P1", "--role", "reviewer"]
        + ["--email", "n@ketnap.test"],
    )
    assert added.exit_code == 0, added.output
    assert _email(app, "newbie") == "n@ketnap.test"
    refused = runner.invoke(
        cli.cli, ["users", "add", "other", "--unit", "P1", "--role", "reviewer", "--email", "nope"]
    )
    assert refused.exit_code != 0 and "not an e-mail address" in refused.output


def test_preferences_signed_in_refuse_an_unknown_choice(app):
    client = app.test_client()
    login(client, "ttct")
    page = client.get("/thong-bao/tuy-chon").get_data(True)
    kinds = re.findall(r'<select[^>]*name="(\w+)"', page)
    assert "task_overdue" in kinds and "Gửi thư ngay" in page
    form = {kind: "digest" for kind in kinds} | {"csrf_token": csrf_token(page)}
    refused = client.post("/thong-bao/tuy-chon", data={**form, "task_new": "sometimes"})
    assert refused.status_code == 422 and "Hãy chọn một cách nhận." in refused.get_data(True)
    assert client.post("/thong-bao/tuy-chon", data=form).status_code == 302
    from web.notifications.preferences import modes_of

    with unit_of_work(factory(app)) as s:
        user_id = s.execute(select(User.id).where(User.username == "ttct")).scalar_one()
        assert set(modes_of(s, user_id).values()) == {"digest"}


def test_without_mail_the_app_and_the_worker_say_so(tmp_path, monkeypatch, caplog):
    from engine import cli
    from tests.support.webapp import seeded_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KETNAP_SMTP_URL", raising=False)
    app = seeded_app(tmp_path, TESTING=True)
    assert "mail is off" in caplog.text
    start(app)  # a task for the branch: in the app, and pending for mail
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("KETNAP_SECRET_KEY", "test")
    cli.load_plugins(cli.cli)
    done = CliRunner().invoke(cli.cli, ["notify", "run"])
    assert done.exit_code == 0, done.output
    assert "handled: 0" in done.output
    assert told(app) == [("cb_tp", "task_new")]
    with unit_of_work(factory(app)) as s:
        assert s.execute(select(Notification.mail_status)).scalars().all() == ["pending"]


def test_the_page_comes_in_pages_and_shows_the_unread_alone(tmp_path, monkeypatch):
    from tests.support.webapp import seeded_app

    monkeypatch.chdir(tmp_path)
    app = seeded_app(tmp_path, TESTING=True, PAGE_SIZE=2)
    for _ in range(3):
        start(app)
    client = app.test_client()
    login(client, "cb_tp")
    first = client.get("/thong-bao").get_data(True)
    assert first.count('data-testid="notification"') == 2 and 'data-testid="page-2"' in first
    assert client.get("/thong-bao?page=2").get_data(True).count('data-testid="notification"') == 1
    newest = _ids(app, "cb_tp")[-1]
    client.get(f"/thong-bao/{newest}")  # followed, so read
    unread = client.get("/thong-bao?chua-doc=1").get_data(True)
    assert unread.count('data-testid="notification"') == 2
    assert f"/thong-bao/{newest}/" not in unread and f'/thong-bao/{newest}"' not in unread
