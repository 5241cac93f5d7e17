from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    # Registry pages for office staff
    # Liaison pages
    path("my/pairings/", views.my_pairings, name="my-pairings"),
    path("my/pairings/<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    # Public pages
    path("structure/", views.structure, name="structure"),
    path("stats/", views.statistics, name="stats"),
]
