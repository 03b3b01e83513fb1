"""The answers of the web pages when a case operation is stopped by the engine's bounds:
past its wall-clock ceiling 503 (with Retry-After), a value too large for case data a
field error (422), and nothing changed."""

from __future__ import annotations

from engine import limits
from tests.support.api import api_as
from tests.support.driving import event_count, get_item, item_id, start
from tests.support.webapp import csrf_token

from .test_inbox import as_user

TODAY_FORM = {"sympathiser_date": "2025-09-08", "helper_name": "Trần Thị Thu Hằng"}


def submit(client, item: int, data: dict):
    token = csrf_token(client.get(f"/viec/{item}").get_data(True))
    return client.post(f"/viec/{item}", data={"csrf_token": token, **data})


def test_a_completion_past_the_ceiling_is_503_and_changes_nothing(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    before = event_count(app, case)
    with limits.using(operation_seconds=0):
        response = submit(as_user(app, "cb_tp"), item, TODAY_FORM)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Thao tác chạy quá 0 giây nên đã bị dừng, không có gì thay đổi" in response.get_data(
        True
    )
    assert event_count(app, case) == before and get_item(app, item).status == "open"


def test_a_value_too_large_for_case_data_is_a_field_error(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    with limits.using(max_value_bytes=10):
        response = submit(as_user(app, "cb_tp"), item, TODAY_FORM)
    assert response.status_code == 422
    assert "Dữ liệu quá lớn (tối đa 10 byte)." in response.get_data(True)
    assert get_item(app, item).status == "open"


def test_the_api_answers_an_operation_past_its_ceiling_with_503_json(app):
    case = start(app)
    item = item_id(app, case, "accept_sympathiser")
    with limits.using(operation_seconds=0):
        response = api_as(app, "cb_tp").post(
            f"/api/v1/tasks/{item}/complete", json={"data": TODAY_FORM}
        )
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Thao tác chạy quá 0 giây" in response.get_json()["error"]
    assert get_item(app, item).status == "open"
