"""The key-task status rule (targets.status.task_status) at its edges."""

import datetime as dt

import pytest

from targets.models import KeyTask, TaskStatus
from targets.status import task_status, within_deadline

START = dt.date(2026, 1, 1)
DEADLINE = dt.date(2026, 1, 11)  # ten planned days: each day is 10% of the work


def task(progress: int, start: dt.date | None = START, deadline: dt.date = DEADLINE) -> KeyTask:
    return KeyTask(code="T", title="T", lead_agency="A", start_date=start, deadline=deadline,
                   progress=progress)


@pytest.mark.parametrize(("progress", "today", "expected"), [
    (100, DEADLINE + dt.timedelta(days=30), TaskStatus.COMPLETED),  # 100% is done, late or not
    (100, START - dt.timedelta(days=5), TaskStatus.COMPLETED),
    (0, START - dt.timedelta(days=1), TaskStatus.NOT_STARTED),  # before the start
    (0, START, TaskStatus.NOT_STARTED),  # the start day expects 0%
    (0, START + dt.timedelta(days=1), TaskStatus.BEHIND_SCHEDULE),  # a day in, 10% expected
    (10, START + dt.timedelta(days=1), TaskStatus.IN_PROGRESS),  # exactly on schedule
    (9, START + dt.timedelta(days=1), TaskStatus.BEHIND_SCHEDULE),
    (70, START + dt.timedelta(days=7), TaskStatus.IN_PROGRESS),  # 70% of 10 days, no rounding
    (69, START + dt.timedelta(days=7), TaskStatus.BEHIND_SCHEDULE),
    (99, DEADLINE, TaskStatus.BEHIND_SCHEDULE),  # deadline day: still in time, but behind
    (99, DEADLINE + dt.timedelta(days=1), TaskStatus.OVERDUE),  # the day after: overdue
    (0, DEADLINE + dt.timedelta(days=1), TaskStatus.OVERDUE),
])
def test_task_status_with_a_start_date(progress, today, expected):
    assert task_status(task(progress), today) == expected


@pytest.mark.parametrize(("progress", "today", "expected"), [
    (0, DEADLINE, TaskStatus.NOT_STARTED),  # no schedule to be behind of
    (1, DEADLINE, TaskStatus.IN_PROGRESS),
    (100, DEADLINE, TaskStatus.COMPLETED),
    (50, DEADLINE + dt.timedelta(days=1), TaskStatus.OVERDUE),
])
def test_task_status_without_a_start_date(progress, today, expected):
    assert task_status(task(progress, start=None), today) == expected


def test_a_one_day_task_is_behind_on_its_only_day_until_done():
    one_day = dict(start=DEADLINE, deadline=DEADLINE)
    assert task_status(task(50, **one_day), DEADLINE) == TaskStatus.BEHIND_SCHEDULE
    assert task_status(task(100, **one_day), DEADLINE) == TaskStatus.COMPLETED


def test_within_deadline_is_every_status_but_overdue():
    assert [s for s in TaskStatus if not within_deadline(s)] == [TaskStatus.OVERDUE]
