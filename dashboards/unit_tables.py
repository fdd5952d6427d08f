"""The units table, shared by the page and its CSV/XLSX export."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.columns import DateColumn
from core.tables import TEMPLATE, Table
from core.tabular import NumberColumn, link_keeping

from .compliance import RateColumn


class CommuneTable(Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Unit"))
    kind = tables.Column(verbose_name=_("Kind"))
    former_area = tables.Column(verbose_name=_("Former district or city"))
    # "3/5" on the page; two numbers in exports (items done here, the checklist's size last).
    readiness = NumberColumn(verbose_name=_("Readiness"), accessor="pk", orderable=False,
                             export_header=_("Readiness: items done"))
    reporting_rate = RateColumn(verbose_name=_("Reporting rate (30 days)"),
                                export_header=_("Reporting rate, 30 days (%)"))
    on_time_rate = RateColumn(verbose_name=_("On-time rate (30 days)"),
                              export_header=_("On-time rate, 30 days (%)"))
    last_report = DateColumn(verbose_name=_("Last report"), short=True, default="—")
    readiness_items = NumberColumn(verbose_name=_("Readiness: items on the checklist"),
                                   accessor="pk", orderable=False, visible=False)

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "data-table", "id": "communes-table"}
        order_by = ("name",)
        empty_text = _("No unit matches these filters.")

    def render_name(self, record, value):
        url = link_keeping(self, self.url("communes:detail", code=record.code))
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_readiness(self, record):
        done, total = record.readiness()
        return f"{done}/{total}"

    def value_readiness(self, record):
        return record.readiness()[0]

    def value_readiness_items(self, record):
        return record.readiness()[1]
