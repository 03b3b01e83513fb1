"""The engine's CLI against a real SQLite file: deploy, start, list, complete, timers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from engine import cli, definitions

from .helpers import DATA, SUBMIT_OK, make_registry, move_clock_past_wait


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setattr(cli, "_factory", None)
    monkeypatch.setattr(definitions, "default_registry", make_registry())
    import engine.cases as cases_mod

    monkeypatch.setattr(cases_mod, "default_registry", definitions.default_registry)
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(cli.cli, [str(a) for a in args])
        return result

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


def test_deploy_start_complete_and_show(run):
    deployed = run("deploy", DATA / "review")
    assert deployed.exit_code == 0 and "version 1" in deployed.output
    again = run("deploy", DATA / "review")
    assert "unchanged" in again.output
    started = run(
        "cases", "start", "review", "--data", '{"full_name": "Lê Văn Cường"}', "--unit", "U1"
    )
    assert started.exit_code == 0, started.output
    listed = run("tasks", "list")
    task_id = listed.output.split("\t")[0]
    bad = run("tasks", "complete", task_id, "--data", '{"score": "ten"}')
    assert bad.exit_code == 1 and "score" in bad.output
    done = run("tasks", "complete", task_id, "--data", json.dumps(SUBMIT_OK))
    assert done.exit_code == 0, done.output
    twice = run("tasks", "complete", task_id, "--data", json.dumps(SUBMIT_OK))
    assert twice.exit_code == 1 and "already completed" in twice.output
    shown = json.loads(run("cases", "show", "1").output)
    assert shown["status"] == "waiting" and shown["tasks"][0]["completed_by"].startswith("os:")
    move_clock_past_wait()
    fired = run("timers", "run")
    assert "1 case(s)" in fired.output
    assert "decide" in run("tasks", "list").output
    assert "Lê Văn Cường" in run("cases", "list").output
    assert run("audit", "verify").exit_code == 0


def test_unknown_definition_and_bad_json(run):
    assert run("cases", "start", "nothing").exit_code == 1
    assert run("cases", "start", "nothing", "--data", "{oops").exit_code == 2
    assert run("cases", "show", "42").exit_code == 1


def test_messages_and_signals_from_the_command_line(run):
    events = DATA / "events"
    deployed = run("deploy", events / "payment.bpmn", events / "forms" / "step.json")
    assert deployed.exit_code == 0, deployed.output
    for number in ("A-1", "A-2", "A-3"):
        data = json.dumps({"dossier_no": number})
        assert run("cases", "start", "payment", "--data", data).exit_code == 0
    paid = run("cases", "message", 1, "paid", "--payload", '{"amount": 120}')
    assert paid.exit_code == 0 and "delivered" in paid.output, paid.output
    again = run("cases", "message", 1, "paid")
    assert again.exit_code == 1 and "not waiting for message 'paid'" in again.output
    recalled = run("signals", "send", "recall", "--payload", '{"why": "sai"}')
    assert recalled.exit_code == 0 and "2 case(s) reached (2, 3)" in recalled.output
    shown = json.loads(run("cases", "show", "1").output)
    assert shown["data"]["amount"] == 120 and shown["status"] == "active"
    assert json.loads(run("cases", "show", "2").output)["status"] == "closed"
    assert "0 case(s) reached" in run("signals", "send", "recall").output


def test_a_failed_connector_is_retried_from_the_command_line(run, monkeypatch):
    answers = [ConnectionError("down"), {"receipt": "BL-1"}]

    def pay(inputs, *, timeout):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    definitions.default_registry.connector("pay", inputs=("amount",), outputs=("receipt",))(pay)
    events = DATA / "events"
    assert run("deploy", events / "service.bpmn", events / "forms" / "step.json").exit_code == 0
    assert run("cases", "start", "service", "--data", '{"amount": 1}').exit_code == 0
    shown = run("cases", "show", "1").output
    assert "connector Thu phí (t_pay): pay: ConnectionError: down" in shown
    retried = run("cases", "retry", 1)
    assert retried.exit_code == 0 and "the case goes on" in retried.output, retried.output
    assert json.loads(run("cases", "show", "1").output)["data"]["receipt"] == "BL-1"
    nothing = run("cases", "retry", 1)
    assert nothing.exit_code == 1 and "no connector call" in nothing.output
