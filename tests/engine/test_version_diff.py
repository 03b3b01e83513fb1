"""Differences between two versions: elements added, removed, changed; forms and fields."""

from __future__ import annotations

import json

from engine.definitions import version_diff
from tests.support.bpmn_edit import insert_task

from .helpers import review_files

REVIEW = review_files()["review.bpmn"].decode("utf-8")


def changes(diff):
    return {c.id: {what: (old, new) for what, old, new in c.fields} for c in diff.changed}


def test_identical_versions_have_no_difference():
    assert version_diff.diff_elements({"review.bpmn": REVIEW}, {"review.bpmn": REVIEW}).empty


def test_added_task_removed_condition_and_changed_attributes():
    new = insert_task(REVIEW, "f4", "countersign", name="Ký", lane="Lane_board", form="decide")
    new = new.replace("approved and score &gt;= 5", "approved and score &gt;= 6")
    new = new.replace('ketnap:due="5WD"', 'ketnap:due="7WD"').replace(
        'name="Quyết định"', 'name="Quyết định cuối"'
    )
    new = new.replace('"P10D"', '"P12D"')
    diff = version_diff.diff_elements({"review.bpmn": REVIEW}, {"review.bpmn": new})
    assert {(c.id, c.kind) for c in diff.added} == {
        ("countersign", "userTask"),
        ("countersign_out", "sequenceFlow"),
    }
    assert not diff.removed
    changed = changes(diff)
    assert changed["to_wait"]["conditionExpression"] == (
        "approved and score >= 5",
        "approved and score >= 6",
    )
    assert changed["submit"]["ketnap:due"] == ("5WD", "7WD")
    assert changed["decide"]["name"] == ("Quyết định", "Quyết định cuối")
    assert changed["decide_late"]["timeDuration"] == ('"P10D"', '"P12D"')
    assert changed["f4"]["targetRef"] == ("record", "countersign")


def test_moving_a_task_to_another_lane_is_a_change():
    moved = REVIEW.replace("<bpmn:flowNodeRef>decide</bpmn:flowNodeRef>", "").replace(
        "<bpmn:flowNodeRef>submit</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>submit</bpmn:flowNodeRef><bpmn:flowNodeRef>decide</bpmn:flowNodeRef>",
    )
    changed = changes(version_diff.diff_elements({"r.bpmn": REVIEW}, {"r.bpmn": moved}))
    assert changed["decide"]["lane"] == ("Ban", "Văn thư")


def test_forms_added_removed_and_fields_changed():
    submit = json.loads(review_files()["forms/submit.json"])
    decide = json.loads(review_files()["forms/decide.json"])
    changed = json.loads(json.dumps(submit))
    changed["title"] = "Nộp hồ sơ mới"
    changed["fields"][0]["label"] = "Nhãn mới"
    removed_field = changed["fields"].pop()
    changed["fields"].append({"name": "note", "label": "Ghi chú", "type": "text"})
    diff = version_diff.diff_forms(
        {"submit": submit, "decide": decide}, {"submit": changed, "extra": decide}
    )
    assert [f.name for f in diff.added] == ["extra"]
    assert [f.name for f in diff.removed] == ["decide"]
    [form] = diff.changed
    assert ("title", submit["title"], "Nộp hồ sơ mới") in form.other
    assert [c.id for c in form.fields.added] == ["note"]
    assert [c.id for c in form.fields.removed] == [removed_field["name"]]
    assert form.fields.changed[0].fields == [("label", submit["fields"][0]["label"], "Nhãn mới")]
