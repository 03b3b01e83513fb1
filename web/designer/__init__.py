"""The designer area (/thiet-ke): process definitions, their versions and drafts, the
BPMN modeler, the forms editor, the diff between versions and the migration of running
cases. Only designers enter; a designer sees no candidate data, so cases appear here by
number, status and step only.

The modules add their routes to ``bp``: ``views`` (definitions, versions, uploads,
diff), ``modeler`` (the draft's diagrams), ``forms_editor`` and ``migrations``.
"""

from __future__ import annotations

from flask import Blueprint

from ..auth.session import role_required

bp = Blueprint("designer", __name__, url_prefix="/thiet-ke", template_folder="templates")


@bp.before_request
@role_required("designer")
def _designers_only():
    return None


from . import forms_editor, migrations, modeler, views  # noqa: E402,F401  (their routes)
