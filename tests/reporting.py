"""Write a report straight into the tables, with the roll-up requested in the same transaction.

Roll-up job tests use this to build histories the form would refuse on purpose (partial values,
a chosen submission time); tests of the submission path itself post through the web form or
call `reports.services.submit_report`."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from reports import deadlines
from reports.models import DailyReport, ReportValue
from reports.rollup_queue import request_rollup
from targets.models import Target


def submit_report(commune, day: dt.date, values: dict[str, int], *, user=None,
                  submitted_at: dt.datetime | None = None) -> DailyReport:
    submitted_at = submitted_at or timezone.now()
    targets = {t.code: t for t in Target.objects.filter(code__in=values)}
    with transaction.atomic():
        report = DailyReport.objects.create(
            commune=commune, date=day, submitted_by=user, submitted_at=submitted_at,
            updated_at=submitted_at, is_late=deadlines.is_late(day, submitted_at),
        )
        ReportValue.objects.bulk_create(
            ReportValue.for_target(targets[code], report=report, value=Decimal(amount))
            for code, amount in values.items()
        )
        request_rollup(commune.pk, day)
    return report
