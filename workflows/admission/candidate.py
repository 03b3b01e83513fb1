"""Rules of the candidate's own data (procedure.md, "Candidate data"): the education
level and its exceptions, places of residence that the tree can route, and places of
verification outside the tree, which must say where the letter goes.

Each function answers with field errors ({field: [Vietnamese text]}, {} when fine), the
shape forms report, so the same rule refuses a nomination and a task's submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .rules import TREE_PLACE
from .tree import OrgTree
from .vocabulary import EDUCATION_LEVELS, MIN_EDUCATION, N_

_ORDER = list(EDUCATION_LEVELS)
#: Levels below the minimum: admitted only with an exception (vùng sâu, già làng …).
BELOW_MINIMUM = frozenset(_ORDER[_ORDER.index(MIN_EDUCATION) + 1 :])

NEEDS_EXCEPTION = N_(
    "Người vào Đảng phải tốt nghiệp trung học cơ sở trở lên; thấp hơn chỉ khi thuộc "
    "trường hợp ngoại lệ (miền núi, vùng sâu, vùng xa, vùng đồng bào dân tộc thiểu số; "
    "già làng, trưởng bản): hãy chọn trường hợp."
)
NO_WARD = N_("Hãy chọn đảng ủy phường, xã (hoặc một chi bộ thuộc đảng ủy đó) nơi người này cư trú.")
NO_PLACE = N_(
    "Hãy chọn phường, xã nơi người thân cư trú, hoặc chọn nơi thẩm tra ngoài cơ cấu tổ chức."
)
NO_OUTSIDE_PLACE = N_("Hãy ghi nơi nhận công văn thẩm tra (cấp ủy, cơ quan và địa chỉ).")


def education_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """A level below lower secondary needs an exception (one given with a higher level
    is simply not needed: a form cannot take a value back, so it is not refused)."""
    level, exception = data.get("education_level"), data.get("education_exception")
    if level in BELOW_MINIMUM and not exception:
        return {"education_exception": [NEEDS_EXCEPTION]}
    return {}


def residence_problem(tree: OrgTree, code: str | None) -> str | None:
    """Why ``code`` cannot be a place of residence, or None: a residence is verified and
    gives its opinion through its ward committee, so it must be one or lie below one.
    (A unit field has refused unknown codes already; a form of an older version that
    took the code as text has not.)"""
    if code is None or (code in tree and tree.ward_committee_of(code) is not None):
        return None
    return NO_WARD


def residence_errors(tree: OrgTree, data: Mapping[str, Any]) -> dict[str, list[str]]:
    problem = residence_problem(tree, data.get("residence_unit"))
    return {"residence_unit": [problem]} if problem else {}


def relative_place_problems(tree: OrgTree, relative: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors of one relative's place: a place of the tree is a unit under a ward
    committee; a place outside it names where the letter goes (``place_outside``)."""
    if (relative.get("place_kind") or TREE_PLACE) != TREE_PLACE:
        return {} if relative.get("place_outside") else {"place_outside": [NO_OUTSIDE_PLACE]}
    code = relative.get("place_unit")
    if code is None:
        return {"place_unit": [NO_PLACE]}
    problem = residence_problem(tree, code)
    return {"place_unit": [problem]} if problem else {}


def relatives_place_errors(tree: OrgTree, relatives: Any) -> dict[str, Any]:
    """{"relatives": {row: {field: [...]}}} for relatives whose place of verification
    is not given, or lies nowhere a ward committee could verify."""
    rows = {
        row: problems
        for row, relative in enumerate(relatives or [])
        if (problems := relative_place_problems(tree, relative))
    }
    return {"relatives": rows} if rows else {}
