"""Query-string filters of the list endpoints (django-filter). They narrow what the account
may see; they never widen it: every list starts from a `visible_to` queryset."""

import django_filters as filters

from communes.models import Commune
from reports.models import DailyReport, ReportOutcome
from rollups.models import CommuneDay, CommuneTargetDay, TargetDay
from targets.models import Plan, Target, TargetMeasurement, TargetStatus


class DateRange(filters.FilterSet):
    start = filters.DateFilter(field_name="date", lookup_expr="gte", help_text="First day (ISO).")
    end = filters.DateFilter(field_name="date", lookup_expr="lte", help_text="Last day (ISO).")


class UnitFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province__code", help_text="Province code.")
    kind = filters.ChoiceFilter(choices=Commune.Kind.choices)
    former_area = filters.CharFilter(lookup_expr="iexact")
    is_active = filters.BooleanFilter()

    class Meta:
        model = Commune
        fields = ["province", "kind", "former_area", "is_active"]


class PlanFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="province__code", help_text="Province code.")
    year = filters.NumberFilter()

    class Meta:
        model = Plan
        fields = ["province", "year"]


class TargetFilter(filters.FilterSet):
    province = filters.CharFilter(field_name="plan__province__code", help_text="Province code.")
    plan = filters.NumberFilter(field_name="plan_id")
    pillar = filters.CharFilter(field_name="pillar__code", help_text="Pillar code.")
    status = filters.ChoiceFilter(field_name="current_status", choices=TargetStatus.choices)
    source = filters.ChoiceFilter(choices=Target.Source.choices)
    code = filters.CharFilter()

    class Meta:
        model = Target
        fields = ["province", "plan", "pillar", "status", "source", "code"]


class TargetDayFilter(DateRange):
    target = filters.NumberFilter(field_name="target_id")
    plan = filters.NumberFilter(field_name="target__plan_id")
    province = filters.CharFilter(field_name="target__plan__province__code")
    pillar = filters.CharFilter(field_name="target__pillar__code")
    status = filters.ChoiceFilter(choices=TargetStatus.choices)

    class Meta:
        model = TargetDay
        fields = ["target", "plan", "province", "pillar", "status", "start", "end"]


class UnitTargetDayFilter(DateRange):
    target = filters.NumberFilter(field_name="target_id")
    unit = filters.CharFilter(field_name="commune__code", help_text="Unit code.")
    province = filters.CharFilter(field_name="commune__province__code")
    plan = filters.NumberFilter(field_name="target__plan_id")
    pillar = filters.CharFilter(field_name="target__pillar__code")

    class Meta:
        model = CommuneTargetDay
        fields = ["target", "unit", "province", "plan", "pillar", "start", "end"]


class UnitDayFilter(DateRange):
    unit = filters.CharFilter(field_name="commune__code", help_text="Unit code.")
    province = filters.CharFilter(field_name="commune__province__code")
    outcome = filters.ChoiceFilter(choices=ReportOutcome.choices)

    class Meta:
        model = CommuneDay
        fields = ["unit", "province", "outcome", "start", "end"]


class ReportFilter(DateRange):
    unit = filters.CharFilter(field_name="commune__code", help_text="Unit code.")
    province = filters.CharFilter(field_name="commune__province__code")
    status = filters.ChoiceFilter(choices=DailyReport.Status.choices)

    class Meta:
        model = DailyReport
        fields = ["unit", "province", "status", "start", "end"]


class MeasurementFilter(DateRange):
    target = filters.NumberFilter(field_name="target_id")
    province = filters.CharFilter(field_name="target__plan__province__code")

    class Meta:
        model = TargetMeasurement
        fields = ["target", "province", "start", "end"]


class ComplianceUnitFilter(filters.FilterSet):
    """Units of the per-unit compliance summary (the range is `start`/`end`, see the view)."""

    province = filters.CharFilter(field_name="province__code")
    unit = filters.CharFilter(field_name="code")
    former_area = filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Commune
        fields = ["province", "unit", "former_area"]
