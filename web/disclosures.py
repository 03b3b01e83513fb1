"""Personal data taken out of ketnap, as audit events: who downloaded which case's
documents and attached files, which report, and which case they read through the API.

The event is written in the request's transaction, after the data was read in it and
before the answer is sent: if the event cannot be written, nothing is sent. Lists (the
inbox, the case list) are not recorded: they show names, not dossiers, and the inbox is
every reviewer's most frequent request.
"""

from __future__ import annotations

from engine import audit

from .auth.session import actor
from .extensions import run_operation


def disclosed(kind: str, case_id: int | None = None, **data) -> None:
    """Record that the signed-in user took ``kind`` of data (of case ``case_id``) out."""
    who = actor()
    run_operation(audit.record, kind, actor=who.name, case_id=case_id, data=data, **who.request)
