"""API: the organisation tree, definitions (list, deploy) and cases (start, list, read,
history), with the role and unit checks of the pages."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from engine import definitions, messages
from tests.support.api import adult, api_as, only_task, start
from tests.support.driving import DOSSIER, STUDENT, do
from tests.support.webapp import ROOT
from web.i18n import local
from workflows.admission import rules

BPMN = ROOT / "bpmn"


# --- units and definitions ------------------------------------------------------------


def test_units_are_the_tree_for_anyone_signed_in(app):
    units = {u["code"]: u for u in api_as(app, "admin").get("/api/v1/units").get_json()}
    assert units["TU-DL"] == {
        "code": "TU-DL",
        "name": "Thành ủy Đà Lạt",
        "kind": "committee",
        "parent": None,
        "upper": None,
        "active": True,
    }
    assert units["THPT-TP"]["parent"] == "TU-DL" and units["THPT-TP"]["kind"] == "branch"
    assert units["DT-THPT-TP"]["parent"] == "THPT-TP"


def test_definitions_list_the_current_versions(app):
    [admission] = api_as(app, "dt_tp").get("/api/v1/definitions").get_json()
    assert admission["key"] == "admission" and admission["version"] == 1
    assert "admission.bpmn" in admission["files"] and "start" in admission["forms"]


def _uploads(files: dict[str, bytes]) -> dict:
    return {"files": [(io.BytesIO(content), name) for name, content in files.items()]}


def _deploy(api, files: dict[str, bytes], query: str = ""):
    return api.post(
        f"/api/v1/definitions{query}", data=_uploads(files), content_type="multipart/form-data"
    )


def test_designers_deploy_new_versions_and_unchanged_files_change_nothing(app):
    designer = api_as(app, "designer")
    files = definitions.collect([BPMN])
    same = _deploy(designer, files, "?key=admission")
    assert same.status_code == 200 and same.get_json()["created"] is False
    files["forms/start.json"] = files["forms/start.json"].replace(
        "Hồ sơ ban đầu".encode(), b"Ho so"
    )
    changed = _deploy(designer, files)
    body = changed.get_json()
    assert changed.status_code == 201, body
    assert (body["key"], body["version"], body["created"]) == ("admission", 2, True)
    assert body["deployed_by"] == "designer"
    [current] = designer.get("/api/v1/definitions").get_json()
    assert current["version"] == 2


def test_only_designers_deploy(app):
    for name in ("btc", "admin", "auditor"):
        response = _deploy(api_as(app, name), definitions.collect([BPMN]))
        assert response.status_code == 403, name
        assert response.get_json()["error"]


def test_refused_deployments_list_every_problem_as_ketnap_check_does(app):
    files = definitions.collect([BPMN])
    files["admission.bpmn"] = files["admission.bpmn"].replace(
        b'ketnap:resolver="branch"', b'ketnap:resolver="nobody"'
    )
    files["forms/start.json"] = b'{"title": "", "fields": []}'
    response = _deploy(api_as(app, "designer"), files)
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    # In the caller's language (Vietnamese unless they chose English), as ketnap check.
    expected = [
        {**p.as_dict(), "message": messages.problem_text(p, "vi")}
        for p in definitions.check(files).problems
    ]
    assert problems == expected and len(problems) >= 2
    lane = next(p for p in problems if "nobody" in p["message"])
    assert lane["file"] == "admission.bpmn" and lane["element"] == "lane_branch"
    assert lane["line"] > 1
    assert len(api_as(app, "designer").get("/api/v1/definitions").get_json()) == 1


def test_uploads_that_are_no_definition_files_are_refused_by_name(app):
    designer = api_as(app, "designer")
    response = _deploy(designer, {"notes.txt": b"hi", "x.bpmn": "<a/>".encode("utf-16")})
    assert response.status_code == 422
    assert {p["file"] for p in response.get_json()["problems"]} == {"notes.txt", "x.bpmn"}
    empty = designer.post("/api/v1/definitions", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "files" in empty.get_json()["fields"]


# --- starting cases -------------------------------------------------------------------------


def test_a_proposing_unit_starts_a_case_in_the_unit_named_by_the_data(app):
    body = start(api_as(app, "dt_tp"))
    assert (body["status"], body["unit"], body["definition"]) == ("active", "THPT-TP", "admission")
    assert body["data"]["full_name"] == STUDENT["full_name"]
    assert body["data"]["proposer_unit"] == "DT-THPT-TP"
    task = only_task(body)
    assert (task["step"], task["unit"], task["lane"]) == ("accept_sympathiser", "THPT-TP", "Chi bộ")
    assert body["timers"] == [] and body["created_by"] == "dt_tp"


def test_start_refuses_bad_data_by_field_and_starts_nothing(app):
    union = api_as(app, "dt_tp")
    response = union.post(
        "/api/v1/cases",
        json={
            "definition": "admission",
            "data": adult(
                full_name="", branch="NOPE", birth_date="2099-01-01", proposer_unit="CD-DN-LB"
            ),
        },
    )
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert {"full_name", "branch", "birth_date", "proposer_unit"} <= set(fields)
    assert api_as(app, "auditor").get("/api/v1/cases").get_json()["total"] == 0


def test_a_readmission_too_soon_after_leaving_is_a_field_error(app):
    union = api_as(app, "dt_tp")
    readmission = {
        "readmission": True,
        "earlier_admission_date": "2010-05-19",
        "left_party_date": rules.add_months(rules.today(), -12),
        "left_party_reason": "Bị xóa tên.",
        "readmission_no_exclusion": True,
    }
    body = {"definition": "admission", "data": adult(**readmission)}
    response = union.post("/api/v1/cases", json=body)
    assert response.status_code == 422
    [problem] = response.get_json()["fields"]["left_party_date"]
    assert "36 tháng" in problem
    assert api_as(app, "auditor").get("/api/v1/cases").get_json()["total"] == 0


def test_start_refuses_bodies_outside_the_schema(app):
    union = api_as(app, "dt_tp")
    for body in (
        {"data": adult()},
        {"definition": "admission", "data": []},
        {"definition": "admission", "data": {}, "extra": 1},
    ):
        response = union.post("/api/v1/cases", json=body)
        assert response.status_code == 422 and response.get_json()["fields"], body
    other = union.post("/api/v1/cases", json={"definition": "review", "data": adult()})
    assert other.status_code == 422 and "definition" in other.get_json()["fields"]


def test_only_reviewers_of_proposing_units_start_cases(app):
    for name in ("ttct", "btc", "designer", "auditor", "admin"):
        api = api_as(app, name)
        response = api.post("/api/v1/cases", json={"definition": "admission", "data": adult()})
        assert response.status_code == 403, name
        assert api.post("/api/v1/cases", json={}).status_code == 403, name


# --- listing and reading cases ----------------------------------------------------------------


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [case["id"] for case in response.get_json()["items"]]


def test_each_user_lists_the_cases_they_see(app):
    union = api_as(app, "dt_tp")
    tp = start(union)["id"]
    btx = start(union, adult(branch="THPT-BTX"))["id"]
    assert set(_ids(api_as(app, "cb_tp").get("/api/v1/cases"))) == {tp}
    assert set(_ids(api_as(app, "cb_btx").get("/api/v1/cases"))) == {btx}
    assert set(_ids(api_as(app, "auditor").get("/api/v1/cases"))) == {tp, btx}
    assert set(_ids(api_as(app, "btc").get("/api/v1/cases"))) == {tp, btx}
    assert _ids(api_as(app, "designer").get("/api/v1/cases")) == []


def test_cases_filter_and_page(app):
    union = api_as(app, "dt_tp")
    first = start(union)["id"]
    for _ in range(2):
        start(union)
    do(app, first, "accept_sympathiser")
    auditor = api_as(app, "auditor")
    year = datetime.now(UTC).year
    assert _ids(auditor.get("/api/v1/cases?step=attend_class")) == [first]
    assert len(_ids(auditor.get("/api/v1/cases?step=accept_sympathiser"))) == 2
    assert (
        len(
            _ids(
                auditor.get(
                    f"/api/v1/cases?year={year}&unit=THPT-TP&category=student&status=active"
                )
            )
        )
        == 3
    )
    for query in (f"year={year - 1}", "unit=P1", "category=other", "status=closed"):
        assert _ids(auditor.get(f"/api/v1/cases?{query}")) == [], query
    page = auditor.get("/api/v1/cases?per_page=2&page=2").get_json()
    assert (page["total"], page["pages"], page["page"], len(page["items"])) == (3, 2, 2, 1)
    past = auditor.get("/api/v1/cases?per_page=2&page=99").get_json()
    assert past["page"] == 2


def test_bad_filters_answer_422_by_field(app):
    auditor = api_as(app, "auditor")
    response = auditor.get("/api/v1/cases?status=open&year=12&per_page=1000&page=0")
    assert response.status_code == 422
    assert {"status", "year", "per_page", "page"} <= set(response.get_json()["fields"])


def test_a_case_shows_its_data_open_tasks_and_history(app):
    case = start(api_as(app, "dt_tp"))
    branch = api_as(app, "cb_tp")
    body = branch.get(f"/api/v1/cases/{case['id']}").get_json()
    assert body["data"]["birth_date"] == case["data"]["birth_date"]
    assert [t["step"] for t in body["tasks"]] == ["accept_sympathiser"]
    history = branch.get(f"/api/v1/cases/{case['id']}/history").get_json()
    assert [e["kind"] for e in history][:2] == ["case_started", "task_ready"]
    assert history[0]["actor"] == "dt_tp" and history[0]["data"]["definition"] == "admission"
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)


def test_cases_outside_what_a_user_sees_do_not_exist(app):
    case = start(api_as(app, "dt_tp"))["id"]
    for name in ("cb_btx", "designer", "admin"):
        api = api_as(app, name)
        for path in (f"/api/v1/cases/{case}", f"/api/v1/cases/{case}/history"):
            assert api.get(path).status_code == 404, (name, path)
    assert api_as(app, "cb_tp").get("/api/v1/cases/999").status_code == 404
    assert api_as(app, "cb_tp").get("/api/v1/cases/0").status_code == 404


def test_a_waiting_case_shows_its_timer_and_due_date(app):
    young = {**STUDENT, "birth_date": rules.add_months(rules.today(), -(17 * 12 + 3))}
    case = start(api_as(app, "dt_tp"), young)["id"]
    do(app, case, *DOSSIER)
    body = api_as(app, "cb_tp").get(f"/api/v1/cases/{case}").get_json()
    assert body["status"] == "waiting" and body["tasks"] == []
    [timer] = body["timers"]
    assert timer["step"] == "wait_18" and timer["name"] == "Đủ 18 tuổi"
    due = local(datetime.fromisoformat(timer["due_at"]))  # the start of that local day
    assert due.date().isoformat() == rules.add_months(young["birth_date"], 18 * 12)
    assert body["next_due_at"] == timer["due_at"]
