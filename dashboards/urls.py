"""The dashboard pages, in the namespaces the templates name them by."""

from django.urls import path

from . import (
    compliance_views,
    national_views,
    programme_views,
    science_views,
    target_views,
    unit_views,
    views,
)

home_patterns = [path("", views.home, name="home")]

target_patterns = [
    path("", target_views.target_list, name="list"),
    path("<int:pk>/", target_views.target_detail_view, name="detail"),
]

unit_patterns = [
    path("", unit_views.commune_list, name="list"),
    path("<unitcode:code>/", unit_views.commune_detail, name="detail"),
]

compliance_patterns = [
    path("", compliance_views.compliance_index, name="index"),
]

programme_patterns = [
    path("programme/", programme_views.programme_index, name="index"),
    path("programmes/<int:pk>/", programme_views.programme_detail, name="detail"),
]

science_task_patterns = [
    path("", science_views.science_task_list, name="list"),
]

national_patterns = [
    path("", national_views.national_index, name="index"),
]
