"""The codes an admission case carries and their Vietnamese names: its category, the
candidate's gender and the outcome it is closed with.

The codes are data (the start data, the case's columns, the diagrams' scripts); the
names are what people read. They are Vietnamese msgids: the web translates them for the
reader, the generated documents print them as they are. The start form
(bpmn/forms/start.json) offers the same categories and genders by the same names;
tests/workflows/test_vocabulary.py keeps it so.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` as a msgid for extraction where it is defined (babel.cfg reads
    workflows/); whoever shows it translates it in the reader's language."""
    return text


CATEGORIES = {
    "student": N_("Học sinh THPT"),
    "enterprise_worker": N_("Công nhân, người lao động doanh nghiệp ngoài Nhà nước"),
    "enterprise_manager": N_("Chủ, cán bộ quản lý doanh nghiệp ngoài Nhà nước"),
    "other": N_("Đối tượng khác"),
}

GENDERS = {"female": N_("Nữ"), "male": N_("Nam")}

OUTCOMES = {
    # Set by the diagrams' scripts.
    "admitted": N_("Đã kết nạp"),
    "recognised": N_("Đã công nhận đảng viên chính thức"),
    "removed": N_("Xóa tên"),
    "not_admitted": N_("Không kết nạp"),
    # Ended by a person with a reason (workflows/admission/ending.py; procedure.md,
    # "Case status and outcome"): the candidate's own request; moved away, died, found
    # not to qualify, ceremony never held. "removed" and "cancelled" end cases too.
    "withdrawn": N_("Rút hồ sơ"),
    "stopped": N_("Dừng xét kết nạp"),
    # Set by the engine: a case cancelled, a case that ended without naming an outcome.
    "cancelled": N_("Đã hủy"),
    "completed": N_("Hoàn thành"),
}
