"""Who may do what with the questionnaires of a group's children.

Built on the roles of `programmes.access`. Inviting a child's teacher is for the
coordinator of the child's school and the programme manager: the school knows the
teacher; the group's trainers do not ask for (or see) the teacher's address.
"""

from __future__ import annotations

from typing import Any

from programmes import access


def teacher_invite_school_ids(user: Any) -> frozenset[int] | None:
    """The schools whose pupils' teachers `user` may invite: None for every school (the
    manager), else the schools the user coordinates (empty for anyone else). One query
    at most."""
    if access.is_manager(user):
        return None
    if not access.is_coordinator(user):
        return frozenset()
    return frozenset(access.schools_visible_to(user).values_list("pk", flat=True))


def may_invite_teacher(user: Any, school_id: int | None) -> bool:
    """Whether `user` may invite the teacher of a pupil of `school_id`."""
    schools = teacher_invite_school_ids(user)
    return schools is None or (school_id is not None and school_id in schools)
