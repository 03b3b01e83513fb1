"""Checking and deploying definitions: every problem at once, versions by content."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import cli, definitions
from engine.cases import unit_of_work
from engine.errors import DefinitionError
from engine.models import DefinitionVersion, Event

from .helpers import DATA, make_registry, review_files

REVIEW = (DATA / "review" / "review.bpmn").read_text(encoding="utf-8")


def files_with(bpmn: str, **extra) -> dict[str, bytes]:
    files = review_files()
    files["review.bpmn"] = bpmn.encode("utf-8")
    files.update({k: v.encode() if isinstance(v, str) else v for k, v in extra.items()})
    return files


def problems(files, **kw):
    return definitions.check(files, make_registry(), **kw).problems


def messages(found) -> str:
    return "\n".join(str(p) for p in found)


def test_review_is_clean():
    result = definitions.check(review_files(), make_registry())
    assert result.ok and result.key == "review"
    assert set(result.forms) == {"submit", "decide"}


@pytest.mark.parametrize("name", ["malformed.bpmn", "entity.bpmn", "xxe.bpmn"])
def test_unsafe_or_broken_xml_is_refused_before_parsing(name):
    found = problems({name: (DATA / "bad" / name).read_bytes()})
    assert found and all(p.file == name for p in found)
    assert re.search(r"malformed XML|DOCTYPE", messages(found))
    assert "hostname" not in messages(found)


@pytest.mark.parametrize(
    "source, element",
    [
        ('<bpmn:script>__import__("os").system("touch pwned")</bpmn:script>', "record"),
        ("<bpmn:script>import os</bpmn:script>", "record"),
        ("<bpmn:script>x = ().__class__.__base__.__subclasses__()</bpmn:script>", "record"),
    ],
)
def test_script_escapes_are_named_with_file_and_element(source, element, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bpmn = re.sub(r"<bpmn:script>.*?</bpmn:script>", source, REVIEW, flags=re.S)
    found = problems(files_with(bpmn))
    assert any(p.file == "review.bpmn" and p.element == element and p.line for p in found)
    assert not (tmp_path / "pwned").exists()


def test_condition_and_timer_escapes_are_named():
    bpmn = REVIEW.replace("approved and score &gt;= 5", "open('/etc/hostname').read()")
    bpmn = bpmn.replace('"P10D"', "getattr(1, '__class__')")
    found = problems(files_with(bpmn))
    assert {p.element for p in found} >= {"to_wait", "late_timer"}


def test_every_structural_problem_is_reported_at_once():
    bpmn = (
        REVIEW.replace('<bpmn:startEvent id="start" name="Bắt đầu" />', "")
        .replace('sourceRef="start"', 'sourceRef="nowhere"')
        .replace('ketnap:form="decide" ketnap:due', 'ketnap:form="missing" ketnap:due')
        .replace('ketnap:resolver="board"', 'ketnap:resolver="no_such"')
        .replace('ketnap:due="5WD"', 'ketnap:due="soon"')
        .replace(
            '<bpmn:endEvent id="end_done" name="Xong" />',
            '<bpmn:endEvent id="end_done" name="Xong" />'
            '<bpmn:callActivity id="call_x" calledElement="absent" />',
        )
    )
    text = messages(problems(files_with(bpmn)))
    for expected in (
        "no start event",
        "points to no element",
        'form "missing"',
        '"no_such" is not registered',
        "ketnap:due",
        "calls process absent",
    ):
        assert expected in text, expected


def test_user_task_without_form_or_lane():
    bpmn = REVIEW.replace(' ketnap:form="decide" />', " />").replace(
        "<bpmn:flowNodeRef>escalate</bpmn:flowNodeRef>", ""
    )
    text = messages(problems(files_with(bpmn)))
    assert "user task has no form" in text and "lies in no lane" in text


def test_invalid_form_file_is_reported_with_its_path():
    found = problems(
        files_with(
            REVIEW, **{"forms/decide.json": '{"title": "x", "fields": [{"name": "Bad Name"}]}'}
        )
    )
    assert any(p.file == "forms/decide.json" for p in found)


def test_schema_violation_is_reported():
    bpmn = REVIEW.replace(
        '<bpmn:endEvent id="end_rejected" name="Không đạt" />',
        '<bpmn:endEvent id="end_rejected"><bpmn:bogus /></bpmn:endEvent>',
    )
    assert any("BPMN schema" in p.message for p in problems(files_with(bpmn)))


def test_deploy_versions_by_content(factory):
    reg = make_registry()
    with unit_of_work(factory) as s:
        v1, new1 = definitions.deploy(s, review_files(), "d1", registry=reg)
    with unit_of_work(factory) as s:
        same, new_same = definitions.deploy(s, review_files(), "d2", registry=reg)
    changed = files_with(REVIEW.replace("Nộp hồ sơ", "Nộp hồ sơ (mới)"))
    with unit_of_work(factory) as s:
        v2, new2 = definitions.deploy(s, changed, "d1", registry=reg)
    with unit_of_work(factory) as s:
        v3, new3 = definitions.deploy(s, review_files(), "d1", registry=reg)
    assert (new1, new_same, new2, new3) == (True, False, True, True)
    assert (v1.version, same.version, v2.version, v3.version) == (1, 1, 2, 3)
    assert v3.content_hash == v1.content_hash
    with unit_of_work(factory) as s:
        assert (
            s.execute(select(Event).where(Event.kind == "definition_deployed")).all().__len__() == 3
        )


def test_deploy_refuses_with_all_problems_and_stores_nothing(factory):
    bpmn = REVIEW.replace('ketnap:resolver="board"', 'ketnap:resolver="no_such"')
    with pytest.raises(DefinitionError) as err:
        with unit_of_work(factory) as s:
            definitions.deploy(s, files_with(bpmn), "d", registry=make_registry())
    assert err.value.problems
    with unit_of_work(factory) as s:
        assert s.execute(select(DefinitionVersion)).first() is None


def test_cli_check_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli.cli, ["check", str(DATA / "parallel")])
    # The CLI uses the process-wide registry; the test resolvers are not in it.
    assert ok.exit_code == 1 and "case_unit" in ok.output
    bad = runner.invoke(cli.cli, ["check", str(DATA / "bad" / "xxe.bpmn")])
    assert bad.exit_code == 1 and "xxe.bpmn" in bad.output


def test_cli_check_clean_file_exits_zero(tmp_path, monkeypatch):
    reg = make_registry()
    monkeypatch.setattr(definitions, "default_registry", reg)
    result = CliRunner().invoke(cli.cli, ["check", str(DATA / "review")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: review")


@pytest.mark.parametrize(
    "old, new, element",
    [
        ("approved and score &gt;= 5", "__import__('os').system('touch pwned')", "to_wait"),
        ('result = "approved" if approved else "rejected"', "import os", "record"),
    ],
)
def test_cli_check_names_file_and_element_of_an_escape(tmp_path, monkeypatch, old, new, element):
    monkeypatch.setattr(definitions, "default_registry", make_registry())
    monkeypatch.chdir(tmp_path)
    for name, content in files_with(REVIEW.replace(old, new)).items():
        (tmp_path / "defs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "defs" / name).write_bytes(content)
    result = CliRunner().invoke(cli.cli, ["check", str(tmp_path / "defs")])
    assert result.exit_code == 1
    assert "review.bpmn:" in result.output and f"[{element}]" in result.output
    assert not (tmp_path / "pwned").exists()
