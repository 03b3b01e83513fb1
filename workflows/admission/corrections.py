"""The proposer corrects the start data of a case it nominated (a misspelt name, a wrong
birth date) until the branch has acted on it: once any body other than the proposer
completed a task, the dossier's documents rest on that data and the proposer asks the
branch instead (409). One audited event, ``start_data_corrected``, names each change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine import cases
from engine.cases import Actor
from engine.cases import _lock_case as lock_case
from engine.errors import Conflict
from engine.models import Case
from engine.registry import Registry

from .authority import NotAllowed, acts_for, proposer
from .ending import stage_of
from .vocabulary import N_

#: Why the start data cannot be corrected any more (a msgid).
ACTED = N_("Chi bộ đã xử lý hồ sơ nên không sửa được thông tin ban đầu; hãy đề nghị chi bộ.")
#: Start fields a correction may not change: who proposed is not a typo.
FIXED = frozenset({"proposer_unit"})


def correctable(session: Session, case: Case) -> bool:
    """Whether the start data may still be corrected: open, and no other body acted."""
    return case.status != "closed" and not stage_of(session, case).others_acted


def corrections(
    data: Mapping[str, Any], corrected: Mapping[str, Any], fields: Iterable[str]
) -> dict[str, Any]:
    """The start ``fields`` whose corrected value differs from the case's ``data``."""
    return {
        name: corrected.get(name)
        for name in fields
        if name not in FIXED and corrected.get(name) != data.get(name)
    }


def correct_start_data(
    session: Session,
    case_id: int,
    changes: Mapping[str, Any],
    actor: Actor,
    *,
    units: Collection[str] | None,
    registry: Registry | None = None,
) -> Case:
    """Store ``changes`` (checked start fields, see ``corrections``) on behalf of the
    proposing ``units``. NotAllowed for another unit, Conflict for a closed case or one
    the branch has acted on."""
    case = lock_case(session, case_id)
    if not acts_for(units, {proposer(case.data or {})}):
        raise NotAllowed(N_("Chỉ tổ chức đã giới thiệu sửa được thông tin ban đầu."))
    if case.status == "closed":
        raise Conflict(N_("Hồ sơ đã kết thúc."))
    if stage_of(session, case).others_acted:
        raise Conflict(ACTED)
    values = {k: v for k, v in changes.items() if k not in FIXED}
    if not values:
        return case
    return cases.update_data(
        session, case.id, values, actor, kind="start_data_corrected", registry=registry
    )
