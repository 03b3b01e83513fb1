"""Reports as JSON: the figures of the report pages /bao-cao and /bao-cao/tien-do.

Only those who read a committee's reports may ask (reviewers of its organisation board
or standing board, auditors): others get 403; a committee outside theirs answers 404.
"""

from __future__ import annotations

from flask import g

from ..disclosures import disclosed
from ..extensions import db
from ..reports import access
from ..reports.compute import PIPELINE, TARGETS, Query, compute, today
from .base import With, api_blueprint
from .errors import fail
from .report_schemas import PipelineSchema, ReportQuery, TargetsQuery, TargetsSchema

blp = api_blueprint(
    "api_reports",
    "/reports",
    "Reports (báo cáo): progress against the plan's targets, and the cases in the pipeline.",
)


def _query(args: dict, *, targets: bool = False) -> Query:
    """403 for a caller who reads no committee's reports; 404 for a committee outside
    theirs, or (``targets``) one that does not own the plan's targets."""
    committees = access.report_committees(db(), g.user)
    if not committees:
        fail(403)
    if targets:
        committees = access.owning_targets(db(), committees)
    committee = args.get("committee") or (committees[0] if committees else None)
    if committee not in committees:
        fail(404)
    return Query(committee, args.get("year") or today().year)


def _disclosed(name: str, query: Query) -> None:
    """Reports name candidates (the pipeline's waiting lists): each read is recorded."""
    disclosed(
        "report_exported",
        report=name,
        format="json",
        committee=query.committee,
        year=query.year,
        via="api",
    )


@blp.route("/targets")
@blp.arguments(TargetsQuery, location="query")
@blp.response(200, TargetsSchema)
def targets(args):
    """The year's two targets, per school and overall: met, on track, at risk, missed;
    and the enterprise workers by enterprise, without a target (the plan sets none)."""
    query = _query(args, targets=True)
    report = compute(db(), TARGETS, query)
    _disclosed(TARGETS, query)
    return With(report, committee=query.committee, year=query.year)


@blp.route("/pipeline")
@blp.arguments(ReportQuery, location="query")
@blp.response(200, PipelineSchema)
def pipeline(args):
    """Cases at each step, time per step and per body, overdue tasks, cases waiting."""
    query = _query(args)
    report = compute(db(), PIPELINE, query)
    _disclosed(PIPELINE, query)
    return With(report, committee=query.committee)
