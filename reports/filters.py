"""Filters of the officials' list of daily reports."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from communes.access import sees_several_units
from communes.models import Commune

from .models import DailyReport


def _visible_communes(request):
    if request is None:
        return Commune.objects.none()
    return Commune.objects.visible_to(request.user).order_by("name")


class DailyReportFilter(django_filters.FilterSet):
    commune = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=_visible_communes, empty_label=_("All units")
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DailyReport.Status.choices, empty_label=_("Any status")
    )
    is_late = django_filters.BooleanFilter(
        label=_("Late"),
        widget=forms.Select(choices=[("", "—"), ("true", _("late")), ("false", _("on time"))]),
    )

    class Meta:
        model = DailyReport
        fields = ["commune", "date_from", "date_to", "status", "is_late"]

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A focal point of one unit has no unit to choose.
        if self.request is not None and not sees_several_units(self.request.user):
            del self.filters["commune"]
        elif province is not None:
            # Units to pick from: those of the province listed, not every visible one (a
            # national account would otherwise get 3,321).
            units = _visible_communes(self.request).filter(province=province)
            self.filters["commune"].queryset = units
