"""Text helpers: search keys that ignore Vietnamese diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """ "Nguyễn Văn Ân" -> "nguyen van an": lower case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())
