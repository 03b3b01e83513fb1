"""Administration: user accounts, their grants, and the organisation tree."""

from flask import Blueprint

from ..auth.session import role_required
from . import operations as ops

bp = Blueprint("admin", __name__, url_prefix="/quan-tri", template_folder="templates")


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


@bp.context_processor
def _labels():
    return {"role_labels": ops.ROLE_LABELS}


from . import mail, units, views  # noqa: E402,F401  (their routes join bp)

__all__ = ["bp"]
