import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from communes.loaders import load_units
from communes.models import Commune, Province
from reports.demo import copy_demo_plan, create_demo_users, seed_history, seed_plan_extras
from targets.models import Plan

DEMO_FOCAL_UNIT = "06685"  # Phường Hồng Gai


def _codes(text: str) -> list[str]:
    return [code.strip().zfill(2) for code in text.split(",") if code.strip()]


class Command(BaseCommand):
    help = (
        "Create deterministic demo history (daily reports for every unit) and one demo login "
        "per role. Run load_quangninh first. With --provinces 22,01,79, also load those "
        "provinces' units, give each a demo plan (a copy of Quang Ninh's), history and an "
        "official (official_<code>)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end", type=dt.date.fromisoformat, default=None,
            help="Last day of history (YYYY-MM-DD); default yesterday.",
        )
        parser.add_argument(
            "--provinces", type=_codes, default=[], metavar="CODES",
            help="Comma-separated province codes to add to the demo, e.g. 22,01,79.",
        )

    def handle(self, *args, days: int, seed: int, end: dt.date | None, provinces: list[str],
               **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        focal_unit = Commune.objects.filter(code=DEMO_FOCAL_UNIT).first()
        if focal_unit is None:
            raise CommandError("No Quang Ninh data: run 'python manage.py load_quangninh' first.")
        end = end or timezone.localdate() - dt.timedelta(days=1)
        if not provinces:
            created = seed_history(days=days, seed=seed, end=end)
            self.stdout.write(f"demo history: {created} new daily reports up to {end:%d/%m/%Y}")
            others = []
        else:
            others = self._seed_provinces(provinces, days, seed, end, focal_unit.province)
        extras = seed_plan_extras(end, focal_unit.province)
        self.stdout.write(
            f"demo key-task updates: {extras['key_task_updates']}, "
            f"illustrative science tasks: {extras['science_tasks']}"
        )
        self.stdout.write("Demo logins (password for all: shown below):")
        for login in create_demo_users(focal_unit, others):
            self.stdout.write(f"  {login.username:<12} {login.password}  ({login.role})")

    def _seed_provinces(self, codes, days, seed, end, home: Province) -> list[Province]:
        # Quang Ninh is always part of the demo (the demo logins are there).
        codes = [home.code, *(code for code in codes if code != home.code)]
        try:
            load_units([code for code in codes if code != home.code])
        except ValueError as error:
            raise CommandError(str(error)) from error
        source = Plan.objects.filter(province=home).order_by("-year").first()
        others = []
        for code in codes:
            province = Province.objects.get(code=code)
            if province != home:
                plan = copy_demo_plan(source, province, timezone.localdate().year)
                self.stdout.write(f"{province.name}: demo plan “{plan.title}”")
                others.append(province)
            # Quang Ninh's history is the one seed_demo always makes; the others differ.
            created = seed_history(days=days, seed=seed + (0 if province == home else int(code)),
                                   end=end, province=province)
            self.stdout.write(f"{province.name}: {created} new daily reports up to "
                              f"{end:%d/%m/%Y}")
        return others
