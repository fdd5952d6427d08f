"""Deterministic demo history: plausible daily reports for every unit, for `make run`."""

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from communes import roles
from communes.models import Commune, Province, User
from targets.key_tasks import record_progress
from targets.models import KeyTask, Plan, ScienceTask, Target

from . import deadlines
from .models import DailyReport, ReportValue

DEMO_PASSWORD = "dtmonitor-demo"


@dataclass(frozen=True)
class Habit:
    """How reliably a unit reports: share of days reported, share of those on time."""

    reports: float
    on_time: float


HABITS = (Habit(0.98, 0.92), Habit(0.85, 0.65), Habit(0.55, 0.4))
HABIT_WEIGHTS = (0.7, 0.2, 0.1)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def create_demo_users(focal_commune: Commune,
                      other_provinces: Iterable[Province] = ()) -> list[DemoLogin]:
    """One login per role, with a known password, a national login, and one official per
    other demo province (`official_<code>`). Only ever called when asked for."""
    specs = [
        ("admin", roles.ADMINISTRATORS, {"is_staff": True, "is_superuser": True}),
        ("official", roles.PROVINCIAL_OFFICIALS,
         {"scope": User.Scope.PROVINCE, "province_id": focal_commune.province_id}),
        ("focal", roles.FOCAL_POINTS,
         {"scope": User.Scope.UNIT, "province_id": focal_commune.province_id}),
        # Reads every province (the national page, any province's pages), writes nothing.
        ("national", roles.PROVINCIAL_OFFICIALS,
         {"scope": User.Scope.NATIONAL, "province_id": None}),
        *((f"official_{province.code}", roles.PROVINCIAL_OFFICIALS,
           {"scope": User.Scope.PROVINCE, "province_id": province.pk})
          for province in other_provinces),
    ]
    logins = []
    for username, group_name, flags in specs:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"full_name": f"Demo {username}", "email": f"{username}@example.org", **flags},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=group_name))
        if group_name == roles.FOCAL_POINTS:
            user.communes.add(focal_commune)
        logins.append(DemoLogin(username, DEMO_PASSWORD, group_name))
    return logins


def _unit_focal_points(communes: list[Commune]) -> dict[int, User]:
    """A focal-point account per unit (no usable password) so reports have a submitter."""
    group = Group.objects.get(name=roles.FOCAL_POINTS)
    accounts = {}
    for commune in communes:
        user, created = User.objects.get_or_create(
            username=f"dd{commune.code}",
            defaults={"full_name": f"Đầu mối {commune.name}", "scope": User.Scope.UNIT,
                      "province_id": commune.province_id},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
            user.communes.add(commune)
        accounts[commune.pk] = user
    return accounts


def _submitted_at(rng: random.Random, day: dt.date, on_time: bool) -> dt.datetime:
    tz = timezone.get_current_timezone()
    if on_time:
        offset = dt.timedelta(hours=rng.uniform(15, 40.9))  # 15:00 on D to 16:54 on D+1
    else:
        offset = dt.timedelta(hours=rng.uniform(41.5, 90))  # after 17:00 on D+1
    return dt.datetime.combine(day, dt.time(), tzinfo=tz) + offset


def _daily_values(rng: random.Random, scale: float, digitising: float) -> dict[str, int]:
    received = max(0, round(rng.gauss(12 * scale, 4 * scale)))
    online = round(received * rng.uniform(0.7, 0.97))
    fully_online = round(online * rng.uniform(0.72, 0.98))
    digitised = round(received * min(1.0, rng.gauss(digitising, 0.08)))
    return {
        "CX-01": received,
        "CX-02": online,
        "CX-03": fully_online,
        "CX-04": max(0, digitised),
        "CX-05": rng.randint(0, round(15 * scale)),
        "CX-06": rng.randint(0, round(8 * scale)),
        "CX-07": rng.randint(0, round(25 * scale)),
        "CX-08": rng.choice((0, 0, 0, rng.randint(5, round(40 * scale) + 5))),
    }


@transaction.atomic
def seed_history(days: int, seed: int, end: dt.date, province: Province | None = None) -> int:
    """Create reports for the `days` days ending at `end`; days already reported are kept.
    With `province`, only its units, reporting the counts of its latest plan."""
    rng = random.Random(seed)
    now = timezone.now()
    units = Commune.objects.active()
    reports = DailyReport.objects.all()
    if province is not None:
        units = units.filter(province=province)
        reports = reports.filter(commune__province=province)
    communes = list(units.order_by("code"))
    rules = deadlines.rules_by_province({commune.province_id for commune in communes})
    counts_by_plan = _daily_counts_by_plan()
    submitters = _unit_focal_points(communes)
    existing = set(
        reports.filter(date__range=(end - dt.timedelta(days=days - 1), end))
        .values_list("commune_id", "date")
    )

    reports, values_by_report = [], []
    for commune in communes:
        habit = rng.choices(HABITS, HABIT_WEIGHTS)[0]
        scale = (commune.population or rng.randint(8000, 40000)) / 20000
        digitising = rng.uniform(0.55, 0.95)
        for offset in range(days - 1, -1, -1):
            day = end - dt.timedelta(days=offset)
            weekend = day.weekday() >= 5
            reported = rng.random() < (0.15 if weekend else habit.reports)
            on_time = rng.random() < habit.on_time
            values = _daily_values(rng, 0.2 if weekend else scale, digitising)
            # Draw everything before deciding to skip, so a re-run sees the same sequence.
            submitted_at = _submitted_at(rng, day, on_time)
            # A late report of the last days may not have arrived yet: no report from the future.
            if not reported or (commune.pk, day) in existing or submitted_at > now:
                continue
            reports.append(
                DailyReport(
                    commune=commune,
                    date=day,
                    submitted_by=submitters[commune.pk],
                    submitted_at=submitted_at,
                    is_late=deadlines.is_late(
                        day, submitted_at, rules=rules[commune.province_id]
                    ),
                )
            )
            values_by_report.append(
                (_counts_in_force(counts_by_plan, commune.province_id, day), values)
            )

    DailyReport.objects.bulk_create(reports, batch_size=1000)
    ReportValue.objects.bulk_create(
        (
            ReportValue.for_target(counts[code], report=report, value=Decimal(amount))
            for report, (counts, values) in zip(reports, values_by_report, strict=True)
            for code, amount in values.items()
            if code in counts
        ),
        batch_size=2000,
    )
    return len(reports)


def _daily_counts_by_plan() -> dict[tuple[int, int], dict[str, Target]]:
    """{(province, plan year): {code: daily count}}: each plan has its own CX-01..CX-08."""
    by_plan: dict[tuple[int, int], dict[str, Target]] = {}
    for target in Target.objects.reported_by_communes().select_related("plan"):
        key = (target.plan.province_id, target.plan.year)
        by_plan.setdefault(key, {})[target.code] = target
    return by_plan


def _counts_in_force(
    by_plan: dict[tuple[int, int], dict[str, Target]], province_id: int, day: dt.date
) -> dict[str, Target]:
    """The daily counts of the unit's province's plan in force on `day`, as
    `Target.objects.reported_for` picks it (the latest plan whose year has begun; a demo
    province with only a later plan reports that plan's counts)."""
    years = [year for province, year in by_plan if province == province_id]
    if not years:
        return {}
    begun = [year for year in years if year <= day.year]
    return by_plan[(province_id, max(begun) if begun else min(years))]


# Illustrative progress of the 2025 key tasks at the end of 2025 (the province published
# none): code -> progress (%). Recorded as updates, so the history shows where they came from.
DEMO_KEY_TASK_PROGRESS = {
    "NV25-01": 100, "NV25-02": 100, "NV25-03": 100, "NV25-04": 60, "NV25-05": 100, "NV25-06": 80,
}
DEMO_NOTE = "Minh họa (dữ liệu demo)"

# A few illustrative science-and-technology tasks (the province's list is not public).
DEMO_SCIENCE_TASKS = (
    ("DEMO-KHCN-01", "Ứng dụng trí tuệ nhân tạo hỗ trợ giải quyết thủ tục hành chính cấp xã",
     "digital_transformation", "new", "in_progress", "Trường Đại học Hạ Long",
     "Trung tâm Phục vụ hành chính công tỉnh", 1_800_000_000, False),
    ("DEMO-KHCN-02", "Nuôi trồng hải sản ứng dụng cảm biến IoT tại Vân Đồn", "marine_economy",
     "transitional", "accepted", "Viện Nghiên cứu Hải sản", "UBND đặc khu Vân Đồn",
     2_500_000_000, False),
    ("DEMO-KHCN-03", "Điện mặt trời áp mái cho trụ sở cơ quan nhà nước", "renewable_energy",
     "transitional", "results_applied", "Công ty Điện lực Quảng Ninh", "Sở Công Thương",
     1_200_000_000, True),
    ("DEMO-KHCN-04", "Bệnh án điện tử liên thông tuyến xã", "health", "new", "approved",
     "Bệnh viện Đa khoa tỉnh", "Sở Y tế", 3_000_000_000, False),
)

DEMO_PLAN_NOTE = (
    "Demo plan: a copy of Quang Ninh's plan structure (targets, pillars, units, target values) "
    "made by seed_demo for demonstration only. Replace it with the province's own plan by "
    "importing it in the admin."
)


@transaction.atomic
def seed_plan_extras(today: dt.date, province: Province) -> dict[str, int]:
    """The demo's key-task progress (2025 plan) and illustrative science tasks (is_demo) of
    `province` (Quang Ninh, where the demo logins are)."""
    created = {"key_task_updates": 0, "science_tasks": 0}
    for task in KeyTask.objects.filter(
        plan__province=province, code__in=DEMO_KEY_TASK_PROGRESS, updates__isnull=True
    ):
        day = min(today, task.deadline)
        record_progress(task, day, DEMO_KEY_TASK_PROGRESS[task.code], note=DEMO_NOTE)
        created["key_task_updates"] += 1
    for code, title, field, kind, stage, host, receiving, budget, applied in DEMO_SCIENCE_TASKS:
        _, was_created = ScienceTask.objects.get_or_create(
            province=province, code=code,
            defaults={
                "title": title, "field": field, "kind": kind, "stage": stage,
                "host_organisation": host, "receiving_unit": receiving,
                "budget": Decimal(budget), "results_applied": applied, "is_demo": True,
                "approval_decision": "Minh họa", "approved_on": dt.date(2025, 3, 1),
                "start_date": dt.date(2025, 4, 1), "end_date": dt.date(2026, 12, 31),
            },
        )
        created["science_tasks"] += was_created
    return created


@transaction.atomic
def copy_demo_plan(source: Plan, province: Province, year: int) -> Plan:
    """`province`'s demo plan for `year`: `source`'s targets copied, labelled demo. Kept as it
    is when the province already has a plan for that year."""
    plan, created = Plan.objects.get_or_create(
        province=province, year=year,
        defaults={"title": f"Kế hoạch chuyển đổi số {province.name} năm {year} (demo)",
                  "is_reconstruction": True, "note": DEMO_PLAN_NOTE},
    )
    if not created:
        return plan
    copies = {}
    # Counts before the rates that name them (the database wants a rate's two counts).
    targets = sorted(source.targets.order_by("pk"), key=lambda t: t.numerator_id is not None)
    # A copy contributes to no programme: the programmes belong to the source province.
    skip = ("id", "plan", "numerator", "denominator", "manual_status", "programme_target")
    for target in targets:
        copy = Target(plan=plan, **{
            field.attname: getattr(target, field.attname)
            for field in Target._meta.concrete_fields if field.name not in skip
        })
        copy.numerator = copies.get(target.numerator_id)
        copy.denominator = copies.get(target.denominator_id)
        if copy.deadline:
            copy.deadline = copy.deadline.replace(year=year)
        copy.save()
        copies[target.pk] = copy
    return plan
