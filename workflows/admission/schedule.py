"""The usual pace of an admission case: on which day after the proposal each step is done.

A day here is a calendar day counted from the day the case was started (day 0, the
proposing unit's nomination); each number is the day its step (a BPMN element id of the
admission diagrams) is usually completed. Both paths share one schedule: a ward committee
assigns a branch ("assign_branch", a worker whose enterprise has no party organisation)
on the day another case's branch accepts its sympathiser ("accept_sympathiser"). The
upper committee decides on day 110; "extend_decision" is the extension once 60 working
days have passed since the branch vote without a decision, "escalate" the reminder
past 90. The recognition steps come after the
12 months of probation that follow the ceremony (day 125).

The reports read it for the order of the steps and for when an undecided case can be
decided at the earliest; the demo dates its stories' steps by it.
"""

from __future__ import annotations

SCHEDULE = {
    "accept_sympathiser": 5,
    "assign_branch": 5,
    "attend_class": 25,
    "application": 35,
    "send_verification": 40,
    "introduction": 45,
    "mass_org_opinion": 45,
    "residence_opinion": 50,
    "verify_place": 55,
    "certify_history": 62,
    "retake_class": 70,
    "branch_vote": 75,
    "partial_appraisal": 80,
    "grassroots_vote": 85,
    "appraisal": 95,
    "complete_dossier": 100,
    "decide": 110,
    "committee_decide": 110,
    "extend_decision": 165,
    "escalate": 210,
    "ceremony": 125,
    "ceremony_consent": 170,
    "late_ceremony": 180,
    "member_record": 140,
    "recognition_file": 500,
    "recognition_vote": 505,
    "recognition_partial_appraisal": 510,
    "recognition_grassroots_vote": 515,
    "recognition_decide": 525,
    "recognition_committee_decide": 525,
    "extend_recognition": 560,
    "escalate_recognition": 610,
}
