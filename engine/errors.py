"""Errors of engine operations, each mapping to one answer a user understands."""
from __future__ import annotations


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
