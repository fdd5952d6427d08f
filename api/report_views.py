"""Daily reports and province measurements: read what the account may see, write through
`api.writes` (the form's rules, then `reports.services.submit_report`)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied as Forbidden
from rest_framework.response import Response

from communes.models import Commune
from reports import services
from reports.models import DailyReport, ReportValue
from targets.models import Target, TargetMeasurement

from . import filters, serializers, writes
from .views import TABLE_RENDERERS, ApiView

REPORT_RESPONSES = {
    201: serializers.ReportSerializer,
    200: serializers.ReportSerializer,
    400: OpenApiResponse(description="A message per field: `values.<target code>`, `note`, "
                         "`non_field_errors`, and `warnings` for unusual running totals."),
    403: OpenApiResponse(description="A unit you see but do not report for, or a closed day."),
    404: OpenApiResponse(description="A unit you may not see."),
    409: OpenApiResponse(description="The report changed since `expected_version`."),
}


def _forbidden(error: PermissionDenied) -> Forbidden:
    return Forbidden(str(error.args[0]) if error.args else None)


class ReportViewSet(ApiView, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter
    renderer_classes = TABLE_RENDERERS
    ordering = ("-date", "-pk")

    def get_queryset(self):
        values = ReportValue.objects.select_related("target")
        return DailyReport.objects.visible_to(self.request.user).select_related(
            "commune", "submitted_by"
        ).prefetch_related(Prefetch("values", queryset=values))

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.ReportWriteSerializer
        return serializers.ReportSerializer

    @extend_schema(request=serializers.ReportWriteSerializer, responses=REPORT_RESPONSES)
    def create(self, request, *args, **kwargs):
        """Submit (create or update) a unit's report for a day, as the daily form does."""
        payload = serializers.ReportWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        # A unit the account may not see does not exist for it (404), as in the pages.
        commune = get_object_or_404(Commune.objects.visible_to(request.user), code=data["unit"])
        try:
            outcome = writes.submit_daily_report(request.user, commune, data["date"], data)
        except writes.Invalid as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        except services.StaleReport as error:
            current = error.report.version if error.report else None
            message = _("Someone saved this report after you opened it: read it again and "
                        "resend.")
            return Response({"detail": message, "current_version": current},
                            status=status.HTTP_409_CONFLICT)
        except PermissionDenied as error:
            raise _forbidden(error) from error
        report = self.get_queryset().get(pk=outcome.result.report.pk)
        body = serializers.ReportSerializer(report).data
        created = outcome.result.created
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


MEASUREMENT_RESPONSES = {
    201: serializers.MeasurementSerializer,
    200: serializers.MeasurementSerializer,
    400: OpenApiResponse(description="A message per field."),
    403: OpenApiResponse(description="Not an administrator of the target's province."),
    404: OpenApiResponse(description="A target you may not see."),
}


class MeasurementViewSet(ApiView, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Values of province-level targets; province administrators record them (one per target
    and day: a second one for the same day replaces the first)."""

    filterset_class = filters.MeasurementFilter
    renderer_classes = TABLE_RENDERERS
    ordering = "pk"

    def get_queryset(self):
        targets = Target.objects.visible_to(self.request.user)
        return TargetMeasurement.objects.filter(target__in=targets).select_related(
            "target", "entered_by"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.MeasurementWriteSerializer
        return serializers.MeasurementSerializer

    @extend_schema(request=serializers.MeasurementWriteSerializer,
                   responses=MEASUREMENT_RESPONSES)
    def create(self, request, *args, **kwargs):
        payload = serializers.MeasurementWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        target = get_object_or_404(
            Target.objects.visible_to(request.user).select_related("plan"), pk=data["target"]
        )
        try:
            stored, created = writes.record_measurement(
                request.user, target, data["date"], data["value"], data["note"]
            )
        except writes.Invalid as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as error:
            raise _forbidden(error) from error
        body = serializers.MeasurementSerializer(stored).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
