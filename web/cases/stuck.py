"""The boards' panel of stuck cases (engine/stuck.py): cases of their committee that
are not closed and have no open task, timer, awaited message or incident. Shown on the
case list to those who see the incidents list (the boards and auditors); each sees only
the cases of their units, as everywhere."""

from __future__ import annotations

from flask import g

from engine import stuck

from ..extensions import db
from ..permissions import case_filter, may_see_incidents
from . import bp

#: How many the panel names; the command ``ketnap cases stuck`` lists them all.
PANEL_SIZE = 10


def stuck_for_user() -> list[stuck.Stuck]:
    session = db()
    if g.get("user") is None or not may_see_incidents(session, g.user):
        return []
    where = case_filter(session, g.user)
    if where is None:
        return []
    return stuck.stuck_cases(session, where, limit=PANEL_SIZE)


bp.record_once(lambda state: state.app.jinja_env.globals.update(stuck_cases=stuck_for_user))
