"""The science-and-technology tasks list's filters (page and CSV/XLSX export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import ScienceTask


class ScienceTaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    field = django_filters.ChoiceFilter(
        label=_("Field"), choices=ScienceTask.Field.choices, empty_label=_("all fields")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Transitional or new"), choices=ScienceTask.Kind.choices, empty_label=_("all")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=ScienceTask.Stage.choices, empty_label=_("all stages")
    )
    results_applied = django_filters.BooleanFilter(label=_("Results applied"))

    class Meta:
        model = ScienceTask
        fields = ["q", "field", "kind", "stage", "results_applied"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value)
            | Q(host_organisation__icontains=value) | Q(receiving_unit__icontains=value)
        )
