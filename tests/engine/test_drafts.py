"""Drafts: opened from a version, diagrams kept with their problems, forms checked when
saved, deployed as the next version (which ends the draft)."""

from __future__ import annotations

import json

import pytest

from engine import definitions
from engine.cases import unit_of_work
from engine.definitions import drafts
from engine.errors import DefinitionError

from .helpers import deploy_review, make_registry


@pytest.fixture
def opened(factory):
    reg = make_registry()
    deploy_review(factory, reg)
    with unit_of_work(factory) as s:
        drafts.open_version(s, definitions.current(s, "review"), "designer")
    return reg


def test_draft_opens_from_a_version_and_deploys_as_the_next(factory, opened):
    with unit_of_work(factory) as s:
        draft = drafts.find(s, "review")
        assert draft.base_version == 1 and set(draft.forms) == {"submit", "decide"}
        assert json.loads(draft.forms["submit"])["title"]
        assert drafts.check(draft, opened).ok
        drafts.save_bpmn(
            draft,
            "review.bpmn",
            draft.files["review.bpmn"].replace('name="Quyết định"', 'name="QĐ"'),
            "designer",
        )
    with unit_of_work(factory) as s:
        version, created = drafts.deploy(s, drafts.find(s, "review"), "designer", registry=opened)
        assert created and version.version == 2
    with unit_of_work(factory) as s:
        assert drafts.find(s, "review") is None


def test_diagram_with_problems_is_kept_but_not_deployed(factory, opened):
    with unit_of_work(factory) as s:
        draft = drafts.find(s, "review")
        xml = draft.files["review.bpmn"].replace('ketnap:form="decide" ketnap:due', "ketnap:due")
        drafts.save_bpmn(draft, "review.bpmn", xml, "designer")
    with unit_of_work(factory) as s:
        draft = drafts.find(s, "review")
        [problem] = drafts.check(draft, opened).problems
        assert problem.element == "decide" and problem.line
        with pytest.raises(DefinitionError):
            drafts.deploy(s, draft, "designer", registry=opened)
    with unit_of_work(factory) as s:
        assert drafts.find(s, "review") is not None


@pytest.mark.parametrize(
    "name, text",
    [
        ("review.bpmn", "<not xml"),
        ("../evil.bpmn", "<x/>"),
    ],
)
def test_unreadable_diagram_is_refused(factory, opened, name, text):
    with unit_of_work(factory) as s:
        with pytest.raises(drafts.DraftRefused):
            drafts.save_bpmn(drafts.find(s, "review"), name, text, "designer")


def test_form_is_checked_when_saved(factory, opened):
    with unit_of_work(factory) as s:
        draft = drafts.find(s, "review")
        with pytest.raises(drafts.DraftRefused) as refused:
            drafts.save_form(draft, "submit", '{"title": "", "fields": {}}', "designer")
        assert {p.path for p in refused.value.problems} == {"title", "fields"}
        with pytest.raises(drafts.DraftRefused):
            drafts.save_form(draft, "Bad-Name", '{"title": "x", "fields": []}', "designer")
        drafts.save_form(draft, "extra", '{"title": "Thêm", "fields": []}', "designer")
    with unit_of_work(factory) as s:
        assert "extra" in drafts.find(s, "review").forms
