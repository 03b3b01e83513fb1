"""Running an engine operation from a request: one operation, one transaction."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from engine.cases import committing

from .setup import db

T = TypeVar("T")


def run_operation(operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``operation(session, *args, **kwargs)`` in the request's session and commit.

    On any error the transaction is rolled back, so the case, its inbox rows and its
    audit events stay as they were; engine errors go on to the caller (or to the
    error pages: NotFound 404, Conflict 409, InvalidData 422).
    """
    with committing(db()) as session:
        return operation(session, *args, **kwargs)
