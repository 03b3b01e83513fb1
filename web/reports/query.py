"""How a report request names its committee, year and unit, and how a report is sent."""

from __future__ import annotations

from io import BytesIO

from flask import abort, g, request, send_file

from workflows.admission.reports import facts
from workflows.admission.tree import load_tree

from ..downloads import content_disposition
from ..extensions import db
from . import access
from .compute import PERIODS, QUOTAS, TARGETS, Query, today

FIRST_YEAR, LAST_YEAR = 2000, 2100


def readable(name: str) -> list[str]:
    """The committees whose reports the user reads (for ``name``); 403 when none."""
    allowed = access.quota_committees if name == QUOTAS else access.report_committees
    committees = allowed(db(), g.user)
    if not committees:
        abort(403)
    return committees


def committees_of(name: str) -> list[str]:
    """The committees report ``name`` can be asked for: those the user reads, and for
    the targets those among them that own the plan's targets (maybe none)."""
    committees = readable(name)
    if name == TARGETS:
        return access.owning_targets(db(), committees)
    return committees


def year_of(value) -> int:
    """The year asked for, else this year (in Vietnam); one out of range is no year."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


def query_of(name: str, values=None) -> Query:
    """The committee, year (and unit) of a request for report ``name``: 403 for a user
    who reads no committee's, 404 for a committee or unit outside the user's (or, for
    the targets, a committee without them)."""
    values = request.args if values is None else values
    committees = committees_of(name)
    committee = values.get("committee") or (committees[0] if committees else None)
    if committee not in committees:
        abort(404)
    unit = values.get("unit") or None
    if name != PERIODS:
        unit = None
    elif unit is not None and unit not in facts.committee_units(load_tree(db()), committee):
        abort(404)
    return Query(committee, year_of(values.get("year")), unit)


def file_response(body: bytes, mimetype: str, filename: str):
    """``body`` as a download that no shared cache and no browser cache keeps: reports
    and documents carry personal data."""
    response = send_file(BytesIO(body), mimetype=mimetype, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
