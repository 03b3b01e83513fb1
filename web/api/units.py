"""GET /api/v1/units: the organisation tree, which every signed-in user may read."""

from __future__ import annotations

from workflows.admission.tree import load_tree

from ..extensions import db
from .base import api_blueprint
from .schemas import UnitSchema

blp = api_blueprint(
    "api_units",
    "/units",
    "The organisation tree: committees, boards, branches and mass organisations.",
)


@blp.route("")
@blp.response(200, UnitSchema(many=True))
def list_units():
    """Every unit, parents before children (inactive ones too: old cases name them)."""
    return load_tree(db()).walk()
