"""Deadlines in plain words: how much time is left of a step's term, in its own working unit."""

from __future__ import annotations

from django import template
from django.utils.translation import ngettext

from qyzmet.cases.selectors import TimeLeft
from qyzmet.portal.selectors import VERB_WORDS, role_label

register = template.Library()
TODAY_LIMIT = {"working_days": 0, "hours": 8, "minutes": 8 * 60}


def _left_words(unit: str, count: int) -> str:
    if unit == "hours":
        return ngettext("%(count)s working hour left", "%(count)s working hours left", count) % {"count": count}
    if unit == "minutes":
        return ngettext("%(count)s working minute left", "%(count)s working minutes left", count) % {"count": count}
    return ngettext("%(count)s working day left", "%(count)s working days left", count) % {"count": count}


def _overdue_words(unit: str, count: int) -> str:
    if unit == "hours":
        return ngettext("overdue by %(count)s working hour", "overdue by %(count)s working hours", count) % {
            "count": count}
    if unit == "minutes":
        return ngettext("overdue by %(count)s working minute", "overdue by %(count)s working minutes", count) % {
            "count": count}
    return ngettext("overdue by %(count)s working day", "overdue by %(count)s working days", count) % {
        "count": count}


@register.filter
def time_left(left: TimeLeft | None) -> str:
    """'3 working days left' / 'overdue by 1 working day' ('' when the step has no term)."""
    if left is None:
        return ""
    if left.overdue:
        return _overdue_words(left.unit, abs(left.left))
    return _left_words(left.unit, left.left)


@register.filter
def due_class(left: TimeLeft | None) -> str:
    """The deadline colour shared by every page: due-overdue, due-today or due-ok."""
    if left is None:
        return ""
    if left.overdue:
        return "due-overdue"
    if left.left <= TODAY_LIMIT.get(left.unit, 0):  # the term ends within this working day
        return "due-today"
    return "due-ok"


@register.filter
def role_words(role: str) -> str:
    """Who holds a step, in plain words."""
    return role_label(role)


@register.filter
def does_words(does: str) -> str:
    """What a step does, in plain words."""
    return str(VERB_WORDS.get(does, does))
