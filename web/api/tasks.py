"""Tasks: my inbox, one task with its form, and claim / unclaim / complete.

A task the caller may not see answers 404; one they see but whose unit they do not
work for answers 403 to any action; an action that lost a race (completed, or claimed
by someone else meanwhile) answers 409 and changes nothing.
"""

from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import gettext as _

from engine import cases, preview
from engine.errors import Conflict
from engine.inbox import InboxQuery, inbox
from engine.models import Case, WorkItem
from workflows.admission import reopening
from workflows.admission.authority import NotAllowed
from workflows.admission.confirmations import confirmation

from ..auth.session import actor
from ..cases import reading
from ..cases.confirm import sentence
from ..disclosures import disclosed
from ..extensions import db, run_operation
from ..work import conflict_message, visible_item, workable_item
from .base import With, api_blueprint, id_rule, page_dict
from .errors import fail
from .schemas import (
    CompleteArgs,
    CompleteQuery,
    CompletionPreviewSchema,
    ReopenArgs,
    TaskDetailSchema,
    TaskPageSchema,
    TaskQuery,
    TaskSchema,
)

blp = api_blueprint(
    "api_tasks",
    "/tasks",
    "Tasks (việc): the user tasks of cases, worked on by reviewers of the task's unit.",
)
ID = id_rule("item_id")
#: complete's answer: the task, or (preview=true) what completing it would do.
PREVIEW_OR_TASK = {
    200: {
        "description": "the completed task; with preview=true, what completing it would do",
        "content": {
            "application/json": {"schema": {"oneOf": [TaskSchema, CompletionPreviewSchema]}}
        },
    }
}


def previewed(item: WorkItem, effect: preview.Effect) -> dict:
    """A completion's effect in the shape of ``CompletionPreviewSchema``."""
    found = confirmation(item.step, effect)
    return {
        "preview": True,
        "task": item.id,
        "case_id": effect.case_id,
        "status": effect.status,
        "closes": effect.closes,
        "outcome": effect.outcome,
        "opens": effect.opens,
        "cancels": effect.cancels,
        "confirmation": sentence(found) if found is not None else None,
    }


def _inbox(args: dict, tab: str | None):
    return inbox(
        db(),
        InboxQuery(
            user=g.user.username,
            units=frozenset(g.user.roles_in("reviewer")),
            tab=tab,
            step=args.get("step"),
            category=args.get("category"),
            unit=args.get("unit"),
            search=args["q"],
            descending=args["sort"] == "desc",
            page=args["page"],
            page_size=args["per_page"],
        ),
    )


@blp.route("")
@blp.arguments(TaskQuery, location="query")
@blp.response(200, TaskPageSchema)
def list_tasks(args):
    """My inbox, with the page's tabs and filters and the count of every tab.

    Without `tab`, as on the page: my own tasks if I have any, else my units' unclaimed
    ones."""
    result = _inbox(args, args.get("tab") or None)
    return {**page_dict(result.page), "tab": result.tab, "counts": result.counts}


@blp.route(f"/{ID}")
@blp.response(200, TaskDetailSchema)
def get_task(item_id: int):
    """A task, its case in brief, and its form: each field with name, type, whether it is
    required, its choices and limits. Each read is recorded in the audit log (`case_read`):
    the values are the candidate's data."""
    item = visible_item(item_id)
    case = db().get_one(Case, item.case_id)
    form = reading.task_form(db(), case, item)
    detail = With(
        item,
        case=case,
        values=reading.task_values(db(), case, item, form),
        form={"name": item.form, **form} if form is not None else None,
    )
    disclosed("case_read", case.id, via="api", part="task", task=item.id)
    return detail


def _act(operation, item_id: int, *args) -> WorkItem:
    item = workable_item(item_id)
    try:
        return run_operation(operation, item.id, *args, actor())
    except Conflict:
        fail(409, conflict_message(item_id))


@blp.route(f"/{ID}/claim", methods=["POST"])
@blp.response(200, TaskSchema)
def claim(item_id: int):
    """Take the task on: it moves to my tab and nobody else may complete it."""
    return _act(cases.claim, item_id)


@blp.route(f"/{ID}/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
def unclaim(item_id: int):
    """Give my claim back to the unit."""
    return _act(cases.unclaim, item_id)


@blp.route(f"/{ID}/complete", methods=["POST"])
@blp.arguments(CompleteQuery, location="query")
@blp.arguments(CompleteArgs)
@blp.doc(responses=PREVIEW_OR_TASK)
def complete(query, args, item_id: int):
    """Complete the task with its form's data; 422 lists the refused fields, and then
    nothing has changed.

    With `preview=true`, nothing is stored: the answer says what the completion would
    do (the tasks it opens and cancels, whether the case closes and how) and what the
    task page would ask its user to confirm first."""
    if query["preview"]:
        item = workable_item(item_id)
        try:
            effect = run_operation(
                preview.preview, item.case_id, cases.complete_task, item.id, args["data"], actor()
            )
        except Conflict:
            fail(409, conflict_message(item_id))
        return jsonify(CompletionPreviewSchema().dump(previewed(item, effect)))
    return jsonify(TaskSchema().dump(_act(cases.complete_task, item_id, args["data"])))


@blp.route(f"/{ID}/reopen", methods=["POST"])
@blp.arguments(ReopenArgs)
@blp.response(200, TaskSchema)
def reopen(args, item_id: int):
    """Reopen a completed task to correct it, with a reason: the case returns to that
    step (its earlier values filled in) and the steps after it that depended on it are
    cancelled; answers the step's new open task. Only an organisation or standing board
    above the case may (403); 409 says why a step cannot be reopened."""
    item = visible_item(item_id)
    try:
        return run_operation(
            reopening.reopen_step,
            item.id,
            args["reason"],
            actor(),
            units=g.user.roles_in("reviewer"),
            closed_within=current_app.config.get("REOPEN_WORKDAYS", 0),
        )
    except NotAllowed as err:
        fail(403, _(str(err)))
    except Conflict as err:
        fail(409, _(str(err)))
