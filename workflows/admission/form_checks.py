"""What the admission domain gives the engine for forms: the units that unit fields offer
(the organisation tree, active units of the kinds a field names), the tree's facts
stored with a vote (``voting``: who votes and decides next), and its checks of
submissions that a form file cannot express, run by the engine before anything changes
(``engine.submission``): the introducer routes, the education level's exception, places
of residence the tree can route (or places outside it that say where the letter goes),
a residential branch of the ward that assigns it, the conditions of a re-admission and
of an enterprise owner, an extension within its limit, a ceremony between the decision
and today (``deadlines``).

Each check returns field errors ({} when the submission may go on); the engine answers
them as it answers a form's own (422, the form shown again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.registry import Registry, registry
from engine.submission import Submission

from . import candidate, deadlines, introductions, special_cases, voting
from .kinds import KINDS
from .tree import load_tree


def unit_options(session, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """The active units of ``kinds``, in tree order, as (code, name)."""
    wanted = set(kinds)
    return [(u.code, u.name) for u in load_tree(session).units() if u.kind in wanted]


def _merged(*found: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for errors in found:
        out.update(errors)
    return out


def check_start(sub: Submission) -> dict[str, Any]:
    tree = load_tree(sub.session)
    return _merged(
        candidate.education_errors(sub.data),
        candidate.residence_errors(tree, sub.data),
        special_cases.start_errors(sub.data),
    )


def check_application(sub: Submission) -> dict[str, Any]:
    tree = load_tree(sub.session)
    return _merged(
        candidate.education_errors(sub.data),
        candidate.relatives_place_errors(tree, sub.submitted.get("relatives")),
        special_cases.political_history_errors(sub.submitted),
    )


def check_introduction(sub: Submission) -> dict[str, Any]:
    return introductions.introduction_errors(load_tree(sub.session), sub.data, sub.options)


def check_assigned_branch(sub: Submission) -> dict[str, Any]:
    """The ward committee assigns one of its own residential branches."""
    tree = load_tree(sub.session)
    branch = sub.submitted.get("branch")
    ward = tree.ward_committee_of(branch) if branch is not None and branch in tree else None
    if branch is None or (ward is not None and ward.code == sub.unit):
        return {}
    unit = tree.get(sub.unit)
    return {"branch": [f"Hãy chọn một chi bộ trực thuộc {unit.name if unit else sub.unit}."]}


def check_province_consent(sub: Submission) -> dict[str, Any]:
    return special_cases.dated_by_today(sub.submitted, "over_age_consent_date")


def check_outside_request(sub: Submission) -> dict[str, Any]:
    return special_cases.dated_by_today(sub.submitted, "outside_letter_date")


def check_extension(sub: Submission) -> dict[str, Any]:
    return deadlines.extension_errors(sub.data)


def check_ceremony(sub: Submission) -> dict[str, Any]:
    return deadlines.ceremony_errors(sub.data)


CHECKS = {
    "start": check_start,
    "application": check_application,
    "introduction": check_introduction,
    "assign_branch": check_assigned_branch,
    "province_consent": check_province_consent,
    "outside_request": check_outside_request,
    "extension": check_extension,
    "ceremony": check_ceremony,
}


def register(target: Registry = registry) -> None:
    """Give ``target`` the tree's units and the checks (safe to call again)."""
    target.unit_options = unit_options
    target.unit_kinds = frozenset(KINDS)
    for form, check in CHECKS.items():
        target.form_check(form)(check)
    for form, facts in voting.FACTS.items():
        target.form_fact(form)(facts)


register()
