"""Synthetic data at scale for the benchmarks (never used by the app or the tests)."""

import datetime as dt
import random
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from communes.models import Commune, Province
from reports.loaders import load_quangninh
from reports.models import DailyReport, ReportValue
from targets.models import Target

SCALES = {"province": (1, 54), "country": (34, 3321)}


def fresh_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def seed_scale(scale: str, days: int, seed: int = 7) -> str:
    """Quang Ninh plus synthetic provinces up to the scale's unit count, with `days` of reports."""
    rng = random.Random(seed)
    load_quangninh()
    provinces, units = SCALES[scale]
    extra = units - Commune.objects.count()
    if extra > 0:
        others = Province.objects.bulk_create(
            Province(code=f"9{n:02d}", name=f"Tỉnh thử {n}") for n in range(1, provinces)
        )
        Commune.objects.bulk_create(
            Commune(
                province=others[n % len(others)], code=f"9{n:04d}", name=f"Xã thử {n}",
                kind=Commune.Kind.COMMUNE,
            )
            for n in range(extra)
        )
    counts = list(Target.objects.reported_by_communes())
    end = timezone.localdate() - dt.timedelta(days=1)
    reports = [
        DailyReport(
            commune_id=commune_id, date=end - dt.timedelta(days=offset),
            submitted_at=timezone.now(), is_late=rng.random() < 0.2,
        )
        for commune_id in Commune.objects.values_list("pk", flat=True)
        for offset in range(days)
        if rng.random() < 0.85
    ]
    DailyReport.objects.bulk_create(reports, batch_size=5000)
    ReportValue.objects.bulk_create(
        (
            ReportValue.for_target(target, report=report, value=Decimal(rng.randint(0, 40)))
            for report in reports
            for target in counts
        ),
        batch_size=10000,
    )
    values = len(reports) * len(counts)
    return f"{Commune.objects.count()} units, {len(reports)} reports, {values} values"
