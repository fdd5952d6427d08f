"""One shape for every benchmark figure, and the table they all print and write to RESULTS.md.

Each suite (pages, roll-ups, load, browser) returns a list of `Result`; `__main__` prints them as
one Markdown table under the machine's description and appends it to benchmarks/RESULTS.md.
"""

import dataclasses
import datetime as dt
import os
import platform
import statistics
from pathlib import Path


@dataclasses.dataclass
class Context:
    """What every suite is told about the seeded data it measures."""

    scale: str  # "province" (Quang Ninh, 54 units) or "national" (34 provinces, 3,321 units)
    days: int  # days of daily reports seeded, ending `end`
    repeat: int  # runs per figure (medians)
    start: dt.date
    end: dt.date
    password: str  # of every account in benchmarks.accounts


@dataclasses.dataclass
class Result:
    scenario: str  # e.g. "page: overview", "rollup: full year", "submissions under load"
    measurement: str  # what the figure is, in words ("median, real HTTP", "p95", "queries")
    value: float
    unit: str  # "ms", "s", "x", "queries", "/s", "KB", "rows"
    bar: float | None = None  # the bar for this figure at this scale, if it has one
    higher_is_better: bool = False  # throughput: the figure must reach the bar, not stay under

    @property
    def meets_bar(self) -> bool | None:
        if self.bar is None:
            return None
        return self.value >= self.bar if self.higher_is_better else self.value <= self.bar

    def row(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        bar = "" if self.bar is None else f"{sign} {_num(self.bar)}"
        verdict = {None: "", True: "yes", False: "**no**"}[self.meets_bar]
        return (f"| {self.scenario} | {self.measurement} | {_num(self.value)} {self.unit} "
                f"| {bar} | {verdict} |")


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}"


def median_p95(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def machine() -> dict[str, str]:
    """Date, cores, memory, load and versions, printed above every table."""
    import django
    from django.db import connection

    version = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")), "0",
    )
    return {
        # UTC, named: Django sets the process's TZ to the deployment's zone (Hanoi time), and a
        # table's time is compared with logs and notes written in UTC.
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "load (1 min) at start": f"{os.getloadavg()[0]:.1f}",
        "versions": f"Python {platform.python_version()}, Django {django.get_version()}, "
                    f"{version}",
    }


def markdown(title: str, info: dict[str, str], results: list[Result]) -> str:
    lines = [f"## {title}, {info['date']}", ""]
    lines += [f"- {key}: {value}" for key, value in info.items() if key != "date"]
    lines += ["", "| scenario | measurement | figure | bar | meets bar |", "|---|---|---|---|---|"]
    lines += [result.row() for result in results]
    return "\n".join(lines) + "\n"
