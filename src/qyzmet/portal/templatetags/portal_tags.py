"""Deadlines in plain words: how much time is left of a step's term, in its own working unit."""

from __future__ import annotations

from typing import Final

from django import template
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.selectors import TimeLeft
from qyzmet.portal.selectors import VERB_WORDS, channel_words, role_label

register = template.Library()
TODAY_LIMIT = {"working_days": 0, "hours": 8, "minutes": 8 * 60}


# "working days left: 3" rather than "3 working days left": one form reads right for every number in
# kk and ru without plural rules.
LEFT_WORDS: Final = {
    "hours": _("working hours left: %(count)s"),
    "minutes": _("working minutes left: %(count)s"),
    "working_days": _("working days left: %(count)s"),
}
OVERDUE_WORDS: Final = {
    "hours": _("overdue, working hours: %(count)s"),
    "minutes": _("overdue, working minutes: %(count)s"),
    "working_days": _("overdue, working days: %(count)s"),
}


@register.filter
def time_left(left: TimeLeft | None) -> str:
    """'working days left: 3' / 'overdue, working days: 1' ('' when the step has no term)."""
    if left is None:
        return ""
    if left.overdue:
        return str(OVERDUE_WORDS.get(left.shown_unit, OVERDUE_WORDS["working_days"])) % {"count": abs(left.shown_left)}
    return str(LEFT_WORDS.get(left.unit, LEFT_WORDS["working_days"])) % {"count": left.left}


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


register.filter("channel_words", channel_words)  # where one applies, in plain words


@register.filter
def does_words(does: str) -> str:
    """What a step does, in plain words."""
    return str(VERB_WORDS.get(does, does))
