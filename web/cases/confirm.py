"""Confirming a submission before it is stored, when it would close the case or take a
branch the case does not come back from (workflows/admission/confirmations.py says
which).

The task page's submission is run in a savepoint (engine/preview.py): if its effect
needs no confirmation, or carries the confirmation of that very effect, it is kept;
otherwise it is rolled back and the confirmation page shows what it would do, with the
submitted values as hidden fields, a "back to the form" button (the values kept) and a
"confirm" button (submits them again with the effect's key). A case that changed in
between has another effect, so an old confirmation does not store the new one.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import cases, preview
from engine.cases import Actor
from engine.models import Case, WorkItem
from workflows.admission.confirmations import Confirmation, confirmation
from workflows.admission.vocabulary import OUTCOMES

from ..labels import label

#: Posted fields that steer the page, not form data.
CONTROLS = ("csrf_token", "action", "confirm")


def complete(
    session: Session,
    item_id: int,
    case_id: int,
    step: str,
    data: dict,
    actor: Actor,
    confirmed: str | None,
) -> preview.Attempt:
    """Complete the task, unless its effect must be confirmed and ``confirmed`` is not
    that effect's key: then nothing is stored and the attempt says what it would do."""

    def keep(effect: preview.Effect) -> bool:
        return confirmation(step, effect) is None or confirmed == effect.key

    return preview.attempt(session, case_id, cases.complete_task, item_id, data, actor, keep=keep)


def sentence(found: Confirmation) -> str:
    """The confirmation in one line: "5/10 đảng viên chính thức tán thành, dưới 2/3 —
    hồ sơ sẽ kết thúc: không kết nạp"."""
    parts = []
    if found.figures is not None:
        msgid, params = found.figures
        parts.append(_(msgid) % params)
    if found.outcome is not None:
        closing = label(OUTCOMES, found.outcome)
        parts.append(_("hồ sơ sẽ kết thúc: %(outcome)s", outcome=closing[:1].lower() + closing[1:]))
    elif found.leads_to is not None:
        parts.append(_(found.leads_to))
    return " — ".join(parts)


def posted_fields() -> list[tuple[str, str]]:
    """The submitted form's fields, to post again from the confirmation page."""
    return [(k, v) for k, v in request.form.items(multi=True) if k not in CONTROLS]


def page(item: WorkItem, case: Case, effect: preview.Effect):
    """The confirmation page of a submission of ``item`` with this ``effect``."""
    found = confirmation(item.step, effect)
    assert found is not None  # only an effect that needs confirming comes here
    return render_template(
        "cases/confirm.html",
        item=item,
        case=case,
        effect=effect,
        found=found,
        sentence=sentence(found),
        fields=posted_fields(),
        reopen_days=current_app.config.get("REOPEN_WORKDAYS", 0),
    )
