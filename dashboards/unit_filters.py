"""The units list's filters: one FilterSet drives the page and its CSV/XLSX export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.models import Commune


def _former_areas(units):
    areas = (
        units.exclude(former_area="").order_by("former_area")
        .values_list("former_area", flat=True).distinct()
    )
    return [(area, area) for area in areas]


class CommuneFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Commune.Kind.choices, empty_label=_("all kinds")
    )
    former_area = django_filters.ChoiceFilter(
        label=_("Former district or city"), choices=(), empty_label=_("all areas")
    )

    class Meta:
        model = Commune
        fields = ["q", "kind", "former_area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the areas of the units this user is shown, not every province's.
        self.filters["former_area"].extra["choices"] = _former_areas(self.queryset)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
