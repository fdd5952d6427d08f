"""The national page's table of provinces, shared by the page and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .compliance import RateColumn


class CountColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__(attrs={"td": {"class": "num"}}, default="—", **kwargs)


class ProvinceTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    province = tables.Column(verbose_name=_("Province"))
    region = tables.Column(verbose_name=_("Region"))
    units = CountColumn(verbose_name=_("Units"))
    owed = CountColumn(verbose_name=_("Reports owed"))
    reporting_rate = RateColumn(verbose_name=_("Reporting rate"))
    on_time_rate = RateColumn(verbose_name=_("On-time rate"))
    plan = tables.Column(verbose_name=_("Plan targets completed"), accessor="completed",
                         order_by=("plan_share",), default="—", attrs={"td": {"class": "num"}})
    behind = CountColumn(verbose_name=_("Targets behind"))
    overdue = CountColumn(verbose_name=_("Targets overdue"))

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table", "id": "provinces-table"}
        order_by = ("code",)
        empty_text = _("No province matches these filters.")

    def render_province(self, record, value):
        # Drill down: that province's overview.
        return format_html('<a href="{}">{}</a>', record["url"], value)

    def value_province(self, value):
        return value

    def render_plan(self, record):
        return f"{record['completed']}/{record['total']}"

    def value_plan(self, record):
        return self.render_plan(record) if record["total"] is not None else None
