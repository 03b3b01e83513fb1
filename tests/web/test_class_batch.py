"""The political centre records a class on one page (web/classes): its open class tasks
as rows, one certificate each. One invalid row refuses the whole batch with that row's
field error and stores nothing; a valid batch completes every filled row, each in its
own operation, and leaves blank rows open; an expired date is warned of. Only a
political centre's reviewer has the page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.cases import unit_of_work
from engine.models import Event, WorkItem
from tests.support.driving import STUDENT, do, factory, item_id, start
from tests.support.webapp import csrf_token, login
from workflows.admission import rules

PAGE = "/lop-boi-duong"
NAMES = ("Trần Thị Lan", "Lê Văn Minh", "Phạm Thu Trang")


@pytest.fixture
def class_of_three(app):
    """Three students at the class step: {name: task id}."""
    tasks = {}
    for name in NAMES:
        case_id = start(app, full_name=name)
        do(app, case_id, "accept_sympathiser")
        tasks[name] = item_id(app, case_id, "attend_class")
    return tasks


def completions(app) -> int:
    with unit_of_work(factory(app)) as s:
        return s.execute(
            select(func.count()).select_from(Event).where(Event.kind == "task_completed")
        ).scalar_one()


def open_class_tasks(app) -> set[int]:
    with unit_of_work(factory(app)) as s:
        return set(
            s.execute(
                select(WorkItem.id).where(
                    WorkItem.status == "open", WorkItem.step == "attend_class"
                )
            ).scalars()
        )


def post(client, rows: dict[int, dict]):
    data = {"csrf_token": csrf_token(client.get(PAGE).get_data(True))}
    for task, values in rows.items():
        data.update({f"r{task}-{name}": value for name, value in values.items()})
    return client.post(PAGE, data=data)


def test_only_a_political_centre_has_the_page(app, client, class_of_three):
    branch = login(app.test_client(), "cb_tp")
    assert branch.get(PAGE).status_code == 404
    login(client, "ttct")
    page = client.get(PAGE).get_data(True)
    assert page.count('data-testid="batch-row"') == 3
    assert all(name in page for name in NAMES)


def test_one_invalid_row_stores_nothing_and_says_which(app, client, class_of_three):
    login(client, "ttct")
    before = completions(app)
    lan, minh, trang = (class_of_three[n] for n in NAMES)
    today = rules.today()
    answer = post(
        client,
        {
            lan: {"certificate_number": "GCN-01", "certificate_date": today},
            minh: {"certificate_number": "GCN-02", "certificate_date": "31/02/2025"},
            trang: {"certificate_date": today},  # no number
        },
    )
    assert answer.status_code == 422
    page = answer.get_data(True)
    assert f'data-testid="error-r{minh}-certificate_date"' in page
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in page
    assert f'data-testid="error-r{trang}-certificate_number"' in page
    assert f'data-testid="error-r{lan}-' not in page
    assert 'value="GCN-01"' in page  # what was typed is kept
    assert completions(app) == before
    assert open_class_tasks(app) == set(class_of_three.values())


def test_a_valid_batch_completes_each_filled_row(app, client, class_of_three):
    login(client, "ttct")
    lan, minh, trang = (class_of_three[n] for n in NAMES)
    today = rules.today()
    old = rules.add_months(today, -61)
    answer = post(
        client,
        {
            lan: {"certificate_number": "GCN-01", "certificate_date": today},
            minh: {"certificate_number": "GCN-02", "certificate_date": old},
            trang: {},  # not recorded this time
        },
    )
    assert answer.status_code == 302
    assert open_class_tasks(app) == {trang}
    page = client.get(PAGE).get_data(True)
    assert "Đã ghi giấy chứng nhận cho 2 người" in page
    assert "Lưu ý: giấy chứng nhận của Lê Văn Minh đã quá 60 tháng" in page
    with unit_of_work(factory(app)) as s:
        events = s.execute(select(Event).where(Event.kind == "task_completed")).scalars().all()
        # One operation per row: each completion its own audit event, by the centre.
        assert sorted(e.case_id for e in events if e.actor == "ttct") == sorted(
            {s.get(WorkItem, lan).case_id, s.get(WorkItem, minh).case_id}
        )


def test_an_empty_batch_is_refused(app, client, class_of_three):
    login(client, "ttct")
    answer = post(client, {})
    assert answer.status_code == 422
    assert "Chưa nhập giấy chứng nhận nào." in answer.get_data(True)


def test_an_expired_date_is_warned_on_the_page(app, client, class_of_three):
    login(client, "ttct")
    lan, minh, _ = (class_of_three[n] for n in NAMES)
    old = rules.add_months(rules.today(), -60)
    answer = post(client, {lan: {"certificate_date": old}})  # number missing: refused
    page = answer.get_data(True)
    assert answer.status_code == 422
    assert f'data-expired-before="{old}"' in page
    row = page.split(f'data-item="{lan}"')[1].split("</fieldset>")[0]
    assert 'data-testid="expired-warning" hidden' not in row
    other = page.split(f'data-item="{minh}"')[1].split("</fieldset>")[0]
    assert 'data-testid="expired-warning" hidden' in other
    assert STUDENT["full_name"] not in page  # only the centre's own class
