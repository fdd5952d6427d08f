"""The overview's plan picker and its cards for key tasks and science-and-technology tasks."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from communes.models import Province
from targets.models import KeyTask, Plan, ScienceTask, ScienceTaskStatistics, TaskStatus
from targets.status import task_status, within_deadline


def chosen_plan(province: Province, today: dt.date, plan_id: str | None) -> tuple:
    """(the plan the overview shows, every plan of the province for the switcher).

    `?plan=<id>` picks one of the province's plans; otherwise the plan in force today (the
    plan of today's year, else the latest). An unknown id falls back to the default."""
    plans = list(Plan.objects.of_province(province).order_by("-year"))
    wanted = int(plan_id) if plan_id and plan_id.isdigit() else None
    plan = next((p for p in plans if p.pk == wanted), None)
    if plan is None:
        plan = next((p for p in plans if p.year == today.year), plans[0] if plans else None)
    return plan, plans


def plan_as_of(plan: Plan, today: dt.date) -> dt.date:
    """The day a plan's figures are read at: today, or the last day of a plan's year that has
    ended (its final state)."""
    return min(today, dt.date(plan.year, 12, 31))


@dataclass
class KeyTaskSummary:
    total: int
    within_deadline: int
    behind_schedule: int
    counts: dict[str, int]


def key_task_summary(plan: Plan, today: dt.date) -> KeyTaskSummary:
    """"x/y nhiệm vụ trong hạn, z chậm tiến độ", each task judged by `task_status`."""
    statuses = [task_status(task, today) for task in KeyTask.objects.filter(plan=plan)]
    counts = {status.value: statuses.count(status.value) for status in TaskStatus}
    return KeyTaskSummary(
        total=len(statuses),
        within_deadline=sum(1 for status in statuses if within_deadline(status)),
        behind_schedule=counts[TaskStatus.BEHIND_SCHEDULE],
        counts=counts,
    )


@dataclass
class ScienceSummary:
    transitional: int
    new: int
    results_applied: int | None
    published: ScienceTaskStatistics | None  # None: counted from imported tasks


def science_summary(province: Province) -> ScienceSummary | None:
    """Counted from the imported tasks (demo ones left out) once there are any, otherwise the
    published counts; None when neither exists."""
    counts = ScienceTask.objects.of_province(province).real().aggregate(
        total=Count("pk"),
        transitional=Count("pk", filter=Q(kind=ScienceTask.Kind.TRANSITIONAL)),
        new=Count("pk", filter=Q(kind=ScienceTask.Kind.NEW)),
        applied=Count("pk", filter=Q(results_applied=True)),
    )
    if counts["total"]:
        return ScienceSummary(counts["transitional"], counts["new"], counts["applied"], None)
    published = ScienceTaskStatistics.objects.filter(province=province).first()
    if published is None:
        return None
    return ScienceSummary(
        published.transitional, published.new, published.results_applied, published
    )
