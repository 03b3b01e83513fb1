"""Process definitions: list what is deployed; deploy diagrams and forms (designers)."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from engine import definitions, messages
from engine.errors import DefinitionError, Problem

from ..auth.session import role_required
from ..extensions import db, run_operation
from ..permissions import starting_units
from .base import With, api_blueprint
from .errors import fail
from .schemas import (
    DefinitionDetailSchema,
    DefinitionSchema,
    DeployArgs,
    DeployedSchema,
    DeployQuery,
)

blp = api_blueprint(
    "api_definitions",
    "/definitions",
    "Process definitions: BPMN diagrams and their forms, deployed as versions.",
)
SUFFIXES = (".bpmn", ".dmn", ".json")
MAX_NAME = 255


@blp.route("")
@blp.response(200, DefinitionSchema(many=True))
def list_definitions():
    """The current (newest) version of every deployed definition."""
    return definitions.current_versions(db())


@blp.route("/<string:key>")
@blp.response(200, DefinitionDetailSchema)
def get_definition(key: str):
    """The current version of a definition: who may start a case of it
    (`ketnap:starters`), from which of my units I may, and its start form. 404 when no
    such definition is deployed."""
    version = definitions.current(db(), key) if len(key) <= MAX_NAME else None
    if version is None:
        fail(404)
    loaded = definitions.specs.get(version)
    starters = definitions.starters_of(version)
    return With(
        version,
        starters=starters,
        start_units=starting_units(db(), g.user, starters) if starters else [],
        start_form_name=loaded.start_form_name,
        start_form=loaded.start_form,
    )


def _name_problem(name: str, seen: set[str]) -> str | None:
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        return _("Tên tệp trống, quá dài hoặc có ký tự điều khiển.")
    if not name.endswith(SUFFIXES):
        return _("Chỉ triển khai được sơ đồ .bpmn, bảng quyết định .dmn và biểu mẫu .json.")
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
        if problem is None and name.endswith((".bpmn", ".dmn")):
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
    """Deploy .bpmn, .dmn and .json files (multipart field `files`, repeated) as the next
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
