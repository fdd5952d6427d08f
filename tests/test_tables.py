"""`core.tables.Table` writes the same bytes as django-tables2's own template and exports the
same values as its `as_values`, on a table that uses every feature and on the project's tables."""

import datetime as dt

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.html import format_html
from django_tables2 import RequestConfig

from communes.models import Commune, Province
from core import tables as core_tables
from dashboards.compliance import UnitComplianceTable, unit_rows
from dashboards.national import comparison
from dashboards.national_tables import ProvinceTable
from dashboards.science_tables import ScienceTaskTable
from dashboards.target_tables import TargetTable
from dashboards.unit_tables import CommuneTable
from dashboards.units import with_reporting
from reports.demo import seed_plan_extras
from reports.models import DailyReport
from reports.tables import DailyReportTable
from rollups.progress import with_current_status
from targets.models import ScienceTask, Target
from tests.rollup_data import SMALL, fill_rollups

STOCK = "django_tables2/table.html"


def _both(table_class, data, query="", per_page=3, **kwargs):
    """The table rendered by django-tables2's template and by ours, same request."""
    request = RequestFactory().get("/" + query)
    pages = []
    for template in (STOCK, core_tables.TEMPLATE):
        table = table_class(data, template_name=template, **kwargs)
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        pages.append(table.as_html(request))
    return pages


class Everything(core_tables.Table):
    """Links, choices, booleans, defaults, render_/value_ methods, per-cell attributes,
    localisation on and off, escaping."""

    name = tables.Column(linkify=lambda record: f"/units/{record.code}/")
    kind = tables.Column()  # a field with choices: its label
    is_active = tables.BooleanColumn()
    former_area = tables.Column(default="(none)", attrs={"td": {"class": "area"}})
    code = tables.Column(attrs={"td": {"data-code": lambda record: record.code}})
    big = tables.Column(accessor="pk", localize=True)
    raw = tables.Column(accessor="pk", localize=False)
    plain = tables.Column(accessor="pk")
    hidden = tables.Column(accessor="code", visible=False)
    missing = tables.Column(accessor="no_such_attribute")

    class Meta:
        model = Commune
        fields = ("name", "kind", "is_active", "former_area", "code")
        empty_text = "Nothing <here>"
        row_attrs = {"data-id": lambda record: record.pk}

    def render_plain(self, value, record, bound_column):
        return format_html("<b>{}</b>&{}", value * 1000, record.name)

    def value_plain(self, value):
        return value * 1000


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("query", ["", "?page=2", "?sort=-name", "?sort=kind&page=3"])
def test_the_body_is_django_tables2s_own(quangninh, language, query):
    Commune.objects.filter(pk=Commune.objects.order_by("name").first().pk).update(
        name="<Tên> & \"x\"", former_area="")
    with translation.override(language):
        theirs, ours = _both(Everything, Commune.objects.all(), query)
    assert ours == theirs
    assert ours.count("<tr ") == 3  # a page of three rows (the header's is "<tr>")


@pytest.mark.parametrize("empty_text", ["Nothing <here>", None])
def test_an_empty_table_is_django_tables2s_own(db, empty_text):
    theirs, ours = _both(Everything, Commune.objects.none(), empty_text=empty_text)
    assert ours == theirs


def test_exports_are_django_tables2s_values(quangninh):
    table = Everything(Commune.objects.order_by("code"))
    assert list(table.as_values()) == list(tables.Table.as_values(table))
    assert list(table.as_values(exclude_columns=["code"])) == list(
        tables.Table.as_values(table, exclude_columns=["code"]))


def _report_rows(communes):
    now = timezone.now()
    today = timezone.localdate()
    for offset, unit in enumerate(communes):
        DailyReport.objects.create(commune=unit, date=today - dt.timedelta(days=offset),
                                   submitted_at=now, is_late=offset % 2 == 0)
    return DailyReport.objects.select_related("commune", "submitted_by")


def assert_as_django_tables2_writes(cases, language):
    """Each (table class, rows) renders the same bytes as django-tables2's template (first
    page, second page, sorted by its first column descending) and exports the same values."""
    with translation.override(language):
        for table_class, data in cases:
            assert len(data), table_class  # rows to compare, not an empty table
            first_column = next(iter(table_class.base_columns))
            for query in ("", "?page=2", f"?sort=-{first_column}"):
                theirs, ours = _both(table_class, data, query, per_page=5)
                assert ours == theirs, (table_class, query)
            table = table_class(data)
            assert list(table.as_values()) == list(tables.Table.as_values(table))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_projects_tables_are_unchanged(quangninh, language):
    today = timezone.localdate()
    fill_rollups(today, **SMALL)
    reports = _report_rows(Commune.objects.order_by("code")[:7])
    cases = [
        (DailyReportTable, reports),
        (TargetTable, with_current_status(Target.objects.in_plan().select_related("pillar"),
                                          today)),
        (CommuneTable, with_reporting(Commune.objects.all(), today)),
    ]
    assert_as_django_tables2_writes(cases, language)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_compliance_national_and_science_tables_are_unchanged(quangninh, language):
    today = timezone.localdate()
    fill_rollups(today, **SMALL)
    province = Province.objects.get(code="22")
    seed_plan_extras(today, province)
    start = today - dt.timedelta(days=6)
    cases = [
        (UnitComplianceTable, unit_rows(province, start, today)),
        (ProvinceTable, comparison(start, today)["rows"]),
        (ScienceTaskTable, ScienceTask.objects.all()),
    ]
    assert_as_django_tables2_writes(cases, language)
