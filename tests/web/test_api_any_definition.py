"""API: starting a case of a definition other than admission, for who its process names
(`ketnap:starters`), and reading a definition with its start form."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine import definitions
from engine.cases import unit_of_work
from engine.models import Case, WorkItem
from tests.support.api import api_as

EVENTS = Path(__file__).resolve().parents[1] / "engine" / "data" / "events"
NOTE = {"branch": "THPT-TP", "note": "Đề nghị xem xét"}
START = {"definition": "request", "data": NOTE}


def _deploy(app, diagram: bytes | None = None) -> None:
    files = {
        "request.bpmn": diagram or (EVENTS / "request.bpmn").read_bytes(),
        "step.json": (EVENTS / "forms" / "step.json").read_bytes(),
        "request_start.json": (EVENTS / "forms" / "request_start.json").read_bytes(),
    }
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        definitions.deploy(s, files, "designer")


def test_a_starter_starts_a_case_of_another_definition_from_its_unit(app):
    _deploy(app)
    answer = api_as(app, "cb_tp").post("/api/v1/cases", json=START)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["definition"] == "request" and body["data"]["note"] == "Đề nghị xem xét"
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        case = s.get_one(Case, body["id"])
        assert (case.unit, case.created_by) == ("THPT-TP", "cb_tp")
        unit = s.execute(select(WorkItem.unit).where(WorkItem.case_id == case.id)).scalar_one()
        assert unit == "THPT-TP"
    # The starter then reads it like any case of the unit.
    assert api_as(app, "cb_tp").get(f"/api/v1/cases/{body['id']}").status_code == 200


def test_the_start_form_refuses_bad_data_with_field_errors(app):
    _deploy(app)
    api = api_as(app, "p1")
    missing = api.post("/api/v1/cases", json={"definition": "request", "data": {}})
    assert missing.status_code == 422
    assert {"branch", "note"} <= set(missing.get_json()["fields"])
    data = {"branch": "NOPE", "note": "x"}
    unknown = api.post("/api/v1/cases", json={"definition": "request", "data": data})
    assert unknown.status_code == 422 and "branch" in unknown.get_json()["fields"]


def test_who_the_starters_do_not_name_gets_403(app):
    _deploy(app)
    for name in ("dt_tp", "ttct", "btc", "auditor", "admin", "designer"):
        answer = api_as(app, name).post("/api/v1/cases", json=START)
        assert answer.status_code == 403, name
    # Nor may a starter name a unit that is not theirs.
    chosen = {"definition": "request", "data": NOTE, "unit": "THPT-BTX"}
    assert api_as(app, "cb_tp").post("/api/v1/cases", json=chosen).status_code == 403
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        assert s.execute(select(Case.id)).first() is None


def test_a_definition_without_starters_or_not_deployed_is_404(app):
    diagram = (EVENTS / "request.bpmn").read_bytes()
    _deploy(app, diagram.replace(b' ketnap:starters="branch, ward_committee"', b""))
    for key in ("request", "nothing"):
        body = {"definition": key, "data": NOTE}
        assert api_as(app, "cb_tp").post("/api/v1/cases", json=body).status_code == 404, key


def test_a_role_named_as_starter_may_start_it(app):
    diagram = (EVENTS / "request.bpmn").read_bytes()
    _deploy(app, diagram.replace(b'"branch, ward_committee"', b'"auditor"'))
    answer = api_as(app, "auditor").post("/api/v1/cases", json=START)
    assert answer.status_code == 201, answer.get_json()
    # Started from the unit of the role; the domain then puts it under its branch.
    assert answer.get_json()["unit"] == "THPT-TP"
    refused = api_as(app, "cb_tp").post("/api/v1/cases", json=START)
    assert refused.status_code == 403


def test_a_definition_shows_its_start_form_and_who_may_start_it(app):
    _deploy(app)
    shown = api_as(app, "cb_tp").get("/api/v1/definitions/request")
    assert shown.status_code == 200, shown.get_json()
    body = shown.get_json()
    assert body["starters"] == ["branch", "ward_committee"] and body["start_units"] == ["THPT-TP"]
    assert body["start_form_name"] == "request_start"
    assert [f["name"] for f in body["start_form"]["fields"]] == ["branch", "note"]
    assert api_as(app, "dt_tp").get("/api/v1/definitions/request").get_json()["start_units"] == []
    assert api_as(app, "cb_tp").get("/api/v1/definitions/nothing").status_code == 404
    admission = api_as(app, "dt_tp").get("/api/v1/definitions/admission").get_json()
    assert admission["starters"] == [] and admission["start_form_name"] == "start"


def test_a_starter_of_several_units_chooses_one(app):
    from web.accounts import create_user

    _deploy(app)
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        grants = [("THPT-TP", "reviewer"), ("THPT-BTX", "reviewer")]
        create_user(s, "hai_chi_bo", "pw-hai-chi-bo-dai", full_name="Hai", memberships=grants)
    api = api_as(app, "hai_chi_bo")
    unchosen = api.post("/api/v1/cases", json=START)
    assert unchosen.status_code == 422 and "THPT-BTX" in unchosen.get_json()["fields"]["unit"][0]
    chosen = api.post("/api/v1/cases", json={**START, "unit": "THPT-BTX"})
    assert chosen.status_code == 201, chosen.get_json()


def test_designers_deploy_decision_tables_with_their_diagram(app):
    import io

    files = {name: (EVENTS / name).read_bytes() for name in ("decide.bpmn", "route.dmn")}
    upload = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    answer = api_as(app, "designer").post(
        "/api/v1/definitions", data=upload, content_type="multipart/form-data"
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["files"] == ["decide.bpmn", "route.dmn"]
