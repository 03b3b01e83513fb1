"""API authentication: bearer tokens (not cookies), the token page and command, rate
limits, and JSON errors for every failure."""

from __future__ import annotations

import io
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select

from engine import clock
from engine.cases import Actor, unit_of_work
from engine.models import Event
from tests.support.api import Api, api_as, issue_token, only_task, start
from tests.support.webapp import csrf_token, login
from web.accounts import User
from web.admin import operations as admin
from web.ratelimit import FixedWindow
from web.tokens import ApiToken, digest

UNITS = "/api/v1/units"


def _session(app):
    return unit_of_work(app.extensions["ketnap_db"])


# --- tokens ---------------------------------------------------------------------------


def test_a_token_acts_as_its_user(app):
    response = api_as(app, "cb_tp").get("/api/v1/tasks")
    assert response.status_code == 200
    assert response.get_json()["total"] == 0


def test_no_token_is_401_with_a_json_error(client):
    response = client.get(UNITS)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_or_malformed_tokens_are_401(app, client):
    for header in ("Bearer ktn_nope", "Basic abc", "Bearer", "bearer " + "x" * 500, ""):
        assert client.get(UNITS, headers={"Authorization": header}).status_code == 401


def test_a_session_cookie_does_not_authenticate_the_api(app, client):
    login(client, "cb_tp")
    assert client.get("/").status_code == 200  # the pages know the user
    assert client.get(UNITS).status_code == 401  # the API does not
    assert client.post("/api/v1/tasks/1/claim").status_code == 401


def test_the_api_needs_no_csrf_token(app):
    api = api_as(app, "dt_tp")
    response = api.post("/api/v1/cases", json={"definition": "admission", "data": {}})
    assert response.status_code == 422  # validated, not refused as CSRF (400)


def test_tokens_are_stored_hashed(app):
    token = issue_token(app, "btc")
    with _session(app) as s:
        row = s.execute(select(ApiToken)).scalar_one()
        assert row.token_hash == digest(token) and token not in (row.token_hash, row.hint)


def test_revoked_tokens_and_inactive_users_are_refused(app):
    api = api_as(app, "btc")
    assert api.get(UNITS).status_code == 200
    with _session(app) as s:
        s.execute(select(User).where(User.username == "btc")).scalar_one().active = False
    assert api.get(UNITS).status_code == 401
    with _session(app) as s:
        s.execute(select(User).where(User.username == "btc")).scalar_one().active = True
        s.execute(select(ApiToken)).scalar_one().revoked_at = clock.now()
    assert api.get(UNITS).status_code == 401


def test_a_removed_membership_counts_from_the_very_next_request(app):
    """Whatever the API keeps of a token between requests, a membership taken away
    ends what it allowed at once: the branch's task disappears from the next answer."""
    case = start(api_as(app, "dt_tp"))
    task = only_task(case)["id"]
    api = api_as(app, "cb_tp")
    assert api.get(f"/api/v1/tasks/{task}").status_code == 200
    with _session(app) as s:
        user = s.execute(select(User).where(User.username == "cb_tp")).scalar_one()
        [membership] = user.memberships
        admin.revoke(s, Actor("admin"), user, membership.id)
    assert api.get(f"/api/v1/tasks/{task}").status_code == 404
    assert api.post(f"/api/v1/tasks/{task}/claim").status_code == 404


def test_use_is_noted_at_most_once_a_minute(app):
    api = api_as(app, "btc")
    api.get(UNITS)
    with _session(app) as s:
        first = s.execute(select(ApiToken.last_used_at)).scalar_one()
    api.get(UNITS)
    with _session(app) as s:
        assert s.execute(select(ApiToken.last_used_at)).scalar_one() == first
    clock.advance(timedelta(minutes=2))
    api.get(UNITS)
    with _session(app) as s:
        assert s.execute(select(ApiToken.last_used_at)).scalar_one() > first


# --- the token page -------------------------------------------------------------------


def test_page_creates_shows_once_and_revokes(app, client):
    login(client, "cb_tp")
    page = client.get("/tai-khoan/token")
    assert page.status_code == 200 and "Mã truy cập API" in page.get_data(True)
    made = client.post(
        "/tai-khoan/token", data={"name": "báo cáo", "csrf_token": csrf_token(page.get_data(True))}
    )
    assert made.status_code == 201
    html = made.get_data(True)
    token = html.split('data-testid="new-token">')[1].split("<")[0]
    assert Api(app.test_client(), token).get(UNITS).status_code == 200
    again = client.get("/tai-khoan/token").get_data(True)
    assert token not in again and "báo cáo" in again
    with _session(app) as s:
        token_id = s.execute(select(ApiToken.id)).scalar_one()
        assert [
            e.kind for e in s.execute(select(Event).where(Event.kind.like("api_token%"))).scalars()
        ] == ["api_token_created"]
    revoked = client.post(
        f"/tai-khoan/token/{token_id}/thu-hoi", data={"csrf_token": csrf_token(again)}
    )
    assert revoked.status_code == 302
    assert Api(app.test_client(), token).get(UNITS).status_code == 401


def test_page_needs_csrf_and_a_name(app, client):
    login(client, "cb_tp")
    page = client.get("/tai-khoan/token").get_data(True)
    assert client.post("/tai-khoan/token", data={"name": "x"}).status_code == 400
    assert (
        client.post(
            "/tai-khoan/token", data={"name": " ", "csrf_token": csrf_token(page)}
        ).status_code
        == 422
    )


def test_nobody_revokes_another_users_token(app, client):
    issue_token(app, "btc")
    login(client, "cb_tp")
    page = client.get("/tai-khoan/token").get_data(True)
    with _session(app) as s:
        token_id = s.execute(select(ApiToken.id)).scalar_one()
    response = client.post(
        f"/tai-khoan/token/{token_id}/thu-hoi", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 404
    with _session(app) as s:
        assert s.get(ApiToken, token_id).revoked_at is None


def test_page_needs_sign_in(client):
    assert client.get("/tai-khoan/token").status_code == 302


def test_cli_prints_a_working_token_on_its_last_line(app, monkeypatch):
    from engine import cli

    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr(cli, "_factory", None)
    cli.load_plugins(cli.cli)
    result = CliRunner().invoke(cli.cli, ["users", "token", "btc"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert Api(app.test_client(), token).get(UNITS).status_code == 200
    missing = CliRunner().invoke(cli.cli, ["users", "token", "nobody"])
    assert missing.exit_code != 0


# --- rate limits ----------------------------------------------------------------------


def test_each_token_is_rate_limited(app):
    app.config.update(API_TOKEN_LIMIT=3, API_TOKEN_WINDOW=60)
    api, other = api_as(app, "btc"), api_as(app, "btv")
    assert [api.get(UNITS).status_code for _ in range(3)] == [200] * 3
    refused = api.get(UNITS)
    assert refused.status_code == 429 and refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert other.get(UNITS).status_code == 200  # another token counts on its own
    clock.advance(timedelta(seconds=61))
    assert api.get(UNITS).status_code == 200


def test_an_address_guessing_tokens_is_stopped(app, client):
    app.config.update(API_AUTH_FAILURE_LIMIT=2)
    bad = {"Authorization": "Bearer ktn_guess"}
    assert [client.get(UNITS, headers=bad).status_code for _ in range(2)] == [401, 401]
    refused = client.get(UNITS, headers={"Authorization": f"Bearer {issue_token(app, 'btc')}"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_counters_forget_the_longest_idle_keys():
    window = FixedWindow(1, 60, max_keys=2)
    for key in "abc":
        assert window.hit(key) is None
    assert window.retry_after("a") is None  # forgotten: it may start afresh
    assert window.retry_after("c") is not None


def test_limits_are_on_by_default(app):
    assert app.config["API_TOKEN_LIMIT"] > 0 and app.config["API_AUTH_FAILURE_LIMIT"] > 0


# --- errors are JSON --------------------------------------------------------------------


def test_unknown_api_urls_and_methods_answer_json(app):
    api = api_as(app, "btc")
    for response, code in (
        (api.get("/api/v1/nope"), 404),
        (api.get("/api/v2/units"), 404),
        (api.post(UNITS), 405),
        (api.client.delete("/api/v1/cases"), 405),
    ):
        assert response.status_code == code and response.is_json
        assert response.get_json()["error"]
    assert "GET" in api.post(UNITS).headers["Allow"]
    assert "text/html" in app.test_client().get("/khong-co").content_type  # pages keep theirs


def test_bad_json_is_a_json_error(app):
    response = api_as(app, "dt_tp").post(
        "/api/v1/cases", data="{nope", content_type="application/json"
    )
    assert response.status_code in (400, 422) and response.is_json


def test_too_large_uploads_answer_413_json(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = api_as(app, "designer").post(
        "/api/v1/definitions",
        data={"files": (io.BytesIO(b"x" * 5000), "a.bpmn")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and response.is_json


def test_server_errors_answer_500_json(app, monkeypatch):
    import web.api.units as units

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(units, "load_tree", lambda session: 1 / 0)
    response = api_as(app, "btc").get(UNITS)
    assert response.status_code == 500 and response.get_json()["error"]


def test_openapi_document_and_docs_page_are_served(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/v1/tasks/{item_id}/complete" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    html = page.get_data(True)
    assert page.status_code == 200 and "/api/v1/cases/{case_id}/history" in html
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    assert html.count('data-testid="operation"') == sum(
        len([m for m in ops if m in ("get", "post")]) for ops in spec["paths"].values()
    )
