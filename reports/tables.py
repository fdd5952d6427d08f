"""The officials' list of daily reports, declared once."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.columns import DateColumn, DateTimeColumn
from core.tables import TEMPLATE, Table

from .models import DailyReport


class DailyReportTable(Table):
    date = DateColumn(verbose_name=_("Report date"))  # links to the report (render_date)
    commune = tables.Column(verbose_name=_("Unit"), order_by=("commune__name",))
    status = tables.Column(verbose_name=_("Status"))
    is_late = tables.BooleanColumn(verbose_name=_("Late"))
    submitted_at = DateTimeColumn(verbose_name=_("First submitted"))
    updated_at = DateTimeColumn(verbose_name=_("Last changed"))
    submitted_by = tables.Column(verbose_name=_("Submitted by"))

    class Meta:
        model = DailyReport
        template_name = TEMPLATE
        fields = ("date", "commune", "status", "is_late", "submitted_at", "updated_at",
                  "submitted_by")
        order_by = ("-date",)
        attrs = {"class": "report-table"}
        empty_text = _("No report matches these filters.")

    def render_date(self, value, record, column, bound_column):
        # What `linkify=("reports:detail", {"pk": A("pk")})` wrote, the URL reversed once.
        url = self.url("reports:detail", pk=record.pk)
        return format_html('<a href="{}">{}</a>', url, column.render(value, bound_column))

    def value_date(self, column, **kwargs):
        return column.value(column=column, **kwargs)  # the export's, as without render_date
