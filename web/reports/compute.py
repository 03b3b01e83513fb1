"""The four reports by their URL names, computed for one committee and year.

The pages, their downloads, their drill-down lists and the JSON API all go through
``compute``, so each shows the very same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine import clock
from workflows.admission import rules
from workflows.admission.reports import facts
from workflows.admission.reports.periods import period_report
from workflows.admission.reports.pipeline import pipeline_report
from workflows.admission.reports.quotas import quota_report
from workflows.admission.reports.targets import targets_report
from workflows.admission.tree import load_tree

TARGETS, PIPELINE, PERIODS, QUOTAS = "chi-tieu", "tien-do", "so-lieu", "tao-nguon"


@dataclass(frozen=True)
class Query:
    committee: str
    year: int
    unit: str | None = None  # the half-year report may look at one unit below


def today() -> date:
    return date.fromisoformat(rules.today())


def _targets(session: Session, query: Query):
    return targets_report(session, load_tree(session), query.committee, query.year, today())


def _pipeline(session: Session, query: Query):
    units = facts.committee_units(load_tree(session), query.committee)
    return pipeline_report(session, units, clock.now(), today())


def _periods(session: Session, query: Query):
    units = facts.committee_units(load_tree(session), query.unit or query.committee)
    return period_report(session, units, query.year)


def _quotas(session: Session, query: Query):
    return quota_report(session, load_tree(session), query.committee, query.year)


REPORTS: dict[str, Callable[[Session, Query], Any]] = {
    TARGETS: _targets,
    PIPELINE: _pipeline,
    PERIODS: _periods,
    QUOTAS: _quotas,
}


def compute(session: Session, name: str, query: Query):
    return REPORTS[name](session, query)
