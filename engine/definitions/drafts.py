"""Drafts: what a designer is editing for a definition key, before it is deployed.

One draft per key. It starts as a copy of a deployed version (or of uploaded files),
holds every BPMN file and form of the definition, and is checked with exactly the
checks of ``ketnap check`` (``definitions.check``). Deploying it makes the next version
and ends the draft, so the next edit starts from what was deployed.

Diagrams may be saved with problems (the modeler marks them on their elements);
a form is checked when it is saved and refused with its problems, as a form that does
not parse cannot be previewed or diffed.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import clock, definitions
from engine.definitions import bpmn_xml
from engine.errors import Problem, ProblemList
from engine.forms import FormError, load_form
from engine.models import Base, BigId, DateTime, DefinitionVersion
from engine.registry import Registry

FORM_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,99}$")
BPMN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,150}\.bpmn$")


class DefinitionDraft(Base):
    """The files a designer is editing for one definition key."""

    __tablename__ = "definition_drafts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # The version the draft was opened from: the diff and the page say what changed.
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    files: Mapped[dict] = mapped_column(JSON)  # {file name: BPMN text}
    # {form name: JSON text}: kept as the designer wrote it, indentation included.
    forms: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DraftRefused(ProblemList):
    """A file or form the draft cannot take, with every problem found in it."""


def find(session: Session, key: str) -> DefinitionDraft | None:
    return session.execute(
        select(DefinitionDraft).where(DefinitionDraft.key == key)
    ).scalar_one_or_none()


def form_text(form: dict) -> str:
    """A form as the editor shows it: indented JSON, Vietnamese letters as they are."""
    return json.dumps(form, ensure_ascii=False, indent=2) + "\n"


def _put(
    session: Session,
    key: str,
    files: dict[str, str],
    forms: dict[str, str],
    base_version: int | None,
    actor: str,
) -> DefinitionDraft:
    draft = find(session, key)
    if draft is None:
        draft = DefinitionDraft(key=key)
        session.add(draft)
    draft.files, draft.forms, draft.base_version = dict(files), dict(forms), base_version
    _touch(draft, actor)
    session.flush()
    return draft


def _touch(draft: DefinitionDraft, actor: str) -> None:
    draft.updated_by, draft.updated_at = actor, clock.now()


def open_version(session: Session, version: DefinitionVersion, actor: str) -> DefinitionDraft:
    """Start (or restart) the key's draft from a deployed version."""
    forms = {name: form_text(form) for name, form in version.forms.items()}
    return _put(session, version.key, version.files, forms, version.version, actor)


def from_upload(session: Session, key: str, files: dict[str, bytes], actor: str) -> DefinitionDraft:
    """Start (or restart) a draft from uploaded .bpmn and .json files, problems and all."""
    bpmn = {
        name.rsplit("/", 1)[-1]: content.decode("utf-8")
        for name, content in files.items()
        if name.endswith(".bpmn")
    }
    forms = {
        _stem(name): content.decode("utf-8-sig", errors="replace")
        for name, content in files.items()
        if name.endswith(".json")
    }
    latest = definitions.current(session, key)
    return _put(session, key, bpmn, forms, latest.version if latest else None, actor)


def _stem(name: str) -> str:
    return name.rsplit("/", 1)[-1][: -len(".json")]


def save_bpmn(draft: DefinitionDraft, name: str, text: str, actor: str) -> None:
    """Store one diagram as drawn. Its problems are the check's business, not the save's:
    a half-finished diagram must be keepable."""
    if not BPMN_NAME.match(name):
        raise DraftRefused([Problem.at("", f"not a diagram file name: {name!r}")])
    content = text.encode("utf-8")
    root, problems = bpmn_xml.parse_secure(name, content)
    if root is None:
        raise DraftRefused([Problem.at("", p.message) for p in problems])
    draft.files = {**draft.files, name: text}
    _touch(draft, actor)


def save_form(draft: DefinitionDraft, name: str, text: str, actor: str) -> dict:
    """Store one form if it passes the engine's form checks; return it parsed."""
    if not FORM_NAME.match(name):
        raise DraftRefused(
            [
                Problem.at(
                    "",
                    "a form name is lower-case letters, digits and _, starting with a letter or _",
                )
            ]
        )
    form = parse_form(text)
    draft.forms = {**draft.forms, name: text}
    _touch(draft, actor)
    return form


def parse_form(text: str) -> dict:
    try:
        return load_form(text)
    except FormError as err:
        raise DraftRefused(err.problems) from None


def remove(
    draft: DefinitionDraft, *, form: str | None = None, bpmn: str | None = None, actor: str
) -> None:
    if form is not None:
        draft.forms = {k: v for k, v in draft.forms.items() if k != form}
    if bpmn is not None:
        draft.files = {k: v for k, v in draft.files.items() if k != bpmn}
    _touch(draft, actor)


def files_of(draft: DefinitionDraft) -> dict[str, bytes]:
    """The draft as the files ``definitions.check`` and ``deploy`` read."""
    files = {name: text.encode("utf-8") for name, text in draft.files.items()}
    files.update({f"forms/{name}.json": text.encode("utf-8") for name, text in draft.forms.items()})
    return files


def check(draft: DefinitionDraft, registry: Registry | None = None) -> definitions.Checked:
    return definitions.check(files_of(draft), registry, draft.key)


def deploy(
    session: Session, draft: DefinitionDraft, actor: str, *, registry: Registry | None = None
) -> tuple[DefinitionVersion, bool]:
    """Deploy the draft as the key's next version and end the draft (one transaction)."""
    version, created = definitions.deploy(
        session, files_of(draft), actor, registry=registry, key=draft.key
    )
    session.delete(draft)
    return version, created
