"""What the case page offers its reader to do to the whole case: the endings they may
choose now, whether they may reopen its submitted steps (a board above it), and where
they may send it (a transfer, and the one waiting for an answer)."""

from __future__ import annotations

from engine.models import Case

from .ending import end_choices
from .reopening import may_reopen
from .transfer import transfer_actions


def case_actions(case: Case) -> dict:
    """The case page's template values for the actions (none on a closed case, except
    reopening the step that closed it)."""
    return {
        "end_choices": end_choices(case) if case.status != "closed" else [],
        "may_reopen": may_reopen(case),
        **transfer_actions(case),
    }
