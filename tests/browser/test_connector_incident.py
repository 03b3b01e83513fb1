"""A case whose connector call failed, in the browser: the incident on its page, and the
retry button that lets the case go on once the outside system answers again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import cases, definitions
from engine import db as engine_db
from engine.cases import Actor, unit_of_work
from engine.registry import Connector
from engine.registry import registry as domain_registry
from tests.support.webapp import DB_FILE

from .conftest import new_page, serve, sign_in

EVENTS = Path(__file__).resolve().parents[1] / "engine" / "data" / "events"
# Where to keep the pictures of the page, to look at them (not kept in the repository).
SHOTS = os.environ.get("KETNAP_SHOTS")


class Gateway:
    down = True

    def pay(self, inputs, *, timeout):
        if self.down:
            raise ConnectionError("cổng thanh toán không trả lời")
        return {"receipt": "BL-1"}


@pytest.fixture
def gateway(monkeypatch):
    gateway = Gateway()
    monkeypatch.setitem(
        domain_registry.connectors, "pay", Connector(gateway.pay, ("amount",), ("receipt",))
    )
    return gateway


def _failing_case(factory) -> int:
    diagram = (EVENTS / "service.bpmn").read_bytes().replace(b'"case_unit"', b'"branch"')
    files = {"service.bpmn": diagram, "step.json": (EVENTS / "forms" / "step.json").read_bytes()}
    with unit_of_work(factory) as s:
        definitions.deploy(s, files, "designer")
    with unit_of_work(factory) as s:
        data = {"amount": 1, "branch": "THPT-TP", "full_name": "Nguyễn Văn An"}
        return cases.start_case(s, "service", data, Actor("cb_tp"), unit="THPT-TP").id


def test_the_incident_is_shown_and_retried_from_the_case_page(browser, tmp_path, gateway):
    with serve(tmp_path) as base_url, new_page(browser, base_url) as page:
        # The served app's database file, written to as the engine's CLI would.
        factory = engine_db.make_session_factory(
            engine_db.make_engine(f"sqlite:///{tmp_path / DB_FILE}")
        )
        case_id = _failing_case(factory)
        sign_in(page, "cb_tp")
        page.goto(f"/ho-so/{case_id}")
        alert = page.locator("[data-testid=incident]")
        assert "cổng thanh toán không trả lời" in alert.inner_text()
        if SHOTS:
            for width in (1366, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=f"{SHOTS}/incident-{width}.png", full_page=True)
        gateway.down = False
        page.click("[data-testid=retry]")
        page.wait_for_selector("text=Đã thử lại thành công")
        assert page.locator("[data-testid=incident]").count() == 0
        assert page.get_by_text("Kiểm tra biên lai").count() >= 1
