from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    # Registry pages for office staff
    # Liaison pages
    # Public pages
]
