"""The targets list's filters: one FilterSet drives the page and its CSV/XLSX export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import Pillar, Plan, Target, TargetStatus


def _visible_plans(request):
    if request is None:
        return Plan.objects.none()
    return Plan.objects.visible_to(request.user)


def _agencies(targets):
    agencies = (
        targets.exclude(responsible_agency="")
        .order_by("responsible_agency").values_list("responsible_agency", flat=True).distinct()
    )
    return [(agency, agency) for agency in agencies]


class TargetFilter(django_filters.FilterSet):
    """Expects a queryset annotated by `rollups.progress.with_current_status`."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=_visible_plans, empty_label=_("all plans")
    )
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"), queryset=Pillar.objects.all(), empty_label=_("all pillars")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="current_status", choices=TargetStatus.choices,
        empty_label=_("all statuses"),
    )
    agency = django_filters.ChoiceFilter(
        label=_("Responsible agency"), field_name="responsible_agency", choices=(),
        empty_label=_("all agencies"),
    )

    class Meta:
        model = Target
        fields = ["q", "plan", "pillar", "status", "agency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the agencies of the targets this user is shown, not every province's.
        self.filters["agency"].extra["choices"] = _agencies(self.queryset)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name_vi__icontains=value) | Q(name_en__icontains=value)
        )
