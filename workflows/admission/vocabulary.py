"""The codes an admission case carries and their Vietnamese names: its category, the
candidate's gender, education level, religion, and the outcome it is closed with.

The codes are data (the start data, the case's columns, the diagrams' scripts); the
names are what people read. They are Vietnamese msgids: the web translates them for the
reader, the generated documents print them as they are. The start form
(bpmn/forms/start.json) offers the same categories, genders, education levels and
religions by the same names; tests/workflows/test_vocabulary.py keeps it so.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` as a msgid for extraction where it is defined (babel.cfg reads
    workflows/); whoever shows it translates it in the reader's language."""
    return text


CATEGORIES = {
    "student": N_("Học sinh THPT"),
    "enterprise_worker": N_("Công nhân, người lao động trong doanh nghiệp không có vốn Nhà nước"),
    "enterprise_manager": N_("Chủ doanh nghiệp, cán bộ quản lý doanh nghiệp không có vốn Nhà nước"),
    "other": N_("Đối tượng khác"),
}

GENDERS = {"female": N_("Nữ"), "male": N_("Nam")}

# General education (giáo dục phổ thông), highest first. The candidate needs at least
# lower secondary; below it only with one of EDUCATION_EXCEPTIONS (procedure.md,
# "Candidate data").
EDUCATION_LEVELS = {
    "upper_secondary": N_("Trung học phổ thông (đang học hoặc đã tốt nghiệp)"),
    "lower_secondary": N_("Tốt nghiệp trung học cơ sở"),
    "primary": N_("Tốt nghiệp tiểu học"),
    "below_primary": N_("Chưa tốt nghiệp tiểu học"),
}
#: The lowest level admitted without an exception.
MIN_EDUCATION = "lower_secondary"

EDUCATION_EXCEPTIONS = {
    "remote_area": N_("Người ở miền núi, vùng sâu, vùng xa, vùng đồng bào dân tộc thiểu số"),
    "village_elder": N_("Già làng, trưởng bản"),
}

RELIGIONS = {
    "none": N_("Không"),
    "buddhism": N_("Phật giáo"),
    "catholicism": N_("Công giáo"),
    "protestantism": N_("Tin Lành"),
    "caodaism": N_("Cao Đài"),
    "hoa_hao": N_("Phật giáo Hòa Hảo"),
    "islam": N_("Hồi giáo"),
    "other": N_("Tôn giáo khác"),
}

OUTCOMES = {
    # Set by the diagrams' scripts.
    "admitted": N_("Đã kết nạp"),
    "recognised": N_("Đã công nhận đảng viên chính thức"),
    "removed": N_("Xóa tên trong danh sách đảng viên dự bị"),
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
