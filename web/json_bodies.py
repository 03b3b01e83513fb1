"""JSON request bodies are checked once, before any view or parser reads them.

Python's json parser recurses once per nesting level: 100,000 ``[`` in a body made it
raise RecursionError, which no parser catches, so the request ended in a 500. Every
body we take (the API's, the designer's saves) is one object of a few levels, so here a
body that is no JSON, nests deeper than ``MAX_DEPTH`` or is not an object is refused
with a 400 that says which, before the views, webargs or Flask's own ``get_json`` parse
it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import Flask, request
from flask_babel import gettext as _

from .errors import render_error

#: Deepest nesting a body may have; form data is at most an object of lists of objects.
MAX_DEPTH = 32


def install(app: Flask) -> None:
    app.before_request(_check_body)


def depth(value: object) -> int:
    """How deeply ``value`` nests lists and objects (a scalar: 0), without recursing."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest


def problem(raw: bytes) -> str | None:
    """What is wrong with ``raw`` as a request body, or None."""
    try:
        body = json.loads(raw)
    except RecursionError:
        return _("Nội dung JSON lồng nhau quá sâu (tối đa %(n)d tầng).", n=MAX_DEPTH)
    except ValueError:  # also a body that is not UTF-8 text
        return _("Nội dung yêu cầu không phải JSON hợp lệ.")
    if depth(body) > MAX_DEPTH:
        return _("Nội dung JSON lồng nhau quá sâu (tối đa %(n)d tầng).", n=MAX_DEPTH)
    if not isinstance(body, dict):
        return _("Nội dung yêu cầu phải là một đối tượng JSON ({…}).")
    return None


def _check_body():
    if not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None  # no body: the view says what it needs
    found = problem(raw)
    return render_error(400, found) if found else None
