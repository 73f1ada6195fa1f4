# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deadlines as the policy counts them, on the company's working calendar.

"Answer within 24 hours" (审核部门应在接到订单后24小时内完成审核) means, by
default, the same clock time on the next working day: 24 working hours would
be three days on an 8-hour calendar. Three ways of counting are offered:

- ``next_working_day``: every whole 24 hours is one working day of the
  calendar, at the same clock time; the hours beyond are working hours. A
  start outside working time counts from the next working time, and a
  deadline that falls outside working time moves to the next working time.
- ``working_hours``: hours of the calendar's working time (holidays skipped).
- ``calendar_hours``: plain clock hours, nights and weekends included.

Without a calendar every mode counts clock hours.
"""

from datetime import datetime, timedelta

import pytz

SLA_MODES = [
    ("next_working_day", "Same Time, Next Working Day"),
    ("working_hours", "Working Hours"),
    ("calendar_hours", "Calendar Hours"),
]
DEFAULT_SLA_MODE = "next_working_day"

# How far ahead working time is looked for, per attempt.
_WINDOW_DAYS = 14
_MAX_ATTEMPTS = 30


def plan_deadline(calendar, start, hours, mode=DEFAULT_SLA_MODE):
    """The deadline ``hours`` after ``start`` (naive UTC), in naive UTC."""
    if not start:
        return False
    start = start.replace(microsecond=0)
    if not hours or hours <= 0:
        return start
    if not calendar or mode == "calendar_hours":
        return start + timedelta(hours=hours)
    aware = pytz.utc.localize(start)
    if mode == "working_hours":
        deadline = calendar.plan_hours(hours, aware, compute_leaves=True)
    else:
        deadline = _plan_working_days(calendar, aware, hours)
    if not deadline:
        # A calendar without any working time ahead.
        return start + timedelta(hours=hours)
    return deadline.astimezone(pytz.utc).replace(tzinfo=None)


def _work_intervals(calendar, start, days):
    """Working intervals of ``calendar`` from ``start`` on, ``days`` long."""
    return [
        (begin, end)
        for begin, end, _meta in calendar._work_intervals_batch(
            start, start + timedelta(days=days), compute_leaves=True
        )[False]
    ]


def _next_working_time(intervals, moment):
    """``moment`` if it is working time, else the start of the next working time."""
    for begin, end in intervals:
        if begin <= moment <= end:
            return moment
        if begin > moment:
            return begin
    return None


def _plan_working_days(calendar, start, hours):
    whole_days, rest = divmod(hours, 24.0)
    whole_days = int(whole_days)
    tz = pytz.timezone(calendar.tz or "UTC")
    span = _WINDOW_DAYS + 2 * whole_days
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        intervals = _work_intervals(calendar, start, span * attempt)
        begin = _next_working_time(intervals, start)
        if begin is None:
            continue
        # Days and clock times of the calendar's time zone.
        begin = begin.astimezone(tz)
        first_day = begin.date()
        later = {b.astimezone(tz).date() for b, _e in intervals}
        days = sorted(day for day in later if day > first_day)
        # One working day more than needed: the day of the deadline is
        # complete in the window and a next working time exists.
        if len(days) <= whole_days:
            continue
        day = days[whole_days - 1] if whole_days else first_day
        local = tz.localize(datetime.combine(day, begin.replace(tzinfo=None).time()))
        deadline = _next_working_time(intervals, local)
        if deadline is None:
            continue
        if rest:
            deadline = calendar.plan_hours(rest, deadline, compute_leaves=True)
        return deadline
    return False


def working_share(calendar, start, deadline, ratio):
    """The moment ``ratio`` of the working time between two datetimes is used.

    Naive UTC in and out; clock time without a calendar.
    """
    if not (start and deadline) or deadline <= start:
        return deadline
    if calendar:
        aware_start = pytz.utc.localize(start)
        hours = calendar.get_work_hours_count(
            aware_start, pytz.utc.localize(deadline), compute_leaves=True
        )
        if hours:
            moment = calendar.plan_hours(
                hours * ratio, aware_start, compute_leaves=True
            )
            if moment:
                return moment.astimezone(pytz.utc).replace(tzinfo=None)
    return start + (deadline - start) * ratio
