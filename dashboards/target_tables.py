"""The targets table, shared by the page and its CSV/XLSX export."""

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.columns import DateColumn
from core.tables import TEMPLATE, Table
from core.tabular import NumberColumn, link_keeping
from rollups.progress import status_label


def _localised(record, field):
    return getattr(record, f"{field}_en" if get_language() == "en" else f"{field}_vi")


class StatusColumn(tables.Column):
    def render(self, value):
        return format_html('<span class="status status-{}">{}</span>', value, status_label(value))

    def value(self, value):
        return status_label(value)


class TargetTable(Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Target"), accessor="name_vi")
    pillar = tables.Column(verbose_name=_("Pillar"), accessor="pillar__order")
    target_value = NumberColumn(verbose_name=_("Target value"))
    current_value = NumberColumn(verbose_name=_("Current value"))
    current_completion = NumberColumn(verbose_name=_("Progress (%)"))
    current_status = StatusColumn(verbose_name=_("Status"))
    deadline = DateColumn(verbose_name=_("Deadline"), short=True)
    responsible_agency = tables.Column(verbose_name=_("Responsible agency"))
    # Exports only (last, so the columns before keep their places): the unit of the target
    # and current values, which the page writes after each value ("%" or "số lượng").
    measure = tables.Column(verbose_name=_("Unit of measure"), accessor="unit", visible=False)

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "data-table", "id": "targets-table"}
        order_by = ("pillar", "code")
        empty_text = _("No target matches these filters.")

    def render_code(self, record, value):
        url = link_keeping(self, self.url("targets:detail", pk=record.pk))
        return format_html('<a href="{}">{}</a>', url, value)

    def value_code(self, value):
        return value

    def render_name(self, record):
        return _localised(record, "name")

    def value_name(self, record):
        return _localised(record, "name")

    def render_pillar(self, record):
        return _localised(record.pillar, "name")

    def value_pillar(self, record):
        return _localised(record.pillar, "name")

    def render_target_value(self, record, value):
        return floatformat(value, "-2g") + ("%" if record.is_percent else "")

    def value_target_value(self, value):
        return value

    def render_current_value(self, record, value):
        return floatformat(value, "-2g") + ("%" if record.is_percent else "")

    def value_current_value(self, value):
        return value

    def value_measure(self, record):
        return "%" if record.is_percent else str(record.get_unit_display())

    def render_current_completion(self, value):
        return floatformat(value, "1g")

    def value_current_completion(self, value):
        return value
