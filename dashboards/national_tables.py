"""The national page's table of provinces, shared by the page and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import TEMPLATE, Table
from core.tabular import NumberColumn

from .compliance import RateColumn


class ProvinceTable(Table):
    code = tables.Column(verbose_name=_("Code"))
    province = tables.Column(verbose_name=_("Province"))
    region = tables.Column(verbose_name=_("Region"))
    units = NumberColumn(verbose_name=_("Units"))
    owed = NumberColumn(verbose_name=_("Reports owed"))
    reporting_rate = RateColumn(verbose_name=_("Reporting rate"))
    on_time_rate = RateColumn(verbose_name=_("On-time rate"))
    # "7/22" on the page; two numbers in exports (completed, then the plan's total).
    plan = NumberColumn(verbose_name=_("Plan targets completed"), accessor="completed",
                        order_by=("plan_share",))
    plan_total = NumberColumn(verbose_name=_("Plan targets"), accessor="total", visible=False)
    behind = NumberColumn(verbose_name=_("Targets behind"))
    overdue = NumberColumn(verbose_name=_("Targets overdue"))

    class Meta:
        template_name = TEMPLATE
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

    def value_plan(self, value):
        return value
