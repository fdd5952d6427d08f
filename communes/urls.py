from django.urls import path

from . import views

app_name = "communes"
urlpatterns = [
    path("", views.commune_list, name="list"),
    path("<str:code>/", views.commune_detail, name="detail"),
]
