from django.core.management.base import BaseCommand

from reports.loaders import load_quangninh


class Command(BaseCommand):
    help = (
        "Load Quang Ninh province, its 54 commune-level units, the 2030 programme (09-NQ/TU), "
        "the 2025 and 2026 plans (reconstructions of their targets, and the 2025 key tasks) "
        "and the published procedure and science-task figures. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also overwrite existing rows with the fixture values (admin edits are lost).",
        )

    def handle(self, *args, update: bool, **options):
        summary = load_quangninh(update=update)
        for label in ("communes", "programme_targets", "targets", "key_tasks", "holidays"):
            outcomes = summary[label]
            counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
            self.stdout.write(f"{label}: {counts}")
        for plan in summary["plans"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{plan}: {plan.targets.in_plan().count()} plan targets, "
                    f"{plan.targets.in_plan().filter(manual_status='completed').count()} "
                    "completed"
                )
            )
