"""Reference data for the rules core, read from the database the administrators edit:
the working-day calendar (holidays and 调休) and the 1-year LPR series.

Each call builds a fresh `Calendar` (it records which unknown years a computation fell back on, so
it must not be shared between computations); the rows behind it are cached per process and
invalidated whenever a service changes them.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from qingqian.core.events import record_event
from qingqian.registry.choices import CalendarDayKind
from qingqian.registry.models import CalendarDay, CalendarYear, LprRate
from qingqian.rules import Calendar, LprSeries, calendar_rows_from_chinese_calendar, chinese_calendar_years

_lock = threading.Lock()
_cache: dict[str, object] = {}

#: Sent inside the transaction of every change to the calendar or the LPR table that can move a due date or
#: a rate, with ``since``: the earliest date it concerns. Apps whose stored results depend on the reference
#: data listen (the ledger re-assesses its open items) — the registry knows nothing of them.
reference_changed = Signal()


def invalidate() -> None:
    with _lock:
        _cache.clear()


def _calendar_rows() -> tuple[list[tuple[dt.date, str]], list[int]]:
    with _lock:
        cached = _cache.get("calendar")
    if cached is None:
        rows = list(CalendarDay.objects.order_by("date").values_list("date", "kind"))
        years = list(CalendarYear.objects.values_list("year", flat=True))
        cached = (rows, years)
        with _lock:
            _cache["calendar"] = cached
    return cached  # type: ignore[return-value]


def working_calendar() -> Calendar:
    rows, years = _calendar_rows()
    return Calendar.from_rows(rows, known_years=years)


def lpr_series() -> LprSeries:
    with _lock:
        cached = _cache.get("lpr")
    if cached is None:
        cached = LprSeries(
            LprRate.objects.order_by("effective_on").values_list("effective_on", "annual_rate_percent")
        )
        with _lock:
            _cache["lpr"] = cached
    return cached  # type: ignore[return-value]


def latest_lpr() -> LprRate | None:
    return LprRate.objects.order_by("-effective_on").first()


@transaction.atomic
def calendar_seed_from_package(*, actor: object, years: list[int] | None = None) -> tuple[int, int]:
    """Seed holidays and adjusted working days from the chinese-calendar package. Idempotent:
    existing rows (possibly edited by an administrator) are left as they are. Returns (days, years) added."""
    wanted = sorted(set(years) if years else chinese_calendar_years())
    existing = set(CalendarDay.objects.filter(date__year__in=wanted).values_list("date", flat=True))
    new_days = [
        CalendarDay(date=day, kind=kind, name="")
        for day, kind in calendar_rows_from_chinese_calendar(wanted)
        if day not in existing
    ]
    CalendarDay.objects.bulk_create(new_days, batch_size=1000)
    known = set(CalendarYear.objects.values_list("year", flat=True))
    new_years = [CalendarYear(year=y, source="chinese-calendar") for y in wanted if y not in known]
    CalendarYear.objects.bulk_create(new_years)
    if new_days or new_years:
        record_event(
            actor=actor,
            action="registry.calendar.seeded",
            data={"days": len(new_days), "years": [y.year for y in new_years]},
        )
        earliest = min([d.date for d in new_days] + [dt.date(y.year, 1, 1) for y in new_years])
        reference_changed.send(sender=CalendarDay, since=earliest)
    transaction.on_commit(invalidate)
    return len(new_days), len(new_years)


@transaction.atomic
def calendar_day_set(*, actor: object, day: dt.date, kind: str, name: str = "") -> CalendarDay:
    """An administrator marks a date as holiday or adjusted working day (e.g. next year's schedule)."""
    from qingqian.core.errors import InvalidInput

    if kind not in CalendarDayKind.values:
        raise InvalidInput(_("类型须为法定节假日或调休上班日。"), fields={"kind": [_("类型无效。")]})
    if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
        raise InvalidInput(
            _("调休上班日必须是周六或周日。"), fields={"date": [_("调休上班日必须是周六或周日。")]}
        )
    obj = CalendarDay.objects.filter(date=day).first()
    before = {"kind": obj.kind, "name": obj.name} if obj else None
    if obj is None:
        obj = CalendarDay.objects.create(date=day, kind=kind, name=name)
    else:
        obj.kind, obj.name = kind, name
        obj.save()
    record_event(
        actor=actor,
        action="registry.calendar.day_set",
        obj=obj,
        before=before,
        after={"kind": kind, "name": name},
    )
    if before is None or before["kind"] != kind:
        reference_changed.send(sender=CalendarDay, since=day)
    transaction.on_commit(invalidate)
    return obj


@transaction.atomic
def calendar_year_mark_known(*, actor: object, year: int, source: str) -> CalendarYear:
    """Declare a year's schedule complete: from now on its weekends and weekdays are taken as entered."""
    obj, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source[:200]})
    if created:
        record_event(
            actor=actor, action="registry.calendar.year_known", obj=obj, data={"source": source[:200]}
        )
        reference_changed.send(sender=CalendarYear, since=dt.date(year, 1, 1))
        transaction.on_commit(invalidate)
    return obj
