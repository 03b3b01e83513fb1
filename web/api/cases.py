"""Cases: list what the caller sees, start one, read one and its history.

A case the caller may not see answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from flask import g
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select, true

from engine import audit, definitions, runtime
from engine import cases as engine_cases
from engine.errors import Conflict, InvalidData
from engine.listing import Page, fetch_page
from engine.models import Case, WorkItem
from workflows.admission import ending, intake, nomination, transfer
from workflows.admission.authority import NotAllowed
from workflows.admission.tree import load_tree

from ..auth.session import actor
from ..cases import reading
from ..disclosures import disclosed
from ..extensions import db, run_operation
from ..i18n import LOCAL
from ..permissions import case_filter, proposing_units, starting_units
from ..work import visible_case
from .base import With, api_blueprint, id_rule, page_dict
from .errors import fail
from .schemas import (
    CaseDetailSchema,
    CasePageSchema,
    CaseQuery,
    EndCaseArgs,
    EventSchema,
    StartCaseArgs,
    TransferAnswerArgs,
    TransferArgs,
)

blp = api_blueprint("api_cases", "/cases", "Cases (hồ sơ): one candidate's dossier each.")
ID = id_rule("case_id")


def _filtered(stmt, args: dict):
    if args.get("status"):
        stmt = stmt.where(Case.status == args["status"])
    if args.get("unit"):
        stmt = stmt.where(Case.unit == args["unit"])
    if args.get("category"):
        stmt = stmt.where(Case.category == args["category"])
    if args.get("step"):
        stmt = stmt.where(
            Case.id.in_(
                select(WorkItem.case_id).where(
                    WorkItem.step == args["step"], WorkItem.status == "open"
                )
            )
        )
    if args.get("year"):
        # The year as people there count it: a case opened on 1 January, 6 a.m. in
        # Vietnam was opened on 31 December in UTC.
        start_of = datetime(args["year"], 1, 1, tzinfo=LOCAL)
        stmt = stmt.where(
            Case.created_at >= start_of, Case.created_at < start_of.replace(year=args["year"] + 1)
        )
    return stmt


@blp.route("")
@blp.arguments(CaseQuery, location="query")
@blp.response(200, CasePageSchema)
def list_cases(args):
    """The cases the caller sees (as on the case list page), most recently changed first."""
    where = case_filter(db(), g.user)
    if where is None:
        return page_dict(Page.empty(args["per_page"]))
    stmt = _filtered(select(Case).where(true() if where is True else where), args)
    return page_dict(
        fetch_page(
            db(),
            stmt.order_by(Case.updated_at.desc(), Case.id.desc()),
            args["page"],
            args["per_page"],
        )
    )


def _timers(case: Case) -> list[dict]:
    """The timers the case waits for, soonest first, with the step each belongs to."""
    if case.status == "closed":
        return []
    found = [
        {"step": task.task_spec.bpmn_id, "name": task.task_spec.bpmn_name, "due_at": due}
        for task, due in runtime.waiting_timers(reading.workflow(db(), case))
    ]
    return sorted(found, key=lambda timer: timer["due_at"])


def _detail(case: Case) -> With:
    return With(case, tasks=reading.case_items(db(), case.id, "open"), timers=_timers(case))


def _start_data(definition: str, data: dict, proposers: list[str]) -> dict:
    """The nomination checked as the page checks it (unit kinds, ages, proposer), or
    InvalidData. Only the admission procedure has a nomination to check."""
    posted = dict(data)
    if len(proposers) == 1 and posted.get("proposer_unit") == proposers[0]:
        # The page asks only a user of several proposing units which one proposes;
        # a script may name its only one all the same.
        del posted["proposer_unit"]
    try:
        return nomination.check_start(load_tree(db()), proposers, posted, _)
    except ValidationError as err:
        messages = err.messages
        raise InvalidData(
            messages if isinstance(messages, dict) else {"_schema": messages}
        ) from err


@blp.route("", methods=["POST"])
@blp.arguments(StartCaseArgs)
@blp.response(201, CaseDetailSchema)
def start_case(args):
    """Start a case from the start form's data (422 lists the fields it refuses).

    The admission procedure: only reviewers of proposing units (Youth Union, Trade
    Union, branches, ward committees) may; the responsible unit comes from the data.
    Any other deployed definition whose process names who may start it
    (`ketnap:starters`: unit kinds, roles): a reviewer of a unit of such a kind, or a
    holder of such a role, from that unit (`unit` chooses among several). 404 for a
    definition not deployed or naming no starters, 403 for who is not among them."""
    if args["definition"] == intake.KEY:
        proposers = proposing_units(db(), g.user)
        if not proposers:
            fail(403)
        data = _start_data(args["definition"], args["data"], proposers)
        return _detail(run_operation(intake.start_admission, data, actor()))
    return _detail(_start_other(args["definition"], args["data"], args.get("unit")))


def _start_other(key: str, data: dict, chosen: str | None) -> Case:
    """A case of a definition other than admission, for who its starters name."""
    version = definitions.current(db(), key)
    starters = definitions.starters_of(version) if version is not None else []
    if not starters:
        fail(404)
    units = starting_units(db(), g.user, starters)
    if not units or (chosen is not None and chosen not in units):
        fail(403)
    if chosen is None and len(units) > 1:
        choose = _("Chọn một trong các đơn vị: %(units)s.", units=", ".join(units))
        raise InvalidData({"unit": [choose]})
    return run_operation(engine_cases.start_case, key, data, actor(), unit=chosen or units[0])


@blp.route(f"/{ID}")
@blp.response(200, CaseDetailSchema)
def get_case(case_id: int):
    """A case: status, data, open tasks, and the timers it waits for with their due dates.
    Each read is recorded in the audit log (`case_read`)."""
    detail = _detail(visible_case(case_id))
    disclosed("case_read", case_id, via="api", part="case")
    return detail


@blp.route(f"/{ID}/end", methods=["POST"])
@blp.arguments(EndCaseArgs)
@blp.response(200, CaseDetailSchema)
def end_case(args, case_id: int):
    """End the case with an outcome and a reason: its open tasks are cancelled, its
    timers dropped, one event records it. 403 for who sees the case but may not choose
    that outcome, 409 for a closed case or an outcome its stage does not allow."""
    case = visible_case(case_id)
    units = g.user.roles_in("reviewer")
    if not ending.may_end(db(), case, units):
        fail(403)
    try:
        ended = run_operation(
            ending.end_admission, case.id, args["outcome"], args["reason"], actor(), units=units
        )
    except NotAllowed as err:
        fail(403, _(str(err)))
    except Conflict as err:
        fail(409, _(str(err)))
    return _detail(ended)


@blp.route(f"/{ID}/transfer", methods=["POST"])
@blp.arguments(TransferArgs)
@blp.response(200, CaseDetailSchema)
def transfer_case(args, case_id: int):
    """Send the case to another party branch, with a reason. Between two branches of
    the same upper committee it moves at once (its open tasks follow); across
    committees it waits (`data.transfer.status == "pending"`) for the receiving
    organisation board to answer (`POST /cases/{id}/transfer/answer`). 422 for a unit
    that is not an active branch, 409 for a closed case or a transfer already waiting,
    403 for who sees the case but may not send it."""
    case = visible_case(case_id)
    units = g.user.roles_in("reviewer")
    if not transfer.may_transfer(db(), case, units) and case.status != "closed":
        fail(403)
    try:
        sent = run_operation(
            transfer.transfer_case, case.id, args["to_unit"], args["reason"], actor(), units=units
        )
    except NotAllowed as err:
        fail(403, _(str(err)))
    except Conflict as err:
        fail(409, _(str(err)))
    return _detail(sent.case)


@blp.route(f"/{ID}/transfer/answer", methods=["POST"])
@blp.arguments(TransferAnswerArgs)
@blp.response(200, CaseDetailSchema)
def answer_transfer(args, case_id: int):
    """The receiving organisation board accepts the transfer waiting for it (naming the
    new helper member and a replacement for each introducer) or refuses it with a
    reason. 409 when no transfer waits, 403 for who is not that board."""
    case = visible_case(case_id)
    units = g.user.roles_in("reviewer")
    if not transfer.receives(db(), units):
        fail(403)
    record = transfer.pending(case.data or {})
    if record is None or case.status == "closed":
        fail(409, _("Hồ sơ không có việc chuyển nào đang chờ tiếp nhận."))
    try:
        if args["decision"] == "accept":
            done = run_operation(
                transfer.accept_transfer,
                int(record["task"]),
                actor(),
                helper_name=args["helper_name"],
                introducers=args["introducers"],
                note=args["note"],
                units=units,
            )
        else:
            done = run_operation(
                transfer.refuse_transfer, int(record["task"]), args["reason"], actor(), units=units
            )
    except NotAllowed as err:
        fail(403, _(str(err)))
    except Conflict as err:
        fail(409, _(str(err)))
    return _detail(done)


@blp.route(f"/{ID}/history")
@blp.response(200, EventSchema(many=True))
def case_history(case_id: int):
    """Every audit event of the case, oldest first. Each read is recorded (`case_read`)."""
    events = audit.history(db(), visible_case(case_id).id)
    disclosed("case_read", case_id, via="api", part="history")
    return events
