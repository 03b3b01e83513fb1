"""What a submission must pass beyond its form's own types and limits, before anything
changes: its unit codes name units of the right kinds (``engine.forms.units``, with the
units the domain gives), and the domain's own check of that form, if it registered one
(a rule between fields, or against what the case already holds).

Both answer with field errors, as the form's validation does: the caller gets one
``InvalidData`` (a 422, the form shown again with the problems), never a case that
stops later on a code or a rule the submission broke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.forms.units import UnitOptions, has_unit_fields, unit_errors, with_unit_choices
from engine.registry import Registry


@dataclass(frozen=True)
class Submission:
    """What a domain's form check sees. Nothing in it has been stored yet."""

    session: Session
    form: str  # the form's name
    step: str | None  # the task's element id; None for start data
    unit: str | None  # the unit responsible for the task (or the case, at the start)
    data: Mapping[str, Any]  # what the task sees, with the submission applied
    submitted: Mapping[str, Any]  # the submission, validated against the form
    options: frozenset[str]  # the words of the task's ketnap:options attribute


def unit_source(session: Session, registry: Registry) -> UnitOptions:
    """The domain's units as the database ``session`` sees them (none without a domain)."""
    source = registry.unit_options
    return (lambda kinds: source(session, kinds)) if source is not None else (lambda kinds: ())


def described(session: Session, registry: Registry, form: Mapping[str, Any]) -> dict:
    """``form`` with the units its unit fields offer, for a page or the API."""
    return with_unit_choices(form, unit_source(session, registry))


def check_submission(
    registry: Registry,
    submission: Submission,
    form: Mapping[str, Any],
) -> None:
    """Raise InvalidData with the field errors of a submission that its form accepted."""
    if has_unit_fields(form):
        errors = unit_errors(form, submission.submitted, unit_source(submission.session, registry))
        if errors:
            # The domain's check may look the codes up: it runs on known ones only.
            raise InvalidData(errors)
    domain_check = registry.form_checks.get(submission.form)
    if domain_check is not None:
        errors = dict(domain_check(submission))
        if errors:
            raise InvalidData(errors)


def submission_facts(registry: Registry, submission: Submission) -> dict[str, Any]:
    """What the domain adds to an accepted submission of its form ({} for most forms).
    Facts are the domain's, never the submitter's: they win over submitted values."""
    facts = registry.form_facts.get(submission.form)
    return dict(facts(submission)) if facts is not None else {}


def task_options(node: Mapping[str, Any] | None) -> frozenset[str]:
    """The words of an element's ``ketnap:options`` (as the deployment recorded it)."""
    return frozenset(str((node or {}).get("options") or "").split())
