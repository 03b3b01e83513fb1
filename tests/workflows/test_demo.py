"""``ketnap demo``: an empty database gets the tree, the diagrams and a dozen cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engine import cli as engine_cli
from engine import clock
from engine.cases import unit_of_work
from engine.models import Case, DefinitionVersion, Event, WorkItem
from workflows.admission import demo, orgs

from .conftest import DEMO, plugin_runner


@pytest.fixture
def run(factory, monkeypatch):
    invoke = plugin_runner(factory, monkeypatch)
    with clock.frozen_at(datetime(2025, 9, 8, 2, tzinfo=UTC)):
        yield invoke


def cases_by_name(factory):
    with unit_of_work(factory) as session:
        found = {}
        for case in session.execute(select(Case)).scalars():
            items = session.execute(
                select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.status == "open")
            ).scalars()
            found[case.title] = (case, sorted((i.step, i.unit) for i in items))
        return found


def test_demo_fills_an_empty_database(run, factory):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert f"Đã tạo {len(demo.STORIES)} hồ sơ mẫu." in result.stdout
    found = cases_by_name(factory)
    assert len(found) == len(demo.STORIES) == 12
    waiting, _ = found["Lê Hoàng Gia Hân"]
    assert waiting.status == "waiting" and waiting.data["waiting_until"] > "2025-09-08"
    # The mother lives in another province: the sending committee writes to it.
    assert found["Võ Ngọc Lan"][1] == [("send_outside_request", "THPT-TP"), ("verify_place", "P2")]
    assert found["Hoàng Thị Thu Hà"][1] == [
        ("decide", "BTV-DL"),
        ("escalate", "BTC-DL"),
        ("extend_decision", "BTC-DL"),
    ]
    assert found["Hoàng Văn Nam"][1] == [("retake_class", "TTCT-DL")]
    assert found["Ngô Thị Hồng"][1] == [("assign_branch", "P3")]
    # No Youth Union or Trade Union in the enterprise: two members introduced him.
    tam, open_steps = found["Dương Văn Tâm"]
    assert [i["kind"] for i in tam.data["introducers"]] == ["member", "member"]
    assert "introduction" not in [step for step, _ in open_steps]
    assert [i["kind"] for i in found["Phạm Minh Khôi"][0].data["introducers"]] == [
        "youth_union",
        "member",
    ]
    assert found["Lý Thị Ngọc Trâm"][1] == [("recognition_file", "THPT-BTX")]
    assert found["Bùi Đức Long"][0].status == "waiting"
    outcomes = {name: case.outcome for name, (case, _) in found.items() if case.status == "closed"}
    assert outcomes == {"Trịnh Văn Sơn": "not_admitted", "Mai Anh Tuấn": "recognised"}
    with unit_of_work(factory) as session:
        actors = set(session.execute(select(Event.actor)).scalars())
    assert actors == {engine_cli.os_actor().name}


def test_demo_refuses_a_database_with_anything_in_it(run, factory):
    with unit_of_work(factory) as session:
        orgs.import_tree(session, orgs.read_tree_file(DEMO))
    result = run("demo")
    assert result.exit_code == 1
    assert "chỉ chạy trên cơ sở dữ liệu trống" in result.stderr
    with unit_of_work(factory) as session:
        assert session.execute(select(func.count()).select_from(DefinitionVersion)).scalar() == 0


def test_demo_runs_once(run, factory):
    assert run("demo").exit_code == 0
    assert run("demo").exit_code == 1
    again = run("demo", "--if-empty")  # what `make run` does every time
    assert again.exit_code == 0 and "bỏ qua" in again.stdout
    with unit_of_work(factory) as session:
        assert session.execute(select(func.count()).select_from(Case)).scalar() == 12
