"""What the pages suite times: every dashboard page and export, as each account opens them.

Two accounts read the seeded data: the official of Quang Ninh (the province's own pages) and the
national account (the national page, and Quang Ninh's pages through the province picker,
`?province=22`). At national scale the same URLs read a database 61 times larger, so the same
query count and a flat median are what the issue asks for.
"""

import dataclasses

from benchmarks.accounts import NATIONAL_USERNAME, official_username
from targets.models import Target

PROVINCE = "22"  # Quang Ninh, seeded at both scales
UNIT = "06685"  # Phường Hồng Gai, one of its units
RATE_TARGET = "VN942-DG-02"  # dossiers processed fully online: a rate computed from two counts


@dataclasses.dataclass(frozen=True)
class Page:
    name: str  # "overview", "units: export XLSX"
    path: str  # with its query string


@dataclasses.dataclass(frozen=True)
class Account:
    label: str  # "official", "national"
    username: str
    pages: tuple[Page, ...]


def _with(path: str, query: str, extra: str = "") -> str:
    parts = [part for part in (query, extra) if part]
    return path + ("?" + "&".join(parts) if parts else "")


def province_pages(province_query: str = "") -> list[Page]:
    """Quang Ninh's dashboards and their downloads (`province_query` picks the province for a
    national account)."""
    target = (Target.objects.filter(plan__province__code=PROVINCE, code=RATE_TARGET)
              .order_by("-plan__year").values_list("pk", flat=True).first())
    q = province_query
    pages = [
        Page("overview", _with("/", q)),
        Page("overview: reporting CSV", _with("/", q, "csv=reporting")),
        Page("targets", _with("/targets/", q)),
        Page("targets: export CSV", _with("/targets/", q, "_export=csv")),
        Page("targets: export XLSX", _with("/targets/", q, "_export=xlsx")),
        Page("target detail", _with(f"/targets/{target}/", q)),
        Page("units", _with("/communes/", q)),
        Page("units: export CSV", _with("/communes/", q, "_export=csv")),
        Page("units: export XLSX", _with("/communes/", q, "_export=xlsx")),
        Page("unit detail", _with(f"/communes/{UNIT}/", q)),
        Page("compliance", _with("/compliance/", q)),
        Page("compliance: export CSV", _with("/compliance/", q, "_export=csv")),
        Page("compliance: export XLSX", _with("/compliance/", q, "_export=xlsx")),
        Page("daily reports", _with("/reports/", q)),
        Page("programme", _with("/programme/", q)),
        Page("science tasks", _with("/science-tasks/", q)),
        Page("science tasks: export XLSX", _with("/science-tasks/", q, "_export=xlsx")),
    ]
    return pages


def national_pages() -> list[Page]:
    return [
        Page("national page", "/national/"),
        Page("national page: export CSV", "/national/?_export=csv"),
        Page("national page: export XLSX", "/national/?_export=xlsx"),
        Page("national page: provinces CSV", "/national/?csv=provinces"),
    ]


def accounts() -> list[Account]:
    return [
        Account("official", official_username(PROVINCE), tuple(province_pages())),
        Account("national", NATIONAL_USERNAME,
                tuple(national_pages() + province_pages(f"province={PROVINCE}"))),
    ]
