"""What the benchmarks time. Each entry returns a zero-argument callable to time."""

from django.test import Client


def _page(path: str, username: str | None = None):
    def prepare():
        client = Client()
        if username:
            from communes.models import User

            client.force_login(User.objects.get(username=username))

        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return run

    return prepare


SCENARIOS = {
    "page: home (anonymous)": _page("/"),
}
