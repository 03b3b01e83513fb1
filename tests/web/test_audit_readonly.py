"""The auditor role is read-only everywhere: every rule of the app's url_map that takes
POST, PUT, PATCH or DELETE refuses an auditor (403, 404 or 405) and changes nothing.

Pages are sent with a valid CSRF token, so that a refusal is the permission check and not
the missing token; API endpoints are called with an auditor's bearer token.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import MetaData, select

from engine.models import Event
from tests.support.api import issue_token
from tests.support.driving import factory, open_items, start
from tests.support.webapp import csrf_token, login

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The auditor's own account, not anyone's case or the organisation: signing in and out,
# the own password and language, and the own API tokens (which the API needs).
OWN_ACCOUNT = {
    "auth.login",
    "auth.logout",
    "auth.change_password",
    "auth.set_preferred_language",
    "tokens.create",
    "tokens.revoke_token",
    # One's own notifications: read marks, the choices, the address.
    "notifications.mark_read",
    "notifications.mark_all_read",
    "notifications.preferences",
    "notifications.preferences_by_link",
    "notifications.change_email",
}
STRINGS = {"key": "admission", "name": "admission.bpmn"}
# Bodies that pass the API's validation, so the refusal comes from the permission check.
API_BODIES = {"/api/v1/cases": {"definition": "admission", "data": {"full_name": "X"}}}
# ... and by how the path ends, for the operations on one case or task.
API_BODIES_BY_ENDING = {
    "/end": {"outcome": "stopped", "reason": "x"},
    "/reopen": {"reason": "x"},
    "/transfer": {"to_unit": "THPT-BTX", "reason": "x"},
    "/transfer/answer": {"decision": "refuse", "reason": "x"},
}


def _api_body(url: str) -> dict:
    if url in API_BODIES:
        return API_BODIES[url]
    ending = next((end for end in API_BODIES_BY_ENDING if url.endswith(end)), None)
    return API_BODIES_BY_ENDING[ending] if ending else {"data": {}}


def _url(rule, ids: dict[str, int]) -> str:
    def fill(match):
        name = match.group(2)
        return str(ids.get(name, 1)) if match.group(1) else STRINGS.get(name, "x")

    return re.sub(r"<(?:(int)(?:\([^)]*\))?:|[a-z]+:)?([a-z_]+)>", fill, rule.rule)


def _snapshot(app) -> dict:
    """Every row of every table but the audit log, which a refusal may append to, and the
    API tokens, whose last-use time records the auditor's own requests."""
    engine = factory(app).kw["bind"]
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted(map(repr, conn.execute(table.select()).all()))
            for name, table in meta.tables.items()
            if name not in ("events", "chain_head", "api_tokens")
        }


def _event_kinds(app, after: int) -> set[str]:
    with factory(app)() as s:
        return set(s.execute(select(Event.kind).where(Event.seq > after)).scalars())


def _last_seq(app) -> int:
    with factory(app)() as s:
        return s.execute(select(Event.seq).order_by(Event.seq.desc()).limit(1)).scalar() or 0


def test_every_write_endpoint_refuses_the_auditor(app):
    case_id = start(app)
    item = open_items(app, case_id)[0].id
    ids = {
        "case_id": case_id,
        "item_id": item,
        "user_id": 1,
        "membership_id": 1,
        "token_id": 1,
        "number": 1,
    }
    token = issue_token(app, "auditor")
    client = login(app.test_client(), "auditor")
    csrf = csrf_token(client.get("/tai-khoan").get_data(True))
    before, seq = _snapshot(app), _last_seq(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & WRITES
        if not methods or rule.endpoint in OWN_ACCOUNT:
            continue
        url = _url(rule, ids)
        for method in methods:
            if url.startswith("/api/"):
                response = app.test_client().open(
                    url,
                    method=method,
                    json=_api_body(url),
                    headers={"Authorization": f"Bearer {token}"},
                )
            else:
                response = client.open(
                    url, method=method, data={"csrf_token": csrf}, headers={"X-CSRFToken": csrf}
                )
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            checked += 1
    assert checked >= 30
    assert _snapshot(app) == before
    assert _event_kinds(app, seq) <= {"access_denied"}


@pytest.mark.parametrize("path", ["/kiem-tra/", "/kiem-tra/chuoi-nhat-ky"])
def test_audit_pages_are_for_auditors_only(app, path):
    assert login(app.test_client(), "cb_tp").get(path).status_code == 403
    assert login(app.test_client(), "auditor").get(path).status_code == 200
