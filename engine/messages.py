"""The engine's messages in the reader's language.

The engine words its problems (a diagram's, a form file's, a script's) in English, often
with a value in them ("unknown function 'foo'"). ``engine/translations/<lang>/
LC_MESSAGES/engine.po`` holds each text as a template, ``%(name)s`` for the part that
varies; ``translate`` finds the template an English text was made from, takes the
varying parts from it and puts them, translated in turn when they are themselves a
known text, into the same places of the translation. A text no template matches is
shown as it is, so a new message is seen in English rather than lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from engine.errors import Problem

CATALOGUES = Path(__file__).parent / "translations"
SOURCE_LANGUAGE = "en"
_PARAM = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class _Catalogue:
    exact: dict[str, str]
    # (pattern of the English template, translation), the most specific first
    templates: list[tuple[re.Pattern[str], str]]


@lru_cache(maxsize=8)
def _catalogue(language: str) -> _Catalogue:
    path = CATALOGUES / language / "LC_MESSAGES" / "engine.po"
    if not path.exists():
        return _Catalogue({}, [])
    with path.open("rb") as file:
        entries = [
            (m.id, m.string)
            for m in read_po(file)
            if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string
        ]
    exact = {msgid: text for msgid, text in entries if not _PARAM.search(msgid)}
    templates = sorted(
        ((msgid, text) for msgid, text in entries if _PARAM.search(msgid)),
        key=lambda entry: -len(_PARAM.sub("", entry[0])),  # more fixed text: more specific
    )
    return _Catalogue(exact, [(_pattern(msgid), text) for msgid, text in templates])


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)  # text, name, text, name, ..., text
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


def translate(message: str, language: str) -> str:
    """``message`` (an engine text in English) in ``language``, or as it is."""
    if language == SOURCE_LANGUAGE or not message:
        return message
    catalogue = _catalogue(language)
    if message in catalogue.exact:
        return catalogue.exact[message]
    for pattern, text in catalogue.templates:
        found = pattern.fullmatch(message)
        if found:
            parts = {k: translate(v, language) for k, v in found.groupdict().items()}
            return text % parts
    return message


def problem_text(problem: Problem, language: str) -> str:
    """What a person reads of a problem with a final (not a message id) text: where in
    a structured file, then the message, in ``language``."""
    text = translate(problem.message, language)
    return f"{problem.path}: {text}" if problem.path else text


def translated(problem: Problem, language: str) -> Problem:
    """``problem`` with its text in ``language`` (a message id with parameters is the
    reader's catalogue's business, and is left as it is)."""
    if problem.params:
        return problem
    return replace(problem, message=translate(problem.message, language))
