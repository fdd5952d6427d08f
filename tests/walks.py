"""What each role opens, for the accessibility walk (axe-core) and the English-phrase crawl.

`world()` builds the data every page needs (Quang Ninh, 35 days of roll-ups, yesterday's report
of unit A); `walk(role, world, user)` lists (name, path) of the pages that role opens in its day:
the focal point's form, calendar and dashboards, the official's dashboards and reports, and the
administrator's admin pages (index, each of our models' lists, a target's change, import and
history pages)."""

import datetime as dt

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from targets.models import Target
from tests.reporting import submit_report
from tests.rollup_data import fill_rollups

OUR_APPS = {"communes", "targets", "reports", "rollups", "auth"}

# Phrases a Vietnamese page must never show: labels our code, plotly.js, django-tables2,
# Django's admin and django-simple-history leave in English when a translation is missing.
ENGLISH_PHRASES = [
    "Download plot", "Share chart", "Edit in Chart Studio", "Produced with Plotly",
    "Autoscale", "Reset axes", "next", "previous", "ex-", "Daily count", "Commune days",
    "Compliance days", "Commune target days", "Plan days", "Target days", "Completion percent",
    "Projected value", "Updated at", "Expected", "Outcome", "Version", "Name Vi", "Target Value",
    "Is Cumulative", "Counts In Plan", "Manual Status", "Skip to main content", "Toggle theme",
    "Show counts", "Name En", "Is ", "Responsible Agency", "Changed by", "Change reason",
    "Changes", "Object", "administrators",
    "commune_focal_points", "provincial_officials", "Date", "Target", "Value", "Status",
    "Commune", "Report", "Download", "Overview", "Log out", "Search", "Filter", "Add ",
    "mục tiêu",
]


def world(today: dt.date | None = None) -> dict:
    from communes.models import Commune

    today = today or timezone.localdate()
    fill_rollups(today, days=35)
    commune = Commune.objects.get(code="06685")
    codes = list(Target.objects.reported_by_communes().values_list("code", flat=True))
    report = submit_report(commune, today - dt.timedelta(days=1), dict.fromkeys(codes, 3))
    return {
        "today": today,
        "commune": commune,
        "target": Target.objects.get(code="VN942-DG-02", plan__year=today.year),
        "report": report,
    }


def _admin_lists(user) -> list[tuple[str, str]]:
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in OUR_APPS:
            continue
        if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        pages.append((f"admin-{meta.app_label}-{meta.model_name}", url))
    return sorted(pages)


def walk(role: str, world: dict, user=None) -> list[tuple[str, str]]:
    commune, target, report = world["commune"], world["target"], world["report"]
    day = world["today"].isoformat()
    form = reverse("reports:form", args=[commune.code, day])
    calendar = reverse("reports:calendar", args=[commune.code])
    unit = reverse("communes:detail", args=[commune.code])
    if role == "focal":
        return [
            ("form", form), ("calendar", calendar), ("reports", reverse("reports:list")),
            ("report", reverse("reports:detail", args=[report.pk])), ("overview", "/"),
            ("units", reverse("communes:list")), ("unit", unit),
        ]
    pages = [
        ("overview", "/"), ("targets", reverse("targets:list")),
        ("target", reverse("targets:detail", args=[target.pk])),
        ("units", reverse("communes:list")), ("unit", unit),
        ("compliance", reverse("compliance:index")), ("reports", reverse("reports:list")),
        ("report", reverse("reports:detail", args=[report.pk])), ("calendar", calendar),
        ("form-read-only", form),
    ]
    if role == "administrator":
        pages += [
            ("admin-index", reverse("admin:index")),
            ("admin-target-change", reverse("admin:targets_target_change", args=[target.pk])),
            ("admin-target-history", reverse("admin:targets_target_history", args=[target.pk])),
            ("admin-target-import", reverse("admin:targets_target_import")),
            ("admin-target-export", reverse("admin:targets_target_export")),
            ("admin-unit-export", reverse("admin:communes_commune_export")),
            *_admin_lists(user),
        ]
    return pages
