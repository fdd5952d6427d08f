import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from communes.models import Commune
from reports.demo import create_demo_users, seed_history, seed_plan_extras

DEMO_FOCAL_UNIT = "06685"  # Phường Hồng Gai


class Command(BaseCommand):
    help = (
        "Create deterministic demo history (daily reports for every unit) and one demo login "
        "per role. Run load_quangninh first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end", type=dt.date.fromisoformat, default=None,
            help="Last day of history (YYYY-MM-DD); default yesterday.",
        )

    def handle(self, *args, days: int, seed: int, end: dt.date | None, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        focal_unit = Commune.objects.filter(code=DEMO_FOCAL_UNIT).first()
        if focal_unit is None:
            raise CommandError("No Quang Ninh data: run 'python manage.py load_quangninh' first.")
        end = end or timezone.localdate() - dt.timedelta(days=1)
        created = seed_history(days=days, seed=seed, end=end)
        self.stdout.write(f"demo history: {created} new daily reports up to {end:%d/%m/%Y}")
        extras = seed_plan_extras(end)
        self.stdout.write(
            f"demo key-task updates: {extras['key_task_updates']}, "
            f"illustrative science tasks: {extras['science_tasks']}"
        )
        self.stdout.write("Demo logins (password for all: shown below):")
        for login in create_demo_users(focal_unit):
            self.stdout.write(f"  {login.username:<9} {login.password}  ({login.role})")
