"""Process definitions: list what is deployed; deploy diagrams and forms (designers)."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from engine import definitions, messages
from engine.errors import DefinitionError, Problem
from engine.models import DefinitionVersion

from ..auth.session import role_required
from ..extensions import db, run_operation
from .base import With, api_blueprint
from .errors import fail
from .schemas import DefinitionSchema, DeployArgs, DeployedSchema, DeployQuery

blp = api_blueprint(
    "api_definitions",
    "/definitions",
    "Process definitions: BPMN diagrams and their forms, deployed as versions.",
)
SUFFIXES = (".bpmn", ".json")
MAX_NAME = 255


@blp.route("")
@blp.response(200, DefinitionSchema(many=True))
def list_definitions():
    """The current (newest) version of every deployed definition."""
    newest = (
        select(DefinitionVersion.key, func.max(DefinitionVersion.version).label("v"))
        .group_by(DefinitionVersion.key)
        .subquery()
    )
    return (
        db()
        .execute(
            select(DefinitionVersion)
            .join(
                newest,
                (DefinitionVersion.key == newest.c.key) & (DefinitionVersion.version == newest.c.v),
            )
            .order_by(DefinitionVersion.key)
        )
        .scalars()
    )


def _name_problem(name: str, seen: set[str]) -> str | None:
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        return _("Tên tệp trống, quá dài hoặc có ký tự điều khiển.")
    if not name.endswith(SUFFIXES):
        return _("Chỉ triển khai được sơ đồ .bpmn và biểu mẫu .json.")
    if name in seen:
        return _("Có hai tệp cùng tên này.")
    return None


def read_uploads(uploads: list[FileStorage]) -> tuple[dict[str, bytes], list[Problem]]:
    """The uploaded files by name, and what is wrong with them before any BPMN check.

    The engine reads a diagram as UTF-8 once it parses as XML, so a file in another
    encoding is refused here, by name, rather than failing later.
    """
    files: dict[str, bytes] = {}
    problems = []
    for upload in uploads:
        name = (upload.filename or "").strip()
        content = upload.read()
        problem = _name_problem(name, set(files))
        if problem is None and name.endswith(".bpmn"):
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                problem = _("Tệp không ở mã UTF-8; hãy lưu lại dưới dạng UTF-8.")
        if problem:
            problems.append(Problem(name, problem))
        else:
            files[name] = content
    return files, problems


def _in_my_language(problem: Problem) -> dict:
    """A problem as the API answers it, its text in the caller's language."""
    return {**problem.as_dict(), "message": messages.problem_text(problem, str(get_locale()))}


@blp.route("", methods=["POST"])
@role_required("designer")
@blp.arguments(DeployQuery, location="query")
@blp.arguments(DeployArgs, location="files")
@blp.response(201, DeployedSchema)
@blp.alt_response(200, schema=DeployedSchema, description="unchanged: no new version")
def deploy(query, upload):
    """Deploy .bpmn and .json files (multipart field `files`, repeated) as the next
    version. 422 lists every problem, each with file, element, line and message."""
    files, problems = read_uploads(upload["files"])
    if not problems:
        try:
            version, created = run_operation(
                definitions.deploy, files, g.user.username, key=query.get("key")
            )
        except DefinitionError as err:
            problems = err.problems
    if problems:
        fail(
            422,
            _("Định nghĩa có %(n)d lỗi.", n=len(problems)),
            problems=[_in_my_language(p) for p in problems],
        )
    return With(version, created=created), 201 if created else 200
