"""/api/v1/: the data-exchange API, its OpenAPI schema and its documentation page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import report_views, views

router = SimpleRouter()
router.register("provinces", views.ProvinceViewSet, basename="province")
router.register("units", views.UnitViewSet, basename="unit")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("pillars", views.PillarViewSet, basename="pillar")
router.register("targets", views.TargetViewSet, basename="target")
router.register("reports", report_views.ReportViewSet, basename="report")
router.register("measurements", report_views.MeasurementViewSet, basename="measurement")

app_name = "api"
urlpatterns = [
    *router.urls,
    path("target-days/", views.TargetDayList.as_view(), name="target-days"),
    path("unit-target-days/", views.UnitTargetDayList.as_view(), name="unit-target-days"),
    path("compliance/days/", views.UnitDayList.as_view(), name="compliance-days"),
    path("compliance/units/", views.UnitComplianceList.as_view(), name="compliance-units"),
    path("compliance/provinces/", views.ProvinceComplianceList.as_view(),
         name="compliance-provinces"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script served as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
