"""Errors of engine operations, each mapping to one answer a user understands, and the
one vocabulary for "here is everything wrong with what you gave me": a ``Problem`` and
``ProblemList``, the base of every error that carries a list of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class EngineError(Exception):
    """Base: the operation changed nothing."""


class NotFound(EngineError):
    """No such case or task (or not one the caller may see)."""


class Conflict(EngineError):
    """The task or case moved on meanwhile: completed, claimed by another, or closed."""


class InvalidData(EngineError):
    """Submitted data does not fit the form; ``fields`` maps each field to its messages."""

    def __init__(self, fields: dict, message: str = "Dữ liệu chưa hợp lệ."):
        self.fields = fields
        super().__init__(message)


class ProcessError(EngineError):
    """The diagram could not go on (an expression failed, a lane could not be resolved)."""


class OperationTooLong(EngineError):
    """A case operation ran past its wall-clock ceiling (``engine.deadline``) and was
    stopped: nothing it did is kept. A busy machine or a runaway diagram."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"the operation took longer than {seconds:g} seconds and was stopped")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, a form, an expression or a request.

    ``file`` is the file it was found in ("" when there is none), ``element`` the BPMN
    element, ``line`` the line, ``path`` the place inside a structured file
    ("fields[2].choices"). ``message`` is either final text or, when ``params`` is
    given, a message id that the reader's language fills in with them. ``name`` is the
    element's name in the diagram, when it has one (the check fills it in), so that
    people read which step is meant, not only its id. English text is put in the
    reader's language by ``engine.messages``.
    """

    file: str
    message: str
    element: str | None = None
    line: int | None = None
    path: str | None = None
    params: tuple[tuple[str, Any], ...] = ()
    name: str | None = None

    @classmethod
    def at(cls, path: str, message: str) -> Problem:
        """A problem at ``path`` inside a structured file (a form, a tree)."""
        return cls("", message, path=path)

    @classmethod
    def translatable(cls, msgid: str, **params: Any) -> Problem:
        """A problem whose text is a message id, translated for the reader."""
        return cls("", msgid, params=tuple(sorted(params.items())))

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self.params)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" [{self.element}]" if where else self.element
            if self.name:
                where += f" «{self.name}»"
        if self.path:
            where += f" {self.path}" if where else self.path
        text = self.message % self.parameters if self.params else self.message
        return f"{where}: {text}" if where else text

    def as_dict(self) -> dict:
        # The designer's pages show only the message: a path goes in front of it.
        text = self.message % self.parameters if self.params else self.message
        message = f"{self.path}: {text}" if self.path else text
        return {
            "file": self.file,
            "element": self.element,
            "name": self.name,
            "line": self.line,
            "message": message,
        }


class ProblemList(Exception):
    """Raised with every problem found at once, so the author fixes them in one go."""

    fallback = "invalid input"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or self.fallback)


class DefinitionError(ProblemList):
    """A definition (BPMN files and forms) that cannot be deployed."""
