"""Every dashboard page and export over real HTTP, and its SQL query count.

Each account of `benchmarks.scenarios` logs in through the real login form (requests, against
gunicorn on loopback), opens each page once to warm up, then `repeat` times: the median and p95
of the time from sending the request to having read the whole (compressed) response. The
query count of the same page is measured in the same run on the same data, in this process,
with Django's test client and `CaptureQueriesContext` (after one warm-up request, so what is
made once, such as the reporting rules' row, is not counted): the app itself carries no
benchmark-only switch.

Bars (issue 10): median <= 50 ms at province scale, <= 150 ms at national scale; query count
the same at both scales (the bar of the query-count row is the other scale's count from its
latest run, kept in benchmarks/query_counts.json).
"""

import json
import re
import time
from pathlib import Path

import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks import scenarios
from benchmarks.environment import SERVER_ENV  # noqa: F401 (the suite's server settings)
from benchmarks.results import Context, Result, median_p95
from communes.models import User

MEDIAN_BAR_MS = {"province": 50.0, "national": 150.0}
QUERY_COUNTS = Path(__file__).with_name("query_counts.json")
OTHER_SCALE = {"province": "national", "national": "province"}

def log_in(base_url: str, username: str, password: str) -> requests.Session:
    """A session signed in through the login form, as a browser would (CSRF token and all)."""
    session = requests.Session()
    login = f"{base_url}/accounts/login/"
    form = session.get(login, timeout=60)
    form.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("the login page has no CSRF token")
    answer = session.post(
        login, data={"username": username, "password": password,
                     "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": login}, allow_redirects=False, timeout=60,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"logging in as {username} failed ({answer.status_code})")
    return session


def time_page(session: requests.Session, url: str, repeat: int) -> list[float]:
    """Seconds per request, after one warm-up request; fails on anything but 200."""
    timings = []
    for run in range(repeat + 1):
        started = time.perf_counter()
        response = session.get(url, allow_redirects=False, timeout=120)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if run:
            timings.append(elapsed)
    return timings


def query_counts(username: str, pages) -> dict[str, int]:
    """SQL queries per page, in this process on the same database (Django's test client)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    counts = {}
    for page in pages:
        client.get(page.path)  # warm-up: what is made once is not the page's
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} answered {response.status_code} to the test client")
        counts[page.name] = len(queries)
    return counts


def _recorded() -> dict[str, dict[str, int]]:
    return json.loads(QUERY_COUNTS.read_text()) if QUERY_COUNTS.exists() else {}


def record_query_counts(scale: str, results: list[Result]) -> None:
    """Keep this scale's query counts for the other scale's next run to compare with."""
    recorded = _recorded()
    recorded[scale] = {result.scenario: int(result.value) for result in results
                       if result.unit == "queries"}
    QUERY_COUNTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")


def measure(ctx: Context, base_url: str, only: str | None = None) -> list[Result]:
    other = _recorded().get(OTHER_SCALE[ctx.scale], {})
    # A yardstick for the machine: the login page reads no data, so its time is the server's
    # floor (Django's middleware, a template, the loopback); on a busy machine it says by how
    # much every figure below is inflated.
    floor, _ = median_p95(time_page(requests.Session(), f"{base_url}/accounts/login/",
                                    ctx.repeat))
    results = [Result("baseline: login page (no data)", "median, real HTTP", floor * 1000, "ms")]
    for account in scenarios.accounts():
        pages = [page for page in account.pages if not only or only in page.name]
        if not pages:
            continue
        counts = query_counts(account.username, pages)
        session = log_in(base_url, account.username, ctx.password)
        for page in pages:
            median, p95 = median_p95(time_page(session, base_url + page.path, ctx.repeat))
            scenario = f"{page.name} ({account.label})"
            results += [
                Result(scenario, "median, real HTTP", median * 1000, "ms",
                       bar=MEDIAN_BAR_MS[ctx.scale]),
                Result(scenario, "p95, real HTTP", p95 * 1000, "ms"),
                Result(scenario, "SQL queries", counts[page.name], "queries",
                       bar=other.get(scenario)),
            ]
            print(f"  {scenario:<48} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
                  f"  {counts[page.name]:3d} queries", flush=True)
    return results
