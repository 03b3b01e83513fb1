"""Which passwords people may choose: long enough, and not one a guesser tries first.

The same rules for every place a password is chosen (the account page, the admin
pages, the CLI); accounts made by code (tests, demo seeding) go through
``accounts.create_user``, which does not ask. The rules:

- between ``MIN_PASSWORD_LENGTH`` and ``MAX_PASSWORD_LENGTH`` characters;
- not one short group repeated ("aaaaaaaaaaaa", "abcabcabcabc");
- not the user name, nor the user name with digits or symbols around it;
- not on the list of common passwords (``common_passwords.txt``), nor a word of that
  list with digits or symbols around it ("matkhau12345", "P@ssw0rd2024!");
- not a run of neighbouring keys, letters or digits ("123456789012", "qwertyuiop12").

Comparisons ignore case, Vietnamese diacritics and separators (spaces, dots, dashes),
and read the usual look-alike digits and symbols as letters inside a word ("p@ssw0rd").
Each refusal is a msgid with its parameters (``Problem.translatable``): the web pages
translate it, the CLI prints the Vietnamese.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from engine.errors import Problem

from ..accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from ..i18n import N_

COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
#: What a guesser tries after the word itself: digits and symbols before or after it.
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEPARATORS = re.compile(r"[\s.\-_/\\]+")
_LOOK_ALIKES = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "5": "s", "7": "t", "!": "i"}
)
#: Sequences whose neighbours are a "run": rows of the keyboard, the alphabet, digits.
#: Digits wrap around (…8901…) as they do on the keyboard's top row and in counting.
_RUNS = (
    "0123456789" * 3,
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
)
#: Shorter than this, a leftover core is no word worth looking up ("a1" in "a1b2…").
_SHORTEST_WORD = 3

TOO_SHORT_OR_LONG = N_("Mật khẩu phải dài từ %(min)d đến %(max)d ký tự.")
REPEATED = N_(
    "Mật khẩu không được chỉ là một nhóm ký tự lặp lại (như «aaaaaaaaaaaa» hay «abcabcabcabc»)."
)
USERNAME = N_("Mật khẩu không được là tên đăng nhập, kể cả khi thêm chữ số hay ký hiệu.")
COMMON = N_(
    "Mật khẩu này quá phổ biến (có trong danh sách mật khẩu hay bị dò, kể cả khi thêm chữ số "
    "hay ký hiệu). Hãy chọn mật khẩu khác."
)
RUN = N_(
    "Mật khẩu không được là một dãy phím, chữ cái hay chữ số liền nhau "
    "(như «123456789012» hay «qwertyuiop12»)."
)


def _plain(text: str) -> str:
    """Lower case, without diacritics (đ as d) and without separators."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("", bare)


def _core(plain: str) -> str:
    """The word inside: what is left without the digits and symbols around it, its
    look-alike digits and symbols read as letters."""
    return _AROUND.sub("", plain).translate(_LOOK_ALIKES)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, compared as ``_plain`` makes them (comments start with #)."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_plain(line) for line in lines if line.strip() and not line.startswith("#"))


def _is_run(text: str) -> bool:
    forward_or_back = (text, text[::-1])
    return len(text) >= 4 and any(t in run for run in _RUNS for t in forward_or_back)


def _is_repeated(text: str) -> bool:
    return re.fullmatch(r"(.+?)\1+", text, flags=re.DOTALL) is not None


def password_problems(password: str, username: str = "") -> list[Problem]:
    """What is wrong with ``password`` as the new password of ``username``; [] if nothing."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return [
            Problem.translatable(
                TOO_SHORT_OR_LONG, min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH
            )
        ]
    plain = _plain(password)
    core = _core(plain)
    problems = []
    if _is_repeated(plain):
        problems.append(Problem.translatable(REPEATED))
    name = _plain(username)
    if name and name in (plain, _AROUND.sub("", plain)):
        problems.append(Problem.translatable(USERNAME))
    common = common_passwords()
    if plain in common or (len(core) >= _SHORTEST_WORD and core in common):
        problems.append(Problem.translatable(COMMON))
    elif _is_run(plain) or _is_run(_AROUND.sub("", plain)):
        problems.append(Problem.translatable(RUN))
    return problems


def problem_text(problem: Problem) -> str:
    """The Vietnamese text of a refusal, for the CLI (which has no reader's language)."""
    return problem.message % problem.parameters if problem.params else problem.message
