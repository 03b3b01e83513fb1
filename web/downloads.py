"""The Content-Disposition of every download: always an attachment (never shown in our
origin), named in a way every browser reads and none can be tricked by.

The name is given twice (RFC 6266): ``filename*`` carries it whole, UTF-8 and
percent-encoded (RFC 5987), and ``filename`` an ASCII stand-in for old clients made of
letters, digits and ``._-()`` only, so that no quote, semicolon, line break or path in a
name can end the header's value or add to it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

FALLBACK = "tep"
# RFC 5987 attr-char: what filename* may carry without percent-encoding.
_ATTR_CHARS = "!#$&+-.^_`|~"
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._()-]+")


def _plain(text: str) -> str:
    letters = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return _NOT_PLAIN.sub("_", letters.encode("ascii", "ignore").decode("ascii")).strip("._")


def ascii_name(filename: str) -> str:
    """``filename`` in plain ASCII: "Đơn xin vào Đảng.pdf" -> "Don_xin_vao_Dang.pdf"; a
    name of no Latin letters keeps its extension ("文件.pdf" -> "tep.pdf")."""
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    extension = _plain(suffix)
    return (_plain(stem) or FALLBACK) + ("." + extension if extension else "")


def content_disposition(filename: str) -> str:
    """The header's value for a download of ``filename`` (already a safe name)."""
    encoded = quote(filename, safe=_ATTR_CHARS)
    return f"attachment; filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{encoded}"
