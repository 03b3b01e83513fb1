"""API: the inbox, a task with its form, and claim / unclaim / complete, with the unit
checks (404 unseen, 403 seen but not one's unit's, 409 lost races, 422 bad data)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.cases import unit_of_work
from tests.support.api import adult, api_as, only_task, start
from tests.support.driving import do, event_count, get_item, item_id, set_item
from web.accounts import create_user

SYMPATHISER = {"sympathiser_date": "2025-03-01", "helper_name": "Lê Văn Phúc"}


@pytest.fixture
def case(app) -> dict:
    """A case waiting for the Trần Phú branch to accept the candidate as a sympathiser."""
    return start(api_as(app, "dt_tp"))


@pytest.fixture
def task(case) -> int:
    return only_task(case)["id"]


def _colleague(app, name: str = "cb_tp2") -> None:
    """A second reviewer of the Trần Phú branch."""
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        create_user(s, name, "pw", memberships=[("THPT-TP", "reviewer")])


# --- the inbox ----------------------------------------------------------------------------


def test_inbox_opens_on_the_units_tasks_then_on_mine(app, task):
    branch = api_as(app, "cb_tp")
    inbox = branch.get("/api/v1/tasks").get_json()
    assert inbox["tab"] == "unit" and [t["id"] for t in inbox["items"]] == [task]
    assert inbox["counts"] == {"mine": 0, "unit": 1, "overdue": 0, "done": 0}
    row = inbox["items"][0]
    assert {
        "id",
        "case_id",
        "step",
        "name",
        "lane",
        "unit",
        "claimed_by",
        "created_at",
        "due_at",
    } <= set(row)
    branch.post(f"/api/v1/tasks/{task}/claim")
    inbox = branch.get("/api/v1/tasks").get_json()
    assert inbox["tab"] == "mine" and inbox["items"][0]["claimed_by"] == "cb_tp"
    assert api_as(app, "cb_btx").get("/api/v1/tasks").get_json()["total"] == 0
    assert api_as(app, "auditor").get("/api/v1/tasks").get_json()["total"] == 0


def test_inbox_tabs_and_filters(app, case, task):
    branch = api_as(app, "cb_tp")
    second = start(api_as(app, "dt_tp"), adult(full_name="Trần Văn Bình"))

    def ids(query: str) -> list[int]:
        response = branch.get(f"/api/v1/tasks?{query}")
        assert response.status_code == 200, response.get_json()
        return [t["id"] for t in response.get_json()["items"]]

    assert ids("tab=unit&q=binh") == [only_task(second)["id"]]
    assert len(ids("tab=unit&step=accept_sympathiser&category=student&unit=THPT-TP")) == 2
    assert ids("tab=unit&unit=THPT-BTX") == [] and ids("tab=unit&category=other") == []
    # Neither has a deadline, so either way they come in order of arrival.
    assert ids("tab=unit&per_page=1&page=2&sort=desc") == [only_task(second)["id"]]
    set_item(app, task, due_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert ids("tab=overdue") == [task]
    branch.post(f"/api/v1/tasks/{task}/complete", json={"data": SYMPATHISER})
    assert ids("tab=done") == [task] and ids("tab=overdue") == []
    refused = branch.get("/api/v1/tasks?tab=all&sort=up")
    assert refused.status_code == 422 and {"tab", "sort"} <= set(refused.get_json()["fields"])


# --- one task -------------------------------------------------------------------------------


def test_a_task_comes_with_its_form_limits_and_case(app, case):
    do(app, case["id"], "accept_sympathiser", "attend_class")
    item = item_id(app, case["id"], "application")
    body = api_as(app, "cb_tp").get(f"/api/v1/tasks/{item}").get_json()
    assert body["step"] == "application" and body["case"]["id"] == case["id"]
    form = body["form"]
    assert form["name"] == "application" and form["title"]
    fields = {f["name"]: f for f in form["fields"]}
    assert fields["application_date"]["type"] == "date" and fields["application_date"]["required"]
    assert fields["history_fully_declared"]["default"] is False
    relatives = fields["relatives"]
    assert (relatives["type"], relatives["min_items"], relatives["max_items"]) == ("list", 1, 12)
    inner = {f["name"]: f for f in relatives["fields"]}
    assert {"value": "father", "label": "Cha đẻ"} in inner["relation"]["choices"]
    assert inner["full_name"]["max_length"] == 120
    assert body["values"]["history_fully_declared"] is False


def test_text_fields_say_their_implied_length_limit(app, task):
    form = api_as(app, "cb_tp").get(f"/api/v1/tasks/{task}").get_json()["form"]
    fields = {f["name"]: f for f in form["fields"]}
    assert fields["sympathiser_note"]["max_length"] == 2000
    assert "max_length" not in fields["sympathiser_date"]


def test_who_sees_a_task(app, task):
    for name in ("cb_tp", "btc", "auditor"):
        assert api_as(app, name).get(f"/api/v1/tasks/{task}").status_code == 200, name
    for name in ("cb_btx", "designer", "admin", "ttct"):
        assert api_as(app, name).get(f"/api/v1/tasks/{task}").status_code == 404, name
    assert api_as(app, "cb_tp").get("/api/v1/tasks/999").status_code == 404


# --- actions ----------------------------------------------------------------------------------


def test_claim_and_unclaim(app, task):
    branch = api_as(app, "cb_tp")
    claimed = branch.post(f"/api/v1/tasks/{task}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["claimed_by"] == "cb_tp"
    assert branch.post(f"/api/v1/tasks/{task}/claim").status_code == 200  # again: no-op
    released = branch.post(f"/api/v1/tasks/{task}/unclaim")
    assert released.status_code == 200 and released.get_json()["claimed_by"] is None


def test_a_claim_by_someone_else_is_a_conflict(app, task):
    _colleague(app)
    api_as(app, "cb_tp").post(f"/api/v1/tasks/{task}/claim")
    other = api_as(app, "cb_tp2")
    for action, body in (("claim", None), ("unclaim", None), ("complete", {"data": SYMPATHISER})):
        response = other.post(f"/api/v1/tasks/{task}/{action}", json=body)
        assert response.status_code == 409, action
        assert "CB_TP" in response.get_json()["error"] or "cb_tp" in response.get_json()["error"]
    assert get_item(app, task).status == "open"


def test_complete_moves_the_case_on(app, case, task):
    branch = api_as(app, "cb_tp")
    response = branch.post(f"/api/v1/tasks/{task}/complete", json={"data": SYMPATHISER})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["completed_by"]) == ("completed", "cb_tp")
    after = branch.get(f"/api/v1/cases/{case['id']}").get_json()
    [next_task] = after["tasks"]
    assert (next_task["step"], next_task["unit"]) == ("attend_class", "TTCT-DL")
    assert after["data"]["helper_name"] == "Lê Văn Phúc"
    again = branch.post(f"/api/v1/tasks/{task}/complete", json={"data": SYMPATHISER})
    assert again.status_code == 409 and again.get_json()["error"]
    assert branch.post(f"/api/v1/tasks/{task}/claim").status_code == 409


def test_invalid_data_is_refused_by_field_and_changes_nothing(app, case, task):
    branch = api_as(app, "cb_tp")
    before = event_count(app, case["id"])
    response = branch.post(
        f"/api/v1/tasks/{task}/complete",
        json={"data": {"sympathiser_date": "31/02/2025", "helper_name": "", "surprise": 1}},
    )
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"sympathiser_date", "helper_name", "surprise"}
    assert fields["helper_name"] == ["Bắt buộc nhập."]
    assert get_item(app, task).status == "open" and event_count(app, case["id"]) == before
    for body in ({}, {"data": "x"}, {"data": SYMPATHISER, "more": 1}):
        assert branch.post(f"/api/v1/tasks/{task}/complete", json=body).status_code == 422


def test_only_the_tasks_unit_acts_on_it(app, task):
    for name in ("btc", "auditor"):  # they see the task, but it is not theirs
        api = api_as(app, name)
        for action in ("claim", "unclaim", "complete"):
            response = api.post(f"/api/v1/tasks/{task}/{action}", json={"data": SYMPATHISER})
            assert response.status_code == 403, (name, action)
    for name in ("cb_btx", "designer"):  # to them it does not exist
        response = api_as(app, name).post(f"/api/v1/tasks/{task}/claim")
        assert response.status_code == 404, name
    assert get_item(app, task).claimed_by is None and get_item(app, task).status == "open"
