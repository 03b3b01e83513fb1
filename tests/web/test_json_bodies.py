"""JSON bodies: one nested 100,000 levels deep, no JSON at all, or JSON that is not an
object answer 400 with a message, on every URL that takes a write, and change nothing."""

from __future__ import annotations

import pytest

from tests.support.api import api_as, only_task, start
from tests.support.driving import event_count
from tests.support.webapp import csrf_token, login
from web import json_bodies

from .test_audit_readonly import WRITES, _url

NESTED = "[" * 100_000
JSON = {"Content-Type": "application/json"}


def _write_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & WRITES):
            yield rule, method


def test_a_deeply_nested_body_is_400_on_every_write_url(app):
    case = start(api_as(app, "dt_tp"))
    ids = {"case_id": case["id"], "item_id": only_task(case)["id"], "number": 1}
    designer = login(app.test_client(), "designer")
    csrf = csrf_token(designer.get("/tai-khoan").get_data(True))
    token = {"Authorization": "Bearer " + api_as(app, "designer").token}
    before = event_count(app, case["id"])
    checked = 0
    for rule, method in _write_rules(app):
        url = _url(rule, ids)
        if url.startswith("/api/"):
            response = app.test_client().open(
                url, method=method, data=NESTED, headers={**JSON, **token}
            )
        else:
            response = designer.open(
                url, method=method, data=NESTED, headers={**JSON, "X-CSRFToken": csrf}
            )
        assert response.status_code == 400, (method, url, response.status_code)
        if url.startswith("/api/"):
            assert "lồng nhau quá sâu" in response.get_json()["error"], url
        checked += 1
    assert checked >= 30
    assert event_count(app, case["id"]) == before


@pytest.mark.parametrize(
    "body, says",
    [
        (NESTED, "lồng nhau quá sâu"),
        ('{"data":' * 40 + "1" + "}" * 40, "lồng nhau quá sâu"),
        ("{", "không phải JSON hợp lệ"),
        (b"\xff\xfe{}", "không phải JSON hợp lệ"),
        ("[1, 2]", "phải là một đối tượng JSON"),
        ('"x"', "phải là một đối tượng JSON"),
        ("null", "phải là một đối tượng JSON"),
        ("3", "phải là một đối tượng JSON"),
    ],
)
def test_the_api_says_what_is_wrong_with_a_body(app, body, says):
    union = api_as(app, "dt_tp")
    response = union.post("/api/v1/cases", data=body, headers=JSON)
    assert response.status_code == 400
    assert says in response.get_json()["error"]
    assert "no-store" in response.headers["Cache-Control"]
    assert api_as(app, "auditor").get("/api/v1/cases").get_json()["total"] == 0


def test_form_data_that_is_no_object_is_named_by_field(app):
    case = start(api_as(app, "dt_tp"))
    task = only_task(case)
    for api, url in (
        (api_as(app, "dt_tp"), "/api/v1/cases"),
        (api_as(app, "cb_tp"), f"/api/v1/tasks/{task['id']}/complete"),
    ):
        response = api.post(url, json={"definition": "admission", "data": [1]})
        assert response.status_code == 422
        [message] = response.get_json()["fields"]["data"]
        assert message.startswith("Phải là một đối tượng JSON"), url


def test_a_body_within_the_depth_limit_is_read_as_before(app):
    assert json_bodies.depth({"a": [{"b": [1]}]}) == 4 and json_bodies.depth(3) == 0
    deep = {"data": {}}
    inner = deep["data"]
    for _ in range(json_bodies.MAX_DEPTH - 2):
        inner["x"] = {}
        inner = inner["x"]
    assert json_bodies.depth(deep) == json_bodies.MAX_DEPTH
    response = api_as(app, "dt_tp").post("/api/v1/cases", json={"definition": "admission", **deep})
    assert response.status_code == 422  # the start form refuses it, by field
    assert "x" in response.get_json()["fields"]


def test_a_designer_save_that_is_no_object_is_refused(app):
    designer = login(app.test_client(), "designer")
    csrf = csrf_token(designer.get("/tai-khoan").get_data(True))
    response = designer.put(
        "/thiet-ke/admission/ban-nhap/so-do/admission.bpmn",
        data="[]",
        headers={**JSON, "X-CSRFToken": csrf, "Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "phải là một đối tượng JSON" in response.get_json()["error"]
