"""The proposer corrects a case's start data until the branch has acted on it."""

from __future__ import annotations

import json

import pytest

from engine import audit, stuck
from engine.cases import Actor, unit_of_work
from engine.errors import Conflict
from workflows.admission import corrections
from workflows.admission.authority import NotAllowed

from .scenario import STUDENT, Case

YOUTH_UNION = Actor("os:doantruong")


def correct(world, case, units=("DT-THPT-TP",), **changes):
    with unit_of_work(world) as session:
        return corrections.correct_start_data(
            session, case.id, changes, YOUTH_UNION, units=set(units)
        )


def test_the_proposer_corrects_the_start_data_before_the_branch_acts(world):
    case = Case(world, STUDENT)
    correct(world, case, full_name="Nguyễn Thị Minh Ánh", birth_date="2007-03-16")
    row = case.row
    assert row.title == "Nguyễn Thị Minh Ánh" and row.data["birth_date"] == "2007-03-16"
    assert [i.title for i in case.items("open")] == ["Nguyễn Thị Minh Ánh"]
    with unit_of_work(world) as session:
        [event] = [e for e in audit.history(session, case.id) if e.kind == "start_data_corrected"]
    assert event.actor == YOUTH_UNION.name
    assert json.loads(event.data)["changes"]["full_name"] == [
        "Nguyễn Thị Minh Anh",
        "Nguyễn Thị Minh Ánh",
    ]
    # Who proposed is no typo, and another unit corrects nothing.
    correct(world, case, proposer_unit="DT-THPT-BTX")
    assert case.row.data["proposer_unit"] == "DT-THPT-TP"
    with pytest.raises(NotAllowed):
        correct(world, case, units=["DT-THPT-BTX"], full_name="X")
    with unit_of_work(world) as session:
        assert stuck.stuck_cases(session) == []


def test_no_correction_once_the_branch_has_acted(world):
    case = Case(world, STUDENT)
    with unit_of_work(world) as session:
        assert corrections.correctable(session, case.row)
    case.do("accept_sympathiser")
    with unit_of_work(world) as session:
        assert not corrections.correctable(session, case.row)
    with pytest.raises(Conflict, match="Chi bộ đã xử lý"):
        correct(world, case, full_name="Nguyễn Thị Minh Ánh")
    assert case.row.title == "Nguyễn Thị Minh Anh"
