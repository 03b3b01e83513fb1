"""Small things users notice (landing by role: tests/web/test_inbox.py): claiming a task opens it;
the message after a completion links to the case's next task when the same unit holds
it (and says nothing of tasks of other units); the favicon is served."""

from __future__ import annotations

from tests.support.driving import do, item_id, start
from tests.support.webapp import csrf_token, login

APPLICATION = {
    "application_date": "2025-09-08",
    "history_date": "2025-09-08",
    "history_fully_declared": "false",
    "hometown": "Phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng",
    "occupation": "Học sinh",
    "education_level": "upper_secondary",
    "religion": "none",
    "relatives-0-relation": "father",
    "relatives-0-full_name": "Nguyễn Văn Hòa",
    "relatives-0-party_member": "false",
    "relatives-0-place_unit": "P1",
}


def submit(client, item: int, data: dict):
    page = client.get(f"/viec/{item}")
    token = csrf_token(page.get_data(True))
    return client.post(f"/viec/{item}", data={"csrf_token": token, **data})


def test_claiming_opens_the_task(app):
    item = item_id(app, start(app), "accept_sympathiser")
    cb = login(app.test_client(), "cb_tp")
    token = csrf_token(cb.get("/").get_data(True))
    taken = cb.post(f"/viec/{item}/nhan", data={"csrf_token": token, "next": "/?tab=unit"})
    assert taken.status_code == 302 and taken.location.endswith(f"/viec/{item}")
    page = cb.get(taken.location).get_data(True)
    assert "Bạn đã nhận xử lý việc này." in page and 'data-testid="unclaim"' in page


def test_the_done_message_links_the_next_task_of_the_same_unit(app):
    case = start(app, full_name="Vũ <b>Thị</b> Hoa")
    cb = login(app.test_client(), "cb_tp")
    # The sympathiser's next step is the political centre's: no link for the branch.
    done = submit(
        cb,
        item_id(app, case, "accept_sympathiser"),
        {"sympathiser_date": "2025-09-08", "helper_name": "Trần Thị Thu Hằng"},
    )
    assert done.status_code == 302
    page = cb.get(done.location).get_data(True)
    assert "Đã hoàn thành việc" in page and 'data-testid="next-task"' not in page
    assert "Vũ &lt;b&gt;Thị&lt;/b&gt; Hoa" in page  # names are text, never markup

    do(app, case, "attend_class")
    done = submit(cb, item_id(app, case, "application"), APPLICATION)
    assert done.status_code == 302
    page = cb.get(done.location).get_data(True)
    following = item_id(app, case, "introduction")  # the branch's own next step
    assert f'href="/viec/{following}" class="alert-link" data-testid="next-task"' in page


def test_the_favicon_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"


def test_files_for_everybody_do_not_send_the_session_cookie_again(app):
    cb = login(app.test_client(), "cb_tp")
    assert "Set-Cookie" in cb.get("/").headers  # a page refreshes the signed-in cookie
    for path in ("/favicon.ico", "/static/ketnap.css"):
        answer = cb.get(path)
        assert answer.status_code == 200 and "Set-Cookie" not in answer.headers, path
