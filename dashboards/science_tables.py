"""The science-and-technology tasks table, shared by the page and its CSV/XLSX export."""

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy as _

from core.columns import DateColumn
from core.tables import TEMPLATE, Table
from core.tabular import NumberColumn


class ScienceTaskTable(Table):
    code = tables.Column(verbose_name=_("Code"))
    title = tables.Column(verbose_name=_("Title"))
    field = tables.Column(verbose_name=_("Field"))
    kind = tables.Column(verbose_name=_("Transitional or new"))
    approval_decision = tables.Column(verbose_name=_("Approval decision"))
    approved_on = DateColumn(verbose_name=_("Approved on"), short=True)
    host_organisation = tables.Column(verbose_name=_("Host organisation"))
    receiving_unit = tables.Column(verbose_name=_("Unit receiving the results"))
    start_date = DateColumn(verbose_name=_("Start"), short=True)
    end_date = DateColumn(verbose_name=_("End"), short=True)
    budget = NumberColumn(verbose_name=_("Budget (VND)"))
    stage = tables.Column(verbose_name=_("Stage"))
    results_applied = tables.BooleanColumn(verbose_name=_("Results applied"))
    is_demo = tables.BooleanColumn(verbose_name=_("Illustrative (demo)"))

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "data-table", "id": "science-tasks-table"}
        order_by = ("code",)
        empty_text = _("No science-and-technology task matches these filters.")

    def render_budget(self, value):
        return intcomma(int(value))

    def value_budget(self, value):
        return value
