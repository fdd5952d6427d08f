"""What the benchmarks time. Each entry prepares its data and returns a callable to time."""

import datetime as dt

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from communes import roles
from communes.models import Commune, User


def _official() -> User:
    user, created = User.objects.get_or_create(username="bench-official")
    if created:
        user.groups.add(Group.objects.get(name=roles.PROVINCIAL_OFFICIALS))
    return user


def _page(path: str):
    def prepare():
        client = Client()
        client.force_login(_official())

        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return run

    return prepare


def _rollup_after_submission():
    from rollups.jobs import rollup_after_submission

    commune_id = Commune.objects.get(code="06685").pk
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return lambda: rollup_after_submission(commune_id, yesterday)


def _rollup_last_days(days: int):
    def prepare():
        from rollups.jobs import rollup_range

        end = timezone.localdate()
        return lambda: rollup_range(end - dt.timedelta(days=days - 1), end)

    return prepare


SCENARIOS = {
    "rollup: after one submission": _rollup_after_submission,
    "rollup: every table, last 30 days": _rollup_last_days(30),
    "page: overview": _page("/"),
    "page: targets": _page("/targets/"),
    "page: units": _page("/communes/"),
    "page: compliance (30 days)": _page("/compliance/"),
    "export: units (xlsx)": _page("/communes/?_export=xlsx"),
}
