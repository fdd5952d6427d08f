from django.core.management.base import BaseCommand, CommandError

from communes.loaders import load_units


class Command(BaseCommand):
    help = (
        "Create or update provinces and their commune-level units by official code from the "
        "vietnam-provinces package (2025 edition). Safe to run again; never deletes: a unit "
        "the list no longer has is switched off from today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", nargs="+", default=[], metavar="CODE",
                            help="Province code(s), e.g. 22 for Quang Ninh.")
        parser.add_argument("--all", action="store_true", help="Every province (34).")

    def handle(self, *args, province: list[str], all: bool, **options):
        if bool(province) == all:
            raise CommandError("Give --province CODE [CODE ...] or --all.")
        try:
            outcomes = load_units(None if all else province)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for label, count in sorted(outcomes.items()):
            self.stdout.write(f"{label}: {count}")
