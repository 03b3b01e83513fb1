"""Service tasks bound to connectors: ``<bpmn:serviceTask ketnap:connector="name">``
calls what the domain registered under that name (``Registry.connector``), inside the
case operation that reaches it.

The connector gets the declared inputs from the task's data and the time left of the
operation's ceiling; what it gives back (only declared outputs) goes into the case's
data and the flow goes on. When it fails, the task stays started with the error kept
on it, and the case becomes an **incident** in the same transaction (what led up to the
call is kept: a completed task stays completed): the error is on the case page and in
the boards' list of incidents, and the timer worker tries the call again later, waiting
longer after each failure in a row (``engine.retry``); ``cases.retry_connectors`` (the
API's and the CLI's retry) tries at once. A service task bound to no connector is
refused by the check (engine/definitions/constructs.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from SpiffWorkflow.task import Task, TaskState
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.definitions.service_tasks import ATTEMPTS_KEY, ERROR_KEY
from engine.models import INCIDENT_LENGTH, Case
from engine.retry import retry_delay

# How an incident of a connector begins, to tell it from a timer's (engine/timers.py).
INCIDENT_PREFIX = "connector "


def failed(tasks: Iterable[Task]) -> list[Task]:
    """The connector tasks waiting after a failed call."""
    return [t for t in tasks if t.state == TaskState.STARTED and ERROR_KEY in t.internal_data]


def retry(tasks: list[Task]) -> int:
    """Call the connectors of failed tasks again; how many went through."""
    done = 0
    for task in tasks:
        if task.run():  # True: its outputs are in, the flow goes on from it
            done += 1
    return done


def is_connector_incident(text: str | None) -> bool:
    return bool(text) and str(text).startswith(INCIDENT_PREFIX)


def mark(
    session: Session,
    case: Case,
    tasks: list[Task],
    actor: str,
    request: dict,
    next_due: datetime | None,
) -> datetime | None:
    """Bring the case's incident in line with its failed connector calls; returns the
    case's next due time (a failing call is tried again by the timer worker)."""
    if not tasks:
        if is_connector_incident(case.incident):
            audit.record(
                session,
                "connector_recovered",
                actor=actor,
                case_id=case.id,
                unit=case.unit,
                data={"failures": case.incident_failures},
                **request,
            )
            case.incident, case.incident_at, case.incident_failures = None, None, 0
        return next_due
    failures = max(t.internal_data.get(ATTEMPTS_KEY, 1) for t in tasks)
    if is_connector_incident(case.incident) and case.incident_failures == failures:
        # Nothing failed anew in this operation: the incident stands, as it was.
        retry_at = (case.incident_at or clock.now()) + retry_delay(failures)
        return retry_at if next_due is None else min(next_due, retry_at)
    now = clock.now()
    errors = "; ".join(t.internal_data[ERROR_KEY] for t in tasks)
    case.incident = (INCIDENT_PREFIX + errors)[:INCIDENT_LENGTH]
    case.incident_at, case.incident_failures = now, failures
    retry_at = now + retry_delay(failures)
    audit.record(
        session,
        "connector_failed",
        actor=actor,
        case_id=case.id,
        unit=case.unit,
        data={"error": case.incident, "failures": failures, "retry_at": retry_at.isoformat()},
        **request,
    )
    return retry_at if next_due is None else min(next_due, retry_at)
