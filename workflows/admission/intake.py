"""Deploying the admission diagrams and starting a case with checked start data.

The diagrams read start fields in gateway conditions (``proposer_unit``,
``enterprise_has_party_org``...); the main process names its start form on its start
event (``ketnap:form="start"``), and the engine checks start data against it and makes
every field of it present, so the check always matches the definition that will run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine import cases, definitions
from engine.cases import Actor
from engine.models import Case, DefinitionVersion
from engine.registry import Registry

from . import evidence, form_checks  # noqa: F401  (facts of evidence panels; units, checks)
from .resolvers import case_unit

KEY = "admission"
#: The diagrams and forms of the procedure, next to the package in the repository.
BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


def deploy(
    session: Session, actor: Actor, path: Path = BPMN_DIR, *, registry: Registry | None = None
) -> tuple[DefinitionVersion, bool]:
    """Deploy the diagrams and forms under ``path`` (unchanged content: no new version)."""
    return definitions.deploy(
        session, definitions.collect([path]), actor.name, registry=registry, key=KEY
    )


def start_admission(
    session: Session, data: dict[str, Any], actor: Actor, *, registry: Registry | None = None
) -> Case:
    """Start an admission case on the current version; raises InvalidData on bad data.

    The engine checks ``data`` against the start event's form and fills in the fields
    not given; the case's first responsible unit follows from the same data.
    """
    return cases.start_case(session, KEY, data, actor, unit=case_unit(data), registry=registry)
