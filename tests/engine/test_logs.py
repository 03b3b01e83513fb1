"""Log lines: each case operation says which case and how long; key=value by default,
JSON lines when asked."""

from __future__ import annotations

import json
import logging

import pytest

from engine import cases, logs
from engine.cases import unit_of_work

from .helpers import ALICE, deploy_review, make_registry


@pytest.fixture
def restored_logging():
    """configure() changes the root logger: put it back as the test found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _start(factory) -> int:
    reg = make_registry()
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        return cases.start_case(
            s, "review", {"full_name": "Lê Thị Hoa"}, ALICE, unit="U1", registry=reg
        ).id


def test_a_completed_operation_logs_its_case_and_duration(factory, caplog):
    caplog.set_level(logging.DEBUG, logger="engine.cases")
    case_id = _start(factory)
    [line] = [r for r in caplog.records if r.name == "engine.cases"]
    assert line.getMessage() == "case operation" and line.op == "start_case"
    assert line.case_id == case_id and line.duration_ms >= 0


def test_json_lines_carry_the_fields(factory, capsys, restored_logging):
    logs.configure("json", "DEBUG")
    case_id = _start(factory)
    lines = [json.loads(text) for text in capsys.readouterr().err.splitlines()]
    [line] = [data for data in lines if data["logger"] == "engine.cases"]
    assert line["op"] == "start_case" and line["case_id"] == case_id
    assert line["level"] == "DEBUG" and line["msg"] == "case operation"
    assert isinstance(line["duration_ms"], float) and line["ts"].endswith("+00:00")


def test_key_value_lines_quote_what_needs_it(capsys, restored_logging):
    logs.configure("kv", "INFO")
    logging.getLogger("engine.test").info(
        "timer failed", extra={"case_id": 7, "error": 'không "chạy"', "empty": None}
    )
    line = capsys.readouterr().err.strip()
    assert line.startswith("ts=") and " level=INFO logger=engine.test " in line
    assert line.endswith('msg="timer failed" case_id=7 error="không \\"chạy\\""')


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KETNAP_LOG_FORMAT", "json")
    monkeypatch.setenv("KETNAP_LOG_LEVEL", "warning")
    assert logs.from_env() == ("json", "WARNING")
    monkeypatch.delenv("KETNAP_LOG_FORMAT")
    monkeypatch.delenv("KETNAP_LOG_LEVEL")
    assert logs.from_env() == ("kv", "INFO")
    with pytest.raises(ValueError, match="kv, json"):
        logs.configure("xml")
