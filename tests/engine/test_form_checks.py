"""Checks of a submission beyond its form: unit fields against the units a domain gives,
and a domain's own check per form, both before anything changes (SQLite, PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine import cases, definitions
from engine.cases import unit_of_work
from engine.errors import InvalidData
from engine.forms import check_form, validate_submission
from engine.forms.units import unit_errors, with_unit_choices
from engine.models import Case, Event, WorkItem
from engine.submission import described

from .helpers import ALICE, BOB, SUBMIT_OK, deploy_edited_review, make_registry, review_files

UNITS = {"office": [("U1", "Văn phòng 1"), ("U2", "Văn phòng 2")], "board": [("B1", "Ban 1")]}
CHOOSE = ["Hãy chọn một đơn vị trong danh sách."]

SUBMIT_FORM = {
    "title": "Nộp hồ sơ",
    "fields": [
        {"name": "approved", "label": "Đạt", "type": "boolean", "required": True},
        {"name": "score", "label": "Điểm", "type": "integer", "required": True},
        {"name": "submitted_on", "label": "Ngày nộp", "type": "date", "required": True},
        {"name": "wait_until", "label": "Chờ đến", "type": "string"},
        {"name": "office", "label": "Văn phòng", "type": "unit", "unit_kinds": ["office"]},
        {
            "name": "copies",
            "label": "Gửi bản sao",
            "type": "list",
            "fields": [
                {
                    "name": "to",
                    "label": "Nơi nhận",
                    "type": "unit",
                    "unit_kinds": ["office", "board"],
                    "required": True,
                }
            ],
        },
    ],
}


def units_of(_session, kinds):
    return [unit for kind in kinds for unit in UNITS.get(kind, [])]


@pytest.fixture
def reg():
    reg = make_registry()
    reg.unit_options = units_of
    reg.unit_kinds = frozenset(UNITS)
    reg.seen = []

    @reg.form_check("submit")
    def strict_score(sub):
        reg.seen.append(sub)
        if "strict" in sub.options and sub.submitted["score"] < 5:
            return {"score": ["Điểm thấp quá."]}
        return {}

    return reg


@pytest.fixture
def item(factory, reg) -> int:
    """The open submit task of a case whose diagram asks for a strict check."""
    deploy_edited_review(
        factory,
        reg,
        b'ketnap:form="submit"',
        b'ketnap:form="submit" ketnap:options="strict audited"',
        {"forms/submit.json": json.dumps(SUBMIT_FORM).encode()},
    )
    with unit_of_work(factory) as s:
        case = cases.start_case(
            s, "review", {"full_name": "Lê Văn Ba", "unit_code": "U7"}, ALICE, registry=reg
        )
        return s.execute(select(WorkItem.id).where(WorkItem.case_id == case.id)).scalar_one()


def refused(factory, reg, item: int, data: dict) -> dict:
    """Complete ``item`` with ``data``; assert it was refused and nothing changed."""

    def state():
        with unit_of_work(factory) as s:
            return (
                s.get(WorkItem, item).status,
                s.scalar(select(func.count()).select_from(Event)),
                s.get(Case, s.get(WorkItem, item).case_id).revision,
            )

    before = state()
    with pytest.raises(InvalidData) as err:
        with unit_of_work(factory) as s:
            cases.complete_task(s, item, data, BOB, registry=reg)
    assert state() == before == ("open", before[1], before[2])
    return err.value.fields


@pytest.mark.parametrize("code", ["U9", "B1"])  # no such unit; a unit of another kind
def test_a_unit_code_not_of_the_fields_kinds_is_a_field_error(factory, reg, item, code):
    assert refused(factory, reg, item, {**SUBMIT_OK, "office": code}) == {"office": CHOOSE}


def test_a_list_reports_its_unknown_units_by_row(factory, reg, item):
    data = {**SUBMIT_OK, "copies": [{"to": "B1"}, {"to": "X"}, {"to": "U2"}, {"to": "Y"}]}
    assert refused(factory, reg, item, data) == {"copies": {1: {"to": CHOOSE}, 3: {"to": CHOOSE}}}


def test_the_domain_check_sees_the_task_and_refuses_with_field_errors(factory, reg, item):
    assert refused(factory, reg, item, {**SUBMIT_OK, "score": 3}) == {"score": ["Điểm thấp quá."]}
    sub = reg.seen[-1]
    assert (sub.form, sub.step, sub.unit) == ("submit", "submit", "U7")
    assert sub.options == frozenset({"strict", "audited"})
    assert sub.data["full_name"] == "Lê Văn Ba" and sub.data["score"] == 3
    assert sub.submitted["score"] == 3 and "full_name" not in sub.submitted
    with unit_of_work(factory) as s:
        cases.complete_task(s, item, {**SUBMIT_OK, "office": "U1"}, BOB, registry=reg)
        assert s.get(WorkItem, item).status == "completed"


def test_a_form_that_fails_its_own_validation_never_reaches_the_domain(factory, reg, item):
    refused(factory, reg, item, {**SUBMIT_OK, "score": "many"})
    assert reg.seen == []


def test_start_data_is_checked_too(factory, reg):
    start_form = {
        "title": "Mở hồ sơ",
        "fields": [
            {"name": "unit_code", "label": "Văn phòng", "type": "unit", "unit_kinds": ["office"]}
        ],
    }
    deploy_edited_review(
        factory,
        reg,
        b'<bpmn:startEvent id="start" name="B\xe1\xba\xaft \xc4\x91\xe1\xba\xa7u" />',
        b'<bpmn:startEvent id="start" name="Start" ketnap:form="opening" />',
        {"forms/opening.json": json.dumps(start_form).encode()},
    )
    with pytest.raises(InvalidData) as err:
        with unit_of_work(factory) as s:
            cases.start_case(s, "review", {"unit_code": "B1"}, ALICE, registry=reg)
    assert err.value.fields == {"unit_code": CHOOSE}
    with unit_of_work(factory) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        cases.start_case(s, "review", {"unit_code": "U2"}, ALICE, registry=reg)


def test_described_form_offers_the_units_as_choices(factory, reg):
    with unit_of_work(factory) as s:
        shown = described(s, reg, SUBMIT_FORM)
    office, copies = shown["fields"][4], shown["fields"][5]
    assert office["choices"] == [
        {"value": "U1", "label": "Văn phòng 1"},
        {"value": "U2", "label": "Văn phòng 2"},
    ]
    assert [c["value"] for c in copies["fields"][0]["choices"]] == ["U1", "U2", "B1"]
    assert "choices" not in SUBMIT_FORM["fields"][4]  # the form itself is left as it is


def test_check_names_unit_kinds_the_domain_does_not_know(reg):
    files = review_files()
    form = {
        **SUBMIT_FORM,
        "fields": [
            *SUBMIT_FORM["fields"][:4],
            {**SUBMIT_FORM["fields"][4], "unit_kinds": ["office", "desk"]},
        ],
    }
    files["forms/submit.json"] = json.dumps(form).encode()
    problems = definitions.check(files, reg).problems
    assert [(p.file, p.element, p.message) for p in problems] == [
        (
            "forms/submit.json",
            "fields[4].unit_kinds",
            "unknown unit kind 'desk' (known: board, office)",
        )
    ]
    reg.unit_options = None
    files["forms/submit.json"] = json.dumps(SUBMIT_FORM).encode()
    messages = [p.message for p in definitions.check(files, reg).problems]
    assert messages == ["a unit field needs a domain that registers unit_options"] * 2


@pytest.mark.parametrize(
    "spec, message",
    [
        ({}, "required non-empty list of unit kinds (strings)"),
        ({"unit_kinds": []}, "required non-empty list of unit kinds (strings)"),
        ({"unit_kinds": ["a", ""]}, "required non-empty list of unit kinds (strings)"),
        ({"unit_kinds": ["a", "a"]}, "a kind is listed twice"),
        ({"unit_kinds": ["a"], "choices": []}, "does not apply to type 'unit'"),
    ],
)
def test_unit_field_format(spec, message):
    form = {"title": "T", "fields": [{"name": "u", "label": "U", "type": "unit", **spec}]}
    assert message in [p.message for p in check_form(form)]


def test_unit_values_are_one_line_codes():
    form = {
        "title": "T",
        "fields": [{"name": "u", "label": "U", "type": "unit", "unit_kinds": ["a"]}],
    }
    assert validate_submission(form, {"u": " U1 "}) == ({"u": "U1"}, {})
    for bad in ("U\n1", "x" * 101, 7):
        assert validate_submission(form, {"u": bad}) == ({}, {"u": CHOOSE})
    assert unit_errors(form, {"u": "U1"}, lambda kinds: [("U1", "")]) == {}
    assert with_unit_choices(form, lambda kinds: [])["fields"][0]["choices"] == []
