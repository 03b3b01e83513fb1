"""The report pages, their Excel and PDF downloads, and the cases behind a figure.

Every figure comes from ``compute`` and every table from ``sheets``; the pages, files
and lists only present them.
"""

from __future__ import annotations

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine.listing import Page, clamp, page_count, window
from engine.models import Case
from workflows.admission.reports.facts import committee_units
from workflows.admission.tree import load_tree

from ..auth.session import login_required
from ..disclosures import disclosed
from ..extensions import db
from ..labels import unit_name
from ..permissions import case_filter
from . import bp, settings
from .compute import PERIODS, PIPELINE, QUOTAS, TARGETS, Query, compute, today
from .export import pdf, workbook
from .query import committees_of, file_response, query_of, readable, year_of
from .sheets import TABLES, TITLES

EXPORTS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook),
    "pdf": ("application/pdf", pdf),
}
TABS = (TARGETS, PIPELINE, PERIODS, QUOTAS)
ID_CHUNK = 5000  # ids bound in one query: far below every driver's limit
LISTED_ROWS = 50  # rows of a list of cases on a report page (downloads hold all)
STAND_IN_ID = 918273645  # in no other part of a case page's URL
ENDPOINTS = {
    TARGETS: "reports.targets",
    PIPELINE: "reports.pipeline",
    PERIODS: "reports.periods",
    QUOTAS: "reports.quotas",
}


def _params(name: str, query: Query) -> dict:
    params = {"committee": query.committee, "year": query.year}
    if name == PERIODS and query.unit:
        params["unit"] = query.unit
    return params


def _linker(name: str, query: Query):
    # A list of thousands of cases links each one: Flask builds a URL in about 0.1 ms,
    # so the case page's is built once, with a stand-in id that each row replaces.
    case_url = url_for("cases.show", case_id=STAND_IN_ID)

    def link(key: str) -> str:
        if key.startswith("case:"):
            return case_url.replace(str(STAND_IN_ID), str(int(key.split(":", 1)[1])))
        return url_for("reports.cases", name=name, figure=key, **_params(name, query))

    return link


def _subtitle(name: str, query: Query) -> str:
    where = unit_name(query.unit or query.committee)
    if name == PIPELINE:
        return _("%(unit)s · ngày %(day)s", unit=where, day=today().strftime("%d/%m/%Y"))
    return _(
        "%(unit)s · năm %(year)s · số liệu ngày %(day)s",
        unit=where,
        year=query.year,
        day=today().strftime("%d/%m/%Y"),
    )


def _tables(name: str, query: Query):
    report = compute(db(), name, query)
    return report, TABLES[name](report, _linker(name, query))


def _units(name: str, query: Query) -> list:
    """The units the half-year report may be narrowed to: the committee's."""
    if name != PERIODS:
        return []
    tree = load_tree(db())
    inside = committee_units(tree, query.committee)
    return [unit for unit in tree.walk() if unit.code in inside]


def _render(name: str, query: Query, report, tables: list, **extra):
    return render_template(
        "reports/page.html",
        name=name,
        tabs=TABS,
        titles=TITLES,
        endpoints=ENDPOINTS,
        query=query,
        params=_params(name, query),
        report=report,
        tables=tables,
        subtitle=_subtitle(name, query),
        committees=committees_of(name),
        units=_units(name, query),
        **extra,
    )


def page(name: str, **extra):
    query = query_of(name)
    report, tables = _tables(name, query)
    # A city's thousands of waiting cases would make a page of megabytes.
    tables = [table.first(LISTED_ROWS, _linker(name, query)) for table in tables]
    return _render(name, query, report, tables, **extra)


@bp.get("/")
@login_required
def targets():
    if not committees_of(TARGETS):
        # The reader's committees have not adopted the plan's targets (a ward of the
        # 2025 tree, say): the page says so and offers the other reports.
        query = Query(readable(TARGETS)[0], year_of(request.args.get("year")))
        return _render(TARGETS, query, None, [], no_targets=True)
    return page(TARGETS, **settings.target_form(query_of(TARGETS)))


@bp.get("/tien-do")
@login_required
def pipeline():
    return page(PIPELINE)


@bp.get("/so-lieu")
@login_required
def periods():
    return page(PERIODS)


@bp.get("/tao-nguon")
@login_required
def quotas():
    return page(QUOTAS, **settings.quota_form(query_of(QUOTAS)))


@bp.get("/<any('chi-tieu', 'tien-do', 'so-lieu', 'tao-nguon'):name>.<any(xlsx, pdf):fmt>")
@login_required
def download(name: str, fmt: str):
    query = query_of(name)
    _report, tables = _tables(name, query)
    mimetype, write = EXPORTS[fmt]
    body = write(_(TITLES[name]), _subtitle(name, query), tables)
    disclosed("report_exported", report=name, format=fmt, **_params(name, query))
    filename = f"bao-cao-{name}-{query.committee}-{query.year}.{fmt}".lower()
    return file_response(body, mimetype, filename)


def _visible(ids: tuple[int, ...], where) -> list[int]:
    """The ids among ``ids`` (sorted) that the user may see, in order. Asked in chunks:
    a figure early in the year can count 60,000 cases, more than one query may bind."""
    if where is True:
        return list(ids)
    seen: list[int] = []
    for start in range(0, len(ids), ID_CHUNK):
        seen += (
            db()
            .execute(
                select(Case.id)
                .where(Case.id.in_(ids[start : start + ID_CHUNK]), where)
                .order_by(Case.id)
            )
            .scalars()
        )
    return seen


@bp.get("/<any('chi-tieu', 'tien-do', 'so-lieu', 'tao-nguon'):name>/ho-so")
@login_required
def cases(name: str):
    """The cases behind one figure of a report, as far as the user sees them, a page at
    a time."""
    query = query_of(name)
    figure = compute(db(), name, query).figures.get(request.args.get("figure", ""))
    if figure is None:
        abort(404)
    where = case_filter(db(), g.user)
    visible = [] if where is None else _visible(figure.cases, where)
    size = current_app.config["PAGE_SIZE"]
    number = clamp(request.args.get("page", 1, type=int), len(visible), size)
    shown = visible[(number - 1) * size : number * size]
    rows = (
        list(db().execute(select(Case).where(Case.id.in_(shown)).order_by(Case.id)).scalars())
        if shown
        else []
    )
    page = Page(rows, len(visible), number, size, window(number, page_count(len(visible), size)))
    params = _params(name, query)
    return render_template(
        "reports/cases.html",
        name=name,
        titles=TITLES,
        endpoints=ENDPOINTS,
        query=query,
        params=params,
        figure=figure,
        page=page,
        key=request.args["figure"],
        page_params={**params, "figure": request.args["figure"]},
    )
