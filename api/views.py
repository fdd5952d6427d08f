"""Thin API views: each starts from the model's `visible_to(user)` (what the account may not
see is a 404 or absent from lists), lets the filterset narrow it and serialises the rows."""

from django.http import Http404
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from communes.models import Commune, Province
from dashboards.compliance import RangeForm
from rollups import rates
from rollups.models import CommuneDay, CommuneTargetDay, TargetDay
from rollups.progress import with_current_status
from targets.models import Pillar, Plan, Target

from . import filters, serializers
from .renderers import CSVRenderer

LANGUAGES = ("vi", "en")
TABLE_RENDERERS = [JSONRenderer, CSVRenderer]


class ApiView:
    """Language from `?lang=` (else Accept-Language, else Vietnamese), before anything can
    answer with a message."""

    def initial(self, request, *args, **kwargs):
        lang = request.query_params.get("lang")
        if lang in LANGUAGES:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)


class ReadOnly(ApiView, viewsets.ReadOnlyModelViewSet):
    renderer_classes = TABLE_RENDERERS


class ProvinceViewSet(ReadOnly):
    serializer_class = serializers.ProvinceSerializer
    lookup_field = "code"
    ordering = "code"

    def get_queryset(self):
        return Province.objects.visible_to(self.request.user)


class UnitViewSet(ReadOnly):
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z_-]+"
    ordering = "code"

    def get_queryset(self):
        return Commune.objects.visible_to(self.request.user).select_related("province")


class PlanViewSet(ReadOnly):
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    ordering = "pk"

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related("province")


class PillarViewSet(ReadOnly):
    """Shared by every province."""

    serializer_class = serializers.PillarSerializer
    lookup_field = "code"
    ordering = "code"
    queryset = Pillar.objects.all()


class TargetViewSet(ReadOnly):
    """Targets with their latest status, value, completion and projection (from TargetDay,
    `rollups.progress.with_current_status`, as the targets page)."""

    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter
    ordering = "pk"

    def get_queryset(self):
        targets = Target.objects.visible_to(self.request.user).select_related(
            "plan__province", "pillar"
        )
        return with_current_status(targets)


class TargetDayList(ApiView, generics.ListAPIView):
    """A target's province value per day (TargetDay)."""

    serializer_class = serializers.TargetDaySerializer
    filterset_class = filters.TargetDayFilter
    renderer_classes = TABLE_RENDERERS
    ordering = "pk"

    def get_queryset(self):
        targets = Target.objects.visible_to(self.request.user)
        return TargetDay.objects.filter(target__in=targets).select_related("target")


class UnitTargetDayList(ApiView, generics.ListAPIView):
    """A target's value per unit and day (CommuneTargetDay)."""

    serializer_class = serializers.UnitTargetDaySerializer
    filterset_class = filters.UnitTargetDayFilter
    renderer_classes = TABLE_RENDERERS
    ordering = "pk"

    def get_queryset(self):
        user = self.request.user
        return CommuneTargetDay.objects.filter(
            commune__in=Commune.objects.visible_to(user),
            target__in=Target.objects.visible_to(user),
        ).select_related("target", "commune")


class UnitDayList(ApiView, generics.ListAPIView):
    """What became of each unit's report each day (CommuneDay)."""

    serializer_class = serializers.UnitDaySerializer
    filterset_class = filters.UnitDayFilter
    renderer_classes = TABLE_RENDERERS
    ordering = "pk"

    def get_queryset(self):
        return CommuneDay.objects.filter(
            commune__in=Commune.objects.visible_to(self.request.user)
        ).select_related("commune")


RANGE_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY,
                     description="First day (ISO); default 29 days before `end`."),
    OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY,
                     description="Last day (ISO); default today. At most 366 days."),
]


class _RangeSummary(ApiView, generics.ListAPIView):
    """Counts and rates over a date range, by the one rule (`rollups.rates`), for the accounts
    that read a whole province (the compliance page's people; focal points get 404)."""

    renderer_classes = TABLE_RENDERERS
    ordering = "code"

    def date_range(self):
        if not hasattr(self, "_range"):
            form = RangeForm(self.request.query_params, today=timezone.localdate())
            if form.is_bound and not form.is_valid():
                raise ValidationError(form.errors)
            self._range = form.range()
        return self._range

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "range": self.date_range()}

    def check_permissions(self, request):
        super().check_permissions(request)
        if not request.user.reads_province_wide:
            raise Http404

    def counted(self, queryset, relation: str):
        start, end = self.date_range()
        extra = rates.window(start, end, prefix=f"{relation}__")
        return queryset.annotate(**rates.count_annotations(relation, f"{relation}__", extra))


@extend_schema(parameters=RANGE_PARAMETERS)
class ProvinceComplianceList(_RangeSummary):
    """Reporting per province over a range: the national comparison for national accounts,
    one row (their own province) for province accounts."""

    serializer_class = serializers.ProvinceComplianceSerializer

    def get_queryset(self):
        provinces = Province.objects.visible_to(self.request.user)
        return self.counted(provinces, "communes__reporting_days")


@extend_schema(parameters=RANGE_PARAMETERS)
class UnitComplianceList(_RangeSummary):
    """Reporting per unit over a range (the compliance page's table)."""

    serializer_class = serializers.UnitComplianceSerializer
    filterset_class = filters.ComplianceUnitFilter

    def get_queryset(self):
        units = Commune.objects.visible_to(self.request.user).select_related("province")
        return self.counted(units, "reporting_days")
