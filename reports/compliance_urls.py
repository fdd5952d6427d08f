from django.urls import path

from . import compliance_views

app_name = "compliance"
urlpatterns = [
    path("", compliance_views.compliance_index, name="index"),
]
