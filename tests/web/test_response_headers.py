"""Headers every answer carries: the request id (the client's only if it is a short token)
and Cache-Control (nothing personal kept by browsers or proxies; static files cacheable)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import Event
from tests.support.api import api_as
from tests.support.driving import factory, start
from tests.support.webapp import login

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("sent", ["req-42", "A.b_c-9", "x" * 64])
def test_a_short_token_from_the_client_is_the_request_id(client, sent):
    assert client.get("/dang-nhap", headers={"X-Request-Id": sent}).headers["X-Request-Id"] == sent


@pytest.mark.parametrize(
    "sent",
    ["", "x" * 65, "two words", "a/b", "<script>", "id\u202egpj", "ý-kiến", "a;b=c"],
)
def test_anything_else_is_replaced_by_a_generated_id(client, sent):
    answered = client.get("/dang-nhap", headers={"X-Request-Id": sent}).headers["X-Request-Id"]
    assert GENERATED.fullmatch(answered), answered


def test_the_replaced_id_is_the_one_the_audit_log_records(app):
    case = start(app)
    branch = login(app.test_client(), "cb_btx")  # does not see the case: a denial is audited
    answer = branch.get(f"/ho-so/{case}", headers={"X-Request-Id": "bad id';--"})
    with factory(app)() as session:
        recorded = session.execute(
            select(Event.request_id).where(Event.kind == "access_denied")
        ).scalar_one()
    assert recorded == answer.headers["X-Request-Id"] and GENERATED.fullmatch(recorded)


def test_signed_in_pages_and_downloads_are_not_stored(app):
    case = start(app)
    branch = login(app.test_client(), "cb_tp")
    for path in ("/", "/ho-so", f"/ho-so/{case}", "/tai-khoan", "/no-such-page"):
        response = branch.get(path)
        assert "no-store" in response.headers["Cache-Control"], path
    auditor = login(app.test_client(), "auditor")
    for path in ("/kiem-tra/tim-kiem.csv", f"/kiem-tra/ho-so/{case}/nhat-ky.json"):
        response = auditor.get(path)
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]


def test_api_answers_are_not_stored_signed_in_or_not(app):
    assert "no-store" in api_as(app, "cb_tp").get("/api/v1/units").headers["Cache-Control"]
    refused = app.test_client().get("/api/v1/cases")
    assert refused.status_code == 401 and "no-store" in refused.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/static/ketnap.css", "/vendor/bootstrap.min.css"])
def test_static_assets_stay_cacheable_also_for_signed_in_users(app, path):
    anonymous = app.test_client().get(path)
    signed_in = login(app.test_client(), "cb_tp").get(path)
    assert signed_in.status_code == anonymous.status_code == 200
    assert "no-store" not in signed_in.headers.get("Cache-Control", "")
    assert signed_in.headers.get("Cache-Control") == anonymous.headers.get("Cache-Control")
    if path.startswith("/vendor/"):
        assert "max-age=86400" in signed_in.headers["Cache-Control"]
