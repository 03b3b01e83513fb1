"""A problem found in a definition, phrased for the designer who has to fix it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    element: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" [{self.element}]"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "element": self.element, "line": self.line,
                "message": self.message}


class DefinitionError(Exception):
    """Raised with every problem of a definition at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
