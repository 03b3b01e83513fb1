"""A failed connector call on the case page and through the API: the incident with its
error, the retry (page button, POST /api/v1/cases/{id}/retry) for who may, 404/403/409
for the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import cases, definitions
from engine.cases import Actor, unit_of_work
from engine.models import Case
from engine.registry import Connector
from engine.registry import registry as domain_registry
from tests.support.api import api_as
from tests.support.webapp import csrf_token, login

EVENTS = Path(__file__).resolve().parents[1] / "engine" / "data" / "events"


class Gateway:
    def __init__(self) -> None:
        self.down = True

    def pay(self, inputs, *, timeout):
        if self.down:
            raise ConnectionError("cổng thanh toán không trả lời")
        return {"receipt": f"BL-{inputs['amount']}"}


@pytest.fixture
def gateway(monkeypatch):
    gateway = Gateway()
    connector = Connector(gateway.pay, ("amount",), ("receipt",))
    monkeypatch.setitem(domain_registry.connectors, "pay", connector)
    return gateway


def _failing_case(app) -> int:
    diagram = (EVENTS / "service.bpmn").read_bytes().replace(b'"case_unit"', b'"branch"')
    files = {"service.bpmn": diagram, "step.json": (EVENTS / "forms" / "step.json").read_bytes()}
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        definitions.deploy(s, files, "designer")
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        data = {"amount": 120, "branch": "THPT-TP"}
        return cases.start_case(s, "service", data, Actor("cb_tp"), unit="THPT-TP").id


def _case(app, case_id: int) -> Case:
    with unit_of_work(app.extensions["ketnap_db"]) as s:
        case = s.get_one(Case, case_id)
        s.expunge(case)
        return case


def test_the_case_page_shows_the_incident_and_retries_it(app, client, gateway):
    case_id = _failing_case(app)
    login(client, "cb_tp")
    page = client.get(f"/ho-so/{case_id}").get_data(True)
    assert 'data-testid="incident"' in page and "cổng thanh toán không trả lời" in page
    assert 'data-testid="retry"' in page
    gateway.down = False
    answer = client.post(f"/ho-so/{case_id}/thu-lai", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 302
    case = _case(app, case_id)
    assert case.incident is None and case.data["receipt"] == "BL-120"
    after = client.get(f"/ho-so/{case_id}").get_data(True)
    assert 'data-testid="incident"' not in after and "Đã thử lại thành công" in after
    again = client.post(f"/ho-so/{case_id}/thu-lai", data={"csrf_token": csrf_token(after)})
    assert again.status_code == 409


def test_the_auditor_sees_the_incident_without_a_retry(app, client, gateway):
    case_id = _failing_case(app)
    login(client, "auditor")
    page = client.get(f"/ho-so/{case_id}").get_data(True)
    assert 'data-testid="incident"' in page and 'data-testid="retry"' not in page
    refused = client.post(f"/ho-so/{case_id}/thu-lai", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 403


def test_the_api_retries_for_who_may(app, gateway):
    case_id = _failing_case(app)
    url = f"/api/v1/cases/{case_id}/retry"
    assert api_as(app, "cb_btx").post(url).status_code == 404
    assert api_as(app, "auditor").post(url).status_code == 403
    branch = api_as(app, "cb_tp")
    still = branch.post(url)
    assert still.status_code == 200 and "cổng thanh toán" in still.get_json()["incident"]
    assert _case(app, case_id).incident_failures == 2
    gateway.down = False
    done = branch.post(url)
    assert done.status_code == 200 and done.get_json()["incident"] is None
    assert branch.post(url).status_code == 409
