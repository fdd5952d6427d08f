from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("start/", views.start, name="start"),
    path("today/", views.today, name="today"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/return/", views.return_report, name="return"),
    path("unit/<unitcode:code>/", views.unit_calendar_view, name="calendar"),
    path("unit/<unitcode:code>/<str:day>/", views.report_form, name="form"),
]
