"""API: outside events (POST /cases/{id}/messages, /messages, /signals), sent by an
outside system's account (role ``integrator`` in a unit) to the cases in its reach."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine import cases, definitions
from engine.cases import Actor, unit_of_work
from engine.models import Case, Event, WorkItem
from tests.support.api import api_as
from web.accounts import create_user

EVENTS = Path(__file__).resolve().parents[1] / "engine" / "data" / "events"
SYSTEMS = {"ke_toan": [("THPT-TP", "integrator")], "ke_toan_btx": [("THPT-BTX", "integrator")]}


def _files(name: str) -> dict[str, bytes]:
    # The engine tests' diagrams, with the admission domain's resolver for their lane.
    diagram = (EVENTS / f"{name}.bpmn").read_bytes().replace(b'"case_unit"', b'"branch"')
    return {f"{name}.bpmn": diagram, "step.json": (EVENTS / "forms" / "step.json").read_bytes()}


def _setup(app, *diagrams: str) -> None:
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        for name, grants in SYSTEMS.items():
            create_user(s, name, "pw-" + name * 3, full_name=name, memberships=grants)
        for name in diagrams:
            definitions.deploy(s, _files(name), "designer")


def _payment(app, number: str, branch: str = "THPT-TP") -> int:
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        data = {"dossier_no": number, "branch": branch}
        return cases.start_case(s, "payment", data, Actor("cb_tp"), unit=branch).id


def _open_steps(app, case_id: int) -> list[str]:
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        return list(
            s.execute(
                select(WorkItem.step).where(WorkItem.case_id == case_id, WorkItem.status == "open")
            ).scalars()
        )


def _events(app, case_id: int, kind: str) -> list[Event]:
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        return list(
            s.execute(select(Event).where(Event.case_id == case_id, Event.kind == kind)).scalars()
        )


def test_a_message_to_one_case_is_delivered_once_and_audited(app):
    _setup(app, "payment")
    case_id = _payment(app, "A-1")
    api = api_as(app, "ke_toan")
    url = f"/api/v1/cases/{case_id}/messages"
    answer = api.post(url, json={"name": "paid", "payload": {"amount": 120}})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"reached": [case_id], "started": []}
    assert _open_steps(app, case_id) == ["t_check"]
    [event] = _events(app, case_id, "message_received")
    assert event.actor == "ke_toan"
    again = api.post(url, json={"name": "paid", "payload": {}})
    assert again.status_code == 409 and "paid" in again.get_json()["error"]
    assert len(_events(app, case_id, "message_received")) == 1


def test_who_may_not_send_to_a_case_gets_404_or_403(app):
    _setup(app, "payment")
    case_id = _payment(app, "A-1")
    url = f"/api/v1/cases/{case_id}/messages"
    body = {"name": "paid", "payload": {}}
    # Another school's system and another school's branch do not see the case at all.
    assert api_as(app, "ke_toan_btx").post(url, json=body).status_code == 404
    assert api_as(app, "cb_btx").post(url, json=body).status_code == 404
    unknown = api_as(app, "ke_toan").post("/api/v1/cases/999999/messages", json=body)
    assert unknown.status_code == 404
    # The branch itself sees it but is no outside system.
    assert api_as(app, "cb_tp").post(url, json=body).status_code == 403
    assert _events(app, case_id, "message_received") == []


def test_bad_bodies_are_field_errors(app):
    _setup(app, "payment")
    api = api_as(app, "ke_toan")
    case_id = _payment(app, "A-1")
    missing = api.post(f"/api/v1/cases/{case_id}/messages", json={"payload": {}})
    assert missing.status_code == 422
    no_keys = api.post("/api/v1/messages", json={"name": "paid", "correlation": {}})
    assert no_keys.status_code == 422
    nested = api.post("/api/v1/messages", json={"name": "paid", "correlation": {"a": {"b": 1}}})
    assert nested.status_code == 422


def test_a_correlated_message_reaches_the_matching_cases_in_reach(app):
    _setup(app, "payment")
    first, other, third = _payment(app, "A-1"), _payment(app, "A-2"), _payment(app, "A-1")
    elsewhere = _payment(app, "A-1", branch="THPT-BTX")
    answer = api_as(app, "ke_toan").post(
        "/api/v1/messages",
        json={"name": "paid", "correlation": {"dossier_no": "A-1"}, "payload": {"amount": 5}},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"reached": [first, third], "started": []}
    assert _open_steps(app, other) == _open_steps(app, elsewhere) == []


def test_a_message_nobody_waits_for_starts_a_case(app):
    _setup(app, "application")
    answer = api_as(app, "ke_toan").post(
        "/api/v1/messages",
        json={
            "name": "application",
            "correlation": {"ref": "X-9"},
            "payload": {"branch": "THPT-TP"},
        },
    )
    assert answer.status_code == 200, answer.get_json()
    [case_id] = answer.get_json()["started"]
    assert _open_steps(app, case_id) == ["t_review"]
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        assert s.get_one(Case, case_id).data["ref"] == "X-9"


def test_a_signal_reaches_every_waiting_case_in_reach(app):
    _setup(app, "payment")
    first, second = _payment(app, "A-1"), _payment(app, "A-2")
    elsewhere = _payment(app, "A-3", branch="THPT-BTX")
    answer = api_as(app, "ke_toan").post("/api/v1/signals", json={"name": "recall"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"reached": [first, second], "started": []}
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        assert [s.get_one(Case, c).status for c in (first, second, elsewhere)] == [
            "closed",
            "closed",
            "waiting",
        ]


def test_only_outside_systems_send_messages_and_signals(app):
    _setup(app, "payment")
    case_id = _payment(app, "A-1")
    for name in ("cb_tp", "btc", "auditor", "admin"):
        api = api_as(app, name)
        assert api.post("/api/v1/signals", json={"name": "recall"}).status_code == 403, name
        body = {"name": "paid", "correlation": {"dossier_no": "A-1"}}
        assert api.post("/api/v1/messages", json=body).status_code == 403, name
    assert _events(app, case_id, "signal_received") == []
