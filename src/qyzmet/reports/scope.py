"""What a report covers: a period of filing dates (Asia/Almaty) and a scope of organizations and service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q

from qyzmet.calendar import TIMEZONE


@dataclass(frozen=True)
class ReportPeriod:
    """The local dates `date_from` to `date_to`, both included (Asia/Almaty)."""

    date_from: date
    date_to: date

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError(f"the period ends ({self.date_to}) before it starts ({self.date_from})")

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end): local midnight of the first day and of the day after the last one."""
        start = datetime.combine(self.date_from, time(0, 0), TIMEZONE)
        end = datetime.combine(self.date_to + timedelta(days=1), time(0, 0), TIMEZONE)
        return start, end

    def days(self) -> list[date]:
        return [self.date_from + timedelta(days=n) for n in range((self.date_to - self.date_from).days + 1)]


@dataclass(frozen=True)
class ReportScope:
    """Organizations (by tree path prefix: an oblast, a district, a provider) and, optionally, one service.

    `paths=None` means every organization (the whole country); an empty tuple means none.
    """

    paths: tuple[str, ...] | None = None
    service: str | None = None

    def organizations_q(self, field: str) -> Q:
        """A filter keeping rows whose organization `field` lies in the scope."""
        if self.paths is None:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{field}__path__startswith": path}) for path in self.paths))
