"""A case drawn on its version's diagrams (/ho-so/<id>/so-do): the bpmn-js viewer with
the steps done, open, waiting and overdue marked. For whoever may see the case (its
units' reviewers, auditors); anyone else gets 404, as for the case page.

bpmn-js sets its styles through the DOM (CSSOM), which the app's "style-src 'self'" allows:
these pages run under the same Content-Security-Policy as every other page."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from engine import clock, definitions, progress, stored
from engine.definitions import specs
from engine.models import DefinitionVersion, WorkItem
from engine.registry import registry

from ..auth.session import login_required
from ..extensions import db
from ..work import visible_case
from . import bp


@bp.get("/ho-so/<int:case_id>/so-do")
@login_required
def case_diagram(case_id: int):
    case = visible_case(case_id)
    version = db().get_one(DefinitionVersion, case.definition_id)
    return render_template(
        "cases/diagram.html",
        case=case,
        version=version,
        files=definitions.file_titles(version),
        main=version.elements.get(version.key, {}).get("file"),
    )


@bp.get("/ho-so/<int:case_id>/so-do/du-lieu")
@login_required
def case_diagram_data(case_id: int):
    case = visible_case(case_id)
    session = db()
    version = session.get_one(DefinitionVersion, case.definition_id)
    # Every step the case went through, those of its stored trunk too.
    wf = stored.load_whole(
        session, case, specs.for_case(session, case.definition_id, case.definition_hash), registry
    )
    items = session.execute(
        select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.status == "open")
    ).scalars()
    return {"files": version.files, "states": progress.step_states(wf, items, clock.now())}
