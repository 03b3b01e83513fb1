"""What an administrator changes: accounts, grants and the organisation tree.

Each function checks its input, changes rows and records the audit event inside the
caller's transaction; the view then commits, so a change and its record land together
or not at all. Refusals are raised as ``AdminChangeRefused`` carrying Vietnamese msgids (with their
parameters), which the view translates for the reader.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.cases import Actor
from engine.errors import Problem, ProblemList
from workflows.admission import orgs
from workflows.admission.tree import load_tree

from ..accounts import ROLES, Membership, User, create_user, is_email, unlock
from ..auth import session_store
from ..auth.credentials import replace_password
from ..auth.password_policy import password_problems
from ..i18n import N_

USERNAME_RE = re.compile(r"[A-Za-z0-9_.-]{2,80}")

#: role -> Vietnamese label (a msgid).
ROLE_LABELS = {
    "reviewer": N_("Người xét duyệt"),
    "designer": N_("Người thiết kế quy trình"),
    "auditor": N_("Người giám sát"),
    "admin": N_("Quản trị viên"),
    "integrator": N_("Hệ thống tích hợp (gửi thông điệp, tín hiệu)"),
}


class AdminChangeRefused(ProblemList):
    """A change to accounts, grants or the tree that the administrator must correct
    first; each problem is a msgid with its parameters (``Problem.translatable``)."""


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise AdminChangeRefused(problems)


def _record(session: Session, kind: str, actor: Actor, user: User, **data) -> None:
    audit.record(
        session, kind, actor=actor.name, data={"user": user.username, **data}, **actor.request
    )


def _grant_problems(session: Session, grants: list[tuple[str, str]]) -> list[Problem]:
    tree = load_tree(session)
    problems: list[Problem] = []
    for unit, role in grants:
        if not unit or not role:
            problems.append(Problem.translatable(N_("Mỗi quyền cần cả vai trò và đơn vị.")))
            continue
        if role not in ROLES:
            problems.append(Problem.translatable(N_("Vai trò không hợp lệ: %(role)s."), role=role))
        known = tree.get(unit)
        if known is None or not known.active:
            problems.append(
                Problem.translatable(
                    N_("Đơn vị %(unit)s không có trong cơ cấu tổ chức (hoặc không còn hoạt động)."),
                    unit=unit,
                )
            )
    return problems


def create(
    session: Session,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    password: str,
    grants: list[tuple[str, str]],
    email: str = "",
) -> User:
    """A new account with (unit, role) ``grants`` (and an e-mail address, if given)."""
    problems: list[Problem] = _email_problems(email)
    if not USERNAME_RE.fullmatch(username):
        problems.append(
            Problem.translatable(
                N_("Tên đăng nhập gồm 2 đến 80 chữ cái không dấu, chữ số, '_', '.' hoặc '-'.")
            )
        )
    elif session.execute(
        select(User.id).where(func.lower(User.username) == username.lower())
    ).first():
        # Case-insensitively, so that "Admin" cannot pass for "admin" in a list.
        problems.append(
            Problem.translatable(N_("Tên đăng nhập %(name)s đã có người dùng."), name=username)
        )
    if not full_name:
        problems.append(Problem.translatable(N_("Hãy nhập họ và tên.")))
    problems += password_problems(password, username) + _grant_problems(session, grants)
    _refuse_if(problems)
    user = create_user(
        session, username, password, full_name=full_name, memberships=sorted(set(grants))
    )
    user.email = email or None
    _record(
        session,
        "user_created",
        actor,
        user,
        full_name=full_name,
        grants=[f"{role}@{unit}" for unit, role in sorted(set(grants))],
        **({"email": user.email} if user.email else {}),
    )
    return user


def _email_problems(email: str) -> list[Problem]:
    if not email or is_email(email):
        return []
    return [Problem.translatable(N_("Địa chỉ thư điện tử không hợp lệ."))]


def set_email(session: Session, actor: Actor, user: User, email: str) -> None:
    """The address notifications are mailed to ("": none, in the app only). Set by an
    administrator it needs no confirmation."""
    _refuse_if(_email_problems(email))
    if (email or None) != user.email:
        user.email = email or None
        _record(session, "user_updated", actor, user, email=user.email)


def rename(session: Session, actor: Actor, user: User, full_name: str) -> None:
    _refuse_if([] if full_name else [Problem.translatable(N_("Hãy nhập họ và tên."))])
    if full_name != user.full_name:
        user.full_name = full_name
        _record(session, "user_updated", actor, user, full_name=full_name)


def grant(session: Session, actor: Actor, user: User, unit: str, role: str) -> None:
    _refuse_if(_grant_problems(session, [(unit, role)]))
    if any(m.unit_code == unit and m.role == role for m in user.memberships):
        return
    user.memberships.append(Membership(unit_code=unit, role=role))
    _record(session, "role_granted", actor, user, role=role, unit=unit)


def revoke(session: Session, actor: Actor, user: User, membership_id: int) -> None:
    found = next((m for m in user.memberships if m.id == membership_id), None)
    if found is None:
        return  # already revoked (a second click, another admin): nothing to do
    if found.role == "admin" and user.username == actor.name:
        raise AdminChangeRefused(
            [Problem.translatable(N_("Bạn không thể tự bỏ quyền quản trị của mình."))]
        )
    user.memberships.remove(found)
    _record(session, "role_revoked", actor, user, role=found.role, unit=found.unit_code)


def deactivate(session: Session, actor: Actor, user: User) -> None:
    # Someone must remain able to undo this; the simplest guarantee is that no
    # administrator can shut themselves out.
    if user.username == actor.name:
        raise AdminChangeRefused(
            [Problem.translatable(N_("Bạn không thể tự vô hiệu hóa tài khoản của mình."))]
        )
    if user.active:
        user.active = False  # also stops the user's API tokens (tokens.store.lookup)
        ended = session_store.end_all(session, user.id, session_store.DEACTIVATED)
        _record(session, "user_deactivated", actor, user, sessions_ended=ended)


def reactivate(session: Session, actor: Actor, user: User) -> None:
    if not user.active:
        user.active = True
        _record(session, "user_updated", actor, user, change="reactivated")


def reset_password(session: Session, actor: Actor, user: User, password: str) -> None:
    """A new password set by an administrator (the old one lost or known to others): it
    ends every session of the user and revokes their API tokens."""
    _refuse_if(password_problems(password, user.username))
    revoked = replace_password(session, user, password)
    _record(
        session,
        "user_updated",
        actor,
        user,
        change="password_reset",
        api_tokens_revoked=[row.id for row in revoked],
    )


def unlock_account(session: Session, actor: Actor, user: User) -> None:
    if user.is_locked() or user.failed_logins:
        unlock(user)
        _record(session, "user_updated", actor, user, change="unlocked")


def import_units(
    session: Session, actor: Actor, units: list[orgs.OrgUnit], source: str
) -> orgs.ImportPlan:
    """Import the tree (``orgs.TreeFormatError`` if it has problems)."""
    plan = orgs.import_tree(session, units, actor=actor.name, source=source)
    # import_tree records its own "units_imported" event but knows nothing of requests;
    # the queued entry may still be completed before the commit (audit.record).
    for entry in audit.pending(session):
        if entry["kind"] == "units_imported" and entry["request_id"] is None:
            entry.update(actor.request)
    return plan
