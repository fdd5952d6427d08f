import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollups.jobs import nightly_rollup, rollup_range


class Command(BaseCommand):
    help = (
        "Rebuild the roll-up tables (reporting compliance, target values and status) for a "
        "range of days, e.g. --from 2025-01-01 --to 2025-12-31, or the last --days days. "
        "--nightly runs the nightly job once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=dt.date.fromisoformat)
        parser.add_argument("--days", type=int, help="The last N days up to today.")
        parser.add_argument("--nightly", action="store_true")

    def handle(self, *args, start, end, days, nightly, **options):
        began = time.monotonic()
        today = timezone.localdate()
        if nightly:
            result = nightly_rollup(today)
        else:
            if days is not None:
                if days < 1:
                    raise CommandError("--days must be at least 1.")
                start, end = today - dt.timedelta(days=days - 1), today
            if start is None:
                raise CommandError("Give --from (and optionally --to), --days or --nightly.")
            end = end or today
            if end < start:
                raise CommandError("--to is before --from.")
            result = rollup_range(start, end)
        self.stdout.write(
            f"roll-up {result.start:%d/%m/%Y}..{result.end:%d/%m/%Y}: "
            f"{result.compliance.commune_days} unit-days, "
            f"{result.targets.commune_target_days} unit-target-days, "
            f"{result.targets.target_days} target-days, {result.targets.plan_days} plan-days "
            f"in {time.monotonic() - began:.1f} s"
        )
